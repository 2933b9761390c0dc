import { describe, expect, it } from 'vitest';
import { auditRecordsKeptFrom, retainUntil, retentionPolicyProblems, retentionStatus } from '../src/index.js';

const policy = { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8 };
const facts = { lastActivity: '2018-03-31', supportContinues: false, legalHold: false, erased: false };

describe('retention', () => {
  it('keeps records the whole period after the last activity, and is due the day after it ends', () => {
    expect(retainUntil('2018-03-31', 8)).toBe('2026-03-31');
    expect(retainUntil('2016-02-29', 8)).toBe('2024-02-29');
    expect(retainUntil('2016-02-29', 1)).toBe('2017-02-28');
    expect(retentionStatus(facts, policy, '2026-03-31')).toEqual({
      status: 'retained',
      retainUntil: '2026-03-31',
      reason: 'within-period',
    });
    expect(retentionStatus(facts, policy, '2026-04-01')).toEqual({ status: 'due', retainUntil: '2026-03-31' });
  });

  it('keeps audit records the audit period back from today', () => {
    expect(auditRecordsKeptFrom('2036-06-01', policy)).toBe('2026-06-01');
    expect(auditRecordsKeptFrom('2036-02-29', policy)).toBe('2026-02-28');
  });

  it('never makes a person due while support continues, a legal hold stands or they are already erased', () => {
    expect(retentionStatus({ ...facts, supportContinues: true }, policy, '2040-01-01')).toEqual({
      status: 'retained',
      retainUntil: null,
      reason: 'support-continues',
    });
    expect(retentionStatus({ ...facts, legalHold: true }, policy, '2040-01-01')).toEqual({ status: 'held', retainUntil: '2026-03-31' });
    expect(retentionStatus({ ...facts, erased: true }, policy, '2040-01-01')).toEqual({ status: 'erased' });
  });

  it('refuses a policy shorter than the statutory minimum, or audit records kept less long than the records', () => {
    expect(retentionPolicyProblems(policy)).toEqual([]);
    expect(retentionPolicyProblems({ ...policy, personRecordYears: 6 })).toEqual([
      { pointer: '/personRecordYears', detail: 'is 6 years, shorter than the statutory minimum of 8' },
    ]);
    expect(retentionPolicyProblems({ ...policy, personRecordYears: 12 })).toEqual([
      { pointer: '/auditRecordYears', detail: 'is 10 years, shorter than the 12 years person records are kept' },
    ]);
    expect(retentionPolicyProblems({ ...policy, auditRecordYears: 2.5 })).toEqual([
      { pointer: '/auditRecordYears', detail: 'must be a whole number of years from 1 to 100' },
    ]);
  });
});
