import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, PenceTotal, SignedPence, Text, Timestamp } from '../../../schemas/common.js';

export const TransactionKind = Type.Enum(
  ['council-payment', 'funder-payment', 'contribution', 'spend', 'refund', 'adjustment', 'clawback', 'contribution-refund', 'reversal'],
  {
    title: 'TransactionKind',
    description:
      'Money in: council-payment, funder-payment (a funding stream’s money the council passes on), contribution, refund. Money out: spend, clawback, contribution-refund. adjustment: either way (direction). reversal: cancels an earlier entry',
  },
);

const Funder = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Whose money: council, person, or a funding stream’s key (e.g. supporting-people)',
});

/** The most one entry may move: larger amounts are refused as mistakes. */
export const MAX_TRANSACTION_PENCE = 100_000_000;

export const RecordTransactionBody = Type.Object(
  {
    kind: TransactionKind,
    amountPence: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_TRANSACTION_PENCE,
        description: 'Positive whole pence, at most £1,000,000; for a reversal, the amount of the entry reversed',
      }),
    ),
    occurredOn: CalendarDate,
    direction: Type.Optional(Type.Enum(['in', 'out'], { description: 'adjustments only' })),
    category: Type.Optional(Text(100)),
    planLine: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'The index of the plan line the spend was on' })),
    instalmentNumber: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description:
          'For a council or funder payment: the instalment it pays (it must pay what the instalment still owes). Without it, a payment is spread over the funder’s unpaid instalments, oldest first',
      }),
    ),
    funder: Type.Optional(
      Type.String({
        ...Funder,
        description:
          'Whose money. funder-payment: the funding stream (required). clawback: council (default) or the stream it returns to. adjustment: council (default), person or a stream. spend and refund: the plan line’s funder (planLine), else the council; a funding stream’s money is ring-fenced, spent only on the lines it funds (422 RING_FENCED otherwise). Implied for the other kinds',
      }),
    ),
    reversesTransactionId: Type.Optional(Id),
    description: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

export const TransactionResource = Type.Object(
  {
    id: Id,
    budgetId: Id,
    kind: TransactionKind,
    funder: Funder,
    direction: Type.Enum(['in', 'out']),
    amountPence: Pence(),
    occurredOn: CalendarDate,
    category: Nullable(Type.String()),
    planLine: Nullable(Type.Integer()),
    managedBy: Nullable(Type.String()),
    instalmentNumber: Nullable(Type.Integer()),
    reversesTransactionId: Nullable(Id),
    reversedBy: Nullable(Id),
    description: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Timestamp,
  },
  { title: 'Transaction' },
);

export const AccountResource = Type.Object(
  {
    budgetId: Id,
    status: Type.String(),
    agreement: Nullable(
      Type.Object({
        id: Id,
        startDate: CalendarDate,
        frequency: Type.Enum(['monthly', 'four-weekly']),
        collection: Type.Enum(['net', 'gross'], {
          description:
            'net: the council pays net and the person pays the contribution in; gross: the council pays its whole share and invoices the contribution',
        }),
        weeklyContributionPence: Pence(),
        grossAnnualPence: Pence(),
        contributionAnnualPence: Pence(),
        netAnnualPence: Pence(),
        financialAssessmentId: Nullable(Id),
      }),
    ),
    balancePence: SignedPence(),
    councilPaidPence: PenceTotal(),
    personPaidPence: PenceTotal(),
    fundersPaidPence: PenceTotal('Paid in by funding streams through the council'),
    spentPence: SignedPence(),
    clawedBackPence: Pence(),
    contributionRefundedPence: Pence(),
    adjustmentsPence: SignedPence(),
    spendByCategory: Type.Record(Type.String(), SignedPence()),
    spendByManagementOption: Type.Record(Type.String(), SignedPence()),
    funders: Type.Array(
      Type.Object({
        funder: Funder,
        name: Type.String(),
        paidInPence: PenceTotal(),
        returnedPence: PenceTotal('Given back: clawback, a refunded contribution'),
        adjustmentsPence: SignedPence(),
        spentPence: SignedPence(
          'The funder’s spending: a stream’s is the spend on the lines it funds (ring-fenced); the council’s and the person’s share the rest in proportion to what each paid in',
        ),
        balancePence: SignedPence('paid in − returned + adjustments − spent; the funders’ balances add up to balancePence'),
        unallocatedPence: PenceTotal('Paid beyond every instalment of this funder'),
      }),
      { description: 'One line per funder: the council, the person and each funding stream' },
    ),
    schedule: Type.Array(
      Type.Object({
        funder: Funder,
        number: Type.Integer(),
        dueDate: CalendarDate,
        amountPence: Pence(),
        paidPence: Pence(),
        status: Type.Enum(['paid', 'part-paid', 'due', 'upcoming']),
        payments: Type.Array(Type.Object({ transactionId: Id, amountPence: Pence() }), {
          description: 'The payments counted against this instalment, oldest first',
        }),
        paidBy: Nullable(Id),
      }),
    ),
    transactions: Type.Array(TransactionResource),
  },
  { title: 'BudgetAccount' },
);
