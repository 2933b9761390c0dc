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

export const SchemeBody = Type.Object(
  {
    key: Key,
    questionnaireId: Id,
    clientGroups: Type.Array(ClientGroup, { minItems: 1, maxItems: 50, uniqueItems: true }),
    effectiveFrom: CalendarDate,
    effectiveTo: Type.Optional(Nullable(CalendarDate)),
    method: Method,
    floorPoints: Type.Optional(Type.Integer({ minimum: 0, description: 'Below this many points the RAS amount is 0' })),
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
