import { Type } from 'typebox';
import { CalendarDate, Id, PenceTotal, SignedPence } from '../../../schemas/common.js';

const Count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], {
  description: 'A percentage to 1 decimal place; null when there is nobody to count',
});

const AscofPart = Type.Object(
  { definition: Type.String(), numerator: Count(), denominator: Count(), percent: Share },
  { title: 'AscofMeasure', description: 'An ASCOF measure: what it counts, and the count' },
);

/** The council's monitoring figures for a period (getSummaryReport). */
export const SummaryReport = Type.Object(
  {
    period: Type.Object({ from: CalendarDate, to: CalendarDate }),
    peopleWithPersonalBudget: Count('People with an agreed budget in force in the period'),
    budgetsInForce: Count(),
    byManagementMix: Type.Object(
      {
        'direct-payment-only': Count(),
        'part-direct-payment': Count(),
        'managed-personal-budget': Count(),
        'commissioned-support-only': Count(),
      },
      { description: 'People by how their plan manages the money (ASCOF categories)' },
    ),
    byManagementOption: Type.Object(
      {
        'direct-payment': Count(),
        'indirect-payment': Count(),
        trust: Count(),
        'individual-service-fund': Count(),
        'council-arranged': Count(),
      },
      { description: 'People using each way of managing money (a person may use several)' },
    ),
    selfDirectedSupport: AscofPart,
    directPayments: AscofPart,
    ascof1c: Type.Object(
      { part1a: AscofPart, part1b: AscofPart, part2a: AscofPart, part2b: AscofPart },
      {
        description:
          'ASCOF 1C (3D from 2023-24), users and carers apart. Denominators count people on long-term support the council commissions without a personal budget (createPerson commissionedSupport, or the people import) as well as people with one',
      },
    ),
    packages: Type.Object(
      {
        agreedInPeriod: Count('Budgets in force whose plan was agreed (budget agreed) in the period: new packages'),
        existing: Count('Budgets in force agreed before the period'),
        agreedByMonth: Type.Array(Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }), packages: Count() }), {
          description: 'New packages agreed each month of the period (Wrexham’s "10 packages a month")',
        }),
      },
      { description: 'New versus existing packages, and throughput per month' },
    ),
    money: Type.Object({
      allocatedAnnualPence: PenceTotal('What the council allocates a year to the budgets in force'),
      councilPaidPence: PenceTotal(),
      contributionsReceivedPence: PenceTotal(),
      spentPence: SignedPence('Spending less refunds'),
      clawedBackPence: PenceTotal(),
      contributionsRefundedPence: PenceTotal(),
    }),
    outcomes: Type.Object({ yes: Count(), partly: Count(), no: Count(), achievedPercent: Share, achievedOrPartlyPercent: Share }),
    reviews: Type.Object({ completed: Count(), onTime: Count(), late: Count(), onTimePercent: Share, overdueNow: Count() }),
    experience: Type.Array(
      Type.Object({
        aspect: Type.String(),
        responses: Count(),
        averageRating: Type.Number({ minimum: 1, maximum: 5, description: 'Average of 1–5 ratings, to 1 decimal place' }),
      }),
    ),
    targets: Type.Array(
      Type.Object({
        measure: Type.Enum(['self-directed-support-share', 'direct-payment-share']),
        group: Type.Enum(['users', 'carers', 'all']),
        percent: Type.Number({ minimum: 0, maximum: 100 }),
        count: Type.Union([Count('The target in people'), Type.Null()]),
        by: CalendarDate,
        label: Type.Union([Type.String(), Type.Null()]),
        actualPercent: Share,
        actualCount: Count('People counted by the measure'),
        met: Type.Boolean({ description: 'The share reached, and the count when the target gives one' }),
        due: Type.Boolean(),
      }),
    ),
    exceptions: Type.Object({
      count: Count('Plans approved at panel above the budget in the period'),
      plans: Type.Array(Type.Object({ budgetId: Id, overBudgetPence: PenceTotal(), reason: Type.String() })),
    }),
    outsideRas: Type.Object(
      {
        referred: Count(
          'Budgets in force the RAS referred to the panel (above the ceiling or top band, or needs outside the questionnaire)',
        ),
        budgets: Count('Budgets in force whose amount the panel set outside the RAS'),
        panelAnnualPence: PenceTotal('What the panel set for them, a year'),
        rasAnnualPence: PenceTotal('What the RAS said for the same budgets, a year'),
      },
      { description: 'Budgets decided outside the RAS, beside what the RAS would have given' },
    ),
    carers: Type.Object(
      {
        carersBudgets: Count('Carers’ personal budgets in force (the person cares for someone)'),
        carersAnnualPence: PenceTotal('What the council funds of them, a year'),
        budgetsLessUnpaidSupport: Count('Budgets whose points were lowered for needs met by unpaid support'),
        unpaidSupportPoints: Count('The points taken off them in all'),
      },
      { description: 'Carers’ budgets, and how far unpaid support lowered the cared-for people’s points' },
    ),
  },
  { title: 'SummaryReport' },
);

const Estimate = Type.Object(
  {
    value: Type.Integer(),
    low: Type.Integer(),
    high: Type.Integer(),
    count: Type.Integer({ description: 'People the figure is worked out from (perturbed, as every count)' }),
  },
  {
    title: 'FairnessEstimate',
    description: 'A money figure in pence (perturbed) with its 95% percentile-bootstrap interval, set about the published figure',
  },
);
const Rate = Type.Object(
  {
    value: Type.Number({ description: 'Percent, to one decimal place' }),
    low: Type.Number(),
    high: Type.Number(),
    events: Type.Integer(),
    count: Type.Integer(),
  },
  {
    title: 'FairnessRate',
    description: 'events of count (both perturbed) as a percentage, with its exact (Clopper–Pearson) 95% interval',
  },
);
const GroupFigures = Type.Object(
  {
    people: Type.Integer(),
    budgetPerPersonPence: Estimate,
    moneyPerPointPence: Type.Union([Estimate, Type.Null()]),
    panelMoved: Rate,
    panelShiftPence: Type.Union([Estimate, Type.Null()], {
      description: 'Among budgets the panel moved: agreed − RAS figure, signed; null when it moved none or when suppressed',
    }),
    appeals: Rate,
    appealsUpheld: Type.Union([Rate, Type.Null()], { description: 'Of decided appeals, how many were upheld; null when suppressed' }),
    clawback: Type.Union([Rate, Type.Null()], {
      description: 'Of completed annual reviews, how many recommended clawback; null when suppressed',
    }),
    ceilingReferrals: Rate,
  },
  { title: 'FairnessFigures' },
);

export const FairnessReport = Type.Object(
  {
    period: Type.Object({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }),
    method: Type.Object({
      threshold: Type.Integer({ description: 'Groups with fewer people are suppressed' }),
      confidence: Type.Literal(95),
      rates: Type.Literal('exact Clopper–Pearson'),
      money: Type.Literal('percentile bootstrap'),
      resamples: Type.Integer(),
      seed: Type.String(),
      disclosureControl: Type.Object(
        {
          name: Type.Literal('cell-key perturbation'),
          countNoiseAtMost: Type.Integer({ description: 'A published count is within this many of the true count' }),
          magnitudeSharePercent: Type.Number({
            description: 'A published total of money or points is within this percentage of the sum of its largest contributions',
          }),
          topContributors: Type.Integer({ description: 'How many of the largest contributions scale the noise on a total' }),
        },
        {
          description:
            'Every count and total is perturbed by a noise its people’s random keys choose (the ONS Census 2021 cell-key method, with the ABS TableBuilder treatment of money), so no combination of the figures tells anyone’s budget, or the total of up to topContributors people, to better than ±magnitudeSharePercent',
        },
      ),
    }),
    limits: Type.Array(Type.String(), { description: 'What the report can and cannot show, in plain English' }),
    everyone: Type.Union([GroupFigures, Type.Null()]),
    dimensions: Type.Array(
      Type.Object({
        dimension: Type.Enum(['clientGroup', 'primarySupportReason', 'ageBand', 'sex', 'ethnicGroup']),
        title: Type.String(),
        groups: Type.Array(
          Type.Object({
            key: Type.Union([Type.String(), Type.Null()], { description: 'null: not known' }),
            label: Type.String(),
            suppressed: Type.Boolean(),
            figures: Type.Union([GroupFigures, Type.Null()], { description: 'null when suppressed' }),
          }),
        ),
      }),
    ),
  },
  { title: 'FairnessReport' },
);
