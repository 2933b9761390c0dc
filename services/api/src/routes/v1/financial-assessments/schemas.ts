import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, Text, Timestamp } from '../../../schemas/common.js';
import { CalculateContributionBody, ContributionResult } from '../calculations/schemas.js';
import { ChargeFigures, FinancialCircumstances } from '../charging-policies/schemas.js';

export const RecordFinancialAssessmentBody = Type.Object(
  {
    effectiveFrom: CalendarDate,
    weeklyContributionPence: Type.Optional(Pence('The assessed weekly contribution, when entered')),
    circumstances: Type.Optional(FinancialCircumstances),
    calculate: Type.Optional(
      Type.Object(CalculateContributionBody.properties, {
        additionalProperties: false,
        description:
          'Deprecated (use circumstances): figures already worked out (MIG, disability-related expenditure), charged under rules sent here',
        deprecated: true,
      }),
    ),
    notes: Type.Optional(Text(2000)),
  },
  {
    additionalProperties: false,
    description:
      'Send one of: weeklyContributionPence (entered); circumstances (worked out under the council’s charging policy in force on effectiveFrom, whose id and version are kept on the result); calculate (deprecated: the older calculator on figures you worked out)',
  },
);

export const FinancialAssessmentResource = Type.Object(
  {
    id: Id,
    personId: Id,
    effectiveFrom: CalendarDate,
    method: Type.Union([Type.Literal('entered'), Type.Literal('calculated')]),
    weeklyContributionPence: Pence(),
    calculation: Nullable(
      Type.Object({
        inputs: Type.Object({}, { additionalProperties: true }),
        result: Type.Object({ ...ContributionResult.properties, ...ChargeFigures }, { title: 'FinancialAssessmentResult' }),
      }),
    ),
    chargingPolicy: Nullable(
      Type.Object(
        {
          id: Type.String({ description: 'A council policy’s id, or a shipped policy’s key' }),
          version: Nullable(Type.Integer()),
          name: Type.String(),
        },
        { description: 'The charging policy the contribution was worked out under' },
      ),
    ),
    notes: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { title: 'FinancialAssessment' },
);
