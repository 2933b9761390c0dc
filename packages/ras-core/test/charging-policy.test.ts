import { describe, expect, it } from 'vitest';
import {
  ageBandOn,
  assessCharge,
  ENGLAND_2025_26,
  type FinancialCircumstances,
  pensionCreditAgeDate,
  RasError,
  WALES_2025_26,
} from '../src/index.js';

const base: FinancialCircumstances = {
  household: 'single',
  ageBand: '25-to-pension-age',
  incomes: [],
  capitalPence: 0,
  weeklyHousingCostsPence: 0,
  weeklyCostOfCarePence: 30_000,
};

describe('assessCharge under the shipped England 2025/26 policy', () => {
  it('disregards PIP mobility and earnings, adds the disability premium to the MIG', () => {
    // ESA £200 + PIP mobility £28.70 + earnings £50: £200 counts.
    // MIG £112.50 + disability premium £49.65 = £162.15. £200 − £162.15 = £37.85.
    const charge = assessCharge(
      {
        ...base,
        premiums: { disability: true },
        incomes: [
          { kind: 'employment-support-allowance', weeklyPence: 20_000 },
          { kind: 'pip-mobility', weeklyPence: 2_870 },
          { kind: 'earnings', weeklyPence: 5_000 },
        ],
      },
      ENGLAND_2025_26,
    );
    expect(charge.weeklyIncomePence).toBe(27_870);
    expect(charge.disregardedIncomePence).toBe(7_870);
    expect(charge.minimumIncomeGuaranteePence).toBe(16_215);
    expect(charge.weeklyContributionPence).toBe(3_785);
    expect(charge.explanation.map((s) => s.key)).toEqual([
      'income',
      'minimum-income-guarantee',
      'disability-related-expenditure',
      'tariff',
      'allowances',
      'assessable-income',
      'contribution',
    ]);
  });

  it('counts only the part of a war widow’s pension above the first £10, and tariff income from capital', () => {
    // Pension age MIG £232.60. State pension £230.25 + war widow's £40 (£10 ignored) = £260.25.
    // Capital £15,000: £750 over £14,250 = 3 steps of £250 → £3 tariff. £263.25 − £232.60 − £20 DRE = £10.65.
    const charge = assessCharge(
      {
        ...base,
        ageBand: 'pension-age',
        incomes: [
          { kind: 'state-pension', weeklyPence: 23_025 },
          { kind: 'war-widows-pension', weeklyPence: 4_000 },
        ],
        capitalPence: 1_500_000,
        weeklyDisabilityRelatedExpenditurePence: 2_000,
      },
      ENGLAND_2025_26,
    );
    expect(charge.disregardedIncomePence).toBe(1_000);
    expect(charge.tariffIncomePence).toBe(300);
    expect(charge.minimumIncomeGuaranteePence).toBe(23_260);
    expect(charge.weeklyContributionPence).toBe(1_065);
  });

  it('gives the standard disability-related expenditure allowance to a person receiving a disability benefit', () => {
    const policy = { ...ENGLAND_2025_26, standardDisabilityRelatedExpenditurePence: 1_085 };
    const circumstances: FinancialCircumstances = {
      ...base,
      ageBand: '18-24',
      incomes: [
        { kind: 'universal-credit', weeklyPence: 10_000 },
        { kind: 'pip-daily-living', weeklyPence: 7_335 },
      ],
    };
    // £173.35 − MIG £89.15 − standard DRE £10.85 = £73.35.
    expect(assessCharge(circumstances, policy).weeklyContributionPence).toBe(7_335);
    // Evidenced DRE above the standard allowance replaces it: £173.35 − £89.15 − £30 = £54.20.
    expect(assessCharge({ ...circumstances, weeklyDisabilityRelatedExpenditurePence: 3_000 }, policy).weeklyContributionPence).toBe(5_420);
  });

  it('charges the full cost over the upper capital limit, with the arrangement fee when the council arranges care', () => {
    const policy = { ...ENGLAND_2025_26, arrangementFeePence: 25_000 };
    const charge = assessCharge({ ...base, capitalPence: 2_500_000, councilArrangesCare: true }, policy);
    expect(charge.fullCost).toBe(true);
    expect(charge.weeklyContributionPence).toBe(30_000);
    expect(charge.arrangementFeePence).toBe(25_000);
    expect(assessCharge({ ...base, capitalPence: 2_500_000 }, policy).arrangementFeePence).toBe(0);
  });

  it('light-touch and full-cost cases pay the cost of care without income figures', () => {
    expect(assessCharge({ ...base, basis: 'light-touch' }, ENGLAND_2025_26)).toMatchObject({
      weeklyContributionPence: 30_000,
      fullCost: false,
      basis: 'light-touch',
    });
    expect(assessCharge({ ...base, basis: 'full-cost' }, ENGLAND_2025_26)).toMatchObject({
      weeklyContributionPence: 30_000,
      fullCost: true,
    });
  });

  it('sums a couple’s MIG with premiums and children, and drops a charge under the minimum', () => {
    // Couple member £88.35 + couple disability premium £35.40 + carer £53.25 + 2 × £102.95 = £382.90.
    const charge = assessCharge(
      {
        ...base,
        household: 'couple',
        premiums: { disability: true, carer: true },
        children: 2,
        incomes: [{ kind: 'other', weeklyPence: 38_400 }],
      },
      { ...ENGLAND_2025_26, minimumWeeklyChargePence: 125 },
    );
    expect(charge.minimumIncomeGuaranteePence).toBe(38_290);
    // £384 − £382.90 = £1.10, under the £1.25 minimum: nothing is collected.
    expect(charge.assessableIncomePence).toBe(110);
    expect(charge.weeklyContributionPence).toBe(0);
  });
});

describe('assessCharge under the shipped Wales 2025/26 policy', () => {
  it('caps the charge at the £100 weekly maximum', () => {
    const charge = assessCharge({ ...base, incomes: [{ kind: 'occupational-pension', weeklyPence: 40_000 }] }, WALES_2025_26);
    // £400 − £112.50 = £287.50, above the £100 maximum.
    expect(charge.assessableIncomePence).toBe(28_750);
    expect(charge.cappedAtMaximum).toBe(true);
    expect(charge.weeklyContributionPence).toBe(10_000);
  });

  it('ignores capital up to £24,000 and charges the maximum above it', () => {
    const under = assessCharge(
      { ...base, capitalPence: 2_400_000, incomes: [{ kind: 'state-pension', weeklyPence: 12_000 }] },
      WALES_2025_26,
    );
    expect(under.tariffIncomePence).toBe(0);
    expect(under.weeklyContributionPence).toBe(750);
    const over = assessCharge({ ...base, capitalPence: 2_400_001 }, WALES_2025_26);
    expect(over.fullCost).toBe(true);
    expect(over.weeklyContributionPence).toBe(10_000);
  });
});

describe('ageBandOn', () => {
  it('puts a birthday on the boundary in the older band', () => {
    expect(ageBandOn('2001-04-07', '2026-04-06')).toBe('18-24');
    expect(ageBandOn('2001-04-07', '2026-04-07')).toBe('25-to-pension-age');
    expect(ageBandOn('1959-01-01', '2025-01-01')).toBe('pension-age');
    expect(ageBandOn('1959-01-02', '2025-01-01')).toBe('25-to-pension-age');
  });

  it('follows the rise in Pension Credit age from 66 to 67 for people born from 6 April 1960', () => {
    expect(pensionCreditAgeDate('1960-04-05')).toBe('2026-04-05'); // 66
    expect(pensionCreditAgeDate('1960-04-06')).toBe('2026-05-06'); // 66 and 1 month
    expect(pensionCreditAgeDate('1960-05-05')).toBe('2026-06-05'); // still the first window: 66 and 1 month
    expect(pensionCreditAgeDate('1960-05-10')).toBe('2026-07-10'); // 66 and 2 months
    expect(pensionCreditAgeDate('1961-03-05')).toBe('2028-02-05'); // 66 and 11 months
    expect(pensionCreditAgeDate('1961-03-06')).toBe('2028-03-06'); // 67
    // Born 10 May 1960: 66 on 10 May 2026, but not at Pension Credit age until 10 July 2026.
    expect(ageBandOn('1960-05-10', '2026-06-01')).toBe('25-to-pension-age');
    expect(ageBandOn('1960-05-10', '2026-07-10')).toBe('pension-age');
  });
});

it('names the field of a policy amount that is not whole pence', () => {
  const policy = { ...ENGLAND_2025_26, arrangementFeePence: 12.5 };
  expect(() => assessCharge(base, policy)).toThrow(RasError);
  try {
    assessCharge(base, policy);
  } catch (error) {
    expect((error as RasError).problems[0]?.pointer).toBe('/rules/arrangementFeePence');
  }
});

describe('England’s 2025-26 Minimum Income Guarantee, row by row', () => {
  // Worked by hand from the last statutory amount of each row, each year to the nearest 5p:
  // 2022-23 +3%, 2023-24 +10.1%, 2024-25 +6.7%, 2025-26 +1.7%.
  it('matches the rows the 2025-26 circular’s table was republished with', () => {
    const table = ENGLAND_2025_26.minimumIncomeGuarantee;
    expect(table.single.aged18To24Pence).toBe(8_915); // £82.15 → 87.65 → 89.15, quoted
    expect(table.single.aged25ToPensionAgePence).toBe(11_250); // £103.65 → 110.60 → 112.50, quoted
    expect(table.premiums.disability.singlePence).toBe(4_965); // £40.35 → 41.55 → 45.75 → 48.80 → 49.65, quoted
    expect(table.premiums.enhancedDisability.singlePence).toBe(2_425); // £19.70 → 20.30 → 22.35 → 23.85 → 24.25, quoted
  });

  it('derives the rest year by year, through the 2024-25 and 2023-24 amounts councils republished', () => {
    const table = ENGLAND_2025_26.minimumIncomeGuarantee;
    expect(table.single.pensionAgePence).toBe(23_260); // £214.35 → 228.70 (republished) → 232.60
    expect(table.couple.pensionAgePence).toBe(17_755); // £144.30 → 148.65 → 163.65 → 174.60 (republished) → 177.55
    expect(table.premiums.carerPence).toBe(5_325); // £43.25 → 44.55 → 49.05 (republished) → 52.35 → 53.25
    expect(table.couple.adultPence).toBe(8_835); // £71.80 → 73.95 → 81.40 → 86.85 → 88.35
    expect(table.perChildPence).toBe(10_295); // £94.90 → 101.25 → 102.95
    expect(table.loneParentPence).toBe(table.single.aged25ToPensionAgePence);
    expect(table.premiums.disability.couplePence).toBe(3_540); // £28.75 → 29.60 → 32.60 → 34.80 → 35.40
    expect(table.premiums.enhancedDisability.couplePence).toBe(1_735); // £14.15 → 14.55 → 16.00 → 17.05 → 17.35
  });
});
