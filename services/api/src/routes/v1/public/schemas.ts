import { Type } from 'typebox';
import { CalendarDate, Id, Nullable } from '../../../schemas/common.js';
import { SchemeDescription } from '../allocation-schemes/schemas.js';

const Section = {
  heading: Type.String(),
  paragraphs: Type.Array(Type.String()),
};

/** getTransparencyRecord: the UK Algorithmic Transparency Recording Standard's two tiers. */
export const TransparencyRecord = Type.Object(
  {
    standard: Type.Enum(['UK Algorithmic Transparency Recording Standard']),
    standardVersion: Type.Enum(['3.0']),
    schemeId: Id,
    schemeKey: Type.String(),
    schemeVersion: Type.Integer(),
    lastUpdated: CalendarDate,
    tier1: Type.Object({
      name: Type.String(),
      description: Type.String(),
      organisation: Type.String(),
      function: Type.String(),
      phase: Type.String(),
      region: Type.String(),
      contactEmail: Type.String(),
      website: Nullable(Type.String()),
      whatItDoes: Type.String(),
      whyItIsUsed: Type.String(),
    }),
    tier2: Type.Object({
      ownerAndResponsibility: Type.Object(Section),
      descriptionAndRationale: Type.Object(Section),
      decisionMakingProcess: Type.Object(Section),
      toolSpecification: Type.Object({ ...Section, maths: SchemeDescription }),
      risksMitigationsAndImpactAssessments: Type.Object({
        ...Section,
        risks: Type.Array(Type.Object({ risk: Type.String(), mitigation: Type.String() })),
        impactAssessments: Type.Array(
          Type.Object({ name: Type.String(), completedOn: Nullable(CalendarDate), link: Nullable(Type.String()) }),
        ),
      }),
    }),
  },
  { title: 'TransparencyRecord' },
);
