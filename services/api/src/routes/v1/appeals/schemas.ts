import { Type } from 'typebox';
import { Id, Nullable, Pence, Text, Timestamp } from '../../../schemas/common.js';

export const AppealStatus = Type.Enum(['lodged', 'upheld', 'not-upheld'], { title: 'AppealStatus' });

export const AppealSubject = Type.Enum(['budget', 'plan-decision', 'eligibility', 'moderation'], {
  description:
    'budget: the amount (budgetId); plan-decision: a decision on a support plan (decisionId); eligibility: the finding that the person is not eligible (assessmentId); moderation: the coordinator’s changes to the person’s answers (assessmentId)',
});

export const CreateAppealBody = Type.Object(
  {
    subject: AppealSubject,
    budgetId: Type.Optional(Id),
    decisionId: Type.Optional(Id),
    assessmentId: Type.Optional(Type.String({ format: 'uuid', description: 'For an eligibility or moderation appeal: the assessment' })),
    reason: Text(4000),
    lodgedBy: Type.Optional(Type.Enum(['person', 'agent'], { description: 'Who is appealing (a portal key always lodges as portal)' })),
  },
  { additionalProperties: false },
);

export const DecideAppealBody = Type.Object(
  {
    outcome: Type.Enum(['upheld', 'not-upheld']),
    reasons: Text(4000),
    agreedAnnualPence: Type.Optional(Pence('For an upheld budget appeal: the annual amount the panel agrees outside the RAS')),
  },
  { additionalProperties: false },
);

export const AppealResource = Type.Object(
  {
    id: Id,
    personId: Id,
    subject: AppealSubject,
    budgetId: Nullable(Id),
    planId: Nullable(Id),
    decisionId: Nullable(Id),
    assessmentId: Nullable(Id),
    lodgedBy: Type.Enum(['person', 'agent', 'portal']),
    reason: Type.String(),
    status: AppealStatus,
    decision: Nullable(
      Type.Object({
        outcome: Type.Enum(['upheld', 'not-upheld']),
        reasons: Type.String(),
        agreedAnnualPence: Nullable(Pence()),
        decidedBy: Type.String(),
        decidedAt: Timestamp,
      }),
    ),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Appeal' },
);
