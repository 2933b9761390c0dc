import { describe, expect, it } from 'vitest';
import { costSupportPlan, panelChecklist, type SupportPlan } from '../src/index.js';

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
      'providers-named',
      'budget-holder-and-support-manager',
      'contingency-stated',
      'risks-mitigated',
      'no-unresolved-risks',
      'within-budget',
      'financial-assessment-done',
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
    };
    const checklist = panelChecklist(weak, costSupportPlan(weak, { totalAnnualPence: 100_000 }), { financialAssessmentDone: false });
    expect(checklist.filter((item) => item.passed).map((item) => item.key)).toEqual([]);
    expect(checklist.find((item) => item.key === 'no-unresolved-risks')?.detail).toContain('Risk Enablement Panel');
    expect(checklist.find((item) => item.key === 'contingency-stated')?.detail).toBe('the contingency lacks an amount, a plan');
  });
});
