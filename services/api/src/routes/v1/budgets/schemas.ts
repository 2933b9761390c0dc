import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Text, Timestamp } from '../../../schemas/common.js';
import { BudgetCalculation, BudgetInputs } from '../calculations/schemas.js';

export const BudgetStatus = Type.Union(
  [Type.Literal('indicative'), Type.Literal('agreed'), Type.Literal('ended'), Type.Literal('superseded')],
  { title: 'BudgetStatus' },
);

export const ContributionCollection = Type.Enum(['net', 'gross'], {
  title: 'ContributionCollection',
  description:
    'Who collects the contribution: net (deducted at source, the council default unless set) or gross (the council pays all and invoices)',
});

export const CreateBudgetBody = Type.Object(
  {
    assessmentId: Id,
    startDate: CalendarDate,
    ...BudgetInputs,
    contributionCollection: Type.Optional(ContributionCollection),
    outsideQuestionnaire: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description:
          'The care coordinator’s reason the person’s needs do not fit the questionnaire: the case is referred to the panel, which may set an amount outside the RAS',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BudgetResource = Type.Object(
  {
    id: Id,
    personId: Id,
    assessmentId: Id,
    status: BudgetStatus,
    startDate: CalendarDate,
    ...BudgetCalculation.properties,
    contributionCollection: Nullable(ContributionCollection),
    agreedAt: Nullable(Timestamp),
    endDate: Nullable(CalendarDate),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Budget' },
);

export const EndBudgetBody = Type.Object(
  {
    endDate: CalendarDate,
    reason: Text(500),
  },
  {
    additionalProperties: false,
    description:
      'The last day of support, and why (kept in the audit trail; removed if the person is later erased). Council payments due after it are not made',
  },
);
