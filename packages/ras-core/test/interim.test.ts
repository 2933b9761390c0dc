import { describe, expect, it } from 'vitest';
import { interimAmount, RasError, reconcileInterim } from '../src/index.js';

describe('interimAmount', () => {
  it('is the weekly amount for the days it runs, to the penny, half up', () => {
    expect(interimAmount(35_000, '2026-04-01', '2026-04-30')).toMatchObject({ days: 30, totalPence: 150_000 });
    // £100 a week for 10 days: 10,000 × 10 ÷ 7 = 14,285.71 → 14,286.
    expect(interimAmount(10_000, '2026-04-01', '2026-04-10').totalPence).toBe(14_286);
  });

  it('is time-limited: refuses a period past the limit, or ending before it starts', () => {
    expect(() => interimAmount(10_000, '2026-04-01', '2026-06-24')).toThrow(RasError);
    expect(interimAmount(10_000, '2026-04-01', '2026-06-23').days).toBe(84);
    expect(interimAmount(10_000, '2026-04-01', '2026-09-01', 26).days).toBe(154);
    expect(() => interimAmount(10_000, '2026-04-02', '2026-04-01')).toThrow(RasError);
  });
});

describe('reconcileInterim', () => {
  it('carries into the agreed budget what was paid for its own period, and keeps the rest', () => {
    const result = reconcileInterim(
      [
        { id: 'a', amountPence: 35_000, paidOn: '2026-04-29' },
        { id: 'b', amountPence: 35_000, paidOn: '2026-05-01' },
        { id: 'c', amountPence: 20_000, paidOn: '2026-05-08' },
      ],
      '2026-05-01',
    );
    expect(result.carried.map((payment) => payment.id)).toEqual(['b', 'c']);
    expect([result.carriedPence, result.keptPence]).toEqual([55_000, 35_000]);
  });
});
