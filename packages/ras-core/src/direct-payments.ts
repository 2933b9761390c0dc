import { type AccountSummary, COUNCIL_FUNDER } from './account.js';
import type { CalendarDate } from './dates.js';
import { type ExplanationStep, step } from './explanation.js';
import {
  assertPence,
  checkedPence,
  divide,
  formatPounds,
  multiplyDivide,
  type Pence,
  percentToBasisPoints,
  weeksToHundredths,
} from './money.js';

/** A ledger entry with its date, as a period of the account is worked out from. */
export interface DatedEntry {
  readonly id: string;
  readonly direction: 1 | -1;
  readonly amountPence: Pence;
  readonly occurredOn: CalendarDate;
  /** The entry a reversal cancels. */
  readonly reversesId?: string | null;
}

/** What the ledger says about a period: the balance before it, money in and out during it, the balance after. */
export interface PeriodFigures {
  readonly openingBalancePence: number;
  readonly moneyInPence: Pence;
  readonly moneyOutPence: Pence;
  readonly closingBalancePence: number;
}

/**
 * The ledger's figures for `from`–`to` (both days included). An entry that was reversed and its
 * reversal both drop out, as neither moved money on a bank statement.
 */
export function ledgerForPeriod(entries: readonly DatedEntry[], from: CalendarDate, to: CalendarDate): PeriodFigures {
  const reversed = new Set(entries.flatMap((entry) => (entry.reversesId ? [entry.reversesId] : [])));
  let opening = 0;
  let moneyIn = 0;
  let moneyOut = 0;
  for (const entry of entries) {
    if (entry.reversesId || reversed.has(entry.id) || entry.occurredOn > to) continue;
    if (entry.occurredOn < from) opening += entry.direction * entry.amountPence;
    else if (entry.direction === 1) moneyIn += entry.amountPence;
    else moneyOut += entry.amountPence;
  }
  return {
    openingBalancePence: checkedPence(opening, '/openingBalancePence'),
    moneyInPence: checkedPence(moneyIn, '/moneyInPence'),
    moneyOutPence: checkedPence(moneyOut, '/moneyOutPence'),
    closingBalancePence: checkedPence(opening + moneyIn - moneyOut, '/closingBalancePence'),
  };
}

/** A direct payment account's statement for a period, as the person (or whoever holds the money) returns it. */
export interface AccountStatement {
  readonly openingBalancePence: number;
  readonly moneyInPence: Pence;
  readonly moneyOutPence: Pence;
  readonly closingBalancePence: number;
  /** Receipts for the money out, by the reference they are kept under. */
  readonly receipts: readonly { readonly reference: string; readonly amountPence: Pence }[];
}

/** One check of a return and what it found. */
export interface ReturnDifference {
  readonly key: 'opening-balance' | 'money-in' | 'money-out' | 'closing-balance' | 'statement-adds-up' | 'receipts';
  readonly statementPence: number;
  readonly expectedPence: number;
  /** statement − expected: 0 when they agree. */
  readonly differencePence: number;
  readonly matches: boolean;
  readonly explanation: string;
}

/** A return checked against the ledger. */
export interface ReturnCheck {
  readonly matches: boolean;
  readonly ledger: PeriodFigures;
  readonly checks: readonly ReturnDifference[];
  readonly explanation: readonly ExplanationStep[];
}

function compare(key: ReturnDifference['key'], what: string, against: string, statement: number, expected: number): ReturnDifference {
  const difference = statement - expected;
  return {
    key,
    statementPence: statement,
    expectedPence: expected,
    differencePence: difference,
    matches: difference === 0,
    explanation:
      difference === 0
        ? `${what}: ${formatPounds(statement)}, as ${against}.`
        : `${what}: ${formatPounds(statement)} on the return, ${formatPounds(expected)} ${against}: ${formatPounds(Math.abs(difference))} ${difference > 0 ? 'more' : 'less'} on the return.`,
  };
}

const signed = (pence: number, pointer: string) => (pence < 0 ? -assertPence(-pence, pointer) : assertPence(pence, pointer));

/**
 * Checks a direct payment account's return for a period against the budget account's ledger: the
 * opening and closing balances, money in and money out against the ledger; that the statement adds
 * up (opening + in − out = closing); and that the receipts cover the money out. Every difference is
 * shown with its sign; the return matches only when there are none.
 *
 * @example
 * ```ts
 * const check = checkAccountReturn(
 *   { openingBalancePence: 0, moneyInPence: 100_000, moneyOutPence: 60_000, closingBalancePence: 40_000,
 *     receipts: [{ reference: 'R1', amountPence: 55_000 }] },
 *   { openingBalancePence: 0, moneyInPence: 100_000, moneyOutPence: 60_000, closingBalancePence: 40_000 },
 * );
 * check.checks.find((c) => c.key === 'receipts')?.differencePence; // -5_000: £50 of spending without a receipt
 * ```
 */
export function checkAccountReturn(statement: AccountStatement, ledger: PeriodFigures): ReturnCheck {
  const opening = signed(statement.openingBalancePence, '/openingBalancePence');
  const moneyIn = assertPence(statement.moneyInPence, '/moneyInPence');
  const moneyOut = assertPence(statement.moneyOutPence, '/moneyOutPence');
  const closing = signed(statement.closingBalancePence, '/closingBalancePence');
  let receipts = 0;
  statement.receipts.forEach((receipt, index) => {
    receipts = checkedPence(receipts + assertPence(receipt.amountPence, `/receipts/${index}/amountPence`), '/receipts');
  });
  const checks = [
    compare('opening-balance', 'Opening balance', 'in the ledger', opening, ledger.openingBalancePence),
    compare('money-in', 'Money in', 'the ledger records', moneyIn, ledger.moneyInPence),
    compare('money-out', 'Money out', 'the ledger records', moneyOut, ledger.moneyOutPence),
    compare('closing-balance', 'Closing balance', 'in the ledger', closing, ledger.closingBalancePence),
    compare('statement-adds-up', 'Closing balance', 'opening + in − out makes it', closing, opening + moneyIn - moneyOut),
    compare('receipts', 'Receipts', 'the money out', receipts, moneyOut),
  ];
  const matches = checks.every((check) => check.matches);
  const wrong = checks.filter((check) => !check.matches);
  return {
    matches,
    ledger,
    checks,
    explanation: [
      ...checks.map((check) => step(`return:${check.key}`, check.explanation, check.differencePence, 'pence')),
      step(
        'return',
        matches
          ? 'The return agrees with the account to the penny.'
          : `The return differs from the account in ${wrong.length} of ${checks.length} checks.`,
        wrong.length,
        'count',
      ),
    ],
  };
}

/** An account that could be audited. */
export interface AuditCandidate {
  readonly id: string;
  readonly balancePence: number;
  /** The yearly budget the risk threshold is weeks of. */
  readonly annualPence: Pence;
}

/** How a period's audit sample is drawn. */
export interface AuditSampleRule {
  /** This percentage of the accounts, at random (at least one when there are any and it is above 0). */
  readonly percent: number;
  /** Makes the random part reproducible: the same seed and accounts draw the same sample. */
  readonly seed: string;
  /** Every account holding more than this many weeks of its budget is audited too (e.g. 12). */
  readonly riskWeeks: number;
  readonly weeksPerYear?: number;
}

/** An account drawn for audit, and why. */
export interface SampledAccount {
  readonly id: string;
  readonly reasons: readonly ('random' | 'high-balance')[];
  readonly balancePence: number;
  /** riskWeeks of the yearly budget: above it the account is audited whatever the draw. */
  readonly thresholdPence: Pence;
}

/** FNV-1a, 32 bits: a fixed, well-spread hash, so a draw is the same on every machine and in every year. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Draws a period's audit sample of direct payment accounts: `percent` of them at random, seeded and
 * reproducible (each account ranked by a hash of the seed and its id, the lowest taken), plus every
 * account whose balance is above `riskWeeks` of its yearly budget.
 *
 * @example
 * ```ts
 * selectAuditSample([{ id: 'a', balancePence: 400_000, annualPence: 1_040_000 }], { percent: 0, seed: '2026-q3', riskWeeks: 12 });
 * // a is drawn: £4,000 is above 12 weeks of £10,400 a year (£2,400)
 * ```
 */
export function selectAuditSample(
  candidates: readonly AuditCandidate[],
  rule: AuditSampleRule,
): {
  readonly sampled: readonly SampledAccount[];
  readonly randomCount: number;
  readonly highBalanceCount: number;
  readonly explanation: readonly ExplanationStep[];
} {
  const basisPoints = percentToBasisPoints(rule.percent, '/percent');
  const perYear = rule.weeksPerYear ?? 52;
  const riskHundredths = weeksToHundredths(rule.riskWeeks, '/riskWeeks');
  const draw = divide(candidates.length * basisPoints, 10_000, 'up');
  const ranked = [...candidates].sort((a, b) => fnv1a(`${rule.seed}:${a.id}`) - fnv1a(`${rule.seed}:${b.id}`) || (a.id < b.id ? -1 : 1));
  const random = new Set(ranked.slice(0, draw).map((candidate) => candidate.id));
  const sampled: SampledAccount[] = [];
  let highBalance = 0;
  for (const candidate of [...candidates].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const threshold = multiplyDivide(assertPence(candidate.annualPence, '/annualPence'), riskHundredths, perYear * 100, 'down');
    const reasons: ('random' | 'high-balance')[] = [];
    if (random.has(candidate.id)) reasons.push('random');
    if (candidate.balancePence > threshold) {
      reasons.push('high-balance');
      highBalance += 1;
    }
    if (reasons.length > 0) sampled.push({ id: candidate.id, reasons, balancePence: candidate.balancePence, thresholdPence: threshold });
  }
  return {
    sampled,
    randomCount: random.size,
    highBalanceCount: highBalance,
    explanation: [
      step('accounts', `${candidates.length} direct payment accounts could be audited.`, candidates.length, 'count'),
      step('random', `${rule.percent}% at random (seed "${rule.seed}"), rounded up: ${random.size}.`, random.size, 'count'),
      step('high-balance', `${highBalance} hold more than ${rule.riskWeeks} weeks of their budget.`, highBalance, 'count'),
      step('sample', `${sampled.length} accounts are audited.`, sampled.length, 'count'),
    ],
  };
}

/**
 * The most an audit can find owed to the council on an account: what the council paid in less
 * what has already gone back to it (clawback, earlier recoveries) and the debts earlier audits
 * recorded, so the same money is never claimed twice. How much of it comes out of the account and
 * how much is a debt the holder owes is {@link splitRecovery}'s.
 *
 * @param summary - the account
 * @param earlierDebtsPence - the debts earlier audits of the account recorded (default 0)
 */
export function recoverablePence(summary: AccountSummary, earlierDebtsPence: Pence = 0): Pence {
  assertPence(earlierDebtsPence, '/earlierDebtsPence');
  const council = summary.funders.find((funder) => funder.funder === COUNCIL_FUNDER);
  return council ? Math.max(0, council.paidInPence - council.returnedPence - earlierDebtsPence) : 0;
}

/** What an audit's recovery takes from the account, and what is left owing beyond it. */
export interface Recovery {
  /** Taken from the account as clawback: never more than the council's own money still in it. */
  readonly recoveredPence: Pence;
  /** The rest: a debt the holder owes the council, never a negative balance. */
  readonly debtPence: Pence;
}

/**
 * Splits what an audit found owed between the council's money still in the account (recovered
 * now) and a debt the holder owes for the rest, so the account never goes below 0.
 *
 * @param summary - the account, as {@link summariseAccount} gives it
 * @param owedPence - what the audit found owed, at most {@link recoverablePence}
 * @returns the part recovered from the account and the part owed as a debt
 * @throws RasError `INVALID_MONEY` for an amount that is not whole pence
 * @example
 * ```ts
 * // The council paid in £1,000.00 and £400.00 is left: £600.00 found owed is £400.00 recovered, £200.00 owed.
 * splitRecovery(summary, 60_000); // { recoveredPence: 40_000, debtPence: 20_000 }
 * ```
 */
export function splitRecovery(summary: AccountSummary, owedPence: Pence): Recovery {
  assertPence(owedPence, '/recoveryPence');
  const council = summary.funders.find((funder) => funder.funder === COUNCIL_FUNDER);
  const left = Math.max(0, council?.balancePence ?? 0);
  const recoveredPence = Math.min(owedPence, left);
  return { recoveredPence, debtPence: owedPence - recoveredPence };
}
