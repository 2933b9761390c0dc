import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, approvedPlan, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;
let successorId: string;
const budgets: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

// Version 1 (helpers): £250 a point for learning disability and older people, from 2026-01-01.
// Three people, agreed from 2026-05-01:
//   A, older people, 25 points: £6,250.   B, learning disability, 5 points: £1,250.
//   C, learning disability, 12 points (washing 3 + aids 5 = 8 × 1.5): £3,000.
// Version 2 from 2027-04-01 is banded: 0–9 points £2,000; 10–19 £3,000; 20–40 £5,000.
//   A falls to £5,000 (a loser), B rises to £2,000 (a winner), C stays at £3,000.
// Protection of at most 10% lower in a year holds A at £6,250 − £625 = £5,625: £625 of protection.
// Cost a year: £10,500 before; £5,625 + £2,000 + £3,000 = £10,625 after.
/** A plan within B's £1,250: the day service (£1,000 a year) with £100 contingency. */
const SMALL_PLAN = {
  ...PLAN,
  outcomes: [PLAN.outcomes[1]],
  lines: [PLAN.lines[1]],
  contingency: { ...PLAN.contingency, amountPence: 10_000 },
};

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t, {}, { clientGroups: ['learning-disability', 'older-people'] });
  budgets.a = (await agreedBudget(t, council, { person: { clientGroup: 'older-people' } })).budgetId;
  budgets.b = (
    await agreedBudget(t, council, { person: { answers: { washing: 'none', aids: [], out: 'with' } }, plan: SMALL_PLAN })
  ).budgetId;
  budgets.c = (
    await agreedBudget(t, council, { person: { answers: { washing: 'some', aids: ['hoist', 'rail'], out: 'alone' } }, plan: SMALL_PLAN })
  ).budgetId;
  const v2 = await t.call('POST', '/v1/allocation-schemes', {
    key: council.keys.admin,
    body: {
      key: 'ld',
      questionnaireId: council.questionnaireId,
      clientGroups: ['learning-disability', 'older-people'],
      effectiveFrom: '2027-04-01',
      method: {
        type: 'banded',
        bands: [
          { fromPoints: 0, toPoints: 9, annualPence: 200_000 },
          { fromPoints: 10, toPoints: 19, annualPence: 300_000 },
          { fromPoints: 20, toPoints: 40, annualPence: 500_000 },
        ],
      },
      clawback: { type: 'percent', percent: 20 },
    },
  });
  expect(v2.statusCode, v2.body).toBe(201);
  successorId = v2.json().id;
});
afterAll(async () => {
  await t.close();
});

describe('uprating: a new scheme version re-run over the caseload', () => {
  it('dry-runs winners, losers and unchanged by client group and changes nothing, then applies once, and refuses a scheme with no successor', async () => {
    // dry-runs winners, losers and unchanged by client group, with transitional protection, and changes nothing.
    {
      const created = await t.call('POST', '/v1/uprating-runs', {
        key: council.keys.finance,
        body: { schemeId: council.schemeId, transitionalProtection: { maxDecreasePercent: 10 } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const run = created.json();
      expect(run).toMatchObject({
        status: 'dry-run',
        schemeId: successorId,
        replacesSchemeIds: [council.schemeId],
        effectiveFrom: '2027-04-01',
      });
      expect(run.summary.overall).toEqual({
        people: 3,
        winners: 1,
        losers: 1,
        unchanged: 1,
        outsideRas: 0,
        protectedPeople: 1,
        costBeforePence: 1_050_000,
        costAfterPence: 1_062_500,
        protectedPence: 62_500,
      });
      expect(run.summary.byClientGroup.map((g: Record<string, unknown>) => [g.clientGroup, g.costBeforePence, g.costAfterPence])).toEqual([
        ['learning-disability', 425_000, 500_000],
        ['older-people', 625_000, 562_500],
      ]);
      const people = Object.fromEntries(run.people.items.map((p: { budgetId: string }) => [p.budgetId, p]));
      expect(people[budgets.a]).toMatchObject({
        oldAnnualPence: 625_000,
        newAnnualPence: 500_000,
        protectedPence: 62_500,
        upratedAnnualPence: 562_500,
        outcome: 'loser',
        newBudgetId: null,
      });
      expect(people[budgets.b]).toMatchObject({ oldAnnualPence: 125_000, newAnnualPence: 200_000, outcome: 'winner' });
      expect(people[budgets.c]).toMatchObject({ oldAnnualPence: 300_000, newAnnualPence: 300_000, outcome: 'unchanged' });
      // A dry run makes no budgets.
      const list = await t.call('GET', `/v1/budgets?status=indicative`, { key: council.keys.finance });
      expect(list.json().items).toHaveLength(0);

      // Every person as CSV, and the report page with its chart.
      const csv = await t.call('GET', `/v1/uprating-runs/${run.id}?format=csv`, { key: council.keys.auditor });
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body.trim().split('\r\n')).toHaveLength(4);
      expect(csv.body).toContain(`${budgets.a},`);
      const html = await t.call('GET', `/v1/uprating-runs/${run.id}`, { key: council.keys.auditor, headers: { accept: 'text/html' } });
      expect(html.headers['content-type']).toContain('text/html');
      expect(html.body).toContain('Uprating to ld v2 from 2027-04-01');
      expect(html.body).toContain('<svg');
      expect(html.body).toContain('at most 10% lower in one year: 1 people, £625.00 a year');
      // Paging through the people.
      const first = (await t.call('GET', `/v1/uprating-runs/${run.id}?pageSize=2`, { key: council.keys.auditor })).json();
      expect(first.people.items).toHaveLength(2);
      const second = (
        await t.call('GET', `/v1/uprating-runs/${run.id}?pageSize=2&pageToken=${first.people.nextPageToken}`, { key: council.keys.auditor })
      ).json();
      expect(second.people).toMatchObject({ nextPageToken: null });
      expect(second.people.items).toHaveLength(1);
    }

    // applies once: a new indicative budget with its protection and a review for each person, one event per budget.
    {
      const run = (
        await t.call('POST', '/v1/uprating-runs', {
          key: council.keys.finance,
          body: { schemeId: council.schemeId, successorSchemeId: successorId, transitionalProtection: { maxDecreasePercent: 10 } },
        })
      ).json();
      const applied = await t.call('POST', `/v1/uprating-runs/${run.id}/apply`, { key: council.keys.finance });
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json()).toMatchObject({ status: 'applied', version: 2 });
      const person = applied.json().people.items.find((p: { budgetId: string }) => p.budgetId === budgets.a);
      const newBudget = (await t.call('GET', `/v1/budgets/${person.newBudgetId}`, { key: council.keys.finance })).json();
      expect(newBudget).toMatchObject({
        status: 'indicative',
        startDate: '2027-04-01',
        scheme: { id: successorId, version: 2 },
        rasAnnualPence: 500_000,
        transitionalProtection: { previousAnnualPence: 625_000, allowedDecreasePence: 62_500, protectedPence: 62_500 },
        totalAnnualPence: 562_500,
        netAnnualPence: 562_500,
      });
      expect(newBudget.explanation.find((s: { key: string }) => s.key === 'transitional-protection').text).toContain(
        '£625.00 is added: £5,625.00 a year',
      );
      // The protection re-proves itself from the replaced budget and the run's rule (10% of £6,250.00).
      const verified = (await t.call('GET', `/v1/budgets/${person.newBudgetId}/verification`, { key: council.keys.finance })).json();
      expect(verified.status).toBe('matches');
      expect(verified.checks).toContainEqual({
        figure: 'transitionalProtection.allowedDecreasePence',
        stored: 62_500,
        recomputed: 62_500,
        matches: true,
      });
      // The letter to the person: old and new figures, and the protection in plain words.
      const letter = await t.call('GET', `/v1/letters/uprating/${person.newBudgetId}`, { key: council.keys.finance });
      expect(letter.statusCode, letter.body).toBe(200);
      expect(letter.body).toContain('Your budget was £6,250.00 a year. From 1 April 2027 it will be £5,625.00 a year.');
      expect(letter.body).toContain('So we have added £625.00 to yours.');
      // A budget no uprating run made has no uprating letter.
      const notUprated = await t.call('GET', `/v1/letters/uprating/${budgets.a}`, { key: council.keys.finance });
      expect(notUprated.statusCode).toBe(409);
      // Agreed at panel, the new budget keeps its protection.
      await approvedPlan(t, council, person.newBudgetId, SMALL_PLAN, { startDate: '2027-04-01' });
      const agreed = (await t.call('GET', `/v1/budgets/${person.newBudgetId}`, { key: council.keys.finance })).json();
      expect(agreed).toMatchObject({ status: 'agreed', totalAnnualPence: 562_500, transitionalProtection: { protectedPence: 62_500 } });
      // The budget it replaces ends the day before; a later run would not re-work it again.
      const replaced = (await t.call('GET', `/v1/budgets/${budgets.a}`, { key: council.keys.finance })).json();
      expect(replaced.status).toBe('ended');
      // Its last instalment falls after it ended (2027-03-31): paid by the new budget, not this one.
      const oldAccount = (await t.call('GET', `/v1/budgets/${budgets.a}/account`, { key: council.keys.finance })).json();
      const last = oldAccount.schedule.find((i: { funder: string; dueDate: string }) => i.funder === 'council' && i.dueDate > '2027-03-31');
      expect(last).toBeDefined();
      const late = await t.call('POST', `/v1/budgets/${budgets.a}/transactions`, {
        key: council.keys.finance,
        body: { kind: 'council-payment', amountPence: last.amountPence, instalmentNumber: last.number, occurredOn: '2027-03-31' },
      });
      expect(late.statusCode).toBe(409);

      const review = (await t.call('GET', `/v1/reviews/${person.reviewId}`, { key: council.keys.finance })).json();
      expect(review).toMatchObject({ budgetId: budgets.a, kind: 'interim', dueDate: '2027-04-01', status: 'scheduled' });

      const events = async () =>
        (await t.call('GET', '/v1/events?type=budget.created&pageSize=200', { key: council.keys.admin }))
          .json()
          .items.filter((e: { data: { upratingRunId?: string } }) => e.data.upratingRunId === run.id);
      expect(await events()).toHaveLength(3);

      // Applying again changes nothing and answers the run as it is.
      const again = await t.call('POST', `/v1/uprating-runs/${run.id}/apply`, { key: council.keys.finance });
      expect(again.statusCode).toBe(200);
      expect(again.json().version).toBe(2);
      expect(await events()).toHaveLength(3);
      // Another run over the same version cannot be applied as well.
      const rival = (await t.call('POST', '/v1/uprating-runs', { key: council.keys.finance, body: { schemeId: council.schemeId } })).json();
      const second = await t.call('POST', `/v1/uprating-runs/${rival.id}/apply`, { key: council.keys.finance });
      expect(second.statusCode).toBe(409);
      expect(problemOf(second).code).toBe('INVALID_STATE');
    }

    // refuses a scheme with no successor, naming the field.
    {
      const none = await t.call('POST', '/v1/uprating-runs', { key: council.keys.finance, body: { schemeId: successorId } });
      expect(none.statusCode).toBe(422);
      expect(problemOf(none)).toMatchObject({ code: 'NO_SUCCESSOR_SCHEME', errors: [{ pointer: '/schemeId' }] });
      const backwards = await t.call('POST', '/v1/uprating-runs', {
        key: council.keys.finance,
        body: { schemeId: successorId, successorSchemeId: council.schemeId },
      });
      expect(problemOf(backwards).errors?.[0]?.pointer).toBe('/successorSchemeId');
      const badPercent = await t.call('POST', '/v1/uprating-runs', {
        key: council.keys.finance,
        body: { schemeId: council.schemeId, transitionalProtection: { maxDecreasePercent: 2.555 } },
      });
      expect(badPercent.statusCode).toBe(422);
      expect(problemOf(badPercent).errors?.[0]?.pointer).toBe('/transitionalProtection/maxDecreasePercent');
      const noLimit = await t.call('POST', '/v1/uprating-runs', {
        key: council.keys.finance,
        body: { schemeId: council.schemeId, transitionalProtection: {} },
      });
      expect(noLimit.statusCode).toBe(400);
      expect(
        (await t.call('POST', '/v1/uprating-runs', { key: council.keys.assessor, body: { schemeId: council.schemeId } })).statusCode,
      ).toBe(403);
    }
  });
});
