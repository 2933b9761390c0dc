import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, Text, Timestamp } from '../../../schemas/common.js';
import { CalculateContributionBody, ContributionResult } from '../calculations/schemas.js';

export const RecordFinancialAssessmentBody = Type.Object(
  {
    effectiveFrom: CalendarDate,
    weeklyContributionPence: Type.Optional(Pence('The assessed weekly contribution, when entered')),
    calculate: Type.Optional(CalculateContributionBody),
    notes: Type.Optional(Text(2000)),
  },
  {
    additionalProperties: false,
    description: 'Send either weeklyContributionPence (entered) or calculate (the Care Act calculator works it out)',
  },
);

export const FinancialAssessmentResource = Type.Object(
  {
    id: Id,
    personId: Id,
    effectiveFrom: CalendarDate,
    method: Type.Union([Type.Literal('entered'), Type.Literal('calculated')]),
    weeklyContributionPence: Pence(),
    calculation: Nullable(Type.Object({ inputs: Type.Object({}, { additionalProperties: true }), result: ContributionResult })),
    notes: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { title: 'FinancialAssessment' },
);
