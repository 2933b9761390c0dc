// Issue 11: every figure a council's finance team checks first, worked by hand in the comments
// and asserted over HTTP. One describe per case in the issue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { ANSWERS_25, agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, completeAnnualReview, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  // The service's clock stopped the day after the budgets' first year ends, so what is "due" is
  // worked out by hand: every instalment of a year from 2026-05-01 is due by then.
  t = await createTestApp({ clock: fixedClock('2027-05-03') });
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('1. the desktop exercise tests a proposed scheme against what the cases cost today', () => {
  // Three cases costing £15,000.00 + £16,800.50 + £20,000.00 = £51,800.50 today, 50 + 60 + 80 =
  // 190 points. Proposed: £300 a point. Projected 190 × £300 = £57,000.00, which is £57,000.00 −
  // £51,800.50 = £5,199.50 more than today: the proposal fails Wrexham's test.
  const cases = [
    { ref: 'P1', points: 50, currentAnnualPence: 1_500_000 },
    { ref: 'P2', points: 60, currentAnnualPence: 1_680_050 },
    { ref: 'P3', points: 80, currentAnnualPence: 2_000_000 },
  ];

  it('fails £300 a point by £5,199.50 and shows it in red in the report', async () => {
    const run = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      body: { cases, topSlicePercent: 0, proposed: { method: { type: 'linear', poundsPerPointPence: 30_000 } } },
    });
    expect(run.statusCode, run.body).toBe(201);
    const result = run.json();
    expect(result.integrity).toEqual({
      passes: false,
      currentTotalPence: 5_180_050,
      projectedTotalPence: 5_700_000,
      differencePence: 519_950,
      headroomPence: -519_950,
    });
    // The rate the budget affords is still shown: floor(£51,800.50 ÷ 190) = £272.63.
    expect(result.poundsPerPointPence).toBe(27_263);
    expect(result.proposed).toEqual({ method: { type: 'linear', poundsPerPointPence: 30_000 }, derived: false });
    const report = await t.call('GET', `/v1/calibrations/${result.id}/report`, { key: council.keys.finance });
    expect(report.body).toContain('<strong class="fail">fails</strong> by £5,199.50');
    expect(report.body).toMatch(/\.fail \{ color: #d4351c; \}/);
  });

  it('passes the derived rate, which costs no more than today', async () => {
    // floor(£51,800.50 ÷ 190) = £272.63 a point; 190 × £272.63 = £51,799.70, 80p less than today.
    const run = await t.call('POST', '/v1/calibrations', { key: council.keys.finance, body: { cases, topSlicePercent: 0 } });
    expect(run.json().integrity).toEqual({
      passes: true,
      currentTotalPence: 5_180_050,
      projectedTotalPence: 5_179_970,
      differencePence: -80,
      headroomPence: 80,
    });
  });

  it('names a bad proposed band in a 422', async () => {
    const run = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      body: {
        cases,
        topSlicePercent: 0,
        proposed: {
          method: {
            type: 'banded',
            bands: [
              { fromPoints: 0, toPoints: 10, annualPence: 100 },
              { fromPoints: 5, toPoints: 20, annualPence: 200 },
            ],
          },
        },
      },
    });
    expect(run.statusCode).toBe(422);
    expect(problemOf(run).errors?.[0]?.pointer).toBe('/proposed/method/bands/1/fromPoints');
  });
});

describe('4. charging rules that make no sense are a 422 naming the field', () => {
  const inputs = {
    weeklyIncomePence: 30_000,
    capitalPence: 1_500_000,
    weeklyHousingCostsPence: 0,
    weeklyDisabilityRelatedExpenditurePence: 2_000,
    weeklyMinimumIncomeGuaranteePence: 22_800,
    weeklyCostOfCarePence: 40_000,
  };
  const rules = { lowerCapitalLimitPence: 1_425_000, upperCapitalLimitPence: 2_325_000, tariffStepPence: 25_000, tariffPerStepPence: 100 };

  it('refuses capital limits the wrong way round', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: council.keys.assessor,
      body: { ...inputs, rules: { ...rules, lowerCapitalLimitPence: 2_325_000, upperCapitalLimitPence: 1_425_000 } },
    });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([
      expect.objectContaining({ pointer: '/rules/lowerCapitalLimitPence', detail: expect.stringContaining('£14,250.00') }),
    ]);
  });

  it('refuses a £0 tariff step, naming it under the financial assessment’s calculate', async () => {
    const person = (
      await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'learning-disability' } })
    ).json();
    const response = await t.call('POST', `/v1/people/${person.id}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-04-01', calculate: { ...inputs, rules: { ...rules, tariffStepPence: 0 } } },
    });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toEqual(['/calculate/rules/tariffStepPence']);
  });

  it('refuses a negative Minimum Income Guarantee at the schema, naming it', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: council.keys.assessor,
      body: { ...inputs, weeklyMinimumIncomeGuaranteePence: -1 },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/weeklyMinimumIncomeGuaranteePence');
  });
});

describe('5. every money figure is exact or the request is refused', () => {
  it('refuses an amount above £1,000,000,000 with the field named', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: council.keys.assessor,
      body: {
        weeklyIncomePence: Number.MAX_SAFE_INTEGER,
        capitalPence: 0,
        weeklyHousingCostsPence: 0,
        weeklyDisabilityRelatedExpenditurePence: 0,
        weeklyMinimumIncomeGuaranteePence: 0,
        weeklyCostOfCarePence: Number.MAX_SAFE_INTEGER,
      },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toContain('/weeklyIncomePence');
  });

  it('refuses the clawback inputs that once came back as 18,014,398,509,481,982 pence', async () => {
    // Before: councilPaidPence and personPaidPence of 2^53 − 1 each were added in floating point.
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: council.keys.finance,
      body: {
        annualPence: 1_000_000,
        councilPaidPence: Number.MAX_SAFE_INTEGER,
        personPaidPence: Number.MAX_SAFE_INTEGER,
        spentPence: 0,
        clawback: { type: 'percent', percent: 20 },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/councilPaidPence', '/personPaidPence']));
  });

  it('adds the largest amounts it accepts exactly', async () => {
    // £1bn from the council and £1bn from the person: £2bn paid in, exactly 200,000,000,000 pence.
    // Nothing spent; 20% of a £1bn year may be kept, so £2bn − £200m = £1.8bn is over, of which
    // the council may reclaim no more than the £1bn it paid in.
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: council.keys.finance,
      body: {
        annualPence: 100_000_000_000,
        councilPaidPence: 100_000_000_000,
        personPaidPence: 100_000_000_000,
        spentPence: 0,
        clawback: { type: 'percent', percent: 20 },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ paidInPence: 200_000_000_000, allowancePence: 20_000_000_000, clawbackPence: 100_000_000_000 });
  });
});

/** Sends money into or out of a budget's account as finance. */
async function money(key: string, budgetId: string, body: Record<string, unknown>) {
  return t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key, body: { occurredOn: '2026-05-01', ...body } });
}

describe('2. ASCOF 3D counts a council-managed personal budget as self-directed support', () => {
  it('gives six on direct payments and four all council-arranged 100% (part 1a) and 60% (part 2a), and each person in the CLD export', async () => {
    const c = await setUpCouncil(t);
    const line = (managedBy: string) => ({ ...PLAN.lines[0], costType: 'annual', amountPence: 100_000, managedBy });
    const dp = [];
    for (let i = 0; i < 6; i++) dp.push(await agreedBudget(t, c, { plan: { ...PLAN, lines: [line('direct-payment')] } }));
    const arranged = [];
    for (let i = 0; i < 4; i++) arranged.push(await agreedBudget(t, c, { plan: { ...PLAN, lines: [line('council-arranged')] } }));
    const report = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: c.keys.auditor })).json();
    // Part 1a: (6 + 0 + 4) ÷ 10 = 100.0%. Part 2a: (6 + 0) ÷ 10 = 60.0%.
    expect(report.selfDirectedSupport).toMatchObject({ numerator: 10, denominator: 10, percent: 100 });
    expect(report.directPayments).toMatchObject({ numerator: 6, denominator: 10, percent: 60 });
    const integration = await t.key(c.keys.admin, ['integration']);
    const cld = (await t.call('GET', '/v1/exports/client-level-data', { key: integration })).body
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    expect(cld).toHaveLength(10);
    const byMechanism = (mechanism: string) => cld.filter((r: { Delivery_Mechanism: string }) => r.Delivery_Mechanism === mechanism);
    expect(byMechanism('Direct Payment')).toHaveLength(6);
    expect(byMechanism('CASSR Managed Personal Budget')).toHaveLength(4);
    expect(cld.every((r: { ASCOF_3D_Self_Directed_Support: string }) => r.ASCOF_3D_Self_Directed_Support === 'Y')).toBe(true);
    expect(cld.filter((r: { ASCOF_3D_Direct_Payment: string }) => r.ASCOF_3D_Direct_Payment === 'Y')).toHaveLength(6);
  });
});

describe('3. clawback at review takes the contribution due for the weeks the budget covers', () => {
  it('refunds £100.00 of contribution first, then reclaims £2,086.15, on a 14-week college budget', async () => {
    // The scheme's one band is £42,185.71 a year. For 14 weeks at home: £42,185.71 × 14 ÷ 52 =
    // £11,357.69 (to the penny). Contribution £25 × 14 = £350.00; the council pays £11,007.69.
    const college = await setUpCouncil(
      t,
      {},
      { method: { type: 'banded', bands: [{ fromPoints: 0, toPoints: 100, annualPence: 4_218_571 }] } },
    );
    const { budgetId } = await agreedBudget(t, college, { weeklyContributionPence: 2_500, budget: { weeksAtHome: 14 } });
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: college.keys.finance })).json();
    expect(account.agreement).toMatchObject({ grossAnnualPence: 1_135_769, contributionAnnualPence: 35_000, netAnnualPence: 1_100_769 });
    // The council pays £11,007.69 in one sum; the person pays £450.00; £7,000.00 is spent.
    expect((await money(college.keys.finance, budgetId, { kind: 'council-payment', amountPence: 1_100_769 })).statusCode).toBe(201);
    expect((await money(college.keys.finance, budgetId, { kind: 'contribution', amountPence: 45_000 })).statusCode).toBe(201);
    expect((await money(college.keys.finance, budgetId, { kind: 'spend', amountPence: 700_000, category: 'college' })).statusCode).toBe(
      201,
    );
    // Unspent: £11,457.69 − £7,000.00 = £4,457.69. Due: £350.00, so £100.00 is refunded first.
    // Allowance: 20% of £11,357.69 = £2,271.54 (half-up). Reclaim £4,457.69 − £100.00 − £2,271.54
    // = £2,086.15. (Before: the due contribution was £25 × 52 = £1,300, so no refund and £2,186.15.)
    const completed = await completeAnnualReview(t, college.keys.assessor, budgetId, '2027-05-01');
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json().clawback).toMatchObject({
      periodWeeks: 52,
      contributionDuePence: 35_000,
      underspendPence: 445_769,
      contributionRefundPence: 10_000,
      allowancePence: 227_154,
      clawbackPence: 208_615,
      totalClawbackPence: 208_615,
    });
    const decided = await t.call('POST', `/v1/reviews/${completed.json().id}/clawback`, {
      key: college.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'confirm' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: college.keys.finance })).json();
    // £4,457.69 − £100.00 − £2,086.15 = £2,271.54 left: exactly the allowance.
    expect(after.balancePence).toBe(227_154);
    expect(after.contributionRefundedPence).toBe(10_000);
    expect(after.clawedBackPence).toBe(208_615);
  });
});

const TENANCY_SUPPORT = {
  description: 'Tenancy support, 2 hours a week',
  outcomeKeys: ['home'],
  provider: 'Housing support service',
  managedBy: 'council-arranged',
  costType: 'annual',
  amountPence: 120_000,
  fundedBy: 'supporting-people',
};

describe('6. each funder has its line in the account, its instalments and its own clawback rule', () => {
  it('pays Supporting People through the council and returns its unspent share under its own rule', async () => {
    const c = await setUpCouncil(t);
    // RAS £6,250.00 plus Supporting People £1,200.00 on top (keep none of its underspend).
    const { budgetId } = await agreedBudget(t, c, {
      // Supporting People's money is ring-fenced to the line it funds: tenancy support.
      plan: { ...PLAN, lines: [...PLAN.lines, TENANCY_SUPPORT] },
      budget: {
        fundingStreams: [
          {
            key: 'supporting-people',
            name: 'Supporting People',
            mode: 'added',
            annualPence: 120_000,
            clawback: { type: 'percent', percent: 0 },
          },
        ],
      },
    });
    const before = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    const sp = before.schedule.filter((i: { funder: string }) => i.funder === 'supporting-people');
    // 12 monthly instalments of £100.00 for Supporting People, beside the council's 12.
    expect(sp.map((i: { amountPence: number }) => i.amountPence)).toEqual(Array(12).fill(10_000));
    expect(before.schedule.filter((i: { funder: string }) => i.funder === 'council')).toHaveLength(12);
    // A funder payment needs its stream; council money cannot be recorded as a stream's.
    const unnamed = await money(c.keys.finance, budgetId, { kind: 'funder-payment', amountPence: 120_000 });
    expect(problemOf(unnamed).errors?.[0]?.pointer).toBe('/funder');
    const wrong = await money(c.keys.finance, budgetId, { kind: 'funder-payment', amountPence: 120_000, funder: 'nhs' });
    expect(problemOf(wrong).errors?.[0]).toMatchObject({ pointer: '/funder', detail: 'must be one of "supporting-people"' });
    expect(
      (await money(c.keys.finance, budgetId, { kind: 'funder-payment', funder: 'supporting-people', amountPence: 120_000 })).statusCode,
    ).toBe(201);
    expect((await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 625_000 })).statusCode).toBe(201);
    // £3,725.00 spent: £3,125.00 on the council's support (no line named: the council's) and
    // £600.00 on tenancy support, which only Supporting People's money pays for.
    expect((await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 312_500 })).statusCode).toBe(201);
    expect((await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 60_000, planLine: 3 })).statusCode).toBe(201);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(account.funders.map((f: Record<string, unknown>) => [f.funder, f.name, f.paidInPence, f.spentPence, f.balancePence])).toEqual([
      ['council', 'The council', 625_000, 312_500, 312_500],
      ['supporting-people', 'Supporting People', 120_000, 60_000, 60_000],
    ]);
    expect(account.fundersPaidPence).toBe(120_000);
    expect(account.schedule.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    // At the annual review: the council's £3,125.00 unspent less 20% of £6,250.00 = £1,250.00
    // kept, so £1,875.00 reclaimed; Supporting People keeps 0%, so its £600.00 goes back.
    const completed = await completeAnnualReview(t, c.keys.assessor, budgetId, '2027-05-01');
    expect(completed.json().clawback).toMatchObject({
      clawbackPence: 187_500,
      allowancePence: 125_000,
      funders: [{ funder: 'supporting-people', underspendPence: 60_000, allowancePence: 0, clawbackPence: 60_000 }],
      totalClawbackPence: 247_500,
    });
    // Waiving the council's clawback still returns Supporting People's money: it is not the council's.
    const decided = await t.call('POST', `/v1/reviews/${completed.json().id}/clawback`, {
      key: c.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'waive', reason: 'Carried forward for a planned respite break' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(after.funders.map((f: Record<string, unknown>) => [f.funder, f.returnedPence, f.balancePence])).toEqual([
      ['council', 0, 312_500],
      ['supporting-people', 60_000, 0],
    ]);
    expect(after.balancePence).toBe(312_500);
  });
});

describe('7. explanations are arithmetic a person can redo', () => {
  it('shows the unrounded full year × weeks ÷ 52, then the pound it rounds to; and keeps both referrals', async () => {
    const c = await setUpCouncil(
      t,
      {},
      {
        rounding: 'pound',
        ceilingPence: 400_000,
        method: { type: 'banded', bands: [{ fromPoints: 0, toPoints: 20, annualPence: 500_050 }] },
      },
    );
    // 25 points is above the top band (0–20), whose £5,000.50 shows; rounded, £5,001 is above the
    // £4,000 ceiling. Half a year: £5,000.50 × 26 ÷ 52 = £2,500.25, to the nearest pound £2,500.
    const response = await t.call('POST', '/v1/calculations/budget', {
      key: c.keys.assessor,
      body: { schemeId: c.schemeId, answers: ANSWERS_25, weeksAtHome: 26 },
    });
    expect(response.statusCode, response.body).toBe(200);
    const budget = response.json();
    expect(budget.rasAnnualPence).toBe(250_000);
    expect(budget.explanation.find((step: { key: string }) => step.key === 'pro-rata').text).toBe(
      'Support is for 26 of 52 weeks: £5,000.50 (the full-year amount before rounding) × 26 ÷ 52 = £2,500.25, which is £2,500.00 to the nearest pound.',
    );
    expect(budget.referrals.map((r: { reason: string }) => r.reason)).toEqual(['above-top-band', 'above-ceiling']);
    expect(budget.referral.reason).toBe('above-top-band');
  });
});

describe('8. a lump sum pays the instalments it covers, oldest first', () => {
  it('marks instalments paid and part-paid from one payment, shows the allocation, and asks a named payment for what is still owed', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c);
    // £6,250.00 in 12: four of £520.84 and eight of £520.83. £1,100.00 pays instalments 1 and 2
    // (£1,041.68) and £58.32 of instalment 3, which then owes £520.84 − £58.32 = £462.52.
    const lump = await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 110_000 });
    expect(lump.statusCode).toBe(201);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(account.schedule.slice(0, 4).map((i: Record<string, unknown>) => [i.number, i.status, i.paidPence])).toEqual([
      [1, 'paid', 52_084],
      [2, 'paid', 52_084],
      [3, 'part-paid', 5_832],
      [4, 'due', 0],
    ]);
    expect(account.schedule[2].payments).toEqual([{ transactionId: lump.json().id, amountPence: 5_832 }]);
    const whole = await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 3 });
    expect(problemOf(whole).errors?.[0]).toMatchObject({ pointer: '/amountPence', detail: 'must be 46252 for instalment 3' });
    const rest = await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 46_252, instalmentNumber: 3 });
    expect(rest.statusCode, rest.body).toBe(201);
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(after.schedule[2]).toMatchObject({ status: 'paid', paidPence: 52_084, paidBy: rest.json().id });
    // The whole net budget in one sum pays every instalment.
    const other = await agreedBudget(t, c);
    await money(c.keys.finance, other.budgetId, { kind: 'council-payment', amountPence: 625_000 });
    const all = (await t.call('GET', `/v1/budgets/${other.budgetId}/account`, { key: c.keys.finance })).json();
    expect(all.schedule.every((i: { status: string }) => i.status === 'paid')).toBe(true);
  });
});

describe('9. the panel approves past a failing checklist item only with a reason for each', () => {
  it('asks for a reason per failing item, records them on the decision and shows them on the plan', async () => {
    const c = await setUpCouncil(t);
    const { healthySafeAndWell: _, ...withoutWellbeing } = PLAN;
    const attempt = async (panel: Record<string, unknown>) => {
      try {
        return { ok: await agreedBudget(t, c, { plan: withoutWellbeing, panel }) };
      } catch (error) {
        return { error: String(error) };
      }
    };
    const refused = await attempt({});
    expect(refused.error).toContain('/checklistReasons/healthy-safe-and-well');
    const approved = await attempt({ checklistReasons: { 'healthy-safe-and-well': 'Covered by the district nurse’s care plan' } });
    const plan = (await t.call('GET', `/v1/support-plans/${approved.ok?.planId}`, { key: c.keys.auditor })).json();
    expect(plan.status).toBe('approved');
    expect(plan.decisions.at(-1).checklistReasons).toEqual({ 'healthy-safe-and-well': 'Covered by the district nurse’s care plan' });
    expect(plan.checklist.find((item: { key: string }) => item.key === 'healthy-safe-and-well')).toMatchObject({
      passed: false,
      panelReason: 'Covered by the district nurse’s care plan',
    });
    expect(plan.checklist.map((item: { key: string }) => item.key)).toContain('monthly-payment-schedule');
  });
});

describe('found in review', () => {
  it('keeps a stream the funder pays directly out of the account', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c, {
      budget: {
        fundingStreams: [{ key: 'nhs', name: 'NHS continuing care', mode: 'added', annualPence: 50_000, paysThroughCouncil: false }],
      },
    });
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(account.schedule.every((i: { funder: string }) => i.funder === 'council')).toBe(true);
    const payment = await money(c.keys.finance, budgetId, { kind: 'funder-payment', funder: 'nhs', amountPence: 50_000 });
    expect(problemOf(payment).errors?.[0]).toMatchObject({ pointer: '/funder', detail: 'this budget has no funding streams' });
  });

  it('stops whoever approved the plan at panel putting money in by an adjustment or a reversal', async () => {
    const c = await setUpCouncil(t);
    const panelAndFinance = await t.key(c.keys.admin, ['panel', 'finance'], 'Panel chair who also does finance');
    const { budgetId } = await agreedBudget(t, c, { panelKey: panelAndFinance });
    const adjustment = await money(panelAndFinance, budgetId, {
      kind: 'adjustment',
      direction: 'in',
      amountPence: 1_000,
      description: 'x',
    });
    expect(problemOf(adjustment).code).toBe('SAME_ACTOR');
    const spend = await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 1_000 });
    const reversal = await money(panelAndFinance, budgetId, { kind: 'reversal', reversesTransactionId: spend.json().id });
    expect(problemOf(reversal).code).toBe('SAME_ACTOR');
    // Money out is not theirs to put in: they may record spending.
    expect((await money(panelAndFinance, budgetId, { kind: 'spend', amountPence: 500 })).statusCode).toBe(201);
  });

  it('refuses to complete a review before its budget starts', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c);
    const early = await completeAnnualReview(t, c.keys.assessor, budgetId, '2026-04-30');
    expect(problemOf(early).errors?.[0]?.pointer).toBe('/completedOn');
  });

  it('returns no more than a pot holds when money was spent between the review and the decision', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c);
    // £6,250.00 paid, nothing spent: 20% (£1,250.00) kept, £5,000.00 recommended for reclaim.
    await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 625_000 });
    const completed = await completeAnnualReview(t, c.keys.assessor, budgetId, '2027-05-01');
    expect(completed.json().clawback.clawbackPence).toBe(500_000);
    // £3,000.00 is spent before finance decides: the account holds £3,250.00, so that is all
    // that can go back.
    await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 300_000, occurredOn: '2027-05-02' });
    const decided = await t.call('POST', `/v1/reviews/${completed.json().id}/clawback`, {
      key: c.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'confirm' },
    });
    expect(decided.json().clawback.decision).toMatchObject({ amountPence: 325_000, cappedBecause: expect.any(String) });
    expect((await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json().balancePence).toBe(0);
  });

  it('judges the financial assessment on the start date the panel agrees', async () => {
    // The person's only financial assessment takes effect on 2026-06-01. Agreed from 2026-05-01,
    // none is in force, so the panel must say why; agreed from 2026-06-01, the item passes.
    const c = await setUpCouncil(t);
    const run = async (startDate: string) => {
      const { personId, assessmentId } = await agreedPerson(t, c);
      await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
        key: c.keys.finance,
        body: { effectiveFrom: '2026-06-01', weeklyContributionPence: 0 },
      });
      const budget = await t.call('POST', '/v1/budgets', { key: c.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
      const plan = await t.call('POST', '/v1/support-plans', { key: c.keys.assessor, body: { budgetId: budget.json().id, ...PLAN } });
      let last = await t.call('POST', `/v1/support-plans/${plan.json().id}/submit`, {
        key: c.keys.assessor,
        headers: { 'if-match': plan.headers.etag as string },
      });
      for (const [stage, key] of [
        ['coordinator', c.keys.assessor],
        ['team-manager', c.keys.teamManager],
      ] as const)
        last = await t.call('POST', `/v1/support-plans/${plan.json().id}/decisions`, {
          key,
          headers: { 'if-match': last.headers.etag as string },
          body: { stage, outcome: 'approve', reasons: 'ok' },
        });
      return t.call('POST', `/v1/support-plans/${plan.json().id}/decisions`, {
        key: c.keys.panel,
        headers: { 'if-match': last.headers.etag as string },
        body: { stage: 'panel', outcome: 'approve', reasons: 'ok', startDate },
      });
    };
    const early = await run('2026-05-01');
    expect(problemOf(early).errors?.map((e) => e.pointer)).toEqual(['/checklistReasons/financial-assessment-done']);
    const later = await run('2026-06-01');
    expect(later.statusCode, later.body).toBe(200);
  });
});
