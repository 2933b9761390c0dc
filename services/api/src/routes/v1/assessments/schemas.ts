import { Type } from 'typebox';
import { Id, Nullable, Text, Timestamp } from '../../../schemas/common.js';
import { Answers, SectionScore } from '../calculations/schemas.js';
import { QuestionnaireRef } from '../questionnaires/schemas.js';

export const HELPERS = ['self', 'family', 'friend', 'advocate', 'support-worker', 'professional'] as const;
export const CompletedWith = Type.Array(Type.Enum(HELPERS), {
  minItems: 1,
  maxItems: HELPERS.length,
  uniqueItems: true,
  description: 'Who helped the person complete the self-assessment',
});

export const AssessmentStatus = Type.Union([Type.Literal('draft'), Type.Literal('submitted'), Type.Literal('agreed')], {
  title: 'AssessmentStatus',
});

export const CreateAssessmentBody = Type.Object(
  { personId: Id, questionnaireId: Id, completedWith: CompletedWith, answers: Type.Optional(Answers) },
  { additionalProperties: false },
);

export const SaveAnswersBody = Type.Object({ answers: Answers }, { additionalProperties: false });

const AnswerValue = Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })]);

export const Eligibility = Type.Object(
  {
    eligible: Type.Boolean(),
    basis: Type.Union([Type.Literal('care-act-2014'), Type.Literal('facs'), Type.Literal('local')], {
      description: 'care-act-2014: the national criteria; facs: Fair Access to Care Services bands; local: a council rule',
    }),
    band: Type.Optional(
      Type.Union([Type.Literal('critical'), Type.Literal('substantial'), Type.Literal('moderate'), Type.Literal('low')], {
        description: 'The FACS band, when basis is facs',
      }),
    ),
    notes: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);

export const ModerationBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('agree'), Type.Literal('amend')]),
    amendments: Type.Optional(
      Type.Array(
        Type.Object(
          { questionKey: Type.String({ minLength: 1, maxLength: 100 }), answer: AnswerValue, reason: Text(2000) },
          { additionalProperties: false },
        ),
        {
          maxItems: 200,
        },
      ),
    ),
    eligibility: Eligibility,
  },
  { additionalProperties: false },
);

export const AssessmentResource = Type.Object(
  {
    id: Id,
    personId: Id,
    questionnaire: QuestionnaireRef,
    status: AssessmentStatus,
    completedWith: Type.Array(Type.String()),
    answers: Type.Record(Type.String(), AnswerValue, { description: 'The answers in force (after moderation, if amended)' }),
    submittedAnswers: Nullable(
      Type.Record(Type.String(), AnswerValue, { description: 'The answers as the person submitted them; moderation never changes these' }),
    ),
    moderation: Nullable(
      Type.Object({
        decision: Type.Union([Type.Literal('agree'), Type.Literal('amend')]),
        amendments: Type.Array(
          Type.Object({ questionKey: Type.String(), from: Nullable(AnswerValue), to: AnswerValue, reason: Type.String() }),
        ),
        moderatedBy: Type.String(),
        moderatedAt: Timestamp,
      }),
    ),
    eligibility: Nullable(Eligibility),
    score: Type.Object({
      totalPoints: Type.Integer(),
      complete: Type.Boolean(),
      missingQuestionKeys: Type.Array(Type.String()),
      sections: Type.Array(SectionScore),
    }),
    submittedAt: Nullable(Timestamp),
    agreedAt: Nullable(Timestamp),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Assessment' },
);
