import { fail } from './errors.js';

/** An amount of money in integer pence. */
export type Pence = number;

/** How a fraction of a unit is rounded. Always stated; ras-core never rounds by a hidden default. */
export type RoundingMode = 'half-up' | 'down' | 'up';

/**
 * The largest amount ras-core accepts as an input: £1,000,000,000. No personal budget, payment or
 * cost comes near it, and every sum of a few million such amounts is still exact in a double, so
 * an amount above it is a mistake (or an attack) rather than money.
 */
export const MAX_AMOUNT_PENCE = 100_000_000_000;

/**
 * Checks that `value` is a whole, non-negative number of pence no more than {@link MAX_AMOUNT_PENCE}.
 *
 * @param value - the amount to check
 * @param pointer - where the amount came from, for the error
 * @returns the same amount
 * @example
 * ```ts
 * assertPence(1250, '/amountPence'); // 1250
 * ```
 */
export function assertPence(value: unknown, pointer: string): Pence {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail('INVALID_MONEY', pointer, `must be a whole number of pence, 0 or more (got ${String(value)})`);
  }
  if (value > MAX_AMOUNT_PENCE) fail('INVALID_MONEY', pointer, `must be no more than ${MAX_AMOUNT_PENCE} pence (£1,000,000,000)`);
  return value;
}

/**
 * Checks that a computed amount is still exactly representable.
 *
 * @param value - a computed amount of pence
 * @param pointer - what was being computed
 * @returns the same amount
 * @example
 * ```ts
 * checkedPence(2 * 1000, '/total'); // 2000
 * ```
 */
export function checkedPence(value: number, pointer: string): Pence {
  if (!Number.isSafeInteger(value)) {
    fail('MONEY_OVERFLOW', pointer, 'is too large to be counted exactly in pence');
  }
  return value;
}

/**
 * Divides two non-negative integers and rounds as told. Exact for any safe integers.
 *
 * @param numerator - a non-negative integer
 * @param denominator - a positive integer
 * @param mode - how to round a remainder
 * @returns the rounded quotient
 * @example
 * ```ts
 * divide(5, 2, 'half-up'); // 3
 * divide(5, 2, 'down'); // 2
 * ```
 */
export function divide(numerator: number, denominator: number, mode: RoundingMode): number {
  let quotient = Math.floor(numerator / denominator);
  let remainder = numerator - quotient * denominator;
  // Floating division can land one off for large operands; the remainder puts it right.
  if (remainder < 0) {
    quotient -= 1;
    remainder += denominator;
  } else if (remainder >= denominator) {
    quotient += 1;
    remainder -= denominator;
  }
  if (remainder === 0) return quotient;
  if (mode === 'up') return quotient + 1;
  if (mode === 'half-up') return remainder * 2 >= denominator ? quotient + 1 : quotient;
  return quotient;
}

/**
 * Computes `a × b ÷ c` for non-negative integers without losing a penny: the product is formed
 * exactly (in BigInt when it would pass 2^53) and rounded once.
 *
 * @param a - a non-negative integer
 * @param b - a non-negative integer
 * @param c - a positive integer
 * @param mode - how to round the result
 * @returns the rounded result, a safe integer
 * @example
 * ```ts
 * multiplyDivide(1_000_000, 38, 52, 'half-up'); // 730769
 * ```
 */
export function multiplyDivide(a: number, b: number, c: number, mode: RoundingMode): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return divide(product, c, mode);
  const big = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  let quotient = big / divisor;
  const remainder = big % divisor;
  if (remainder !== 0n) {
    if (mode === 'up' || (mode === 'half-up' && remainder * 2n >= divisor)) quotient += 1n;
  }
  const result = Number(quotient);
  return checkedPence(result, '/');
}

/**
 * Reads a decimal written with at most `decimals` places as an integer count of the smallest unit,
 * without going through floating point for strings. `"1234.5"` with 2 decimals is `123450`.
 *
 * @param value - a number or a decimal string such as `"12.5"`
 * @param decimals - the most decimal places allowed
 * @returns the scaled integer, or `undefined` when `value` is not such a decimal
 * @example
 * ```ts
 * toScaledInteger('1234567.89', 2); // 123456789
 * toScaledInteger(12.5, 2); // 1250
 * ```
 */
export function toScaledInteger(value: number | string, decimals: number): number | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? numberToPlainString(value) : '') : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > decimals) return undefined;
  const scaled = Number(whole + trimmed.padEnd(decimals, '0'));
  if (!Number.isSafeInteger(scaled)) return undefined;
  return sign === '-' ? -scaled : scaled;
}

function numberToPlainString(value: number): string {
  // Shortest round-trip form, without exponent notation for the magnitudes money and weeks take.
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * Turns a percentage with at most 2 decimal places into basis points (hundredths of a percent).
 *
 * @param percent - e.g. `12.5`
 * @param pointer - where the percentage came from, for the error
 * @returns basis points, e.g. `1250`
 * @example
 * ```ts
 * percentToBasisPoints(20, '/clawback/percent'); // 2000
 * ```
 */
export function percentToBasisPoints(percent: unknown, pointer: string): number {
  const basisPoints = typeof percent === 'number' ? toScaledInteger(percent, 2) : undefined;
  if (basisPoints === undefined || basisPoints < 0 || basisPoints > 10_000) {
    fail('INVALID_PERCENT', pointer, `must be a number from 0 to 100 with at most 2 decimal places (got ${String(percent)})`);
  }
  return basisPoints;
}

/**
 * Turns a number of weeks (at most 2 decimal places) into hundredths of a week.
 *
 * @param weeks - e.g. `38` or `38.5`
 * @param pointer - where it came from, for the error
 * @returns hundredths of a week, e.g. `3850`
 * @example
 * ```ts
 * weeksToHundredths(52, '/weeksPerYear'); // 5200
 * ```
 */
export function weeksToHundredths(weeks: unknown, pointer: string): number {
  const hundredths = typeof weeks === 'number' ? toScaledInteger(weeks, 2) : undefined;
  if (hundredths === undefined || hundredths < 0 || hundredths > 100_000) {
    fail('INVALID_NUMBER', pointer, `must be a number of weeks from 0 to 1000 with at most 2 decimal places (got ${String(weeks)})`);
  }
  return hundredths;
}

/**
 * Reads an amount written in pounds (`"1234567.89"`) as pence, exactly.
 *
 * @param pounds - pounds as a decimal string, at most 2 decimal places
 * @param pointer - where it came from, for the error
 * @returns integer pence
 * @example
 * ```ts
 * poundsToPence('1234567.89', '--budget'); // 123456789
 * ```
 */
export function poundsToPence(pounds: string, pointer: string): Pence {
  const pence = toScaledInteger(pounds.replace(/^£/, '').replaceAll(',', ''), 2);
  if (pence === undefined || pence < 0) {
    fail('INVALID_MONEY', pointer, `must be an amount in pounds with at most 2 decimal places (got ${pounds})`);
  }
  return pence;
}

/**
 * Writes pence as pounds for people to read: `£1,234.56`; a negative amount as `-£12.00`.
 *
 * @param pence - integer pence
 * @returns the amount in pounds and pence
 * @example
 * ```ts
 * formatPounds(123456); // '£1,234.56'
 * ```
 */
export function formatPounds(pence: Pence): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  const pounds = Math.floor(abs / 100);
  const pennies = abs - pounds * 100;
  return `${sign}£${groupThousands(pounds)}.${pennies < 10 ? '0' : ''}${pennies}`;
}

/**
 * Writes a × b ÷ c pence as a person would work it out on paper: exact pounds and pence when it
 * divides exactly, else four decimal places of pounds cut short with "…", so which way it rounds
 * can be read off the text (a value shown as …x.4999… is below half a penny).
 *
 * @param a - pence (0 or more)
 * @param b - multiplier (0 or more)
 * @param c - divisor (above 0)
 * @returns the text and whether it is exact
 * @example
 * ```ts
 * formatQuotient(625_000, 14, 52); // { text: '£1,682.6923…', exact: false }
 * ```
 */
export function formatQuotient(a: number, b: number, c: number): { readonly text: string; readonly exact: boolean } {
  const product = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  if (product % divisor === 0n) {
    const pence = product / divisor;
    if (pence <= BigInt(Number.MAX_SAFE_INTEGER)) return { text: formatPounds(Number(pence)), exact: true };
  }
  // Hundredths of a penny, cut short (never rounded up, so the "…" always means "a little more").
  const hundredths = (product * 100n) / divisor;
  const pounds = hundredths / 10_000n;
  const fraction = String(hundredths % 10_000n).padStart(4, '0');
  const exact = (product * 100n) % divisor === 0n;
  return { text: `£${groupThousands(Number(pounds))}.${fraction}${exact ? '' : '…'}`, exact: false };
}

// Intl-free on purpose: explanations are built for every calculation and must stay cheap.
function groupThousands(whole: number): string {
  const digits = String(whole);
  let grouped = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const start = Math.max(0, end - 3);
    grouped = grouped ? `${digits.slice(start, end)},${grouped}` : digits.slice(start, end);
  }
  return grouped;
}

/**
 * Writes hundredths (of a week, a weight, a percent) as a short decimal: `3850` → `38.5`.
 *
 * @param hundredths - an integer count of hundredths
 * @returns the decimal, without trailing zeros
 * @example
 * ```ts
 * formatHundredths(1250); // '12.5'
 * ```
 */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  const fraction = String(abs - whole * 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/**
 * Splits an amount into parts in proportion to `ratios`, handing out the remainder pennies one
 * by one from the first part, so the parts always add back to the whole (dinero.js `allocate`).
 *
 * @param amount - integer pence to split
 * @param ratios - non-negative integer weights, at least one positive
 * @returns one amount per ratio, adding up to `amount`
 * @example
 * ```ts
 * allocate(1000, [1, 1, 1]); // [334, 333, 333]
 * ```
 */
export function allocate(amount: Pence, ratios: readonly number[]): Pence[] {
  assertPence(amount, '/amount');
  const total = ratios.reduce((sum, ratio) => sum + ratio, 0);
  if (total <= 0 || ratios.some((ratio) => !Number.isSafeInteger(ratio) || ratio < 0)) {
    fail('INVALID_NUMBER', '/ratios', 'must be whole numbers, 0 or more, with at least one above 0');
  }
  const parts = ratios.map((ratio) => multiplyDivide(amount, ratio, total, 'down'));
  let remainder = amount - parts.reduce((sum, part) => sum + part, 0);
  for (let index = 0; remainder > 0; index = (index + 1) % parts.length) {
    if ((ratios[index] ?? 0) > 0) {
      parts[index] = (parts[index] ?? 0) + 1;
      remainder -= 1;
    }
  }
  return parts;
}
