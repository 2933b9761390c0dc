import { describe, expect, it } from 'vitest';
import { allocateBudget, compileScheme } from '../src/index.js';

describe('the structured trace', () => {
  it('names the rule and each versioned parameter a budget step used, with its value', () => {
    const scheme = compileScheme({
      key: 'adults',
      version: 3,
      method: { type: 'banded', bands: [{ fromPoints: 0, toPoints: 40, annualPence: 1_000_050 }] },
      rounding: 'pound',
      ceilingPence: 900_000,
    });
    const budget = allocateBudget(scheme, { totalPoints: 30 }, { weeksAtHome: 26, weeklyContributionPence: 1_000 });
    const trace = Object.fromEntries(budget.explanation.map((s) => [s.key, { rule: s.rule, parameters: s.parameters }]));
    expect(trace['ras-full-year']).toEqual({
      rule: 'ras.band',
      parameters: [{ name: 'scheme adults v3 / method.bands[0-40].annualPence', value: 1_000_050 }],
    });
    expect(trace.rounding).toEqual({ rule: 'ras.rounding', parameters: [{ name: 'scheme adults v3 / rounding', value: 'pound' }] });
    expect(trace.ceiling).toEqual({ rule: 'ras.ceiling', parameters: [{ name: 'scheme adults v3 / ceilingPence', value: 900_000 }] });
    expect(trace['pro-rata']?.parameters).toEqual([
      { name: 'input / weeksAtHome', value: 26 },
      { name: 'scheme adults v3 / weeksPerYear', value: 52 },
      { name: 'scheme adults v3 / rounding', value: 'pound' },
    ]);
    expect(trace.contribution?.rule).toBe('ras.contribution');
    // Every step of the explanation carries a rule.
    expect(budget.explanation.every((s) => typeof s.rule === 'string' && s.rule.length > 0)).toBe(true);
  });

  it('leaves the trace out with the explanation, and every figure stays the same', () => {
    const scheme = compileScheme({ key: 'ld', method: { type: 'linear', poundsPerPointPence: 25_000 } });
    const explained = allocateBudget(scheme, { totalPoints: 40 });
    const bare = allocateBudget(scheme, { totalPoints: 40 }, { explain: false });
    expect(bare.explanation).toEqual([]);
    expect(bare.netAnnualPence).toBe(explained.netAnnualPence);
    // An unversioned scheme is named by its key alone.
    expect(explained.explanation.find((s) => s.key === 'ras-full-year')?.parameters).toEqual([
      { name: 'scheme ld / method.poundsPerPointPence', value: 25_000 },
    ]);
  });
});
