import { Type } from 'typebox';
import {
  CalendarDate,
  ExplanationStep,
  Id,
  Key,
  Nullable,
  Pence,
  Representation,
  SignedPence,
  Text,
  Timestamp,
} from '../../../schemas/common.js';

export const ManagedBy = Type.Enum(['direct-payment', 'indirect-payment', 'trust', 'individual-service-fund', 'council-arranged'], {
  title: 'ManagedBy',
  description: 'The five ways of managing a personal budget',
});
export const PlanStage = Type.Enum(['coordinator', 'team-manager', 'risk-enablement', 'panel'], { title: 'PlanStage' });
export const PlanStatus = Type.Enum(['draft', 'submitted', 'returned', 'approved', 'rejected'], { title: 'SupportPlanStatus' });

const Outcome = Type.Object({ key: Key, description: Text(2000) }, { additionalProperties: false });
const Line = Type.Object(
  {
    description: Text(500),
    outcomeKeys: Type.Array(Key, { maxItems: 20, uniqueItems: true }),
    provider: Text(300, 0),
    managedBy: ManagedBy,
    costType: Type.Enum(['weekly', 'annual', 'one-off']),
    amountPence: Type.Integer({
      minimum: 0,
      maximum: 100_000_000,
      description: 'Pence, per week, per year or once as costType says (at most £1,000,000)',
    }),
    fundedBy: Type.Optional(
      Type.String({
        ...Key,
        description:
          'The funding stream that pays for this line (its key in the budget’s funding streams; default the council). A stream’s money is spent only on its own lines',
      }),
    ),
    providerId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'The provider register’s entry (listProviders): required for an individual-service-fund line to be paid',
      }),
    ),
  },
  { additionalProperties: false },
);
const Contingency = Type.Object(
  { amountPence: Pence('Set aside for the unexpected'), plan: Text(2000, 0), emergencyCover: Text(2000, 0) },
  { additionalProperties: false },
);
const Risk = Type.Object({ description: Text(2000), mitigation: Text(2000, 0), resolved: Type.Boolean() }, { additionalProperties: false });

/** The plan's own content, as the person writes it. */
export const PlanContent = {
  outcomes: Type.Array(Outcome, { maxItems: 50 }),
  lines: Type.Array(Line, { maxItems: 200 }),
  contingency: Contingency,
  risks: Type.Array(Risk, { maxItems: 50 }),
  budgetHolder: Text(300, 0),
  supportManager: Text(300, 0),
  representation: Type.Optional(Representation),
  healthySafeAndWell: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'How the plan keeps the person healthy, safe and well (seed 002 slide 11); the panel checklist asks for it',
    }),
  ),
};

export const CreatePlanBody = Type.Object({ budgetId: Id, ...PlanContent }, { additionalProperties: false });
export const UpdatePlanBody = Type.Object(PlanContent, { additionalProperties: false });

export const DecisionBody = Type.Object(
  {
    stage: PlanStage,
    outcome: Type.Enum(['approve', 'return', 'reject']),
    reasons: Text(4000),
    startDate: Type.Optional(CalendarDate),
    exceptionReason: Type.Optional(Text(2000)),
    panelAmount: Type.Optional(
      Type.Object(
        { annualPence: Pence('The annual amount the panel sets'), reasons: Text(4000) },
        {
          additionalProperties: false,
          description:
            'Panel approval of a referred budget (above the ceiling, above the top band, or needs outside the questionnaire): the amount the panel sets outside the RAS, with its reasons. The plan is costed against it; the budget shows outsideRas',
        },
      ),
    ),
    checklistReasons: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Text(2000), {
        maxProperties: 20,
        description:
          'Panel approval past failing checklist items: the reason for each failing item, by its key (e.g. "monthly-payment-schedule"). within-budget is covered by exceptionReason, and no-unresolved-risks by the Risk Enablement Panel’s approval',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'startDate is needed for panel approval; exceptionReason to approve a plan over budget; checklistReasons for every other failing checklist item',
  },
);

const Costing = Type.Object({
  lines: Type.Array(
    Type.Object({
      index: Type.Integer(),
      description: Type.String(),
      managedBy: ManagedBy,
      fundedBy: Type.String(),
      annualCostPence: Pence(),
    }),
  ),
  annualCostPence: Pence(),
  contingencyPence: Pence(),
  budgetPence: Pence(),
  withinBudget: Type.Boolean(),
  headroomPence: SignedPence(),
  byManagementOption: Type.Record(Type.String(), Pence()),
  byFunder: Type.Record(Type.String(), Pence(), {
    description: 'The lines’ cost by who pays for them: council and each funding stream named',
  }),
  explanation: Type.Array(ExplanationStep),
});

export const Decision = Type.Object({
  id: Id,
  stage: PlanStage,
  outcome: Type.Enum(['approve', 'return', 'reject']),
  reasons: Type.String(),
  planVersion: Type.Integer(),
  decidedBy: Type.String({ description: 'The key that decided: key:<id>' }),
  actorName: Nullable(Type.String({ description: 'The person named in Ras-Actor, when the caller gave one' })),
  checklistReasons: Nullable(
    Type.Record(Type.String(), Type.String(), { description: 'A panel approval’s reason for each checklist item that failed' }),
  ),
  decidedAt: Timestamp,
});

export const PlanResource = Type.Object(
  {
    id: Id,
    budgetId: Id,
    personId: Id,
    status: PlanStatus,
    stage: Nullable(PlanStage),
    ...PlanContent,
    costing: Costing,
    checklist: Type.Array(
      Type.Object({
        key: Type.String(),
        passed: Type.Boolean(),
        detail: Type.String(),
        panelReason: Nullable(Type.String({ description: 'Why the panel approved although the item fails' })),
      }),
    ),
    exception: Nullable(Type.Object({ reason: Type.String(), overBudgetPence: Pence() })),
    decisions: Type.Array(Decision),
    submittedAt: Nullable(Timestamp),
    decidedAt: Nullable(Timestamp),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'SupportPlan' },
);

const PlanContentObject = Type.Object(PlanContent);

export const RevisionBody = Type.Object(
  {
    ...PlanContent,
    effectiveFrom: CalendarDate,
    reason: Text(4000),
    throughChain: Type.Optional(
      Type.Boolean({
        description:
          'When the revision is more than the coordinator may approve alone (settings.planRevision), send it to team manager and panel instead of answering 409 REVISION_NEEDS_APPROVAL',
      }),
    ),
  },
  { additionalProperties: false, title: 'PlanRevisionRequest' },
);

export const RevisionParams = Type.Object({ id: Id, number: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const RevisionDecisionBody = Type.Object(
  { stage: Type.Enum(['team-manager', 'panel']), outcome: Type.Enum(['approve', 'reject']), reasons: Text(4000) },
  { additionalProperties: false },
);

export const PlanRevisionResource = Type.Object(
  {
    id: Id,
    planId: Id,
    budgetId: Id,
    personId: Id,
    number: Type.Integer({ minimum: 1 }),
    status: Type.Enum(['pending', 'approved', 'rejected'], { description: 'approved revisions are in force from effectiveFrom' }),
    stage: Nullable(Type.Enum(['team-manager', 'panel'], { description: 'The decision a pending revision waits for' })),
    effectiveFrom: CalendarDate,
    reason: Type.String(),
    plan: PlanContentObject,
    previous: Type.Object(PlanContent, { description: 'The plan in force before the revision' }),
    comparison: Type.Object({
      changePence: Pence('The money moved: what every line gains a year, plus any rise in the contingency'),
      changePercent: Type.Number({ description: 'changePence as a percent of the budget, to one place' }),
      coordinatorMayApprove: Type.Boolean(),
      breaches: Type.Array(
        Type.Object({
          rule: Type.Enum(['max-change-percent', 'max-change-pence', 'new-way-of-managing', 'new-funder', 'new-unresolved-risk']),
          pointer: Type.String(),
          detail: Type.String(),
        }),
      ),
    }),
    decisions: Type.Array(
      Type.Object({
        stage: Type.Enum(['coordinator', 'team-manager', 'panel']),
        outcome: Type.Enum(['approve', 'reject']),
        reasons: Type.String(),
        decidedBy: Type.String(),
        decidedAt: Timestamp,
      }),
    ),
    createdBy: Type.String(),
    createdAt: Timestamp,
    decidedAt: Nullable(Timestamp),
  },
  { title: 'PlanRevision' },
);
