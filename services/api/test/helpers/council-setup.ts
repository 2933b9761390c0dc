import { expect } from 'vitest';
import { SMALL_QUESTIONNAIRE } from './fixtures.js';
import { BOOTSTRAP_TOKEN, type TestApp } from './test-app.js';

/** The small questionnaire's answers worth 25 points (see calculations.test.ts). */
export const ANSWERS_25 = { washing: 'lots', aids: ['hoist', 'rail'], out: 'with' };

export const TEST_CLIENT_GROUPS = ['learning-disability', 'older-people', 'physical-disability', 'mental-health'];

/** The direct payment terms every test council has; agreements accept this version. */
export const DIRECT_PAYMENT_TERMS = { version: '2026-04', text: 'I will spend the money on the support in my plan and keep receipts.' };

/**
 * The direct payment agreement a budget whose plan has direct-payment lines needs before the
 * first council payment: the person holds the money in a bank account.
 */
export async function directPaymentAgreement(t: TestApp, council: SetUpCouncil, budgetId: string, extra: Record<string, unknown> = {}) {
  const response = await requestDirectPaymentAgreement(t, council, budgetId, extra);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; status: string };
}

/** Asks for that agreement (with `extra` fields changed) and returns the answer, whatever it is. */
export function requestDirectPaymentAgreement(t: TestApp, council: SetUpCouncil, budgetId: string, extra: Record<string, unknown> = {}) {
  return t.call('POST', '/v1/direct-payment-agreements', {
    key: council.keys.finance,
    body: {
      budgetId,
      termsVersion: DIRECT_PAYMENT_TERMS.version,
      holder: { type: 'person' },
      account: { type: 'bank', reference: 'DP-000123' },
      acceptedOn: '2026-05-01',
      acceptedBy: 'The person, with their sister',
      ...extra,
    },
  });
}

/** A council with a key per role, the small questionnaire and a £250-a-point scheme for learning disability. */
export interface SetUpCouncil {
  readonly id: string;
  readonly keys: Record<'admin' | 'assessor' | 'teamManager' | 'panel' | 'finance' | 'portal' | 'auditor', string>;
  readonly questionnaireId: string;
  readonly schemeId: string;
}

export async function setUpCouncil(
  t: TestApp,
  settings: Record<string, unknown> = {},
  schemeOverrides: Record<string, unknown> = {},
): Promise<SetUpCouncil> {
  const created = await t.call('POST', '/v1/councils', {
    key: BOOTSTRAP_TOKEN,
    // The four client groups the tests use; the scheme covers learning disability only.
    body: {
      name: `Council ${Date.now()} ${Math.random()}`,
      settings: { clientGroups: TEST_CLIENT_GROUPS, directPaymentTerms: DIRECT_PAYMENT_TERMS, ...settings },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const admin = created.json().adminKey.key as string;
  const keys = {
    admin,
    assessor: await t.key(admin, ['assessor']),
    teamManager: await t.key(admin, ['team-manager']),
    panel: await t.key(admin, ['panel']),
    finance: await t.key(admin, ['finance']),
    portal: await t.key(admin, ['portal']),
    auditor: await t.key(admin, ['auditor']),
  };
  const questionnaireId = (await t.call('POST', '/v1/questionnaires', { key: admin, body: SMALL_QUESTIONNAIRE })).json().id as string;
  const scheme = await t.call('POST', '/v1/allocation-schemes', {
    key: admin,
    body: {
      key: 'ld',
      questionnaireId,
      clientGroups: ['learning-disability'],
      effectiveFrom: '2026-01-01',
      method: { type: 'linear', poundsPerPointPence: 25_000 },
      clawback: { type: 'percent', percent: 20 },
      ...schemeOverrides,
    },
  });
  expect(scheme.statusCode, scheme.body).toBe(201);
  return { id: created.json().council.id, keys, questionnaireId, schemeId: scheme.json().id };
}

/** A person with an agreed, eligible assessment worth 25 points; returns the person and assessment ids. */
export async function agreedPerson(
  t: TestApp,
  council: SetUpCouncil,
  key = council.keys.assessor,
  options: { clientGroup?: string; answers?: Record<string, unknown> } = {},
): Promise<{ personId: string; assessmentId: string }> {
  const person = await t.call('POST', '/v1/people', { key, body: { clientGroup: options.clientGroup ?? 'learning-disability' } });
  const personId = person.json().id as string;
  const created = await t.call('POST', '/v1/assessments', {
    key,
    body: { personId, questionnaireId: council.questionnaireId, completedWith: ['self'], answers: options.answers ?? ANSWERS_25 },
  });
  const submitted = await t.call('POST', `/v1/assessments/${created.json().id}/submit`, {
    key,
    headers: { 'if-match': created.headers.etag as string },
  });
  const agreed = await t.call('POST', `/v1/assessments/${created.json().id}/moderation`, {
    key: council.keys.assessor,
    headers: { 'if-match': submitted.headers.etag as string },
    body: { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
  });
  expect(agreed.statusCode, agreed.body).toBe(200);
  return { personId, assessmentId: created.json().id };
}
