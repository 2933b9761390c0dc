import { describe, expect, it } from 'vitest';
import { costSupportPlan, nextPlanStage, panelApproval, panelChecklist, type SupportPlan } from '../src/index.js';

const PLAN: SupportPlan = {
  outcomes: [{ key: 'home', description: 'Stay at home' }],
  lines: [
    { description: 'PA', outcomeKeys: ['home'], provider: 'Own PA', managedBy: 'direct-payment', costType: 'weekly', amountPence: 8_000 },
    {
      description: 'Day service',
      outcomeKeys: ['home'],
      provider: 'Brookside',
      managedBy: 'council-arranged',
      costType: 'annual',
      amountPence: 100_000,
    },
    { description: 'Equipment', outcomeKeys: ['home'], provider: 'Shop', managedBy: 'trust', costType: 'one-off', amountPence: 20_000 },
  ],
  contingency: { amountPence: 50_000, plan: 'Sister covers', emergencyCover: 'Agency' },
  risks: [{ description: 'Falls', mitigation: 'Telecare', resolved: true }],
  budgetHolder: 'Me',
  supportManager: 'My sister',
  healthySafeAndWell: 'Telecare and a daily call from my sister',
};

describe('costSupportPlan', () => {
  it('costs weekly, annual and one-off lines over the weeks the budget covers', () => {
    // Full year: 8,000 × 52 + 100,000 + 20,000 = 536,000; + 50,000 contingency = 586,000 of 625,000.
    const year = costSupportPlan(PLAN, { totalAnnualPence: 625_000 });
    expect(year).toMatchObject({ annualCostPence: 536_000, withinBudget: true, headroomPence: 39_000 });
    expect(year.byManagementOption).toEqual({
      'direct-payment': 416_000,
      'indirect-payment': 0,
      trust: 20_000,
      'individual-service-fund': 0,
      'council-arranged': 100_000,
    });
    // 26 weeks: 8,000 × 26 + 100,000 × 26/52 + 20,000 = 278,000; + 50,000 = 328,000 of 300,000.
    const half = costSupportPlan(PLAN, { totalAnnualPence: 300_000, weeksCovered: 26 });
    expect(half).toMatchObject({ annualCostPence: 278_000, withinBudget: false, headroomPence: -28_000 });
  });

  it('counts exactly at the budget as within it', () => {
    expect(costSupportPlan(PLAN, { totalAnnualPence: 586_000 })).toMatchObject({ withinBudget: true, headroomPence: 0 });
  });
});

describe('panelChecklist', () => {
  it('passes a complete plan within budget with a financial assessment', () => {
    const checklist = panelChecklist(PLAN, costSupportPlan(PLAN, { totalAnnualPence: 625_000 }), { financialAssessmentDone: true });
    expect(checklist.map((item) => item.key)).toEqual([
      'outcomes-stated',
      'lines-serve-outcomes',
      'healthy-safe-and-well',
      'providers-named',
      'budget-holder-and-support-manager',
      'contingency-stated',
      'risks-mitigated',
      'no-unresolved-risks',
      'capacity-and-representation',
      'within-budget',
      'financial-assessment-done',
      'monthly-payment-schedule',
    ]);
    expect(checklist.every((item) => item.passed)).toBe(true);
  });

  it('fails each criterion a weak plan misses, saying why', () => {
    const weak: SupportPlan = {
      ...PLAN,
      outcomes: [],
      lines: [{ ...(PLAN.lines[0] as SupportPlan['lines'][number]), provider: ' ', outcomeKeys: ['holiday'] }],
      contingency: { amountPence: 0, plan: '', emergencyCover: 'Agency' },
      risks: [{ description: 'Lives alone', mitigation: '', resolved: false }],
      budgetHolder: '',
      healthySafeAndWell: ' ',
      representation: { capacity: { assessedOn: '2026-04-01', outcome: 'lacks-capacity', decision: 'where to live' } },
    };
    const checklist = panelChecklist(weak, costSupportPlan(weak, { totalAnnualPence: 100_000 }), {
      financialAssessmentDone: false,
      paymentFrequency: 'four-weekly',
    });
    expect(checklist.filter((item) => item.passed).map((item) => item.key)).toEqual([]);
    expect(checklist.find((item) => item.key === 'no-unresolved-risks')?.detail).toContain('Risk Enablement Panel');
    expect(checklist.find((item) => item.key === 'contingency-stated')?.detail).toBe('the contingency lacks an amount, a plan');
    expect(checklist.find((item) => item.key === 'capacity-and-representation')?.detail).toBe(
      'lacks capacity for where to live (assessed 2026-04-01) but the plan records no best-interests decision and no advocate, deputy or attorney',
    );
  });

  it('passes capacity once a best-interests decision is recorded and an advocate named, saying who helps', () => {
    const represented: SupportPlan = {
      ...PLAN,
      representation: {
        capacity: { assessedOn: '2026-04-01', outcome: 'lacks-capacity', decision: 'where to live' },
        bestInterests: { decidedOn: '2026-04-10', decidedBy: 'Care coordinator with the family', decision: 'Supported living near family' },
        supporters: [{ name: 'Ann Jones', role: 'advocate', organisation: 'Local advocacy' }],
      },
    };
    const item = panelChecklist(represented, costSupportPlan(represented, { totalAnnualPence: 1_000_000 }), {
      financialAssessmentDone: true,
    }).find((entry) => entry.key === 'capacity-and-representation');
    expect(item).toEqual({
      key: 'capacity-and-representation',
      passed: true,
      detail: 'lacks capacity for where to live (assessed 2026-04-01); best-interests decision of 2026-04-10; Ann Jones (advocate) helping',
    });
  });
});

describe('panelApproval', () => {
  const checklist = panelChecklist(
    { ...PLAN, healthySafeAndWell: '', risks: [{ description: 'Lives alone', mitigation: 'Telecare', resolved: false }] },
    { withinBudget: false, headroomPence: -1_000 },
    { financialAssessmentDone: true, paymentFrequency: 'four-weekly' },
  );

  it('needs a reason for every failing item, taking the exception reason and the Risk Enablement Panel’s approval as theirs', () => {
    const none = panelApproval(checklist, {});
    expect(none.missing.map((item) => item.key)).toEqual([
      'healthy-safe-and-well',
      'no-unresolved-risks',
      'within-budget',
      'monthly-payment-schedule',
    ]);
    const given = panelApproval(
      checklist,
      { 'healthy-safe-and-well': 'Covered in the care plan', 'monthly-payment-schedule': 'Four-weekly suits the provider' },
      { exceptionReason: 'Respite agreed', riskEnablementReasons: 'Telecare in place' },
    );
    expect(given.missing).toEqual([]);
    expect(given.reasons).toEqual({
      'healthy-safe-and-well': 'Covered in the care plan',
      'no-unresolved-risks': 'Risk Enablement Panel approved: Telecare in place',
      'within-budget': 'Respite agreed',
      'monthly-payment-schedule': 'Four-weekly suits the provider',
    });
  });

  it('names a reason given for an item that does not fail', () => {
    expect(panelApproval(checklist, { 'providers-named': 'x' }).unknown).toEqual(['providers-named']);
  });
});

describe('nextPlanStage', () => {
  it('goes coordinator → team manager → panel, through the Risk Enablement Panel only when a risk is open', () => {
    expect(nextPlanStage('coordinator', PLAN)).toBe('team-manager');
    expect(nextPlanStage('team-manager', PLAN)).toBe('panel');
    expect(nextPlanStage('team-manager', { risks: [{ description: 'x', mitigation: 'y', resolved: false }] })).toBe('risk-enablement');
    expect(nextPlanStage('risk-enablement', PLAN)).toBe('panel');
    expect(nextPlanStage('panel', PLAN)).toBe('approved');
  });
});
