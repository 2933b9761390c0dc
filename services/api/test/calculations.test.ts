import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_CHARACTER_DETAIL } from '../src/http/control-characters.js';
import { BudgetCalculation, BudgetCalculationSummary, ClawbackResult, ContributionResult } from '../src/routes/v1/calculations/schemas.js';
import { Problem } from '../src/schemas/common.js';
import { expectDocumentedShape } from './helpers/documented-shape.js';
import { SMALL_QUESTIONNAIRE } from './helpers/fixtures.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Figures worked out by hand from the small questionnaire:
//   care (weight 1.5, cap 20): washing none 0 / some 3 / lots 9; aids (multi, cap 5) hoist 4, rail 2
//   community: out alone 0 / with 5 / never 12
const HIGH = { washing: 'lots', aids: ['hoist', 'rail'], out: 'with' }; // care 9+min(5,6)=14 → 21 → cap 20; +5 = 25 points
const LOW = { washing: 'some', aids: [], out: 'never' }; // care 3 → 4.5 → 5 (half up); +12 = 17 points

let t: TestApp;
let adminKey: string;
let portalKey: string;
let questionnaireId: string;

async function createScheme(body: Record<string, unknown>): Promise<string> {
  const response = await t.call('POST', '/v1/allocation-schemes', {
    key: adminKey,
    body: {
      key: 'calc',
      questionnaireId,
      clientGroups: ['any'],
      effectiveFrom: '2026-04-01',
      clawback: { type: 'percent', percent: 20 },
      ...body,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

async function budget(body: Record<string, unknown>) {
  const response = await t.call('POST', '/v1/calculations/budget', { key: portalKey, body });
  expect(response.statusCode, response.body).toBe(200);
  expectDocumentedShape(BudgetCalculation, response.json());
  return response.json();
}

beforeAll(async () => {
  t = await createTestApp();
  adminKey = (await t.council()).adminKey;
  portalKey = await t.key(adminKey, ['portal']);
  questionnaireId = (await t.call('POST', '/v1/questionnaires', { key: adminKey, body: SMALL_QUESTIONNAIRE })).json().id;
});
afterAll(() => t.close());

describe('calculateBudget', () => {
  it('scores, pro-rates, adds streams and nets off the contribution, naming the versions used', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 25_000 } });
    const result = await budget({
      schemeId,
      answers: HIGH,
      weeksAtHome: 38,
      weeklyContributionPence: 2_000,
      fundingStreams: [
        { key: 'ilf', name: 'Independent Living Fund', mode: 'included', annualPence: 100_000 },
        { key: 'sp', name: 'Supporting People', mode: 'added', annualPence: 50_000 },
      ],
    });
    expect(result.totalPoints).toBe(25);
    expect(result.sections.map((s: { points: number }) => s.points)).toEqual([20, 5]);
    expect(result.sections[0].questions[1]).toMatchObject({ key: 'aids', points: 5, uncappedPoints: 6, capped: true });
    expect(result.fullYearPence).toBe(625_000); // 25 × £250
    expect(result.rasAnnualPence).toBe(456_731); // 625,000 × 38 / 52 = 456,730.77 → half up
    expect(result.totalAnnualPence).toBe(506_731); // + £500 Supporting People
    expect(result.councilAnnualPence).toBe(356_731); // the RAS amount 456,731 − 100,000 ILF (included): not the total, which counts Supporting People on top
    expect(result.annualContributionPence).toBe(76_000); // £20 × 38 weeks
    expect(result.netAnnualPence).toBe(280_731);
    expect(result.questionnaire).toMatchObject({ id: questionnaireId, version: 1 });
    expect(result.scheme).toMatchObject({ id: schemeId, key: 'calc' });
    expect(result.explanation.map((step: { key: string }) => step.key)).toContain('pro-rata');
    expect(result.explanation.at(-1)).toMatchObject({ key: 'net', value: 280_731, unit: 'pence' });
  });

  it('answers the same figures without the breakdown or explanation when asked for a summary', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 25_000 }, ceilingPence: 500_000 });
    const body = { schemeId, answers: HIGH, weeksAtHome: 38, weeklyContributionPence: 2_000 };
    const full = await budget(body);
    const response = await t.call('POST', '/v1/calculations/budget?view=summary', { key: portalKey, body });
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json();
    expectDocumentedShape(BudgetCalculationSummary, summary);
    expect(summary).not.toHaveProperty('sections');
    expect(summary).not.toHaveProperty('explanation');
    const { sections: _sections, explanation: _explanation, ...figures } = full;
    expect(summary).toEqual(figures);
    expect(summary).toMatchObject({ totalPoints: 25, rasAnnualPence: 456_731, netAnnualPence: 380_731 });
    expect(summary.referrals.map((referral: { reason: string }) => referral.reason)).toEqual(['above-ceiling']);
    expect(response.body.length).toBeLessThan(JSON.stringify(full).length / 2);

    const unknown = await t.call('POST', '/v1/calculations/budget?view=short', { key: portalKey, body });
    expect(unknown.statusCode).toBe(400);
    expect(problemOf(unknown).errors[0].pointer).toBe('/query/view');
  });

  it('applies bands, and refers a total above the top band', async () => {
    const schemeId = await createScheme({
      method: {
        type: 'banded',
        bands: [
          { fromPoints: 0, toPoints: 9, annualPence: 150_000 },
          { fromPoints: 10, toPoints: 19, annualPence: 400_000 },
          { fromPoints: 20, toPoints: 24, annualPence: 900_000 },
        ],
      },
    });
    const low = await budget({ schemeId, answers: LOW });
    expect(low.totalPoints).toBe(17);
    expect(low.rasAnnualPence).toBe(400_000);
    expect(low.referral).toBeNull();
    const high = await budget({ schemeId, answers: HIGH });
    expect(high.rasAnnualPence).toBe(900_000);
    expect(high.referral).toMatchObject({ reason: 'above-top-band', topBandToPoints: 24, totalPoints: 25 });
  });

  it('refers below the floor for a worker-set amount, and above the ceiling while still showing the amount', async () => {
    const schemeId = await createScheme({
      method: { type: 'linear', poundsPerPointPence: 25_000 },
      floorPoints: 18,
      ceilingPence: 500_000,
    });
    const low = await budget({ schemeId, answers: LOW });
    expect(low.belowFloor).toBe(true);
    expect(low.rasAnnualPence).toBe(0);
    expect(low.explanation.find((step: { key: string }) => step.key === 'floor')?.text).toContain('floor of 18 points');
    expect(low.referral).toMatchObject({ reason: 'below-floor', totalPoints: 17 });
    const high = await budget({ schemeId, answers: HIGH });
    expect(high.rasAnnualPence).toBe(625_000);
    expect(high.referral).toMatchObject({ reason: 'above-ceiling', ceilingPence: 500_000, fullYearPence: 625_000 });
  });

  it('rounds to whole pounds when the scheme says so', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 12_345 }, rounding: 'pound' });
    const result = await budget({ schemeId, answers: HIGH });
    expect(result.rasAnnualPence).toBe(308_600); // 25 × £123.45 = £3,086.25 → £3,086
  });

  it('never lets the contribution exceed the council share', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 1_000 } });
    const result = await budget({ schemeId, answers: LOW, weeklyContributionPence: 50_000 });
    expect(result.councilAnnualPence).toBe(17_000);
    expect(result.annualContributionPence).toBe(17_000);
    expect(result.netAnnualPence).toBe(0);
  });

  it('lists every answer that does not fit, and counts missing ones as incomplete', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 1_000 } });
    const bad = await t.call('POST', '/v1/calculations/budget', {
      key: portalKey,
      body: { schemeId, answers: { washing: 'everything', aids: 'hoist', nonsense: 'x' } },
    });
    expect(bad.statusCode).toBe(422);
    const problem = problemOf(bad);
    expect(problem.code).toBe('INVALID_ANSWERS');
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(['/answers/aids', '/answers/nonsense', '/answers/washing']);
    const partial = await budget({ schemeId, answers: { washing: 'lots' } });
    expect(partial.complete).toBe(false);
    expect(partial.missingQuestionKeys).toEqual(['out']);
    expect(partial.totalPoints).toBe(14); // 9 × 1.5 = 13.5 → 14
  });

  it('does not reach another council’s scheme', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 1_000 } });
    const other = await t.council();
    const response = await t.call('POST', '/v1/calculations/budget', { key: other.adminKey, body: { schemeId, answers: HIGH } });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/schemeId');
  });
});

describe('calculateBudgets', () => {
  const send = (url: string, payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-ndjson', ...headers }, payload });
  const batch = (lines: string, query = '') => send(`/v1/calculations/budgets${query}`, lines, { authorization: `Bearer ${portalKey}` });
  const answersOf = (body: string) =>
    body
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));

  it('answers every line in order, each bad line with its problem, and carries on after it', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 25_000 } });
    const other = await t.council();
    const otherQuestionnaire = (await t.call('POST', '/v1/questionnaires', { key: other.adminKey, body: SMALL_QUESTIONNAIRE })).json().id;
    const otherScheme = (
      await t.call('POST', '/v1/allocation-schemes', {
        key: other.adminKey,
        body: {
          key: 'theirs',
          questionnaireId: otherQuestionnaire,
          clientGroups: ['any'],
          effectiveFrom: '2026-04-01',
          method: { type: 'linear', poundsPerPointPence: 25_000 },
          clawback: { type: 'percent', percent: 20 },
        },
      })
    ).json().id;
    const lines = [
      JSON.stringify({ ref: 'case-1', schemeId, answers: HIGH, weeksAtHome: 38, weeklyContributionPence: 2_000 }),
      '{"schemeId": ',
      JSON.stringify({ ref: 'case-bell', schemeId, answers: { ...LOW, washing: 'some\u0007' } }),
      '',
      JSON.stringify({ ref: 'case-3', schemeId, answers: { washing: 'a-lot' } }),
      JSON.stringify({ ref: 'case-4', schemeId, answers: LOW, weeksAtHome: 'all' }),
      JSON.stringify({ ref: 'case-5', schemeId: otherScheme, answers: LOW }),
      JSON.stringify({ schemeId, answers: LOW }),
    ].join('\r\n');
    const response = await batch(lines);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const answers = answersOf(response.body);
    expect(answers.map((answer) => [answer.line, answer.ref, answer.problem?.code ?? 'ok'])).toEqual([
      [1, 'case-1', 'ok'],
      [2, undefined, 'MALFORMED_JSON'],
      [3, 'case-bell', 'VALIDATION_FAILED'],
      [5, 'case-3', 'INVALID_ANSWERS'],
      [6, 'case-4', 'VALIDATION_FAILED'],
      [7, 'case-5', 'INVALID_INPUT'],
      [8, undefined, 'ok'],
    ]);
    // The same answer calculateBudget gives for the same body.
    const single = await budget({ schemeId, answers: HIGH, weeksAtHome: 38, weeklyContributionPence: 2_000 });
    expect(answers[0].calculation).toEqual(single);
    expect(answers[0].calculation.netAnnualPence).toBe(380_731);
    expect(answers[6].calculation.totalPoints).toBe(17);
    expect(answers[2].problem.errors).toEqual([{ pointer: '/answers/washing', detail: CONTROL_CHARACTER_DETAIL }]);
    expect(answers[3].problem.errors[0]).toMatchObject({ pointer: '/answers/washing' });
    expect(answers[4].problem.errors).toEqual([{ pointer: '/weeksAtHome', detail: expect.any(String) }]);
    // Another council's scheme is not found, as for calculateBudget.
    expect(answers[5].problem.errors).toEqual([{ pointer: '/schemeId', detail: 'is not a scheme of this council' }]);
    for (const answer of answers.filter((a) => a.problem)) expectDocumentedShape(Problem, answer.problem);
  });

  it('answers summaries when asked, and a line too long to read as too long', async () => {
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 25_000 } });
    const good = JSON.stringify({ schemeId, answers: HIGH });
    const long = JSON.stringify({ schemeId, answers: HIGH, ref: 'x'.repeat(1_100_000) });
    const response = await batch([good, long, good].join('\n'), '?view=summary');
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const answers = answersOf(response.body);
    expect(answers.map((answer) => answer.problem?.code ?? 'ok')).toEqual(['ok', 'PAYLOAD_TOO_LARGE', 'ok']);
    expectDocumentedShape(BudgetCalculationSummary, answers[0].calculation);
    expect(answers[2].calculation).toMatchObject({ totalPoints: 25, rasAnnualPence: 625_000 });
    expect(answers[2].calculation).not.toHaveProperty('explanation');
  });

  it('answers a line nested 10,000 deep with a control character at the bottom with its own problem, and goes on (issue 28)', async () => {
    // Found by issue 28's review: walking such a line for control characters overflowed outside
    // the line's own error handling, and the whole batch was reset.
    const schemeId = await createScheme({ method: { type: 'linear', poundsPerPointPence: 25_000 } });
    const good = JSON.stringify({ schemeId, answers: HIGH });
    const deep = `{"schemeId":"${schemeId}","answers":${'['.repeat(10_000)}"\\u0000"${']'.repeat(10_000)}}`;
    const justDeepEnough = `{"schemeId":"${schemeId}","answers":{"washing":${'['.repeat(30)}"a\\u0000"${']'.repeat(30)}}}`;
    const response = await batch([good, deep, justDeepEnough, good].join('\n'));
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const answers = answersOf(response.body);
    expect(answers.map((answer) => [answer.line, answer.problem?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'VALIDATION_FAILED'],
      [3, 'VALIDATION_FAILED'],
      [4, 'ok'],
    ]);
    expect(answers[1].problem.errors).toEqual([{ pointer: '', detail: 'nests objects and arrays more than 32 levels deep' }]);
    // Within the depth limit, the control character is found and named, however deep.
    expect(answers[2].problem.errors).toEqual([{ pointer: `/answers/washing${'/0'.repeat(30)}`, detail: CONTROL_CHARACTER_DETAIL }]);
    // A single request body is held to the same depth.
    const single = await t.app.inject({
      method: 'POST',
      url: '/v1/calculations/budget',
      headers: { authorization: `Bearer ${portalKey}`, 'content-type': 'application/json' },
      payload: deep,
    });
    expect(single.statusCode).toBe(400);
    expect(problemOf(single).errors).toEqual([{ pointer: '', detail: 'nests objects and arrays more than 32 levels deep' }]);
  });

  it('refuses a compressed batch it cannot read, a batch sent as JSON, and a key it does not know', async () => {
    const compressed = await send('/v1/calculations/budgets', 'x', { authorization: `Bearer ${portalKey}`, 'content-encoding': 'gzip' });
    expect(compressed.statusCode).toBe(415);
    const json = await t.call('POST', '/v1/calculations/budgets', { key: portalKey, body: { schemeId: 'x', answers: {} } });
    expect(json.statusCode).toBe(415);
    expect(problemOf(json).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // Only the batch reads NDJSON: calculateBudget does not.
    const single = await send('/v1/calculations/budget', '{}', { authorization: `Bearer ${portalKey}` });
    expect(single.statusCode).toBe(415);
    const anonymous = await send('/v1/calculations/budgets', '{}');
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('calculateContribution', () => {
  const base = {
    weeklyIncomePence: 30_000,
    weeklyHousingCostsPence: 1_500,
    weeklyDisabilityRelatedExpenditurePence: 2_000,
    weeklyMinimumIncomeGuaranteePence: 22_800,
    weeklyCostOfCarePence: 10_000,
  };

  it.each([
    // capital, tariff, weekly charge: income + tariff − MIG − DRE − housing, capped at the cost of care
    [1_425_000, 0, 3_700], // at the lower limit: no tariff; 300 − 228 − 20 − 15 = £37
    [1_425_001, 100, 3_800], // 1p over: one step of £250 or part
    [2_000_000, 2_300, 6_000], // £5,750 over: 23 steps
    [2_325_000, 3_600, 7_300], // at the upper limit: 36 steps
    [2_325_001, 0, 10_000], // over the upper limit: the full cost
  ])('capital %i pence → tariff %i, charge %i', async (capitalPence, tariff, charge) => {
    const response = await t.call('POST', '/v1/calculations/contribution', { key: portalKey, body: { ...base, capitalPence } });
    expect(response.statusCode).toBe(200);
    expectDocumentedShape(ContributionResult, response.json());
    expect(response.json()).toMatchObject({ tariffIncomePence: tariff, weeklyContributionPence: charge });
  });

  it('uses the thresholds it is given', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: portalKey,
      body: {
        ...base,
        capitalPence: 1_100_000,
        rules: { lowerCapitalLimitPence: 1_000_000, upperCapitalLimitPence: 2_000_000, tariffStepPence: 50_000, tariffPerStepPence: 200 },
      },
    });
    expect(response.json().tariffIncomePence).toBe(400); // £1,000 over, 2 steps of £500 at £2
  });
});

describe('calculateClawback', () => {
  it.each([
    // annual £10,400 over half a year: council paid £5,200, person £260, spent £3,000 → unspent £2,460
    [{ type: 'percent', percent: 20 }, 104_000, 142_000], // keep 20% × 10,400 × 26/52 = £1,040
    [{ type: 'weeks', weeks: 8 }, 160_000, 86_000], // keep 8 weeks: 10,400 × 8/52 = £1,600
  ])('rule %j → allowance %i, clawback %i', async (clawback, allowance, reclaim) => {
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: portalKey,
      body: { annualPence: 1_040_000, periodWeeks: 26, councilPaidPence: 520_000, personPaidPence: 26_000, spentPence: 300_000, clawback },
    });
    expect(response.statusCode).toBe(200);
    expectDocumentedShape(ClawbackResult, response.json());
    expect(response.json()).toMatchObject({ underspendPence: 246_000, allowancePence: allowance, clawbackPence: reclaim });
  });

  it('never reclaims more than the council paid in', async () => {
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: portalKey,
      body: {
        annualPence: 100_000,
        councilPaidPence: 10_000,
        personPaidPence: 90_000,
        spentPence: 0,
        clawback: { type: 'percent', percent: 0 },
      },
    });
    expect(response.json().clawbackPence).toBe(10_000);
  });

  it('refuses money that is not whole pence', async () => {
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: portalKey,
      body: { annualPence: 100.5, councilPaidPence: -1, spentPence: 1e300, clawback: { type: 'percent', percent: 20 } },
    });
    expect(response.statusCode).toBe(400);
    expect(
      problemOf(response)
        .errors?.map((error) => error.pointer)
        .sort(),
    ).toEqual(['/annualPence', '/councilPaidPence', '/spentPence']);
  });
});
