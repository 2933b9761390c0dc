import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, SignedPence, Text, Timestamp } from '../../../schemas/common.js';

export const TransactionKind = Type.Enum(
  ['council-payment', 'contribution', 'spend', 'refund', 'adjustment', 'clawback', 'contribution-refund', 'reversal'],
  {
    description:
      'Money in: council-payment, contribution, refund. Money out: spend, clawback, contribution-refund. adjustment: either way (direction). reversal: cancels an earlier entry',
  },
);

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
      Type.Integer({ minimum: 1, maximum: 1000, description: 'For a council payment: the scheduled instalment it pays' }),
    ),
    reversesTransactionId: Type.Optional(Id),
    description: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

export const TransactionResource = Type.Object({
  id: Id,
  budgetId: Id,
  kind: TransactionKind,
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
});

export const AccountResource = Type.Object({
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
  councilPaidPence: Pence(),
  personPaidPence: Pence(),
  spentPence: SignedPence(),
  clawedBackPence: Pence(),
  contributionRefundedPence: Pence(),
  adjustmentsPence: SignedPence(),
  spendByCategory: Type.Record(Type.String(), SignedPence()),
  spendByManagementOption: Type.Record(Type.String(), SignedPence()),
  schedule: Type.Array(
    Type.Object({
      number: Type.Integer(),
      dueDate: CalendarDate,
      amountPence: Pence(),
      status: Type.Enum(['paid', 'due', 'upcoming']),
      paidBy: Nullable(Id),
    }),
  ),
  transactions: Type.Array(TransactionResource),
});
