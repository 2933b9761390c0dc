import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, Text, Timestamp } from '../../../schemas/common.js';

export const CreateInterimBudgetBody = Type.Object(
  {
    personId: Id,
    weeklyPence: Pence('The weekly amount the coordinator sets for the crisis'),
    startDate: CalendarDate,
    endDate: Type.String({
      format: 'date',
      description: 'The last day: at most settings.interimMaxWeeks (default 12) weeks from the start',
    }),
    reviewOn: Type.Optional(Type.String({ format: 'date', description: 'When it is reviewed (default its end date)' })),
    reason: Text(4000),
  },
  { additionalProperties: false, title: 'CreateInterimBudget' },
);

export const InterimPaymentBody = Type.Object(
  {
    amountPence: Type.Integer({ minimum: 1, maximum: 10_000_000_000, description: 'Pence' }),
    paidOn: CalendarDate,
    payeeReference: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
);

export const InterimReviewBody = Type.Object(
  {
    outcome: Type.Enum(['continue', 'end']),
    notes: Text(4000),
    reviewedOn: CalendarDate,
    endDate: Type.Optional(
      Type.String({ format: 'date', description: 'continue: the new last day (required); end: the last day (default reviewedOn)' }),
    ),
  },
  { additionalProperties: false },
);

export const InterimReconciliationBody = Type.Object({ budgetId: Id }, { additionalProperties: false });

export const InterimBudgetResource = Type.Object(
  {
    id: Id,
    personId: Id,
    status: Type.Enum(['active', 'ended', 'reconciled']),
    reason: Type.String(),
    weeklyPence: Pence(),
    startDate: CalendarDate,
    endDate: CalendarDate,
    totalPence: Pence('weekly × days ÷ 7, to the penny'),
    reviewOn: CalendarDate,
    paidPence: Pence(),
    payments: Type.Array(
      Type.Object({
        id: Id,
        amountPence: Pence(),
        paidOn: CalendarDate,
        payeeReference: Nullable(Type.String()),
        carriedTransactionId: Nullable(Id),
      }),
    ),
    reviews: Type.Array(
      Type.Object({
        reviewedOn: CalendarDate,
        outcome: Type.Enum(['continue', 'end']),
        notes: Type.String(),
        endDate: CalendarDate,
        reviewedBy: Type.String(),
      }),
    ),
    reconciliation: Nullable(
      Type.Object({
        budgetId: Id,
        carriedPence: Pence('Paid for the agreed budget’s own period: counted as the council’s payments into it'),
        keptPence: Pence('Paid before the agreed budget started: the interim support’s own'),
        payments: Type.Array(Id),
      }),
    ),
    version: Type.Integer(),
    createdAt: Timestamp,
  },
  { title: 'InterimBudget' },
);
