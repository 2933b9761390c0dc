import { Type } from 'typebox';
import { Id, Key, Text, Timestamp } from '../../../schemas/common.js';

// Structure and types are checked here; value rules (whole points, weights with 2 decimals,
// duplicate keys) by ras-core, so that every such problem is listed in one 422.
const Option = Type.Object(
  { key: Key, text: Text(1000), points: Type.Number({ description: 'Whole points, 0 or more' }) },
  { additionalProperties: false },
);

const Question = Type.Object(
  {
    key: Key,
    text: Text(2000),
    type: Type.Union([Type.Literal('single'), Type.Literal('multi')]),
    required: Type.Optional(Type.Boolean({ description: 'Default true' })),
    maxPoints: Type.Optional(Type.Number({ description: 'multi questions only: the most points the question gives' })),
    unpaidSupport: Type.Optional(
      Type.Boolean({
        description:
          'Needs met by unpaid support (family, friends): the question’s points are taken off its section’s points instead of added, never below 0, and the explanation says so',
      }),
    ),
    options: Type.Array(Option, { maxItems: 50 }),
  },
  { additionalProperties: false },
);

const Section = Type.Object(
  {
    key: Key,
    title: Text(500),
    weight: Type.Optional(Type.Number({ description: 'Multiplies the section points; default 1, at most 2 decimal places' })),
    maxPoints: Type.Optional(Type.Number({ description: 'The most points the section gives after weighting' })),
    questions: Type.Array(Question, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export const QuestionnaireBody = Type.Object(
  { key: Key, title: Text(500), sections: Type.Array(Section, { maxItems: 50 }) },
  { additionalProperties: false },
);

export const QuestionnaireResource = Type.Object(
  {
    id: Id,
    key: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    title: Type.String(),
    sections: Type.Array(
      Type.Object({
        key: Type.String(),
        title: Type.String(),
        weight: Type.Optional(Type.Number()),
        maxPoints: Type.Optional(Type.Number()),
        questions: Type.Array(
          Type.Object({
            key: Type.String(),
            text: Type.String(),
            type: Type.Union([Type.Literal('single'), Type.Literal('multi')]),
            required: Type.Optional(Type.Boolean()),
            maxPoints: Type.Optional(Type.Number()),
            unpaidSupport: Type.Optional(Type.Boolean()),
            options: Type.Array(Type.Object({ key: Type.String(), text: Type.String(), points: Type.Number() })),
          }),
        ),
      }),
    ),
    createdAt: Timestamp,
  },
  { title: 'Questionnaire' },
);

/** A reference to the questionnaire version a result used. */
export const QuestionnaireRef = Type.Object({ id: Id, key: Type.String(), version: Type.Integer() });
