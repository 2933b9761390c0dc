import { Type } from 'typebox';
import { CalendarDate, ExplanationStep, Id, Key, Nullable, Pence, PenceTotal, Text, Timestamp } from '../../../schemas/common.js';

/** The nine parts of the process people rate, after the POET survey (seed 001). */
export const EXPERIENCE_ASPECTS = [
  'information-and-advice',
  'assessment',
  'knowing-the-budget',
  'planning-support',
  'agreeing-the-plan',
  'choosing-support',
  'control-over-support',
  'managing-the-money',
  'changing-support',
] as const;

const Rating = Type.Integer({ minimum: 1, maximum: 5, description: '1 very poor … 5 very good' });
export const Experience = Type.Object(Object.fromEntries(EXPERIENCE_ASPECTS.map((aspect) => [aspect, Type.Optional(Rating)])), {
  additionalProperties: false,
  description: 'The person’s experience of the process, each of nine aspects rated 1–5 (POET)',
});

export const Achieved = Type.Enum(['yes', 'partly', 'no'], { title: 'OutcomeAchieved' });
export const ReviewKind = Type.Enum(['first', 'annual', 'interim'], { title: 'ReviewKind' });
export const ReviewStatus = Type.Enum(['scheduled', 'completed', 'cancelled'], { title: 'ReviewStatus' });

export const ScheduleReviewBody = Type.Object(
  {
    budgetId: Id,
    kind: Type.Enum(['interim', 'annual']),
    dueDate: CalendarDate,
    repeatEveryMonths: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 12,
        description:
          'An interim review that repeats (e.g. 3 or 6): completing one books the next this many months after its due date, until a completion says stopRepeating',
      }),
    ),
  },
  { additionalProperties: false, description: 'Interim reviews, e.g. 3- or 6-monthly where the coordinator recommends' },
);

export const CompleteReviewBody = Type.Object(
  {
    outcomes: Type.Array(Type.Object({ key: Key, achieved: Achieved, note: Type.Optional(Text(2000)) }, { additionalProperties: false }), {
      maxItems: 50,
    }),
    experience: Type.Optional(Experience),
    spentAsPlanned: Achieved,
    spendingNote: Type.Optional(Text(2000)),
    notes: Type.Optional(Text(4000)),
    completedOn: Type.Optional(CalendarDate),
    nextAssessmentId: Type.Optional(Id),
    stopRepeating: Type.Optional(Type.Boolean({ description: 'For a repeating interim review: book no further ones' })),
    reassess: Type.Optional(
      Type.Boolean({
        description:
          'The review finds the person’s needs have changed: a new draft assessment is started on the same questionnaire, with the last answers to review (reassessmentId in the outcome)',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'nextAssessmentId (annual reviews): the new year’s agreed assessment; next year’s indicative budget is created from it',
  },
);

export const ClawbackDecisionBody = Type.Object(
  {
    decision: Type.Enum(['confirm', 'reduce', 'waive']),
    amountPence: Type.Optional(Pence('For reduce: the smaller amount to reclaim')),
    reason: Type.Optional(Text(2000)),
  },
  {
    additionalProperties: false,
    description: 'Finance decides each recommended clawback: confirm it, reduce it or waive it (with a reason)',
  },
);

const FunderClawback = Type.Object({
  funder: Type.String({ description: 'The funding stream’s key' }),
  name: Type.String(),
  annualPence: Pence(),
  rule: Type.Object({}, { additionalProperties: true }),
  paidInPence: PenceTotal(),
  underspendPence: PenceTotal(),
  allowancePence: Pence(),
  clawbackPence: Pence(),
  explanation: Type.Array(ExplanationStep),
});

const Clawback = Type.Object(
  {
    annualPence: Pence('The council’s share for the weeks the budget covers'),
    periodWeeks: Type.Number(),
    weeksPerYear: Type.Optional(Type.Number()),
    rule: Type.Object({}, { additionalProperties: true }),
    contributionDuePence: Type.Optional(
      Pence('The agreed contribution for the weeks the budget covers, pro-rata for the part of the year reviewed'),
    ),
    paidInPence: PenceTotal(),
    underspendPence: PenceTotal(),
    contributionRefundPence: Pence(),
    allowancePence: Pence(),
    clawbackPence: Pence('The council’s clawback'),
    funders: Type.Optional(
      Type.Array(FunderClawback, {
        description: 'Each funding stream paid through the council, its unspent share returned under its own rule',
      }),
    ),
    totalClawbackPence: Type.Optional(Pence('The council’s clawback plus every funding stream’s')),
    explanation: Type.Array(ExplanationStep),
    decision: Nullable(
      Type.Object({
        decision: Type.Enum(['confirm', 'reduce', 'waive']),
        amountPence: Pence('The council’s clawback as decided'),
        reason: Nullable(Type.String()),
        decidedBy: Type.String(),
        decidedAt: Timestamp,
        transactionIds: Type.Array(Id),
        cappedBecause: Type.Optional(
          Type.String({ description: 'Set when less went back than recommended, because money was spent after the review' }),
        ),
      }),
    ),
  },
  { title: 'ReviewClawback' },
);

export const ReviewResource = Type.Object(
  {
    id: Id,
    budgetId: Id,
    personId: Id,
    kind: ReviewKind,
    dueDate: CalendarDate,
    repeatEveryMonths: Nullable(Type.Integer({ description: 'Repeats every so many months (interim reviews), until stopped' })),
    status: ReviewStatus,
    overdue: Type.Boolean(),
    outcome: Nullable(
      Type.Object({
        outcomes: Type.Array(
          Type.Object({ key: Type.String(), description: Type.String(), achieved: Achieved, note: Nullable(Type.String()) }),
        ),
        experience: Type.Record(Type.String(), Type.Integer()),
        spentAsPlanned: Achieved,
        spendingNote: Nullable(Type.String()),
        notes: Nullable(Type.String()),
        completedOn: CalendarDate,
        onTime: Type.Boolean(),
        nextBudgetId: Nullable(Id),
        nextReviewId: Type.Optional(Nullable(Id)),
        reassessmentId: Type.Optional(Nullable(Id)),
      }),
    ),
    clawback: Nullable(Clawback),
    completedAt: Nullable(Timestamp),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Review' },
);
