import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Pence, PenceTotal, Percent, Timestamp } from '../../../schemas/common.js';

const TransitionalProtection = Type.Object(
  {
    maxDecreasePercent: Type.Optional(Percent('A budget falls by at most this percentage of today’s RAS-based amount in one year')),
    maxDecreasePence: Type.Optional(Pence('…and/or by at most this much a year; with both, the smaller fall is allowed')),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'At most N% or £X lower in one year; the shortfall is added to the new budget and shown',
  },
);

export const CreateUpratingRunBody = Type.Object(
  {
    schemeId: Id,
    successorSchemeId: Type.Optional(Id),
    transitionalProtection: Type.Optional(TransitionalProtection),
  },
  {
    additionalProperties: false,
    title: 'CreateUpratingRun',
    description:
      'schemeId: a scheme version whose current agreed budgets are re-worked (with every earlier version of its key); successorSchemeId: the version to re-work them under, by default the next version of the same key. The run starts as a dry run.',
  },
);

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const Totals = {
  people: Count('Budgets re-worked'),
  winners: Count('Would get more'),
  losers: Count('Would get less (before transitional protection)'),
  unchanged: Count('Would get the same'),
  outsideRas: Count('Set by the panel outside the RAS: left as they are'),
  protectedPeople: Count('Losers transitional protection holds up'),
  costBeforePence: PenceTotal('Σ today’s budgets, a year'),
  costAfterPence: PenceTotal('Σ budgets after the uprating with protection (panel amounts as they were), a year'),
  protectedPence: PenceTotal('What transitional protection costs, a year'),
};

export const UpratingTotals = Type.Object(Totals, { title: 'UpratingTotals' });

export const UpratingPerson = Type.Object(
  {
    budgetId: Id,
    personId: Id,
    clientGroup: Type.String(),
    oldAnnualPence: Pence('The individual budget today, a year'),
    newAnnualPence: Pence('Under the new version, before protection'),
    protectedPence: Pence('What transitional protection adds'),
    upratedAnnualPence: Pence('What the person will have: new + protection (or the panel’s amount, unchanged)'),
    outcome: Type.Enum(['winner', 'loser', 'unchanged', 'outside-ras']),
    newBudgetId: Nullable(Id),
    reviewId: Nullable(Id),
  },
  { title: 'UpratingPerson' },
);

export const UpratingRunResource = Type.Object(
  {
    id: Id,
    schemeId: Id,
    replacesSchemeIds: Type.Array(Id),
    effectiveFrom: CalendarDate,
    transitionalProtection: Nullable(TransitionalProtection),
    status: Type.Enum(['dry-run', 'applied'], {
      description: 'dry-run: nothing has changed; applied: new indicative budgets and reviews exist',
    }),
    summary: Type.Object({
      overall: UpratingTotals,
      byClientGroup: Type.Array(Type.Object({ clientGroup: Type.String(), ...Totals })),
    }),
    people: Type.Object(
      { items: Type.Array(UpratingPerson), nextPageToken: Nullable(Type.String()) },
      { description: 'Each person’s old and new figure, a page at a time (pageSize, pageToken); ?format=csv gives them all' },
    ),
    createdAt: Timestamp,
    appliedAt: Nullable(Timestamp),
    version: Type.Integer(),
  },
  { title: 'UpratingRun' },
);
