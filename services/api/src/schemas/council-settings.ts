import { type Static, Type } from 'typebox';

/** What a council may set (councils.settings); every field optional, with the defaults in {@link councilSettings}. */
export const CouncilSettings = Type.Object(
  {
    paymentFrequency: Type.Optional(
      Type.Union([Type.Literal('monthly'), Type.Literal('four-weekly')], { description: 'How the net budget is paid (default monthly)' }),
    ),
    contributionCollection: Type.Optional(
      Type.Union([Type.Literal('net'), Type.Literal('gross')], {
        description: 'net: deducted at source (default); gross: the council pays the whole budget and invoices the contribution',
      }),
    ),
    firstReviewAfterWeeks: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 52, description: 'Weeks from the start of a budget to its first review (default 4)' }),
    ),
    targets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            measure: Type.Literal('self-directed-support-share'),
            percent: Type.Number({ minimum: 0, maximum: 100 }),
            by: Type.String({ format: 'date' }),
            label: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20, description: 'Targets the council sets itself, e.g. 36.2% receiving self-directed support by 2011-12-31' },
      ),
    ),
    separationOfDuties: Type.Optional(
      Type.Enum(['strict', 'relaxed'], {
        description:
          'strict (default): the same person (the one named in Ras-Actor when both decisions name one, otherwise the same key) may not decide two stages of one support plan (coordinator, team manager, risk enablement, panel), nor record a council payment on a budget whose plan it approved at panel (409 SAME_ACTOR). relaxed: allowed, for teams too small to keep them apart; every decision still records who made it.',
      }),
    ),
    regionalReportOptIn: Type.Optional(Type.Boolean({ description: 'Take part in the anonymised regional self-rating report' })),
    regionalReportNamed: Type.Optional(Type.Boolean({ description: 'May be named in the regional report as a high performer' })),
  },
  { additionalProperties: false },
);

/** The settings as stored: the one type for councils.settings, from its schema. */
export type CouncilSettingsInput = Static<typeof CouncilSettings>;
