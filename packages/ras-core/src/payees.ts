import { fail } from './errors.js';
import { allocate, assertPence, type Pence } from './money.js';
import type { ManagementOption } from './support-plan.js';

/**
 * Who receives the money for each way of managing a personal budget (seed 002, slide 12), and how
 * the statutory client-level data counts it (NHS England, Adult Social Care Client Level Data
 * guidance, release 1, February 2023, "Delivery Mechanism", reported per service line):
 * - `direct-payment`: paid to the holder the agreement names (the person, a nominated person or an
 *   authorised person, Care Act 2014 ss.31–32); CLD "Direct Payment".
 * - `indirect-payment`: paid to the nominated person's account; legally a direct payment made to
 *   someone else on the person's behalf, so CLD "Direct Payment".
 * - `trust`: paid to the user-controlled trust's account; CLD "Direct Payment".
 * - `individual-service-fund`: paid to the provider that holds the fund, which accounts to the
 *   person for it; CLD "CASSR Managed Personal Budget".
 * - `council-arranged`: never paid to the person: recorded as the council's commissioned spend
 *   against its provider; CLD "CASSR Managed Personal Budget" (under a personal budget).
 */
export const PAYEE_OF: Readonly<Record<ManagementOption, 'holder' | 'provider' | 'commissioned'>> = {
  'direct-payment': 'holder',
  'indirect-payment': 'holder',
  trust: 'holder',
  'individual-service-fund': 'provider',
  'council-arranged': 'commissioned',
};

/** One plan line as an instalment is split: who is paid for it, and what it costs a year. */
export interface PayeeLine {
  /** The line's index in the plan. */
  readonly index: number;
  /** Lines with the same key are paid to one payee as one amount. */
  readonly payeeKey: string;
  readonly annualCostPence: Pence;
}

/** What one payee receives of an instalment, and which lines it is for. */
export interface PayeeShare {
  readonly payeeKey: string;
  readonly amountPence: Pence;
  /** Each line's part of `amountPence`, in plan order. */
  readonly lines: readonly { readonly index: number; readonly amountPence: Pence }[];
}

/**
 * Splits one instalment between the payees of a plan's lines, in proportion to what each line
 * costs a year: a £20,000 budget with £15,000 of commissioned home care and £5,000 of direct
 * payment pays three quarters of every instalment as commissioned spend and a quarter to the
 * holder. A caller who gives the contingency its own line (with its payee) has it paid the same
 * way. Pennies that do not divide go one each to the lines in the order given ({@link allocate}),
 * so the shares add up to the instalment exactly.
 *
 * @param amountPence - the instalment
 * @param lines - the lines it pays for, with their payees; at least one costing more than 0
 * @returns one share per payee, in the order each payee's first line appears
 * @throws RasError `INVALID_MONEY` for a bad amount, `INVALID_NUMBER` when no line costs anything
 * @example
 * ```ts
 * splitInstalment(166_667, [
 *   { index: 0, payeeKey: 'commissioned:care', annualCostPence: 1_500_000 },
 *   { index: 1, payeeKey: 'direct-payment', annualCostPence: 500_000 },
 * ]).map((share) => share.amountPence); // [125_001, 41_666]
 * ```
 */
export function splitInstalment(amountPence: Pence, lines: readonly PayeeLine[]): PayeeShare[] {
  assertPence(amountPence, '/amountPence');
  lines.forEach((line, index) => {
    assertPence(line.annualCostPence, `/lines/${index}/annualCostPence`);
  });
  if (!lines.some((line) => line.annualCostPence > 0)) fail('INVALID_NUMBER', '/lines', 'must have a line that costs more than 0');
  const parts = allocate(
    amountPence,
    lines.map((line) => line.annualCostPence),
  );
  const shares = new Map<string, { amountPence: number; lines: { index: number; amountPence: number }[] }>();
  lines.forEach((line, position) => {
    const part = parts[position] as number;
    if (part === 0) return;
    const share = shares.get(line.payeeKey) ?? { amountPence: 0, lines: [] };
    share.amountPence += part;
    share.lines.push({ index: line.index, amountPence: part });
    shares.set(line.payeeKey, share);
  });
  return [...shares].map(([payeeKey, share]) => ({ payeeKey, ...share }));
}
