import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(async () => {
  await t.close();
});

async function person(c: SetUpCouncil, dateOfBirth?: string) {
  const response = await t.call('POST', '/v1/people', {
    key: c.keys.assessor,
    body: { clientGroup: 'learning-disability', ...(dateOfBirth ? { dateOfBirth } : {}) },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

// One person's week, worked by hand below under each policy: ESA £200, PIP daily living £73.35,
// PIP mobility £28.70 (always ignored), £14,900 savings, care costing £300 a week.
const CIRCUMSTANCES = {
  household: 'single',
  premiums: { disability: true },
  incomes: [
    { kind: 'employment-support-allowance', weeklyPence: 20_000 },
    { kind: 'pip-daily-living', weeklyPence: 7_335 },
    { kind: 'pip-mobility', weeklyPence: 2_870 },
  ],
  capitalPence: 1_490_000,
  weeklyHousingCostsPence: 1_500,
  weeklyCostOfCarePence: 30_000,
};

describe('charging policy as dated council data', () => {
  it('works a contribution out under the shipped England policy, then under the council’s own from its date', async () => {
    const personId = await person(council, '1990-06-15');
    // Shipped England 2025/26, aged 35: MIG £112.50 + £49.65 disability premium = £162.15.
    // Income counted £273.35 (PIP mobility ignored); £14,900 is £650 over £14,250: 3 steps → £3 tariff.
    // £276.35 − £162.15 − £0 DRE − £15 housing = £99.20 a week.
    const shipped = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2025-10-01', circumstances: CIRCUMSTANCES },
    });
    expect(shipped.statusCode, shipped.body).toBe(201);
    expect(shipped.json()).toMatchObject({
      method: 'calculated',
      weeklyContributionPence: 9_920,
      chargingPolicy: { id: 'england-2025-26', version: null },
      calculation: {
        inputs: { ageBand: '25-to-pension-age' },
        result: { minimumIncomeGuaranteePence: 16_215, tariffIncomePence: 300, disregardedIncomePence: 2_870 },
      },
    });

    // The council's own policy from 1 April 2026: a £10.85 standard DRE allowance and a £1.25 minimum.
    const created = await t.call('POST', '/v1/charging-policies', {
      key: council.keys.finance,
      body: {
        name: 'Charging policy 2026/27',
        effectiveFrom: '2026-04-01',
        basedOn: 'england-2025-26',
        changes: { standardDisabilityRelatedExpenditurePence: 1_085, minimumWeeklyChargePence: 125 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(`/v1/charging-policies/${created.json().id}`);
    expect(created.json()).toMatchObject({ version: 1, shipped: false, basedOn: 'england-2025-26', effectiveTo: null });
    expect(created.json().rules.minimumIncomeGuarantee.single.aged25ToPensionAgePence).toBe(11_250);

    // Same week under it (PIP daily living brings the standard DRE): £99.20 − £10.85 = £88.35.
    const own = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-04-01', circumstances: CIRCUMSTANCES },
    });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({
      weeklyContributionPence: 8_835,
      chargingPolicy: { id: created.json().id, version: 1, name: 'Charging policy 2026/27' },
    });
    const explanation = own.json().calculation.result.explanation as { key: string; text: string }[];
    expect(explanation.find((s) => s.key === 'disability-related-expenditure')?.text).toContain('standard allowance of £10.85');

    const listed = await t.call('GET', '/v1/charging-policies', { key: council.keys.auditor });
    expect(listed.json().items.map((p: { id: string }) => p.id)).toEqual([created.json().id]);
    const read = await t.call('GET', `/v1/charging-policies/${created.json().id}`, { key: council.keys.assessor });
    expect(read.json()).toEqual(created.json());
    const englandShipped = await t.call('GET', '/v1/charging-policies/england-2025-26', { key: council.keys.assessor });
    expect(englandShipped.json()).toMatchObject({ shipped: true, version: null, effectiveFrom: '2025-04-07' });
  });

  it('refuses dates that clash with another policy, naming the field and the policy', async () => {
    const c = await setUpCouncil(t);
    const first = await t.call('POST', '/v1/charging-policies', {
      key: c.keys.finance,
      body: { name: '2026/27', effectiveFrom: '2026-04-01', effectiveTo: '2027-03-31', basedOn: 'england-2025-26' },
    });
    expect(first.statusCode, first.body).toBe(201);
    for (const dates of [
      { effectiveFrom: '2026-04-01' },
      { effectiveFrom: '2026-10-01' },
      { effectiveFrom: '2026-01-01', effectiveTo: '2026-04-01' },
    ]) {
      const clash = await t.call('POST', '/v1/charging-policies', {
        key: c.keys.finance,
        body: { name: 'clash', basedOn: 'england-2025-26', ...dates },
      });
      expect(clash.statusCode, clash.body).toBe(409);
      expect(problemOf(clash).code).toBe('CHARGING_POLICY_OVERLAP');
      expect(problemOf(clash).errors?.[0]?.pointer).toBe('/effectiveFrom');
      expect(clash.json().existingId).toBe(first.json().id);
    }
    // The day after it ends is free.
    const after = await t.call('POST', '/v1/charging-policies', {
      key: c.keys.finance,
      body: { name: '2027/28', effectiveFrom: '2027-04-01', basedOn: first.json().id },
    });
    expect(after.statusCode, after.body).toBe(201);
    expect(after.json().version).toBe(2);

    const upsideDown = await t.call('POST', '/v1/charging-policies', {
      key: c.keys.finance,
      body: {
        name: 'bad',
        effectiveFrom: '2030-04-01',
        basedOn: 'england-2025-26',
        changes: {
          capital: {
            lowerCapitalLimitPence: 3_000_000,
            upperCapitalLimitPence: 2_325_000,
            tariffStepPence: 25_000,
            tariffPerStepPence: 100,
          },
        },
      },
    });
    expect(upsideDown.statusCode).toBe(422);
    expect(problemOf(upsideDown).errors?.[0]?.pointer).toBe('/changes/capital/lowerCapitalLimitPence');

    const neither = await t.call('POST', '/v1/charging-policies', {
      key: c.keys.finance,
      body: { name: 'x', effectiveFrom: '2031-01-01' },
    });
    expect(problemOf(neither).errors?.[0]?.pointer).toBe('/basedOn');
    const unknown = await t.call('POST', '/v1/charging-policies', {
      key: c.keys.finance,
      body: { name: 'x', effectiveFrom: '2031-01-01', basedOn: 'scotland-2025-26' },
    });
    expect(problemOf(unknown).errors?.[0]?.pointer).toBe('/basedOn');
    // An assessor may read policies but not set them.
    const forbidden = await t.call('POST', '/v1/charging-policies', {
      key: c.keys.assessor,
      body: { name: 'x', effectiveFrom: '2031-01-01', basedOn: 'england-2025-26' },
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('caps a Welsh council’s charge at £100 a week, and says when no policy is in force', async () => {
    const wales = await setUpCouncil(t, { nation: 'wales' });
    const personId = await person(wales);
    // Capital £14,900 is under £24,000, so ignored: £273.35 − £162.15 − £15 = £96.20, under £100.
    const under = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: wales.keys.finance,
      body: { effectiveFrom: '2025-10-01', circumstances: { ...CIRCUMSTANCES, ageBand: '25-to-pension-age' } },
    });
    expect(under.statusCode, under.body).toBe(201);
    expect(under.json()).toMatchObject({ weeklyContributionPence: 9_620, chargingPolicy: { id: 'wales-2025-26' } });
    // An occupational pension of £100 more: £196.20 assessable, capped at the £100 maximum.
    const over = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: wales.keys.finance,
      body: {
        effectiveFrom: '2025-11-01',
        circumstances: {
          ...CIRCUMSTANCES,
          ageBand: '25-to-pension-age',
          incomes: [...CIRCUMSTANCES.incomes, { kind: 'occupational-pension', weeklyPence: 10_000 }],
        },
      },
    });
    expect(over.json()).toMatchObject({ weeklyContributionPence: 10_000, calculation: { result: { cappedAtMaximum: true } } });

    // Before the shipped policy starts nothing is in force; no date of birth and no age band is refused.
    const early = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: wales.keys.finance,
      body: { effectiveFrom: '2024-04-01', circumstances: { ...CIRCUMSTANCES, ageBand: '18-24' } },
    });
    expect(early.statusCode).toBe(422);
    expect(problemOf(early)).toMatchObject({ code: 'NO_CHARGING_POLICY', errors: [{ pointer: '/effectiveFrom' }] });
    const noAge = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: wales.keys.finance,
      body: { effectiveFrom: '2025-12-01', circumstances: CIRCUMSTANCES },
    });
    expect(problemOf(noAge).errors?.[0]?.pointer).toBe('/circumstances/ageBand');
  });
});
