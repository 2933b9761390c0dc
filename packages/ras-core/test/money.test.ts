import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RasError } from '../src/index.js';
// The integer arithmetic is internal to the library (not exported from its index): tested here directly.
import { allocate, divide, formatPounds, multiplyDivide, percentToBasisPoints, poundsToPence, toScaledInteger } from '../src/money.js';

/** Half-up division done in BigInt, as the reference the number code must agree with. */
function referenceDivide(numerator: bigint, denominator: bigint, mode: 'half-up' | 'down' | 'up'): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  if (mode === 'up') return quotient + 1n;
  if (mode === 'half-up') return remainder * 2n >= denominator ? quotient + 1n : quotient;
  return quotient;
}

describe('divide and multiplyDivide', () => {
  it.each([
    [5, 2, 'half-up', 3],
    [5, 2, 'down', 2],
    [5, 2, 'up', 3],
    [4, 2, 'up', 2],
    [7, 3, 'half-up', 2], // 2.33
    [8, 3, 'half-up', 3], // 2.67
    [1, 200, 'half-up', 0], // 0.005 rounds to 0
    [1, 2, 'half-up', 1], // exactly half rounds up
  ] as const)('%i ÷ %i (%s) = %i', (a, b, mode, expected) => {
    expect(divide(a, b, mode)).toBe(expected);
  });

  it('agrees with BigInt arithmetic for any safe operands, including products beyond 2^53', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.constantFrom('half-up', 'down', 'up'),
        (a, b, c, mode) => {
          const expected = referenceDivide(BigInt(a) * BigInt(b), BigInt(c), mode);
          fc.pre(expected <= BigInt(Number.MAX_SAFE_INTEGER));
          expect(multiplyDivide(a, b, c, mode)).toBe(Number(expected));
        },
      ),
    );
  });

  it('refuses a result too large to count exactly', () => {
    expect(() => multiplyDivide(Number.MAX_SAFE_INTEGER, 1_000, 1, 'down')).toThrow(RasError);
  });
});

describe('allocate', () => {
  it('hands the remainder to the earliest parts, one penny each', () => {
    expect(allocate(1_000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(allocate(100, [1, 2])).toEqual([34, 66]);
    expect(allocate(5, [0, 1, 1])).toEqual([0, 3, 2]);
  });

  it('always adds back to the whole, never goes negative, and keeps zero-ratio parts at zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 20 }),
        (amount, ratios) => {
          fc.pre(ratios.some((ratio) => ratio > 0));
          const parts = allocate(amount, ratios);
          expect(parts.reduce((sum, part) => sum + part, 0)).toBe(amount);
          parts.forEach((part, index) => {
            expect(part).toBeGreaterThanOrEqual(0);
            if (ratios[index] === 0) expect(part).toBe(0);
          });
        },
      ),
    );
  });
});

describe('reading and writing amounts', () => {
  it.each([
    ['1234567.89', 123_456_789],
    ['£1,234.50', 123_450],
    ['0.1', 10],
    ['12', 1_200],
  ])('reads %s pounds as %i pence without floating point', (text, pence) => {
    expect(poundsToPence(text, '/x')).toBe(pence);
  });

  it('refuses fractions of a penny and negative pounds', () => {
    expect(() => poundsToPence('1.005', '--budget')).toThrow(/at most 2 decimal places/);
    expect(() => poundsToPence('-1', '--budget')).toThrow(RasError);
  });

  it('writes pence as pounds', () => {
    expect(formatPounds(123_456)).toBe('£1,234.56');
    expect(formatPounds(5)).toBe('£0.05');
    expect(formatPounds(-1_200)).toBe('-£12.00');
    expect(formatPounds(100_000_000_00)).toBe('£100,000,000.00');
  });

  it('reads percentages as basis points and refuses more than 2 decimals', () => {
    expect(percentToBasisPoints(12.5, '/p')).toBe(1_250);
    expect(percentToBasisPoints(0.07, '/p')).toBe(7);
    expect(() => percentToBasisPoints(12.345, '/p')).toThrow(RasError);
    expect(() => percentToBasisPoints(101, '/p')).toThrow(RasError);
    expect(toScaledInteger(0.1 + 0.2, 2)).toBeUndefined();
  });
});
