import { Type } from 'typebox';
import { CalendarDate, Id, Key, Nullable, Pence, Percent, Text, Timestamp, Weeks } from '../../../schemas/common.js';

const Band = Type.Object(
  {
    fromPoints: Type.Integer({ minimum: 0 }),
    toPoints: Type.Integer({ minimum: 0 }),
    annualPence: Pence('Annual amount for every point total in the band'),
  },
  { additionalProperties: false },
);

export const Method = Type.Union(
  [
    Type.Object({ type: Type.Literal('linear'), poundsPerPointPence: Pence('Pence per point per year') }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('banded'), bands: Type.Array(Band, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false }),
  ],
  { title: 'AllocationMethod' },
);

export const Clawback = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('percent'), percent: Percent('Share of the annual budget the person keeps') },
      { additionalProperties: false },
    ),
    Type.Object(
      { type: Type.Literal('weeks'), weeks: Weeks('Weeks of the annual budget the person keeps') },
      { additionalProperties: false },
    ),
  ],
  { title: 'ClawbackRule' },
);

export const ClientGroup = Text(100);

/** What an eligible person below the floor (or the lowest band) gets: nobody eligible gets £0. */
const BelowFloor = Type.Union(
  [
    Type.Object(
      {
        action: Type.Literal('floor-amount'),
        annualPence: Type.Integer({ minimum: 1, maximum: 10_000_000_000, description: 'The floor amount a year, pence' }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ action: Type.Literal('refer') }, { additionalProperties: false }),
  ],
  {
    description:
      'What an eligible person whose points fall below floorPoints or the lowest band gets (seed 003; Care Act 2014, s.26): the floor amount a year, or (refer, the default) an amount the worker sets and the panel agrees outside the RAS',
  },
);

export const SchemeBody = Type.Object(
  {
    key: Key,
    questionnaireId: Id,
    clientGroups: Type.Array(ClientGroup, { minItems: 1, maxItems: 50, uniqueItems: true }),
    effectiveFrom: CalendarDate,
    effectiveTo: Type.Optional(Nullable(CalendarDate)),
    method: Method,
    floorPoints: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Below this many points the RAS gives no amount of its own: belowFloor says what happens' }),
    ),
    belowFloor: Type.Optional(BelowFloor),
    ceilingPence: Type.Optional(Pence('Above this full-year amount the case is referred to the panel')),
    topSlicePercent: Type.Optional(Percent('Share of the budget kept back as contingency in the desktop exercise')),
    clawback: Clawback,
    weeksPerYear: Type.Optional(Weeks('Weeks in a budget year (default 52)')),
    rounding: Type.Optional(
      Type.Union([Type.Literal('penny'), Type.Literal('pound')], { description: 'penny (default) or pound: half-up to whole pounds' }),
    ),
  },
  { additionalProperties: false },
);

export const SchemeResource = Type.Object(
  {
    id: Id,
    key: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    questionnaireId: Id,
    clientGroups: Type.Array(Type.String()),
    effectiveFrom: CalendarDate,
    effectiveTo: Nullable(CalendarDate),
    method: Method,
    floorPoints: Nullable(Type.Integer()),
    belowFloor: BelowFloor,
    ceilingPence: Nullable(Pence()),
    topSlicePercent: Nullable(Type.Number()),
    clawback: Clawback,
    weeksPerYear: Type.Number(),
    rounding: Type.Union([Type.Literal('penny'), Type.Literal('pound')]),
    createdAt: Timestamp,
  },
  { title: 'AllocationScheme' },
);

/** A reference to the scheme version a result used. */
export const SchemeRef = Type.Object({ id: Id, key: Type.String(), version: Type.Integer() });

export const SchemeDescription = Type.Object(
  {
    schemeId: Id,
    title: Type.String(),
    summary: Type.String(),
    sections: Type.Array(Type.Object({ heading: Type.String(), paragraphs: Type.Array(Type.String()) })),
    bands: Nullable(Type.Array(Type.Object({ fromPoints: Type.Integer(), toPoints: Type.Integer(), annualPence: Pence() }))),
  },
  { title: 'SchemeDescription' },
);
