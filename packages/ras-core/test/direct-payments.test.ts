import { describe, expect, it } from 'vitest';
import { checkAccountReturn, ledgerForPeriod, selectAuditSample } from '../src/index.js';

describe('ledgerForPeriod and checkAccountReturn', () => {
  // May: £500 in before the period. June: £600 in, £250 out, and a £40 spend reversed (neither counts).
  const entries = [
    { id: 'a', direction: 1 as const, amountPence: 50_000, occurredOn: '2026-05-01' },
    { id: 'b', direction: 1 as const, amountPence: 60_000, occurredOn: '2026-06-01' },
    { id: 'c', direction: -1 as const, amountPence: 25_000, occurredOn: '2026-06-10' },
    { id: 'd', direction: -1 as const, amountPence: 4_000, occurredOn: '2026-06-12' },
    { id: 'e', direction: 1 as const, amountPence: 4_000, occurredOn: '2026-06-13', reversesId: 'd' },
    { id: 'f', direction: -1 as const, amountPence: 9_999, occurredOn: '2026-07-01' },
  ];

  it('works out the period from the ledger: £500 opening, £600 in, £250 out, £850 closing', () => {
    expect(ledgerForPeriod(entries, '2026-06-01', '2026-06-30')).toEqual({
      openingBalancePence: 50_000,
      moneyInPence: 60_000,
      moneyOutPence: 25_000,
      closingBalancePence: 85_000,
    });
  });

  it('shows each difference with its sign, and matches only when there are none', () => {
    const ledger = ledgerForPeriod(entries, '2026-06-01', '2026-06-30');
    const good = checkAccountReturn(
      {
        openingBalancePence: 50_000,
        moneyInPence: 60_000,
        moneyOutPence: 25_000,
        closingBalancePence: 85_000,
        receipts: [{ reference: 'R1', amountPence: 25_000 }],
      },
      ledger,
    );
    expect(good.matches).toBe(true);
    // The person says £300 went out, has receipts for £220, and a closing balance £50 short.
    const bad = checkAccountReturn(
      {
        openingBalancePence: 50_000,
        moneyInPence: 60_000,
        moneyOutPence: 30_000,
        closingBalancePence: 75_000,
        receipts: [
          { reference: 'R1', amountPence: 12_000 },
          { reference: 'R2', amountPence: 10_000 },
        ],
      },
      ledger,
    );
    expect(bad.matches).toBe(false);
    const by = Object.fromEntries(bad.checks.map((c) => [c.key, c.differencePence]));
    expect(by).toEqual({
      'opening-balance': 0,
      'money-in': 0,
      'money-out': 5_000,
      'closing-balance': -10_000,
      'statement-adds-up': -5_000,
      receipts: -8_000,
    });
    expect(bad.checks.find((c) => c.key === 'closing-balance')?.explanation).toBe(
      'Closing balance: £750.00 on the return, £850.00 in the ledger: £100.00 less on the return.',
    );
  });
});

describe('selectAuditSample', () => {
  const accounts = Array.from({ length: 40 }, (_, i) => ({
    id: `acc-${String(i).padStart(2, '0')}`,
    balancePence: i === 7 ? 300_000 : 50_000,
    annualPence: 1_040_000,
  }));

  it('draws the same 10% for the same seed, a different one for another, plus every account over 12 weeks of budget', () => {
    const rule = { percent: 10, seed: '2026-Q2', riskWeeks: 12 };
    const first = selectAuditSample(accounts, rule);
    const again = selectAuditSample([...accounts].reverse(), rule);
    expect(again.sampled).toEqual(first.sampled);
    expect(first.randomCount).toBe(4);
    // 12 weeks of £10,400 a year = £2,400: only acc-07's £3,000 is above it.
    expect(first.highBalanceCount).toBe(1);
    const risky = first.sampled.find((s) => s.id === 'acc-07');
    expect(risky?.reasons).toContain('high-balance');
    expect(risky?.thresholdPence).toBe(240_000);
    const other = selectAuditSample(accounts, { ...rule, seed: '2026-Q3' });
    expect(other.sampled.map((s) => s.id)).not.toEqual(first.sampled.map((s) => s.id));
  });

  it('rounds the random draw up, so a small council still audits someone', () => {
    expect(selectAuditSample(accounts.slice(0, 3), { percent: 5, seed: 'x', riskWeeks: 52 }).randomCount).toBe(1);
    expect(selectAuditSample(accounts.slice(0, 3), { percent: 0, seed: 'x', riskWeeks: 52 }).sampled).toEqual([]);
  });
});
