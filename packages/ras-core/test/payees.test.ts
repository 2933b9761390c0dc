import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAYEE_OF, RasError, splitInstalment } from '../src/index.js';

describe('splitInstalment', () => {
  it('splits a mixed budget’s instalment by what each payee’s lines cost, to the penny', () => {
    // £20,000 a year: £15,000 commissioned home care, £3,000 direct payment, £2,000 ISF. A monthly
    // instalment of £1,666.67 splits 15 : 3 : 2 → £1,250.0025, £250.0005, £166.667 → 1,250.00,
    // 250.00, 166.66 and the one penny left over to the first line: £1,250.01.
    const shares = splitInstalment(166_667, [
      { index: 0, payeeKey: 'commissioned:care', annualCostPence: 1_500_000 },
      { index: 1, payeeKey: 'direct-payment', annualCostPence: 300_000 },
      { index: 2, payeeKey: 'isf:provider', annualCostPence: 200_000 },
    ]);
    expect(shares).toEqual([
      { payeeKey: 'commissioned:care', amountPence: 125_001, lines: [{ index: 0, amountPence: 125_001 }] },
      { payeeKey: 'direct-payment', amountPence: 25_000, lines: [{ index: 1, amountPence: 25_000 }] },
      { payeeKey: 'isf:provider', amountPence: 16_666, lines: [{ index: 2, amountPence: 16_666 }] },
    ]);
  });

  it('pays lines with one payee as one amount, naming each line’s part; a line costing nothing gets nothing', () => {
    const shares = splitInstalment(10_000, [
      { index: 0, payeeKey: 'dp', annualCostPence: 100 },
      { index: 1, payeeKey: 'x', annualCostPence: 0 },
      { index: 3, payeeKey: 'dp', annualCostPence: 300 },
    ]);
    expect(shares).toEqual([
      {
        payeeKey: 'dp',
        amountPence: 10_000,
        lines: [
          { index: 0, amountPence: 2_500 },
          { index: 3, amountPence: 7_500 },
        ],
      },
    ]);
  });

  it('refuses lines that cost nothing at all', () => {
    expect(() => splitInstalment(100, [{ index: 0, payeeKey: 'a', annualCostPence: 0 }])).toThrow(RasError);
  });

  it('always adds up to the instalment, whatever the lines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.record({ payeeKey: fc.constantFrom('a', 'b', 'c'), annualCostPence: fc.integer({ min: 0, max: 5_000_000 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        (amount, drawn) => {
          fc.pre(drawn.some((line) => line.annualCostPence > 0));
          const shares = splitInstalment(
            amount,
            drawn.map((line, index) => ({ index, ...line })),
          );
          expect(shares.reduce((sum, share) => sum + share.amountPence, 0)).toBe(amount);
          for (const share of shares) expect(share.lines.reduce((sum, line) => sum + line.amountPence, 0)).toBe(share.amountPence);
        },
      ),
    );
  });

  it('pays holders for direct, indirect and trust payments, a provider for an ISF, and nobody for council-arranged lines', () => {
    expect(PAYEE_OF).toEqual({
      'direct-payment': 'holder',
      'indirect-payment': 'holder',
      trust: 'holder',
      'individual-service-fund': 'provider',
      'council-arranged': 'commissioned',
    });
  });
});
