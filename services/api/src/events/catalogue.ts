import { type TSchema, Type } from 'typebox';
import { type FieldProblem, unprocessable } from '../errors.js';

// The one list of what the service records: every event type a consumer can receive (the feed
// and webhooks), each with the shape of its payload, and the actions that are audited only.
// Changes.record takes only these names, so a new state change cannot ship without its entry.

const Id = Type.String({ format: 'uuid' });
const Pence = Type.Integer({ minimum: 0 });
const open = (properties: Record<string, TSchema>, description: string) =>
  Type.Object(properties, { additionalProperties: true, description });

const council = open({ id: Id, name: Type.String() }, 'The council: id, name and settings');
const job = open(
  {
    id: Id,
    operation: Type.String(),
    status: Type.String(),
    startedBy: Type.String(),
    progress: open({ done: Type.Integer(), total: Type.Union([Type.Integer(), Type.Null()]) }, 'How far it got'),
    problemCode: Type.Union([Type.String(), Type.Null()]),
  },
  'A job: its operation, how it ended and who started it; never its input or result',
);
const questionnaire = open({ id: Id, key: Type.String(), version: Type.Integer() }, 'A questionnaire version');
const scheme = open({ id: Id, key: Type.String(), version: Type.Integer() }, 'An allocation scheme version');
const person = open({ id: Id, clientGroup: Type.String(), version: Type.Integer() }, 'A person: ids and client group, never their name');
const assessment = open(
  {
    id: Id,
    personId: Id,
    questionnaireId: Id,
    status: Type.String(),
    totalPoints: Type.Union([Type.Integer(), Type.Null()]),
    version: Type.Integer(),
  },
  'An assessment’s state and points',
);
const budget = open(
  {
    id: Id,
    personId: Id,
    status: Type.String(),
    startDate: Type.String(),
    rasAnnualPence: Pence,
    totalAnnualPence: Pence,
    councilAnnualPence: Pence,
    annualContributionPence: Pence,
    netAnnualPence: Pence,
    version: Type.Integer(),
  },
  'A budget’s figures, in pence',
);
const interimBudget = open(
  { id: Id, personId: Id, status: Type.String(), startDate: Type.String(), endDate: Type.String(), totalPence: Pence },
  'Interim support: its dates, status and total',
);
const planRevision = open(
  {
    id: Id,
    planId: Id,
    budgetId: Id,
    personId: Id,
    number: Type.Integer(),
    status: Type.String(),
    effectiveFrom: Type.String(),
    changePence: Pence,
  },
  'A revision of a live plan: its number, status, the date it runs from and the money it moves',
);
const plan = open(
  { id: Id, budgetId: Id, personId: Id, status: Type.String(), stage: Type.Union([Type.String(), Type.Null()]), version: Type.Integer() },
  'A support plan’s state; decisions add decision { id, stage, outcome, checklistReasons }',
);
const review = open(
  { id: Id, budgetId: Id, personId: Id, kind: Type.String(), dueDate: Type.String(), status: Type.String(), version: Type.Integer() },
  'A review; completion adds onTime, recommendedClawbackPence and nextBudgetId; a decision adds decision and amountPence',
);
const upratingRun = open(
  {
    id: Id,
    schemeId: Id,
    effectiveFrom: Type.String(),
    status: Type.String(),
    people: Type.Integer(),
    costBeforePence: Pence,
    costAfterPence: Pence,
  },
  'The run and its headline figures',
);
const paymentRun = open(
  {
    id: Id,
    runDate: Type.String(),
    status: Type.String(),
    payments: Type.Integer(),
    payees: Type.Integer(),
    totalPence: Pence,
    paidPayments: Type.Optional(Type.Integer({ description: 'Once confirmed: instalments recorded on the ledger' })),
    paidPence: Type.Optional(Pence),
    skippedPayments: Type.Optional(
      Type.Integer({ description: 'Once confirmed: instalments skipped because they changed since the run was prepared' }),
    ),
  },
  'The run, its control count and total (as prepared); once confirmed, what was paid and skipped',
);
const appeal = open({ id: Id, personId: Id, subject: Type.String(), status: Type.String(), version: Type.Integer() }, 'An appeal');

/** Every event type, with the entity it is about, what it means and its payload's shape. */
export const EVENT_CATALOGUE = {
  'council.created': { entityType: 'council', description: 'A council was set up', payload: council },
  'council.updated': { entityType: 'council', description: 'A council’s name or settings changed', payload: council },
  'api-key.created': {
    entityType: 'api-key',
    description: 'An API key was issued (the council’s first admin key is audited only)',
    payload: open({ id: Id, roles: Type.Array(Type.String()) }, 'The key’s summary, never its secret'),
  },
  'api-key.revoked': {
    entityType: 'api-key',
    description: 'An API key was revoked',
    payload: open({ id: Id, roles: Type.Array(Type.String()) }, 'The key’s summary, never its secret'),
  },
  'api-key.rotated': {
    entityType: 'api-key',
    description: 'An API key was given a new secret; the old one works until previousSecretExpiresAt',
    payload: open({ id: Id, roles: Type.Array(Type.String()) }, 'The key’s summary, never its secret'),
  },
  'identity-provider.set': {
    entityType: 'identity-provider',
    description: 'The council set which identity provider’s tokens it trusts, and how their roles map',
    payload: open({ issuer: Type.String(), audience: Type.String() }, 'The identity provider’s settings'),
  },
  'identity-provider.removed': {
    entityType: 'identity-provider',
    description: 'The council stopped trusting its identity provider’s tokens',
    payload: open({ issuer: Type.String(), audience: Type.String() }, 'The identity provider’s settings'),
  },
  'questionnaire.created': { entityType: 'questionnaire', description: 'A questionnaire version was published', payload: questionnaire },
  'allocation-scheme.created': { entityType: 'allocation-scheme', description: 'A scheme version was published', payload: scheme },
  'calibration.created': {
    entityType: 'calibration',
    description: 'A desktop exercise was run',
    payload: open(
      {
        id: Id,
        caseCount: Type.Integer(),
        budgetPence: Pence,
        poundsPerPointPence: Pence,
        integrity: open({ passes: Type.Boolean() }, 'The integrity test'),
      },
      'The exercise’s headline figures',
    ),
  },
  'person.created': { entityType: 'person', description: 'A person was added', payload: person },
  'person.updated': { entityType: 'person', description: 'A person’s record changed', payload: person },
  'person.erased': {
    entityType: 'person',
    description:
      'A person’s personal data was erased (their retention period passed, or the council granted a request): erase any copy you hold. Anonymous figures stay',
    payload: open({ id: Id, erasedAt: Type.String(), reason: Type.String() }, 'The person’s id, when, and why: retention or request'),
  },
  'person.legal-hold-placed': {
    entityType: 'person',
    description: 'A legal hold was placed on a person’s records: nothing erases them until it is released',
    payload: open({ id: Id }, 'The person’s id; the reason is in the audit trail'),
  },
  'person.legal-hold-released': {
    entityType: 'person',
    description: 'A legal hold on a person’s records was released: the retention policy applies again',
    payload: open({ id: Id }, 'The person’s id'),
  },
  'assessment.created': { entityType: 'assessment', description: 'A self-assessment was started', payload: assessment },
  'assessment.answers-saved': { entityType: 'assessment', description: 'Answers were saved', payload: assessment },
  'assessment.submitted': { entityType: 'assessment', description: 'A self-assessment was submitted for moderation', payload: assessment },
  'assessment.agreed': { entityType: 'assessment', description: 'The care coordinator agreed the assessment', payload: assessment },
  'assessment.eligibility-changed': {
    entityType: 'assessment',
    description: 'An upheld appeal found the person eligible',
    payload: assessment,
  },
  'assessment.reopened': {
    entityType: 'assessment',
    description:
      'An upheld appeal overturned the moderation: a fresh assessment with the person’s own answers (replaces names the overturned one) is submitted for moderation again',
    payload: assessment,
  },
  'charging-policy.created': {
    entityType: 'charging-policy',
    description: 'A charging policy version was set, in force from its date',
    payload: open(
      { id: Id, version: Type.Integer(), name: Type.String(), effectiveFrom: Type.String(), nation: Type.String() },
      'The policy’s version and dates; read it for the figures',
    ),
  },
  'uprating-run.created': {
    entityType: 'uprating-run',
    description: 'An uprating dry run re-worked the caseload under a new scheme version (nothing else changed)',
    payload: upratingRun,
  },
  'uprating-run.applied': {
    entityType: 'uprating-run',
    description: 'An uprating was applied: a new indicative budget and a review for each person (each budget has its own budget.created)',
    payload: upratingRun,
  },
  'payment-run.created': {
    entityType: 'payment-run',
    description: 'A payment run was prepared: every council instalment due by its date and not yet paid (nothing paid yet)',
    payload: paymentRun,
  },
  'payment-run.confirmed': {
    entityType: 'payment-run',
    description: 'A payment run was confirmed: each payment is on its ledger (each with its own transaction.recorded)',
    payload: paymentRun,
  },
  'payment-run.cancelled': {
    entityType: 'payment-run',
    description: 'A prepared payment run was cancelled before anything was paid',
    payload: paymentRun,
  },
  'direct-payment-agreement.created': {
    entityType: 'direct-payment-agreement',
    description:
      'An agreement for a way of managing that pays a holder (direct payment, indirect payment, trust) was accepted: terms version, who holds the money',
    payload: open(
      {
        id: Id,
        budgetId: Id,
        personId: Id,
        status: Type.String(),
        managementOption: Type.String(),
        termsVersion: Type.Union([Type.String(), Type.Null()], { description: 'null when the council had set no terms' }),
      },
      'The agreement, never the account reference',
    ),
  },
  'provider.created': {
    entityType: 'provider',
    description: 'A provider was added to the register: individual service funds can be paid to it',
    payload: open({ id: Id, name: Type.String() }, 'The provider, never its account'),
  },
  'direct-payment-agreement.suspended': {
    entityType: 'direct-payment-agreement',
    description: 'Direct payments were suspended after an audit: no council payments until lifted',
    payload: open({ id: Id, budgetId: Id, personId: Id, status: Type.String() }, 'The agreement; auditSampleId names the audit'),
  },
  'direct-payment-agreement.reinstated': {
    entityType: 'direct-payment-agreement',
    description: 'A suspended direct payment agreement was reinstated: council payments may go in again',
    payload: open({ id: Id, budgetId: Id, personId: Id, status: Type.String() }, 'The agreement and the reason'),
  },
  'direct-payment-agreement.ended': {
    entityType: 'direct-payment-agreement',
    description: 'A direct payment agreement ended',
    payload: open({ id: Id, budgetId: Id, personId: Id, status: Type.String() }, 'The agreement and the reason'),
  },
  'account-return.recorded': {
    entityType: 'account-return',
    description: 'A direct payment account’s return for a period was recorded and checked against the ledger',
    payload: open(
      { id: Id, agreementId: Id, periodFrom: Type.String(), periodTo: Type.String(), matches: Type.Boolean() },
      'The return and whether it matches',
    ),
  },
  'audit-sample.created': {
    entityType: 'audit-sample',
    description: 'A period’s audit sample of direct payment accounts was drawn',
    payload: open({ id: Id, periodFrom: Type.String(), periodTo: Type.String(), accounts: Type.Integer() }, 'The sample'),
  },
  'audit-outcome.recorded': {
    entityType: 'audit-sample',
    description: 'The audit of one sampled account was decided (satisfactory, query, suspend or recover)',
    payload: open(
      { id: Id, agreementId: Id, outcome: Type.String(), recoveryPence: Type.Union([Pence, Type.Null()]) },
      'The outcome; a recovery is also a transaction.recorded',
    ),
  },
  'financial-assessment.recorded': {
    entityType: 'financial-assessment',
    description: 'A person’s weekly contribution was assessed',
    payload: open(
      { id: Id, personId: Id, effectiveFrom: Type.String(), method: Type.String(), weeklyContributionPence: Pence },
      'The contribution and when it takes effect; chargingPolicyId and chargingPolicyVersion when worked out under a policy',
    ),
  },
  'budget.created': { entityType: 'budget', description: 'An indicative budget was set', payload: budget },
  'budget.agreed': { entityType: 'budget', description: 'The panel agreed the budget', payload: budget },
  'budget.ended': {
    entityType: 'budget',
    description:
      'A budget ended: replaced by the one an uprating made (from the day before it starts), or ended by the council (endBudget: the person moved away, died or no longer needs support)',
    payload: budget,
  },
  'budget.superseded': {
    entityType: 'budget',
    description: 'An indicative budget was superseded: the moderation it came from was overturned on appeal',
    payload: budget,
  },
  'budget.panel-amount-set': { entityType: 'budget', description: 'The panel set an amount outside the RAS', payload: budget },
  'support-plan.created': { entityType: 'support-plan', description: 'A support plan was written', payload: plan },
  'support-plan.updated': { entityType: 'support-plan', description: 'A support plan was changed', payload: plan },
  'support-plan.submitted': { entityType: 'support-plan', description: 'A support plan was submitted', payload: plan },
  'support-plan.reopened': { entityType: 'support-plan', description: 'A returned plan was reopened', payload: plan },
  'support-plan.stage-approved': { entityType: 'support-plan', description: 'A stage approved the plan; it moves on', payload: plan },
  'support-plan.approved': { entityType: 'support-plan', description: 'The panel approved the plan', payload: plan },
  'support-plan.returned': { entityType: 'support-plan', description: 'A stage returned the plan for changes', payload: plan },
  'support-plan.rejected': { entityType: 'support-plan', description: 'A stage rejected the plan', payload: plan },
  'support-plan.revised': {
    entityType: 'support-plan',
    description: 'An approved plan was revised: the revision is in force from its date (the payment run and the account follow it)',
    payload: plan,
  },
  'interim-budget.created': {
    entityType: 'interim-budget',
    description: 'Interim support in a crisis was set: a weekly amount for a time-limited period before the plan is agreed',
    payload: interimBudget,
  },
  'interim-budget.paid': { entityType: 'interim-budget', description: 'A payment of interim support was recorded', payload: interimBudget },
  'interim-budget.extended': { entityType: 'interim-budget', description: 'A review extended interim support', payload: interimBudget },
  'interim-budget.ended': { entityType: 'interim-budget', description: 'A review ended interim support', payload: interimBudget },
  'interim-budget.reconciled': {
    entityType: 'interim-budget',
    description:
      'Interim support was reconciled into the agreed budget: what was paid for its period counts as the council’s payments into it',
    payload: interimBudget,
  },
  'plan-revision.created': {
    entityType: 'plan-revision',
    description: 'A live plan’s revision was made: approved by the coordinator alone, or waiting for team manager and panel',
    payload: planRevision,
  },
  'plan-revision.stage-approved': {
    entityType: 'plan-revision',
    description: 'The team manager approved a revision: it waits for the panel',
    payload: planRevision,
  },
  'plan-revision.approved': {
    entityType: 'plan-revision',
    description: 'The panel approved a revision: it is in force from its date',
    payload: planRevision,
  },
  'plan-revision.rejected': {
    entityType: 'plan-revision',
    description: 'A revision was rejected: the plan stays as it was',
    payload: planRevision,
  },
  'payment-agreement.created': {
    entityType: 'payment-agreement',
    description: 'The payment agreement and every funder’s instalments were fixed',
    payload: open(
      {
        id: Id,
        budgetId: Id,
        startDate: Type.String(),
        collection: Type.String(),
        frequency: Type.String(),
        grossAnnualPence: Pence,
        contributionAnnualPence: Pence,
        netAnnualPence: Pence,
        instalments: Type.Integer(),
      },
      'The agreement’s figures; funders lists whose money is scheduled',
    ),
  },
  'transaction.recorded': {
    entityType: 'budget-transaction',
    description: 'Money moved into or out of a budget account',
    payload: open({ id: Id, budgetId: Id, kind: Type.String(), amountPence: Pence }, 'The ledger entry'),
  },
  'review.scheduled': { entityType: 'review', description: 'A review was scheduled', payload: review },
  'review.completed': { entityType: 'review', description: 'A review was completed', payload: review },
  'review.clawback-decided': { entityType: 'review', description: 'Finance decided the recommended clawback', payload: review },
  'appeal.lodged': { entityType: 'appeal', description: 'An appeal was lodged', payload: appeal },
  'appeal.upheld': { entityType: 'appeal', description: 'The panel upheld an appeal', payload: appeal },
  'appeal.not-upheld': { entityType: 'appeal', description: 'The panel did not uphold an appeal', payload: appeal },
  'critical-path.step-recorded': {
    entityType: 'council',
    description: 'Progress on a step of the implementation critical path',
    payload: open({ step: Type.Integer(), status: Type.String() }, 'The step and its status'),
  },
  'self-rating.round-opened': {
    entityType: 'self-rating-round',
    description: 'A self-rating round was opened',
    payload: open({ id: Id, roundKey: Type.String(), closesOn: Type.String() }, 'The round'),
  },
  'self-rating.rated': {
    entityType: 'self-rating-round',
    description: 'A component was rated',
    payload: open({ component: Type.String(), rating: Type.Integer() }, 'The rating'),
  },
  'job.succeeded': {
    entityType: 'job',
    description: 'A job (long work asked for with Prefer: respond-async) finished: getJob has its result',
    payload: job,
  },
  'job.failed': { entityType: 'job', description: 'A job stopped with a problem: getJob has it', payload: job },
  'job.cancelled': { entityType: 'job', description: 'A job was cancelled: what it committed before it stopped stays', payload: job },
} as const satisfies Record<string, { entityType: string; description: string; payload: TSchema }>;

/** An event type a consumer can receive. */
export type EventType = keyof typeof EVENT_CATALOGUE;

/**
 * Actions written to the audit log only: they carry secrets, concern delivery itself, or touch
 * special-category data (equality monitoring: every read, write and export is audited, and no
 * event carries it to a webhook).
 */
export const AUDIT_ONLY_ACTIONS = [
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret-rotated',
  'webhook.delivery-sent-again',
  'webhook.replayed',
  'equality-monitoring.read',
  'equality-monitoring.recorded',
  'equality-monitoring.exported',
  'payment-run.confirmation-started',
  'retention.audit-records-removed',
  'job.queued',
  'job.cancel-requested',
] as const;

/** Every action Changes.record accepts. */
export type AuditAction = EventType | (typeof AUDIT_ONLY_ACTIONS)[number];

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** Whether an audited action is also an event consumers receive (the rest are audit-only). */
export function isEventType(action: string): action is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, action);
}

/** 422 naming each event type a subscription lists that the service never sends. */
export function assertKnownEventTypes(types: readonly string[] | null | undefined, pointer: string): void {
  if (!types) return;
  const problems: FieldProblem[] = types.flatMap((type, index) =>
    type in EVENT_CATALOGUE ? [] : [{ pointer: `${pointer}/${index}`, detail: `"${type}" is not an event type: see listEventTypes` }],
  );
  if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'A webhook can subscribe only to event types the service sends', problems);
}
