import { addMonths, type CalendarDate } from './dates.js';
import type { Problem } from './errors.js';

/**
 * How long a council keeps what it holds about a person (UK GDPR storage limitation). Adult social
 * care records are commonly kept eight years after the last contact; audit records longer, so a
 * complaint or inquiry can still see who did what; anonymous figures for ever.
 */
export interface RetentionPolicy {
  /** Years a person's records are kept after their last budget ended (or their last activity, if none was agreed). */
  readonly personRecordYears: number;
  /** Years audit records and the access log are kept; never shorter than {@link personRecordYears}. */
  readonly auditRecordYears: number;
  /** The shortest period the council's own statutory guidance allows: no period may be shorter. */
  readonly statutoryMinimumYears: number;
}

/** What retention needs to know about one person. */
export interface RetentionFacts {
  /** The last date anything happened to them: a budget ended, money moved, a record changed. */
  readonly lastActivity: CalendarDate;
  /** An agreed budget with no end date, or one ending after today: they are still supported. */
  readonly supportContinues: boolean;
  readonly legalHold: boolean;
  readonly erased: boolean;
}

/** Where a person stands under a policy on a date. */
export type RetentionStatus =
  | { readonly status: 'retained'; readonly retainUntil: CalendarDate | null; readonly reason: 'support-continues' | 'within-period' }
  | { readonly status: 'held'; readonly retainUntil: CalendarDate | null }
  | { readonly status: 'due'; readonly retainUntil: CalendarDate }
  | { readonly status: 'erased' };

/**
 * The problems with a policy: each period a whole number of years, none shorter than the
 * statutory minimum, audit records kept at least as long as the records they audit.
 *
 * @example
 * ```ts
 * retentionPolicyProblems({ personRecordYears: 6, auditRecordYears: 10, statutoryMinimumYears: 8 });
 * // [{ pointer: '/personRecordYears', detail: 'is 6 years, shorter than the statutory minimum of 8' }]
 * ```
 */
export function retentionPolicyProblems(policy: RetentionPolicy): Problem[] {
  const problems: Problem[] = [];
  for (const field of ['personRecordYears', 'auditRecordYears', 'statutoryMinimumYears'] as const) {
    const years = policy[field];
    if (!Number.isInteger(years) || years < 1 || years > 100)
      problems.push({ pointer: `/${field}`, detail: 'must be a whole number of years from 1 to 100' });
  }
  if (problems.length > 0) return problems;
  for (const field of ['personRecordYears', 'auditRecordYears'] as const) {
    if (policy[field] < policy.statutoryMinimumYears)
      problems.push({
        pointer: `/${field}`,
        detail: `is ${policy[field]} years, shorter than the statutory minimum of ${policy.statutoryMinimumYears}`,
      });
  }
  if (problems.length === 0 && policy.auditRecordYears < policy.personRecordYears)
    problems.push({
      pointer: '/auditRecordYears',
      detail: `is ${policy.auditRecordYears} years, shorter than the ${policy.personRecordYears} years person records are kept`,
    });
  return problems;
}

/** The last day a record is kept: `years` after `from`. */
export function retainUntil(from: CalendarDate, years: number): CalendarDate {
  return addMonths(from, years * 12);
}

/**
 * The first day of audit records still kept on `today`: anything before it is past the period.
 *
 * @example
 * ```ts
 * auditRecordsKeptFrom('2036-06-01', { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8 }); // '2026-06-01'
 * ```
 */
export function auditRecordsKeptFrom(today: CalendarDate, policy: RetentionPolicy): CalendarDate {
  return addMonths(today, -12 * policy.auditRecordYears);
}

/**
 * Whether a person's records are due for erasure on `today`: not while support continues or a
 * legal hold stands, and only once the period after their last activity has passed.
 *
 * @example
 * ```ts
 * retentionStatus({ lastActivity: '2018-03-31', supportContinues: false, legalHold: false, erased: false },
 *   { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8 }, '2026-11-26');
 * // { status: 'due', retainUntil: '2026-03-31' }
 * ```
 */
export function retentionStatus(facts: RetentionFacts, policy: RetentionPolicy, today: CalendarDate): RetentionStatus {
  if (facts.erased) return { status: 'erased' };
  if (facts.supportContinues) return { status: 'retained', retainUntil: null, reason: 'support-continues' };
  const until = retainUntil(facts.lastActivity, policy.personRecordYears);
  if (facts.legalHold) return { status: 'held', retainUntil: until };
  return until < today ? { status: 'due', retainUntil: until } : { status: 'retained', retainUntil: until, reason: 'within-period' };
}
