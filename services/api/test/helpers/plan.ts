import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { agreedPerson, directPaymentAgreement, type SetUpCouncil } from './council-setup.js';
import type { TestApp } from './test-app.js';

/**
 * The service's clock stopped the day after the first year of a budget from 2026-05-01 ends, so
 * what is "due" is worked out by hand: every instalment of that year is due by then.
 */
export const AFTER_THE_FIRST_YEAR = fixedClock('2027-05-03');

// The plan from plans-and-money.test.ts: £5,360 a year plus £500 contingency, two outcomes.
export const PLAN = {
  outcomes: [
    { key: 'home', description: 'Stay living in my own flat' },
    { key: 'work', description: 'Keep my job at the café' },
  ],
  lines: [
    {
      description: 'Personal assistant, 8 hours a week',
      outcomeKeys: ['home', 'work'],
      provider: 'Own PA',
      managedBy: 'direct-payment',
      costType: 'weekly',
      amountPence: 8_000,
    },
    {
      description: 'Day service on Fridays',
      outcomeKeys: ['work'],
      provider: 'Brookside Day Centre',
      managedBy: 'council-arranged',
      costType: 'annual',
      amountPence: 100_000,
    },
    {
      description: 'Kitchen equipment',
      outcomeKeys: ['home'],
      provider: 'Local supplier',
      managedBy: 'individual-service-fund',
      costType: 'one-off',
      amountPence: 20_000,
    },
  ],
  contingency: { amountPence: 50_000, plan: 'My sister covers', emergencyCover: 'Out-of-hours agency cover' },
  risks: [{ description: 'Going out alone at night', mitigation: 'Travel buddy scheme', resolved: true }],
  budgetHolder: 'Me',
  supportManager: 'My sister',
  healthySafeAndWell: 'PA checks medication daily; sister visits at weekends',
};

async function step(t: TestApp, previous: LightMyRequestResponse, method: string, url: string, key: string, body?: unknown) {
  const response = await t.call(method, url, {
    key,
    headers: { 'if-match': previous.headers.etag as string },
    ...(body === undefined ? {} : { body }),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response;
}

/**
 * A support plan for a budget, written, submitted and approved at every stage (coordinator, team
 * manager, panel from `startDate`), which agrees the budget. Returns the plan's id.
 */
export async function approvedPlan(
  t: TestApp,
  council: SetUpCouncil,
  budgetId: string,
  plan: object,
  options: { startDate: string; panelKey?: string; panel?: Record<string, unknown>; registerProviders?: boolean },
): Promise<string> {
  // Each individual-service-fund line names its provider in the register, as the run needs to pay it.
  const registered = options.registerProviders === false ? plan : await withRegisteredProviders(t, council, plan);
  const written = await t.call('POST', '/v1/support-plans', { key: council.keys.assessor, body: { budgetId, ...registered } });
  expect(written.statusCode, written.body).toBe(201);
  const url = `/v1/support-plans/${written.json().id}`;
  let last = await step(t, written, 'POST', `${url}/submit`, council.keys.assessor);
  for (const [stage, key, extra] of [
    ['coordinator', council.keys.assessor, {}],
    ['team-manager', council.keys.teamManager, {}],
    ['panel', options.panelKey ?? council.keys.panel, { startDate: options.startDate, ...options.panel }],
  ] as const)
    last = await step(t, last, 'POST', `${url}/decisions`, key, { stage, outcome: 'approve', reasons: 'ok', ...extra });
  return written.json().id as string;
}

/** The council's register entry for a provider, added with a Bacs account the first time it is named. */
export async function registeredProvider(
  t: TestApp,
  council: SetUpCouncil,
  name: string,
  reference = '20-00-00 55555555',
): Promise<string> {
  const response = await t.call('POST', '/v1/providers', {
    key: council.keys.finance,
    body: { name, account: { type: 'bank', reference } },
  });
  if (response.statusCode === 409) return response.json().existingId as string;
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

/** The plan with each individual-service-fund line naming its provider in the register (as the run needs to pay it). */
export async function withRegisteredProviders(t: TestApp, council: SetUpCouncil, plan: object): Promise<object> {
  const lines = (plan as { lines?: { managedBy: string; provider: string; providerId?: string }[] }).lines;
  if (!lines) return plan;
  const named = [];
  for (const line of lines)
    named.push(
      line.managedBy === 'individual-service-fund' && line.providerId === undefined
        ? { ...line, providerId: await registeredProvider(t, council, line.provider) }
        : line,
    );
  return { ...plan, lines: named };
}

/**
 * An agreed budget of £6,250 a year from 2026-05-01 with an approved plan, the person paying
 * `weeklyContributionPence` a week. Returns the ids.
 */
export async function agreedBudget(
  t: TestApp,
  council: SetUpCouncil,
  options: {
    weeklyContributionPence?: number;
    plan?: object;
    budget?: Record<string, unknown>;
    panel?: Record<string, unknown>;
    /** The key that approves at panel (default the council's panel key). */
    panelKey?: string;
    /** Leave out the direct payment agreement a plan with direct-payment lines gets (default made). */
    directPaymentAgreement?: boolean;
    /** The person's client group and answers (default learning disability, 25 points). */
    person?: { clientGroup?: string; answers?: Record<string, unknown> };
  } = {},
) {
  const { personId, assessmentId } = await agreedPerson(t, council, council.keys.assessor, options.person);
  await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
    key: council.keys.finance,
    body: { effectiveFrom: '2026-01-01', weeklyContributionPence: options.weeklyContributionPence ?? 0 },
  });
  const budget = await t.call('POST', '/v1/budgets', {
    key: council.keys.assessor,
    body: { assessmentId, startDate: '2026-05-01', ...options.budget },
  });
  expect(budget.statusCode, budget.body).toBe(201);
  const plan = options.plan ?? PLAN;
  const planId = await approvedPlan(t, council, budget.json().id, plan, {
    startDate: (options.budget?.startDate as string | undefined) ?? '2026-05-01',
    ...(options.panelKey ? { panelKey: options.panelKey } : {}),
    ...(options.panel ? { panel: options.panel } : {}),
  });
  // A plan with direct-payment lines needs its agreement before the first council payment.
  const lines = (plan as { lines?: { managedBy: string }[] }).lines ?? [];
  const agreement =
    options.directPaymentAgreement !== false && lines.some((line) => line.managedBy === 'direct-payment')
      ? await directPaymentAgreement(t, council, budget.json().id)
      : null;
  return {
    personId,
    assessmentId,
    budgetId: budget.json().id as string,
    planId,
    directPaymentAgreementId: agreement?.id ?? null,
  };
}

/**
 * An agreed budget's first year: the council pays its £6,250.00 in, £3,000.00 is spent, and the
 * annual review is completed on 1 May 2027 (so £3,250.00 is unspent and £2,000.00 recommended back
 * under a 20% rule). Returns the review and the completion's answer.
 */
export async function reviewedYear(t: TestApp, council: SetUpCouncil, budgetId: string) {
  const pay = (body: Record<string, unknown>) =>
    t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key: council.keys.finance, body: { occurredOn: '2026-05-01', ...body } });
  expect((await pay({ kind: 'council-payment', amountPence: 625_000 })).statusCode).toBe(201);
  expect((await pay({ kind: 'spend', amountPence: 300_000, category: 'personal-assistant' })).statusCode).toBe(201);
  const completed = await completeAnnualReview(t, council.keys.assessor, budgetId, '2027-05-01');
  expect(completed.statusCode, completed.body).toBe(200);
  return { reviewId: completed.json().id as string, completed };
}

/** Completes a budget's annual review on the date given, rating every outcome of PLAN. */
export async function completeAnnualReview(t: TestApp, key: string, budgetId: string, completedOn: string) {
  const [review] = (await t.call('GET', `/v1/reviews?budgetId=${budgetId}&kind=annual`, { key })).json().items;
  const current = await t.call('GET', `/v1/reviews/${review.id}`, { key });
  return t.call('POST', `/v1/reviews/${review.id}/completion`, {
    key,
    headers: { 'if-match': current.headers.etag as string },
    body: {
      outcomes: [
        { key: 'home', achieved: 'yes' },
        { key: 'work', achieved: 'partly' },
      ],
      spentAsPlanned: 'yes',
      completedOn,
    },
  });
}
