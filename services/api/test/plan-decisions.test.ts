import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { PLAN, withRegisteredProviders } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Who may decide a support plan, and pay from it: separation of duties (the IT health check of
// issue 12, medium 5, and issue 28). Every test here failed on the code before its fix (the
// comment on each says how).

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('one key deciding every stage of a plan (medium 5, separation of duties)', () => {
  // Before: one key holding assessor, team-manager and panel took a plan through every stage
  // and recorded its payment.
  async function readyPlan(on: SetUpCouncil, writer: string) {
    const { assessmentId, personId } = await agreedPerson(t, on);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: on.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const budget = await t.call('POST', '/v1/budgets', { key: on.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    const plan = await t.call('POST', '/v1/support-plans', {
      key: writer,
      body: { budgetId: budget.json().id, ...(await withRegisteredProviders(t, on, PLAN)) },
    });
    const submitted = await t.call('POST', `/v1/support-plans/${plan.json().id}/submit`, {
      key: writer,
      headers: { 'if-match': plan.headers.etag as string },
    });
    return { budgetId: budget.json().id as string, planId: plan.json().id as string, submitted };
  }
  const decide = (planId: string, previous: { headers: Record<string, unknown> }, key: string, body: object, actor?: string) =>
    t.call('POST', `/v1/support-plans/${planId}/decisions`, {
      key,
      headers: { 'if-match': previous.headers.etag as string, ...(actor ? { 'ras-actor': actor } : {}) },
      body: { outcome: 'approve', reasons: 'ok', ...body },
    });

  it('lets the coordinator who wrote the plan agree it, and refuses the same key at the next stage with 409 SAME_ACTOR', async () => {
    const everything = await t.key(council.keys.admin, ['assessor', 'team-manager', 'panel', 'finance'], 'Does it all');
    const { planId, submitted } = await readyPlan(council, everything);
    const coordinator = await decide(planId, submitted, everything, { stage: 'coordinator' });
    expect(coordinator.statusCode, coordinator.body).toBe(200);
    const manager = await decide(planId, coordinator, everything, { stage: 'team-manager' });
    expect(manager.statusCode).toBe(409);
    expect(problemOf(manager).code).toBe('SAME_ACTOR');
    expect((await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' })).statusCode).toBe(200);
  });

  it('refuses the same named person through two keys, and records the name on the decision', async () => {
    const { planId, submitted } = await readyPlan(council, council.keys.assessor);
    const coordinator = await decide(planId, submitted, council.keys.assessor, { stage: 'coordinator' }, 'carefirst:jsmith');
    expect(coordinator.json().decisions[0]).toMatchObject({ stage: 'coordinator', actorName: 'carefirst:jsmith' });
    const same = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'carefirst:jsmith');
    expect(problemOf(same).code).toBe('SAME_ACTOR');
    const other = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'carefirst:apatel');
    expect(other.statusCode).toBe(200);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('actor_name')
      .where('entity_id', '=', planId)
      .where('action', '=', 'support-plan.stage-approved')
      .orderBy('at')
      .execute();
    expect(audit.map((row) => row.actor_name)).toEqual(['carefirst:jsmith', 'carefirst:apatel']);
  });

  it('refuses one key the next stage, a payment and a payment run whatever name it types in Ras-Actor (issue 28)', async () => {
    // Found by issue 28's penetration test: names decided when both calls gave one, so a key
    // holding several roles decided the coordinator stage as "alice" and the manager stage as
    // "bob", and approved at panel as one name and paid as another.
    const bridge = await t.key(council.keys.admin, ['assessor', 'team-manager', 'panel'], 'CareFirst bridge');
    const { planId, submitted } = await readyPlan(council, council.keys.assessor);
    const coordinator = await decide(planId, submitted, bridge, { stage: 'coordinator' }, 'alice');
    expect(coordinator.statusCode, coordinator.body).toBe(200);
    const manager = await decide(planId, coordinator, bridge, { stage: 'team-manager' }, 'bob');
    expect(manager.statusCode).toBe(409);
    expect(problemOf(manager).code).toBe('SAME_ACTOR');
    // The name stays an audit label: another key under the same name is still the same person.
    const sameName = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'ALICE');
    expect(problemOf(sameName).code).toBe('SAME_ACTOR');
    expect((await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'carol')).statusCode).toBe(200);

    const panelAndFinance = await t.key(council.keys.admin, ['panel', 'finance'], 'Panel chair who also pays');
    const ready = await readyPlan(council, council.keys.assessor);
    const first = await decide(ready.planId, ready.submitted, council.keys.assessor, { stage: 'coordinator' });
    const second = await decide(ready.planId, first, council.keys.teamManager, { stage: 'team-manager' });
    const approved = await decide(ready.planId, second, panelAndFinance, { stage: 'panel', startDate: '2026-05-01' }, 'alice');
    expect(approved.statusCode, approved.body).toBe(200);
    await directPaymentAgreement(t, council, ready.budgetId);
    const paid = await t.call('POST', `/v1/budgets/${ready.budgetId}/transactions`, {
      key: panelAndFinance,
      headers: { 'ras-actor': 'bob' },
      body: { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 1, occurredOn: '2026-05-01' },
    });
    expect(problemOf(paid).code).toBe('SAME_ACTOR');
    const run = await t.call('POST', '/v1/payment-runs', { key: council.keys.finance, body: { runDate: '2026-05-01' } });
    expect(run.statusCode, run.body).toBe(201);
    const confirmed = await t.call('POST', `/v1/payment-runs/${run.json().id}/confirm`, {
      key: panelAndFinance,
      headers: { 'ras-actor': 'bob' },
    });
    expect(confirmed.statusCode).toBe(409);
    expect(problemOf(confirmed).code).toBe('SAME_ACTOR');
    const cancelled = await t.call('POST', `/v1/payment-runs/${run.json().id}/cancel`, { key: council.keys.finance });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
  });

  it('refuses a council payment recorded by the key that approved the plan at panel', async () => {
    const panelAndFinance = await t.key(council.keys.admin, ['panel', 'finance'], 'Panel chair who also pays');
    const { budgetId, planId, submitted } = await readyPlan(council, council.keys.assessor);
    const coordinator = await decide(planId, submitted, council.keys.assessor, { stage: 'coordinator' });
    const manager = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' });
    const panel = await decide(planId, manager, panelAndFinance, { stage: 'panel', startDate: '2026-05-01' });
    expect(panel.statusCode, panel.body).toBe(200);
    await directPaymentAgreement(t, council, budgetId);
    const pay = (key: string) =>
      t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
        key,
        body: { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 1, occurredOn: '2026-05-01' },
      });
    const refused = await pay(panelAndFinance);
    expect(refused.statusCode).toBe(409);
    expect(problemOf(refused).code).toBe('SAME_ACTOR');
    expect((await pay(council.keys.finance)).statusCode).toBe(201);
  });

  it('allows one key through every stage when the council relaxes the rule for a small team', async () => {
    const small = await setUpCouncil(t, { separationOfDuties: 'relaxed' });
    const everything = await t.key(small.keys.admin, ['assessor', 'team-manager', 'panel'], 'Small team');
    const { planId, submitted } = await readyPlan(small, everything);
    const coordinator = await decide(planId, submitted, everything, { stage: 'coordinator' });
    const manager = await decide(planId, coordinator, everything, { stage: 'team-manager' });
    const panel = await decide(planId, manager, everything, { stage: 'panel', startDate: '2026-05-01' });
    expect(panel.json()).toMatchObject({ status: 'approved' });
  });

  it('refuses a Ras-Actor header that is empty or too long with 400', async () => {
    for (const actor of ['x'.repeat(201), ' ', '']) {
      const response = await t.call('GET', '/v1/people', { key: council.keys.admin, headers: { 'ras-actor': actor } });
      expect(response.statusCode, JSON.stringify(actor)).toBe(400);
      expect(problemOf(response).errors?.[0]?.pointer).toBe('/headers/ras-actor');
    }
  });
});
