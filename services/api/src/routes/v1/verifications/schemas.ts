import { Type } from 'typebox';
import { Id } from '../../../schemas/common.js';

const Figure = Type.Union([Type.Integer(), Type.String(), Type.Null()]);

export const VerificationResource = Type.Object(
  {
    kind: Type.Union([Type.Literal('budget'), Type.Literal('financial-assessment'), Type.Literal('clawback')], {
      description: 'What was worked out again',
    }),
    id: Id,
    status: Type.Union([Type.Literal('matches'), Type.Literal('differs'), Type.Literal('entered')], {
      description: '`entered`: a contribution typed in rather than worked out, so there is nothing to recompute',
    }),
    matches: Type.Boolean({ description: 'Every figure worked out again equals the stored one, to the penny' }),
    basis: Type.Record(Type.String(), Figure, { description: 'The rule versions and sources the figure was worked out from' }),
    checks: Type.Array(
      Type.Object({
        figure: Type.String(),
        stored: Figure,
        recomputed: Figure,
        matches: Type.Boolean(),
      }),
      { description: 'Each stored figure beside the same figure worked out again by ras-core' },
    ),
    differences: Type.Array(Type.String(), { description: 'The figures that differ, with both values (empty when all match)' }),
  },
  { title: 'Verification' },
);
