import { Type } from 'typebox';
import { ExplanationStep, Id, Key, Nullable, Pence, Text, Weeks } from '../../../schemas/common.js';
import { Clawback, SchemeRef } from '../allocation-schemes/schemas.js';
import { QuestionnaireRef } from '../questionnaires/schemas.js';

/** Answers keyed by question key: an option key, or a list of option keys for a multi question. */
export const Answers = Type.Record(
  Type.String({ maxLength: 100 }),
  Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })]),
  {
    maxProperties: 1000,
    description: 'Keyed by question key: "optionKey" for single, ["a", "c"] for multi',
  },
);

export const FundingStream = Type.Object(
  {
    key: Key,
    name: Type.Optional(Text(200)),
    mode: Type.Union([Type.Literal('included'), Type.Literal('added')], {
      description: 'included: pays part of the RAS amount (e.g. ILF); added: on top',
    }),
    annualPence: Pence('The stream for the period the budget covers'),
    paysThroughCouncil: Type.Optional(
      Type.Boolean({
        description:
          'true (default): the council passes the stream’s money into the person’s account, in its own instalments and with its own line in the account; false: the funder pays the person directly',
      }),
    ),
    clawback: Type.Optional(Clawback),
  },
  { additionalProperties: false },
);

export const BudgetInputs = {
  weeksAtHome: Type.Optional(Weeks('Weeks of the year supported at home; default the whole year')),
  fundingStreams: Type.Optional(Type.Array(FundingStream, { maxItems: 20 })),
  weeklyContributionPence: Type.Optional(Pence('The person’s assessed weekly contribution')),
};

export const CalculateBudgetBody = Type.Object({ schemeId: Id, answers: Answers, ...BudgetInputs }, { additionalProperties: false });

/** One line of a calculateBudgets request: a calculateBudget body, with the caller's own reference. */
export const BudgetLine = Type.Object(
  {
    ref: Type.Optional(
      Type.String({ maxLength: 200, description: 'Your reference for the line (a case number), given back with its answer' }),
    ),
    schemeId: Id,
    answers: Answers,
    ...BudgetInputs,
  },
  { additionalProperties: false, title: 'BudgetLine' },
);

const QuestionScore = Type.Object({
  key: Type.String(),
  answer: Nullable(Type.Union([Type.String(), Type.Array(Type.String())])),
  points: Type.Integer(),
  uncappedPoints: Type.Integer(),
  capped: Type.Boolean(),
});

export const SectionScore = Type.Object({
  key: Type.String(),
  title: Type.String(),
  questionPoints: Type.Integer(),
  unpaidSupportPoints: Type.Optional(
    Type.Integer({ description: 'Question points taken off the section for needs met by unpaid support' }),
  ),
  weight: Type.Number(),
  weightedPoints: Type.Integer(),
  maxPoints: Nullable(Type.Integer()),
  points: Type.Integer(),
  capped: Type.Boolean(),
  questions: Type.Array(QuestionScore),
});

const OneReferral = Type.Object({
  reason: Type.Enum(['above-ceiling', 'above-top-band', 'needs-outside-questionnaire', 'below-floor']),
  detail: Type.String(),
  coordinatorReason: Type.Optional(Type.String()),
  ceilingPence: Type.Optional(Pence()),
  fullYearPence: Type.Optional(Pence()),
  topBandToPoints: Type.Optional(Type.Integer()),
  totalPoints: Type.Optional(Type.Integer()),
});

export const Referral = Nullable(OneReferral);

/** Everything from points to the net amount, as calculateBudget and budgets carry it. */
export const BudgetCalculation = Type.Object(
  {
    questionnaire: QuestionnaireRef,
    scheme: SchemeRef,
    totalPoints: Type.Integer(),
    complete: Type.Boolean({ description: 'false when required questions are unanswered (they count 0 points)' }),
    missingQuestionKeys: Type.Array(Type.String()),
    sections: Type.Array(SectionScore),
    method: Type.Union([Type.Literal('linear'), Type.Literal('banded')]),
    band: Nullable(Type.Object({ fromPoints: Type.Integer(), toPoints: Type.Integer(), annualPence: Pence() })),
    belowFloor: Type.Boolean(),
    fullYearPence: Pence('The RAS amount for a full year, before pro-rata'),
    weeksCovered: Type.Number(),
    weeksPerYear: Type.Number(),
    rasAnnualPence: Pence(),
    panelAmount: Nullable(
      Type.Object(
        { annualPence: Pence(), reason: Type.String() },
        { description: 'An amount the panel agreed outside the RAS; it replaces rasAnnualPence in the totals' },
      ),
    ),
    outsideRas: Type.Boolean({ description: 'true when the figure is the panel’s, outside the RAS (panelAmount is set)' }),
    transitionalProtection: Nullable(
      Type.Object(
        { previousAnnualPence: Pence(), allowedDecreasePence: Pence(), protectedPence: Pence() },
        {
          description:
            'From an uprating run: what transitional protection added to the RAS amount so the budget fell no further than allowed',
        },
      ),
    ),
    streams: Type.Array(
      Type.Object({
        key: Type.String(),
        name: Type.String(),
        mode: Type.Union([Type.Literal('included'), Type.Literal('added')]),
        annualPence: Pence(),
        paysThroughCouncil: Type.Optional(Type.Boolean()),
        clawback: Type.Optional(Clawback),
      }),
    ),
    totalAnnualPence: Pence('RAS + added streams'),
    councilAnnualPence: Pence('RAS − included streams'),
    weeklyContributionPence: Pence(),
    annualContributionPence: Pence(),
    netAnnualPence: Pence('What the council pays: council share − contribution'),
    referral: Referral,
    referrals: Type.Array(OneReferral, { description: 'Every reason the panel decides the budget; referral is the first' }),
    explanation: Type.Array(ExplanationStep),
  },
  { title: 'BudgetCalculation' },
);

/** `?view=summary`: the figures without the per-question breakdown or the explanation. */
export const BudgetCalculationSummary = Type.Omit(BudgetCalculation, ['sections', 'explanation'], {
  title: 'BudgetCalculationSummary',
  description: 'The figures of a calculation without its sections or explanation (`?view=summary`)',
});

/** What calculateBudget answers: the whole calculation, or its summary with `?view=summary`. */
export const BudgetCalculationAnswer = Type.Union([BudgetCalculation, BudgetCalculationSummary], {
  title: 'BudgetCalculationAnswer',
  description: 'A BudgetCalculation, or with `view=summary` a BudgetCalculationSummary',
});

export const CalculationView = Type.Object(
  {
    view: Type.Optional(
      Type.Union([Type.Literal('full'), Type.Literal('summary')], {
        default: 'full',
        description:
          'full (default): every section, question and explanation step; summary: points, amounts, referrals and versions only, for portals that show the figure',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ContributionRules = Type.Object(
  {
    lowerCapitalLimitPence: Pence('Default £14,250'),
    upperCapitalLimitPence: Pence('Default £23,250'),
    tariffStepPence: Pence('Default £250'),
    tariffPerStepPence: Pence('Default £1'),
  },
  { additionalProperties: false },
);

export const CalculateContributionBody = Type.Object(
  {
    weeklyIncomePence: Pence(),
    capitalPence: Pence(),
    weeklyHousingCostsPence: Pence(),
    weeklyDisabilityRelatedExpenditurePence: Pence(),
    weeklyMinimumIncomeGuaranteePence: Pence(),
    weeklyCostOfCarePence: Pence(),
    rules: Type.Optional(ContributionRules),
  },
  { additionalProperties: false },
);

export const ContributionResult = Type.Object(
  {
    weeklyContributionPence: Pence(),
    tariffIncomePence: Pence(),
    assessableIncomePence: Pence(),
    fullCost: Type.Boolean(),
    explanation: Type.Array(ExplanationStep),
  },
  { title: 'ContributionCalculation' },
);

export const CalculateClawbackBody = Type.Object(
  {
    annualPence: Pence('The annual budget'),
    periodWeeks: Type.Optional(Weeks('Weeks the period lasted; default a whole year')),
    weeksPerYear: Type.Optional(Weeks('Default 52')),
    councilPaidPence: Pence(),
    personPaidPence: Type.Optional(Pence()),
    contributionDuePence: Type.Optional(Pence('What the person owed; anything paid above it is refunded first')),
    spentPence: Pence(),
    clawback: Clawback,
  },
  { additionalProperties: false },
);

export const ClawbackResult = Type.Object(
  {
    paidInPence: Pence(),
    underspendPence: Pence(),
    contributionRefundPence: Pence(),
    allowancePence: Pence(),
    clawbackPence: Pence(),
    explanation: Type.Array(ExplanationStep),
  },
  { title: 'ClawbackCalculation' },
);
