import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { createTestApp, statementsOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;
let approvedPlanId = '';

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2026-07-15') });
  council = await setUpCouncil(t);
  // Two people's approved plans, each with its chain of decisions, then 300 drafts of the first
  // person's plan made in one statement: a panel's queue long enough to page through.
  approvedPlanId = (await agreedBudget(t, council)).planId;
  await agreedBudget(t, council);
  await sql`
    insert into support_plans (id, council_id, budget_id, person_id, status, plan, created_by_key_id)
    select gen_random_uuid(), council_id, budget_id, person_id, 'draft', plan, created_by_key_id
      from support_plans cross join generate_series(1, 300)
     where id = ${approvedPlanId}`.execute(t.database.db);
});
afterAll(() => t.close());

/** The statements `listSupportPlans` makes for a page, less the access log's (written in the background, in batches). */
async function statementsForPage(pageSize: number): Promise<{ statements: string[]; items: { id: string; decisions: unknown[] }[] }> {
  let items: { id: string; decisions: unknown[] }[] = [];
  const statements = await statementsOf(async () => {
    const page = await t.call('GET', `/v1/support-plans?pageSize=${pageSize}`, { key: council.keys.assessor });
    expect(page.statusCode, page.body).toBe(200);
    items = page.json().items;
  });
  return { statements: statements.filter((statement) => !/insert into "?access_log"?/i.test(statement)), items };
}

describe('listSupportPlans', () => {
  it('reads a page of 200 plans in at most 6 statements, as many as a page of one', async () => {
    await statementsForPage(1); // the key is looked up once, then remembered
    const one = await statementsForPage(1);
    const full = await statementsForPage(200);
    expect(full.items).toHaveLength(200);
    // Before, each plan read its budget, decisions, financial assessment and the council: 602 for this page.
    expect(full.statements.length, full.statements.join('\n')).toBeLessThanOrEqual(6);
    expect(full.statements.length).toBe(one.statements.length);
    // Each plan is shown with its own decisions: the approved plan its chain, a draft none.
    const approved = full.items.find((item) => item.id === approvedPlanId);
    expect(approved?.decisions.length).toBeGreaterThanOrEqual(3);
    expect(full.items.filter((item) => item.id !== approvedPlanId).every((item) => item.decisions.length <= 3)).toBe(true);
    expect(full.items.some((item) => item.decisions.length === 0)).toBe(true);
  });
});
