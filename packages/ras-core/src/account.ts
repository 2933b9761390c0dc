import type { CalendarDate } from './dates.js';
import { fail } from './errors.js';
import { allocate, checkedPence, type Pence } from './money.js';

/** The council: the funder of the RAS amount less any included streams. */
export const COUNCIL_FUNDER = 'council';
/** The person: their assessed contribution. */
export const PERSON_FUNDER = 'person';

/** What an entry of the budget account's ledger records. */
export type LedgerKind =
  | 'council-payment'
  | 'funder-payment'
  | 'contribution'
  | 'spend'
  | 'refund'
  | 'adjustment'
  | 'clawback'
  | 'contribution-refund'
  | 'reversal';

/** Which way each kind moves money; adjustments say so themselves, reversals mirror their entry. */
export const LEDGER_DIRECTION: Readonly<Record<Exclude<LedgerKind, 'adjustment' | 'reversal'>, 1 | -1>> = {
  'council-payment': 1,
  'funder-payment': 1,
  contribution: 1,
  refund: 1,
  spend: -1,
  clawback: -1,
  'contribution-refund': -1,
};

/** The funder a kind of entry belongs to when it does not name one. */
export function defaultFunder(kind: LedgerKind): string {
  return kind === 'contribution' || kind === 'contribution-refund' ? PERSON_FUNDER : COUNCIL_FUNDER;
}

/** One entry of the ledger, append-only. */
export interface LedgerEntry {
  readonly id: string;
  readonly kind: LedgerKind;
  readonly direction: 1 | -1;
  readonly amountPence: Pence;
  /** Whose money: `council`, `person` or a funding stream's key. */
  readonly funder: string;
  readonly instalmentNumber?: number | null;
  readonly reversesId?: string | null;
  readonly category?: string | null;
  readonly managedBy?: string | null;
}

/** One instalment a funder pays into the account through the council. */
export interface ScheduledPayment {
  readonly funder: string;
  readonly number: number;
  readonly dueDate: CalendarDate;
  readonly amountPence: Pence;
}

/** How a payment was counted against an instalment. */
export interface PaymentAllocation {
  readonly transactionId: string;
  readonly amountPence: Pence;
}

/** An instalment and how far it is paid. */
export interface InstalmentStatus extends ScheduledPayment {
  readonly paidPence: Pence;
  readonly status: 'paid' | 'part-paid' | 'due' | 'upcoming';
  /** The payments counted against it, oldest first. */
  readonly payments: readonly PaymentAllocation[];
  /** The payment that completed it, when it is paid. */
  readonly paidBy: string | null;
}

/** One funder's money in the account. */
export interface FunderBalance {
  readonly funder: string;
  /** Money the funder paid in. */
  readonly paidInPence: Pence;
  /** Money given back to the funder (clawback, a refunded contribution). */
  readonly returnedPence: Pence;
  /** Adjustments in the funder's name, signed. */
  readonly adjustmentsPence: number;
  /**
   * The funder's spending: a funding stream's is the spend on the plan lines it funds (its money is
   * ring-fenced); the rest is shared between the council and the person in proportion to what
   * each paid in.
   */
  readonly spentPence: number;
  /** paid in − returned + adjustments − spent. */
  readonly balancePence: number;
  /** Payments beyond every scheduled instalment of this funder. */
  readonly unallocatedPence: Pence;
}

/** Where a ledger stands: balance, money in and out, per funder, and the schedule's progress. */
export interface AccountSummary {
  /** Σ direction × amount over every entry, reversals included. */
  readonly balancePence: number;
  readonly councilPaidPence: Pence;
  readonly personPaidPence: Pence;
  /** Money paid in by funders other than the council and the person. */
  readonly fundersPaidPence: Pence;
  /** Spend less refunds. */
  readonly spentPence: number;
  readonly clawedBackPence: Pence;
  readonly contributionRefundedPence: Pence;
  readonly adjustmentsPence: number;
  readonly spendByCategory: Record<string, number>;
  readonly spendByManagementOption: Record<string, number>;
  readonly funders: readonly FunderBalance[];
  readonly schedule: readonly InstalmentStatus[];
}

interface Tally {
  paidIn: number;
  returned: number;
  adjustments: number;
}

const isPayment = (kind: LedgerKind) => kind === 'council-payment' || kind === 'funder-payment';

/**
 * Sums an append-only ledger. A reversal cancels the entry it names, so both drop out of the
 * totals while the balance stays the ledger's own sum. A funding stream that pays for lines of
 * the plan (`options.ringFenced`) is ring-fenced: spend recorded against one of its lines (the
 * entry names the stream) is its own, and no other spending touches it. All other spending is
 * shared between the council, the person and any stream that funds no line, in proportion to what
 * each paid in (rounded down, the pennies left over going one each in order,
 * the council first, as {@link allocate} does: none lost), so the funders' balances add up to the
 * balance. Payments count against the funder's instalments: a payment
 * naming an instalment pays that one; any other is spread over the unpaid ones, oldest first.
 *
 * @param entries - the ledger, oldest first
 * @param instalments - every funder's scheduled instalments
 * @param today - the date "due" is judged on
 * @returns totals, per-funder balances and the schedule with what paid each instalment
 * @throws RasError `INVALID_ACCOUNT` when a reversal names no entry of the ledger
 * @example
 * ```ts
 * const summary = summariseAccount(
 *   [{ id: 'a', kind: 'council-payment', direction: 1, amountPence: 1_000, funder: 'council' }],
 *   [{ funder: 'council', number: 1, dueDate: '2026-05-01', amountPence: 600 },
 *    { funder: 'council', number: 2, dueDate: '2026-06-01', amountPence: 400 }],
 *   '2026-05-10',
 * );
 * summary.schedule.map((i) => i.status); // ['paid', 'paid']
 * ```
 */
export function summariseAccount(
  entries: readonly LedgerEntry[],
  instalments: readonly ScheduledPayment[],
  today: CalendarDate,
  options: {
    /**
     * The funding streams whose money is ring-fenced: those the plan's lines name (default: those
     * any spend names). A stream that funds no line shares the other spending by what it paid in.
     */
    readonly ringFenced?: Iterable<string>;
  } = {},
): AccountSummary {
  const ids = new Set(entries.map((entry) => entry.id));
  const reversed = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'reversal') continue;
    if (!entry.reversesId || !ids.has(entry.reversesId))
      fail('INVALID_ACCOUNT', `/entries/${entry.id}`, 'reverses no entry of this ledger');
    reversed.add(entry.reversesId);
  }
  let balance = 0;
  let spent = 0;
  // Spending on the council's lines (or on no line), and each stream's spending on its own lines.
  let pooled = 0;
  const lineSpend = new Map<string, number>();
  let clawedBack = 0;
  let contributionRefunded = 0;
  let adjustments = 0;
  const byCategory: Record<string, number> = {};
  const byOption: Record<string, number> = {};
  const tallies = new Map<string, Tally>();
  const tally = (funder: string) => {
    let found = tallies.get(funder);
    if (!found) {
      found = { paidIn: 0, returned: 0, adjustments: 0 };
      tallies.set(funder, found);
    }
    return found;
  };
  tally(COUNCIL_FUNDER);
  for (const instalment of instalments) tally(instalment.funder);
  const payments: LedgerEntry[] = [];
  for (const entry of entries) {
    balance = checkedPence(balance + entry.direction * entry.amountPence, '/balancePence');
    if (entry.kind === 'reversal' || reversed.has(entry.id)) continue;
    const amount = entry.amountPence;
    switch (entry.kind) {
      case 'council-payment':
      case 'funder-payment':
      case 'contribution':
        tally(entry.funder).paidIn += amount;
        if (isPayment(entry.kind)) payments.push(entry);
        break;
      case 'spend':
      case 'refund': {
        const signed = entry.kind === 'spend' ? amount : -amount;
        spent += signed;
        if (entry.funder === COUNCIL_FUNDER || entry.funder === PERSON_FUNDER) pooled += signed;
        else lineSpend.set(entry.funder, (lineSpend.get(entry.funder) ?? 0) + signed);
        const category = entry.category ?? 'uncategorised';
        byCategory[category] = (byCategory[category] ?? 0) + signed;
        if (entry.managedBy) byOption[entry.managedBy] = (byOption[entry.managedBy] ?? 0) + signed;
        break;
      }
      case 'clawback':
        clawedBack += amount;
        tally(entry.funder).returned += amount;
        break;
      case 'contribution-refund':
        contributionRefunded += amount;
        tally(entry.funder).returned += amount;
        break;
      case 'adjustment':
        adjustments += entry.direction * amount;
        tally(entry.funder).adjustments += entry.direction * amount;
        break;
    }
  }

  for (const funder of lineSpend.keys()) tally(funder);
  const fenced = new Set(options.ringFenced ?? lineSpend.keys());
  const funderKeys = [...tallies.keys()];
  // Spending on a stream's own lines is its own (even were it not listed as fenced); everything
  // else is shared by what each paid in among the council, the person and unfenced streams.
  const pool = (key: string) => key === COUNCIL_FUNDER || key === PERSON_FUNDER || !fenced.has(key);
  let shared = pooled;
  for (const [funder, spent] of lineSpend) if (!fenced.has(funder)) shared += spent;
  const pooledShares = shareSpending(
    shared,
    funderKeys.map((key) => (pool(key) ? (tallies.get(key) as Tally).paidIn : 0)),
  );
  const spentShares = funderKeys.map((key, index) => (pool(key) ? (pooledShares[index] as number) : (lineSpend.get(key) ?? 0)));
  const { schedule, unallocated } = allocatePayments(payments, instalments, today);
  const funders = funderKeys.map((funder, index) => {
    const t = tallies.get(funder) as Tally;
    const share = spentShares[index] as number;
    return {
      funder,
      paidInPence: t.paidIn,
      returnedPence: t.returned,
      adjustmentsPence: t.adjustments,
      spentPence: share,
      balancePence: t.paidIn - t.returned + t.adjustments - share,
      unallocatedPence: unallocated.get(funder) ?? 0,
    };
  });
  const paidBy = (funder: string) => tallies.get(funder)?.paidIn ?? 0;
  return {
    balancePence: balance,
    councilPaidPence: paidBy(COUNCIL_FUNDER),
    personPaidPence: paidBy(PERSON_FUNDER),
    fundersPaidPence: funders.reduce(
      (sum, f) => (f.funder === COUNCIL_FUNDER || f.funder === PERSON_FUNDER ? sum : sum + f.paidInPence),
      0,
    ),
    spentPence: spent,
    clawedBackPence: clawedBack,
    contributionRefundedPence: contributionRefunded,
    adjustmentsPence: adjustments,
    spendByCategory: byCategory,
    spendByManagementOption: byOption,
    funders,
    schedule,
  };
}

/** Net spending shared in proportion to what each funder paid in; all of it to the first (the council) when nothing was. */
function shareSpending(spent: number, paidIn: readonly number[]): number[] {
  if (spent === 0) return paidIn.map(() => 0);
  const magnitude = Math.abs(spent);
  const shares = paidIn.some((paid) => paid > 0) ? allocate(magnitude, paidIn) : paidIn.map((_, index) => (index === 0 ? magnitude : 0));
  return spent < 0 ? shares.map((share) => -share) : shares;
}

/**
 * Counts payments against instalments in ledger order: a payment naming an instalment pays what
 * that one still owes, and anything else (or any excess) goes to the oldest instalment with
 * anything left to pay. What no instalment needs is left unallocated.
 */
function allocatePayments(
  payments: readonly LedgerEntry[],
  instalments: readonly ScheduledPayment[],
  today: CalendarDate,
): { schedule: InstalmentStatus[]; unallocated: Map<string, number> } {
  const ordered = [...instalments].sort((a, b) => (a.funder < b.funder ? -1 : a.funder > b.funder ? 1 : 0) || a.number - b.number);
  const slots = ordered.map((instalment) => ({ instalment, paid: 0, payments: [] as PaymentAllocation[], paidBy: null as string | null }));
  const byKey = new Map(slots.map((slot) => [`${slot.instalment.funder}#${slot.instalment.number}`, slot]));
  const unallocated = new Map<string, number>();
  const credit = (slot: (typeof slots)[number], entry: LedgerEntry, amount: number) => {
    slot.paid += amount;
    slot.payments.push({ transactionId: entry.id, amountPence: amount });
    if (slot.paid >= slot.instalment.amountPence && slot.paidBy === null) slot.paidBy = entry.id;
  };
  // In ledger order, so an instalment shows the payments that paid it as they came in.
  for (const entry of payments) {
    let left = entry.amountPence;
    const named = entry.instalmentNumber == null ? undefined : byKey.get(`${entry.funder}#${entry.instalmentNumber}`);
    if (named) {
      const amount = Math.min(left, Math.max(0, named.instalment.amountPence - named.paid));
      if (amount > 0) credit(named, entry, amount);
      left -= amount;
    }
    for (const slot of slots) {
      if (left === 0) break;
      if (slot.instalment.funder !== entry.funder) continue;
      const owing = slot.instalment.amountPence - slot.paid;
      if (owing <= 0) continue;
      const amount = Math.min(owing, left);
      credit(slot, entry, amount);
      left -= amount;
    }
    if (left > 0) unallocated.set(entry.funder, (unallocated.get(entry.funder) ?? 0) + left);
  }
  const schedule = slots.map(({ instalment, paid, payments: counted, paidBy }) => ({
    ...instalment,
    paidPence: paid,
    status:
      paid >= instalment.amountPence && (instalment.amountPence > 0 || counted.length > 0)
        ? ('paid' as const)
        : paid > 0
          ? ('part-paid' as const)
          : instalment.dueDate <= today
            ? ('due' as const)
            : ('upcoming' as const),
    payments: counted,
    paidBy,
  }));
  return { schedule, unallocated };
}
