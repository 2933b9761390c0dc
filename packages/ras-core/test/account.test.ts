import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annualClawback,
  defaultFunder,
  LEDGER_DIRECTION,
  type LedgerEntry,
  type LedgerKind,
  recoverablePence,
  scheduleFunderPayments,
  schedulePayments,
  summariseAccount,
} from '../src/index.js';

const entry = (id: string, kind: Exclude<LedgerKind, 'reversal' | 'adjustment'>, amountPence: number, extra: Partial<LedgerEntry> = {}) =>
  ({ id, kind, direction: LEDGER_DIRECTION[kind], amountPence, funder: defaultFunder(kind), ...extra }) as LedgerEntry;

describe('summariseAccount', () => {
  it('spreads a lump sum over the instalments it covers, oldest first, and shows the allocation', () => {
    // £1,000.00 net a year in 12 instalments: 4 × £83.34 + 8 × £83.33. One payment of £1,000.00
    // pays all twelve; a second of £250.00 has nothing left to pay.
    const schedule = schedulePayments(100_000, '2026-05-01').map((i) => ({ ...i, funder: 'council' }));
    const summary = summariseAccount([entry('lump', 'council-payment', 100_000)], schedule, '2026-05-10');
    expect(summary.schedule.every((i) => i.status === 'paid' && i.paidBy === 'lump')).toBe(true);
    expect(summary.schedule[0]?.payments).toEqual([{ transactionId: 'lump', amountPence: 8_334 }]);
    const part = summariseAccount([entry('a', 'council-payment', 20_000)], schedule, '2026-07-10');
    // £200.00 pays instalments 1 and 2 (£166.68) and £33.32 of instalment 3.
    expect(part.schedule.slice(0, 4).map((i) => [i.status, i.paidPence])).toEqual([
      ['paid', 8_334],
      ['paid', 8_334],
      ['part-paid', 3_332],
      ['upcoming', 0],
    ]);
    const over = summariseAccount(
      [entry('lump', 'council-payment', 100_000), entry('more', 'council-payment', 25_000)],
      schedule,
      '2026-05-10',
    );
    expect(over.funders.find((f) => f.funder === 'council')?.unallocatedPence).toBe(25_000);
  });

  it('gives each funder its paid-in, its spending and its balance: a stream only its own lines’ spend', () => {
    // Council £9,000, person £1,000 (contributions), Supporting People £2,000: £12,000 in. £6,000
    // spent on the council's lines is shared 9 : 1 between council and person → £5,400, £600;
    // Supporting People's money is ring-fenced: only the £800 spent on its line is its own.
    const summary = summariseAccount(
      [
        entry('c', 'council-payment', 900_000),
        entry('p', 'contribution', 100_000),
        entry('s', 'funder-payment', 200_000, { funder: 'supporting-people' }),
        entry('x', 'spend', 600_000),
        entry('y', 'spend', 80_000, { funder: 'supporting-people' }),
      ],
      [],
      '2026-05-01',
    );
    expect(summary.funders.map((f) => [f.funder, f.paidInPence, f.spentPence, f.balancePence])).toEqual([
      ['council', 900_000, 540_000, 360_000],
      ['person', 100_000, 60_000, 40_000],
      ['supporting-people', 200_000, 80_000, 120_000],
    ]);
    expect(summary.spentPence).toBe(680_000);
    expect(summary.fundersPaidPence).toBe(200_000);
  });

  it('shares spending with a stream that funds no line, as with the council', () => {
    // Council £9,000 and Supporting People £3,000 in; £6,000 spent on the council's lines. SP funds
    // no line, so it is not ring-fenced: the spending is shared 9 : 3 → £4,500 and £1,500.
    const entries = [
      entry('c', 'council-payment', 900_000),
      entry('s', 'funder-payment', 300_000, { funder: 'sp' }),
      entry('x', 'spend', 600_000),
    ];
    expect(summariseAccount(entries, [], '2026-05-01', { ringFenced: [] }).funders.map((f) => [f.funder, f.spentPence])).toEqual([
      ['council', 450_000],
      ['sp', 150_000],
    ]);
    // Fenced (a line names it), none of the council's spending touches it.
    expect(summariseAccount(entries, [], '2026-05-01', { ringFenced: ['sp'] }).funders.map((f) => [f.funder, f.spentPence])).toEqual([
      ['council', 600_000],
      ['sp', 0],
    ]);
  });

  it('charges a refund on a stream’s line back to that stream alone', () => {
    const summary = summariseAccount(
      [
        entry('c', 'council-payment', 100_000),
        entry('s', 'funder-payment', 50_000, { funder: 'nhs' }),
        entry('x', 'spend', 30_000, { funder: 'nhs' }),
        entry('r', 'refund', 5_000, { funder: 'nhs' }),
      ],
      [],
      '2026-05-01',
    );
    expect(summary.funders.map((f) => [f.funder, f.spentPence, f.balancePence])).toEqual([
      ['council', 0, 100_000],
      ['nhs', 25_000, 25_000],
    ]);
  });

  const kinds = ['council-payment', 'funder-payment', 'contribution', 'spend', 'refund', 'clawback', 'contribution-refund'] as const;
  const ledger = fc
    .array(
      fc.record({
        kind: fc.constantFrom(...kinds, 'adjustment' as const),
        amountPence: fc.integer({ min: 1, max: 100_000_000 }),
        funder: fc.constantFrom('council', 'person', 'ilf', 'sp'),
        direction: fc.constantFrom(1 as const, -1 as const),
        reverse: fc.boolean(),
      }),
      { maxLength: 60 },
    )
    .map((drawn) => {
      const entries: LedgerEntry[] = [];
      drawn.forEach((d, index) => {
        const id = `e${index}`;
        const direction = d.kind === 'adjustment' ? d.direction : LEDGER_DIRECTION[d.kind];
        const funder = d.kind === 'council-payment' ? 'council' : d.kind === 'contribution' ? 'person' : d.funder;
        entries.push({ id, kind: d.kind, direction, amountPence: d.amountPence, funder });
        if (d.reverse)
          entries.push({
            id: `r${index}`,
            kind: 'reversal',
            direction: direction === 1 ? -1 : 1,
            amountPence: d.amountPence,
            funder,
            reversesId: id,
          });
      });
      return entries;
    });

  it('keeps the balance the sum of the ledger, and the funders’ balances add up to it (pennies conserved)', () => {
    fc.assert(
      fc.property(ledger, (entries) => {
        const summary = summariseAccount(entries, [], '2026-05-01');
        expect(summary.balancePence).toBe(entries.reduce((sum, e) => sum + e.direction * e.amountPence, 0));
        expect(summary.funders.reduce((sum, f) => sum + f.balancePence, 0)).toBe(summary.balancePence);
        expect(summary.funders.reduce((sum, f) => sum + f.spentPence, 0)).toBe(summary.spentPence);
      }),
    );
  });

  it('nets a reversal to zero: reversing an entry is as if it was never made', () => {
    fc.assert(
      fc.property(ledger, (entries) => {
        const reversedIds = new Set(entries.flatMap((e) => (e.reversesId ? [e.reversesId] : [])));
        const without = entries.filter((e) => e.kind !== 'reversal' && !reversedIds.has(e.id));
        const a = summariseAccount(entries, [], '2026-05-01');
        const b = summariseAccount(without, [], '2026-05-01');
        expect(a.funders).toEqual(b.funders);
        expect(a.balancePence).toBe(b.balancePence);
      }),
    );
  });

  it('allocates named and unnamed payments of several funders without losing or overpaying a penny', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(
          fc.record({
            funder: fc.constantFrom('council', 'sp'),
            amount: fc.integer({ min: 1, max: 300_000 }),
            instalment: fc.option(fc.integer({ min: 1, max: 14 }), { nil: undefined }),
          }),
          { maxLength: 30 },
        ),
        (council, sp, drawn) => {
          const schedule = [
            ...schedulePayments(council, '2026-05-01').map((i) => ({ ...i, funder: 'council' })),
            ...schedulePayments(sp, '2026-05-01').map((i) => ({ ...i, funder: 'sp' })),
          ];
          const entries = drawn.map((d, index) =>
            entry(`p${index}`, d.funder === 'council' ? 'council-payment' : 'funder-payment', d.amount, {
              funder: d.funder,
              instalmentNumber: d.instalment ?? null,
            }),
          );
          const summary = summariseAccount(entries, schedule, '2026-05-01');
          for (const funder of ['council', 'sp']) {
            const paid = drawn.filter((d) => d.funder === funder).reduce((sum, d) => sum + d.amount, 0);
            const allocated = summary.schedule.filter((i) => i.funder === funder).reduce((sum, i) => sum + i.paidPence, 0);
            const unallocated = summary.funders.find((f) => f.funder === funder)?.unallocatedPence ?? 0;
            expect(allocated + unallocated).toBe(paid);
          }
          for (const i of summary.schedule) {
            expect(i.paidPence).toBeLessThanOrEqual(i.amountPence);
            expect(i.payments.reduce((sum, p) => sum + p.amountPence, 0)).toBe(i.paidPence);
          }
        },
      ),
    );
  });

  it('allocates every penny of payments to instalments or leaves it unallocated, never more than an instalment needs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 2_000_000 }), { maxLength: 20 }),
        (net, payments) => {
          const schedule = schedulePayments(net, '2026-05-01').map((i) => ({ ...i, funder: 'council' }));
          const entries = payments.map((amount, index) => entry(`p${index}`, 'council-payment', amount));
          const summary = summariseAccount(entries, schedule, '2026-05-01');
          const allocated = summary.schedule.reduce((sum, i) => sum + i.paidPence, 0);
          const council = summary.funders.find((f) => f.funder === 'council');
          expect(allocated + (council?.unallocatedPence ?? 0)).toBe(payments.reduce((a, b) => a + b, 0));
          for (const i of summary.schedule) expect(i.paidPence).toBeLessThanOrEqual(i.amountPence);
        },
      ),
    );
  });
});

describe('annualClawback', () => {
  const rule = { type: 'percent', percent: 20 } as const;

  it('counts what the account holds as unspent, adjustments in included', () => {
    // Council paid £10,000 and adjusted £5,000 in; nothing spent: £15,000 unspent. Allowance 20%
    // of £10,000 = £2,000; the excess £13,000 is capped at the £10,000 the council paid.
    const account = summariseAccount(
      [entry('c', 'council-payment', 1_000_000), { id: 'a', kind: 'adjustment', direction: 1, amountPence: 500_000, funder: 'council' }],
      [],
      '2027-05-01',
    );
    const result = annualClawback(
      { startDate: '2026-05-01', councilAnnualPence: 1_000_000, annualContributionPence: 0, rule },
      account,
      '2027-05-01',
    );
    expect(result).toMatchObject({ underspendPence: 1_500_000, allowancePence: 200_000, clawbackPence: 1_000_000 });
    expect(result.explanation.find((step) => step.key === 'spent')?.text).toBe(
      'Refunds and adjustments added £5,000.00 more than was spent.',
    );
  });

  it('writes a part-year contribution due as arithmetic to redo', () => {
    // £350.01 × 13 ÷ 52 = £87.5025: £87.50 to the nearest penny (reviewed after 91 days = 13 weeks).
    const account = summariseAccount([], [], '2026-07-31');
    const result = annualClawback(
      { startDate: '2026-05-01', councilAnnualPence: 1_000_000, annualContributionPence: 35_001, rule },
      account,
      '2026-07-31',
    );
    expect(result.contributionDuePence).toBe(8_750);
    expect(result.explanation.find((step) => step.key === 'contribution-due')?.text).toBe(
      'Your agreed contribution for the weeks your budget covers is £350.01; for the 13 of 52 weeks reviewed, £350.01 × 13 ÷ 52 = £87.5025, which is £87.50 to the nearest penny.',
    );
  });

  it('takes the contribution due for the weeks the budget covers, refunds the overpayment, then reclaims', () => {
    // A 14-week college budget: council share £11,357.69, contribution £25 × 14 = £350.00, net
    // £11,007.69. The person paid £450.00, the council £11,007.69; £7,000.00 was spent.
    // Unspent: £11,457.69 − £7,000.00 = £4,457.69. Contribution due £350.00 (the review covers
    // the whole budget year), so £100.00 goes back first. Allowance 20% of £11,357.69 =
    // £2,271.54 (half-up). Reclaim £4,457.69 − £100.00 − £2,271.54 = £2,086.15.
    const account = summariseAccount(
      [entry('c', 'council-payment', 1_100_769), entry('p', 'contribution', 45_000), entry('s', 'spend', 700_000)],
      [],
      '2027-09-01',
    );
    const result = annualClawback(
      { startDate: '2026-09-01', councilAnnualPence: 1_135_769, annualContributionPence: 35_000, rule },
      account,
      '2027-09-01',
    );
    expect(result).toMatchObject({
      periodWeeks: 52,
      contributionDuePence: 35_000,
      underspendPence: 445_769,
      contributionRefundPence: 10_000,
      allowancePence: 227_154,
      clawbackPence: 208_615,
      totalClawbackPence: 208_615,
      funders: [],
    });
  });

  it('returns each other funder’s unspent share under its own rule, the council’s figures unchanged by it', () => {
    // Council £10,000 (no contribution), Supporting People £2,000 with a 0% allowance. £5,000
    // spent on the council's lines, £1,000 on SP's. Council: unspent £5,000, allowance 20% of
    // £10,000 = £2,000, reclaim £3,000. SP: unspent £1,000, allowance 0, returned £1,000.
    const account = summariseAccount(
      [
        entry('c', 'council-payment', 1_000_000),
        entry('s', 'funder-payment', 200_000, { funder: 'sp' }),
        entry('x', 'spend', 500_000),
        entry('y', 'spend', 100_000, { funder: 'sp' }),
      ],
      [],
      '2027-05-01',
    );
    const result = annualClawback(
      {
        startDate: '2026-05-01',
        councilAnnualPence: 1_000_000,
        annualContributionPence: 0,
        rule,
        streams: [{ key: 'sp', name: 'Supporting People', annualPence: 200_000, rule: { type: 'percent', percent: 0 } }],
      },
      account,
      '2027-05-01',
    );
    expect(result.clawbackPence).toBe(300_000);
    expect(result.funders).toEqual([
      expect.objectContaining({ funder: 'sp', underspendPence: 100_000, allowancePence: 0, clawbackPence: 100_000 }),
    ]);
    expect(result.totalClawbackPence).toBe(400_000);
    expect(result.funders[0]?.explanation.at(-1)?.text).toBe('Supporting People may reclaim £1,000.00.');
  });
});

describe('recoverablePence', () => {
  it('is what the council paid in less what came back to it, never below nothing', () => {
    const schedule = schedulePayments(100_000, '2026-05-01').map((i) => ({ ...i, funder: 'council' }));
    // £500.00 paid in, £120.00 clawed back: £380.00 could still be recovered.
    const paid = summariseAccount(
      [entry('p', 'council-payment', 50_000), entry('s', 'spend', 10_000), entry('c', 'clawback', 12_000)],
      schedule,
      '2026-12-01',
    );
    expect(recoverablePence(paid)).toBe(38_000);
    // Nothing paid in: nothing to recover.
    expect(recoverablePence(summariseAccount([], schedule, '2026-12-01'))).toBe(0);
    // The person's own contribution is not the council's to recover.
    expect(recoverablePence(summariseAccount([entry('k', 'contribution', 5_000)], schedule, '2026-12-01'))).toBe(0);
  });
});

describe('scheduleFunderPayments', () => {
  it('gives each funder its own instalments adding up to its amount, and none to a later funder of nothing', () => {
    const instalments = scheduleFunderPayments(
      [
        { funder: 'council', annualPence: 100_000 },
        { funder: 'supporting-people', annualPence: 12_000 },
        { funder: 'nhs', annualPence: 0 },
      ],
      '2026-05-01',
    );
    const total = (funder: string) =>
      instalments.filter((instalment) => instalment.funder === funder).reduce((sum, instalment) => sum + instalment.amountPence, 0);
    expect(total('council')).toBe(100_000);
    expect(total('supporting-people')).toBe(12_000);
    expect(instalments.filter((instalment) => instalment.funder === 'nhs')).toEqual([]);
    expect(instalments.filter((instalment) => instalment.funder === 'council')).toHaveLength(12);
    // The council's schedule is kept even at nothing (a budget wholly paid by others still has its dates).
    expect(scheduleFunderPayments([{ funder: 'council', annualPence: 0 }], '2026-05-01').length).toBeGreaterThan(0);
  });
});
