import { type ContributionRules, calculateContribution } from './contribution.js';
import { addMonths, assertCalendarDate, type CalendarDate } from './dates.js';
import { type Problem, RasError } from './errors.js';
import { type ExplanationStep, INPUT, step, type TraceParameter, traced } from './explanation.js';
import { assertPence, checkedPence, formatPounds, type Pence } from './money.js';

/** Which charging law applies: England (Care Act 2014) or Wales (Social Services and Well-being (Wales) Act 2014). */
export type Nation = 'england' | 'wales';

/** Where a person's weekly income comes from; the policy says which kinds are disregarded. */
export const INCOME_KINDS = [
  'state-pension',
  'pension-credit',
  'occupational-pension',
  'universal-credit',
  'employment-support-allowance',
  'income-support',
  'pip-daily-living',
  'pip-mobility',
  'dla-care',
  'dla-mobility',
  'attendance-allowance',
  'carers-allowance',
  'earnings',
  'war-pension',
  'war-widows-pension',
  'armed-forces-guaranteed-income',
  'other',
] as const;
export type IncomeKind = (typeof INCOME_KINDS)[number];

/** How much of one kind of income the charge ignores: all of it, or the first so much a week. */
export type IncomeDisregard = { readonly rule: 'full' } | { readonly rule: 'first'; readonly weeklyPence: Pence };

/**
 * The Minimum Income Guarantee: what a person must be left with each week, by household and age,
 * plus premiums. Regulation 7 of the Care and Support (Charging and Assessment of Resources)
 * Regulations 2014 sets the structure; the amounts are uprated each April by circular.
 */
export interface MinimumIncomeGuaranteeTable {
  readonly single: { readonly aged18To24Pence: Pence; readonly aged25ToPensionAgePence: Pence; readonly pensionAgePence: Pence };
  readonly loneParentPence: Pence;
  /** Each member of a couple. */
  readonly couple: { readonly adultPence: Pence; readonly pensionAgePence: Pence };
  readonly perChildPence: Pence;
  readonly premiums: {
    readonly disability: { readonly singlePence: Pence; readonly couplePence: Pence };
    readonly enhancedDisability: { readonly singlePence: Pence; readonly couplePence: Pence };
    readonly carerPence: Pence;
  };
}

/** A council's charging rules for care at home, in force from a date: the figures a financial assessment uses. */
export interface ChargingPolicyRules {
  readonly nation: Nation;
  /** Where the figures come from (regulation, circular, council decision), so an auditor can check them. */
  readonly source: string;
  readonly capital: ContributionRules;
  /** Wales: the most anyone is charged a week for care at home (£100 for 2025/26). `null` in England. */
  readonly weeklyMaximumChargePence: Pence | null;
  readonly minimumIncomeGuarantee: MinimumIncomeGuaranteeTable;
  /** Income the charge ignores, by kind; kinds not listed count in full. */
  readonly incomeDisregards: Readonly<Partial<Record<IncomeKind, IncomeDisregard>>>;
  /**
   * Disability-related expenditure allowed without receipts for a person who receives a
   * disability benefit (PIP daily living, DLA care, Attendance Allowance); more with evidence.
   */
  readonly standardDisabilityRelatedExpenditurePence: Pence;
  /** A weekly charge below this is not collected (0 collects every penny). */
  readonly minimumWeeklyChargePence: Pence;
  /** A yearly fee a self-funder pays when the council arranges their care (Care Act s.14(1)(b)). */
  readonly arrangementFeePence: Pence;
}

/** Where a person's age puts them in the MIG table. */
export type AgeBand = '18-24' | '25-to-pension-age' | 'pension-age';

/** How the financial assessment was done. */
export type AssessmentBasis = 'full' | 'light-touch' | 'full-cost';

/** A person's circumstances, weekly except capital: what a financial assessment works from. */
export interface FinancialCircumstances {
  readonly household: 'single' | 'lone-parent' | 'couple';
  readonly ageBand: AgeBand;
  readonly premiums?: { readonly disability?: boolean; readonly enhancedDisability?: boolean; readonly carer?: boolean };
  readonly children?: number;
  readonly incomes: readonly { readonly kind: IncomeKind; readonly weeklyPence: Pence }[];
  readonly capitalPence: Pence;
  readonly weeklyHousingCostsPence: Pence;
  /** Disability-related expenditure the person evidences; the standard allowance applies when it is higher. */
  readonly weeklyDisabilityRelatedExpenditurePence?: Pence;
  readonly weeklyCostOfCarePence: Pence;
  /**
   * `full` (default) works everything out. `light-touch`: the council is satisfied the person can
   * pay the charge without a full assessment. `full-cost`: the person chose not to disclose their
   * finances, so pays the full cost.
   */
  readonly basis?: AssessmentBasis;
  /** A person paying the full cost who asks the council to arrange their care pays the arrangement fee. */
  readonly councilArrangesCare?: boolean;
}

/** A weekly charge worked out under a charging policy, every figure explained. */
export interface ChargeAssessment {
  readonly weeklyContributionPence: Pence;
  readonly basis: AssessmentBasis;
  /** `true` when the person pays the full cost (capital over the limit, or chose not to disclose). */
  readonly fullCost: boolean;
  readonly weeklyIncomePence: Pence;
  readonly disregardedIncomePence: Pence;
  readonly tariffIncomePence: Pence;
  readonly minimumIncomeGuaranteePence: Pence;
  readonly disabilityRelatedExpenditurePence: Pence;
  readonly assessableIncomePence: Pence;
  /** `true` when the Welsh weekly maximum charge lowered the charge. */
  readonly cappedAtMaximum: boolean;
  /** The yearly arrangement fee, when the council arranges a self-funder's care; else 0. */
  readonly arrangementFeePence: Pence;
  readonly explanation: readonly ExplanationStep[];
}

const DISABILITY_BENEFITS: readonly IncomeKind[] = ['pip-daily-living', 'dla-care', 'attendance-allowance'];

/**
 * Each year's uprating of the Minimum Income Guarantee, as the amending regulations and DHSC's
 * circulars made it: a percentage of the year before, each amount to the nearest 5p. The amounts
 * were frozen from 2015-16 to 2021-22 (LAC(DHSC)(2021)1).
 */
const MIG_UPRATINGS = {
  /** 2022-23, SI 2022/243: 3%. */
  '2022-23': { per: 1_000, times: 1_030 },
  /** 2023-24, SI 2023/277: 10.1% (September 2022 CPI). */
  '2023-24': { per: 1_000, times: 1_101 },
  /** 2024-25, LAC(DHSC)(2024)1: 6.7% (September 2023 CPI). */
  '2024-25': { per: 1_000, times: 1_067 },
  /** 2025-26, LAC(DHSC)(2025)1: 1.7% (September 2024 CPI). */
  '2025-26': { per: 1_000, times: 1_017 },
} as const;
type UpratingYear = keyof typeof MIG_UPRATINGS;

/**
 * A weekly amount uprated year by year, each year to the nearest 5p (a half rounds up), as the
 * circulars round: the working for a row the 2025-26 circular's table could not be quoted for.
 */
function upratedYearByYear(weeklyPence: Pence, years: readonly UpratingYear[]): Pence {
  return years.reduce((pence, year) => {
    const { per, times } = MIG_UPRATINGS[year];
    // Nearest multiple of 5p of pence × times ÷ per, in whole numbers: (2·p·t + 5·per) ÷ (10·per), × 5.
    return Math.floor((2 * pence * times + 5 * per) / (10 * per)) * 5;
  }, weeklyPence);
}

/**
 * England's 2025-26 MIG for care at home, row by row. Four rows are quoted from the 2025-26
 * circular's table as councils republished it (single 18–24 £89.15, single 25 to Pension Credit age
 * £112.50, disability premium single £49.65, enhanced disability premium single £24.25); the
 * circular itself could not be reached from where this was written. Every row, those four too, is
 * derived here from the last amount a statutory instrument gives for it, uprated year by year as
 * above: the single rows and the child's from SI 2023/277 (2023-24), the rest from the 2015
 * amounts of regulation 7 (SI 2014/2672 as amended by SI 2015/644) from 2022-23 on. The derivation
 * reproduces each quoted row, and the 2024-25 amounts republished for Pension Credit age (single
 * £228.70, couple £174.60) and the 2023-24 carer premium (£49.05). A lone parent's amount has been the
 * single person's over 25 in every year. (charging-policy.test.ts checks each row against its working.)
 */
const FROM_2023 = ['2024-25', '2025-26'] as const satisfies readonly UpratingYear[];
const FROM_2015 = ['2022-23', '2023-24', '2024-25', '2025-26'] as const satisfies readonly UpratingYear[];
const MIG_WORKING_2025_26 = {
  'single.aged18To24Pence': { from: 'SI 2023/277: £82.15', pence: upratedYearByYear(8_215, FROM_2023) },
  'single.aged25ToPensionAgePence': { from: 'SI 2023/277: £103.65', pence: upratedYearByYear(10_365, FROM_2023) },
  'single.pensionAgePence': { from: 'SI 2023/277: £214.35', pence: upratedYearByYear(21_435, FROM_2023) },
  loneParentPence: { from: 'SI 2023/277: £103.65 (the single person over 25)', pence: upratedYearByYear(10_365, FROM_2023) },
  perChildPence: { from: 'SI 2023/277: £94.90', pence: upratedYearByYear(9_490, FROM_2023) },
  'couple.adultPence': { from: 'SI 2015/644: £71.80', pence: upratedYearByYear(7_180, FROM_2015) },
  'couple.pensionAgePence': { from: 'SI 2015/644: £144.30', pence: upratedYearByYear(14_430, FROM_2015) },
  'premiums.disability.singlePence': { from: 'SI 2015/644: £40.35', pence: upratedYearByYear(4_035, FROM_2015) },
  'premiums.disability.couplePence': { from: 'SI 2015/644: £28.75', pence: upratedYearByYear(2_875, FROM_2015) },
  'premiums.enhancedDisability.singlePence': { from: 'SI 2015/644: £19.70', pence: upratedYearByYear(1_970, FROM_2015) },
  'premiums.enhancedDisability.couplePence': { from: 'SI 2015/644: £14.15', pence: upratedYearByYear(1_415, FROM_2015) },
  'premiums.carerPence': { from: 'SI 2015/644: £43.25', pence: upratedYearByYear(4_325, FROM_2015) },
} as const;
const mig = (row: keyof typeof MIG_WORKING_2025_26): Pence => MIG_WORKING_2025_26[row].pence;

/**
 * England, 2025/26, from 7 April 2025. Capital limits: regulations 12 and 13 of SI 2014/2672
 * (£14,250 and £23,250, unchanged since 2010); tariff £1 a week per £250 (reg. 25). MIG: regulation 7
 * as uprated for 2025-26 (the 2025 amending regulations and DHSC's circular LAC(DHSC)(2025)1), row by
 * row as {@link MIG_WORKING_2025_26} works it. Disregards follow Annex C of the Care and Support
 * Statutory Guidance. The standard disability-related expenditure allowance, minimum charge and
 * arrangement fee are each council's own decision and ship as £0.
 */
export const ENGLAND_2025_26: ChargingPolicyRules = {
  nation: 'england',
  source:
    'SI 2014/2672 regs 7, 12, 13 and 25; MIG as uprated for 2025-26 (LAC(DHSC)(2025)1), each row worked year by year from its last statutory amount (ras-core MIG_WORKING_2025_26); disregards per Care and Support Statutory Guidance Annex C',
  capital: { lowerCapitalLimitPence: 1_425_000, upperCapitalLimitPence: 2_325_000, tariffStepPence: 25_000, tariffPerStepPence: 100 },
  weeklyMaximumChargePence: null,
  minimumIncomeGuarantee: {
    single: {
      aged18To24Pence: mig('single.aged18To24Pence'),
      aged25ToPensionAgePence: mig('single.aged25ToPensionAgePence'),
      pensionAgePence: mig('single.pensionAgePence'),
    },
    loneParentPence: mig('loneParentPence'),
    couple: { adultPence: mig('couple.adultPence'), pensionAgePence: mig('couple.pensionAgePence') },
    perChildPence: mig('perChildPence'),
    premiums: {
      disability: { singlePence: mig('premiums.disability.singlePence'), couplePence: mig('premiums.disability.couplePence') },
      enhancedDisability: {
        singlePence: mig('premiums.enhancedDisability.singlePence'),
        couplePence: mig('premiums.enhancedDisability.couplePence'),
      },
      carerPence: mig('premiums.carerPence'),
    },
  },
  incomeDisregards: {
    earnings: { rule: 'full' },
    'pip-mobility': { rule: 'full' },
    'dla-mobility': { rule: 'full' },
    'war-pension': { rule: 'full' },
    'armed-forces-guaranteed-income': { rule: 'full' },
    'war-widows-pension': { rule: 'first', weeklyPence: 1_000 },
  },
  standardDisabilityRelatedExpenditurePence: 0,
  minimumWeeklyChargePence: 0,
  arrangementFeePence: 0,
};

/**
 * Wales, 2025/26 (seed 000 is Welsh). The Care and Support (Charging) (Wales) Regulations 2015 as
 * amended: one capital limit for care at home, £24,000, above which the person pays the cost of
 * care up to the maximum; below it capital is ignored (no tariff income); a weekly maximum charge
 * of £100, held at that level for 2025/26 by the Welsh Government. Wales protects a "minimum
 * income amount" rather than England's MIG; until a council enters its own figures the table is
 * England's, which a Welsh council must replace (createChargingPolicy with `changes`).
 */
export const WALES_2025_26: ChargingPolicyRules = {
  ...ENGLAND_2025_26,
  nation: 'wales',
  source:
    'Care and Support (Charging) (Wales) Regulations 2015 as amended: capital limit £24,000, weekly maximum charge £100 for 2025/26; minimum income amounts to be set by the council',
  capital: { lowerCapitalLimitPence: 2_400_000, upperCapitalLimitPence: 2_400_000, tariffStepPence: 25_000, tariffPerStepPence: 100 },
  weeklyMaximumChargePence: 10_000,
};

/** The policies that ship, by key: a council starts from one and changes what it decides locally. */
export const SHIPPED_CHARGING_POLICIES = {
  'england-2025-26': { effectiveFrom: '2025-04-07', rules: ENGLAND_2025_26 },
  'wales-2025-26': { effectiveFrom: '2025-04-07', rules: WALES_2025_26 },
} as const satisfies Record<string, { effectiveFrom: CalendarDate; rules: ChargingPolicyRules }>;
export type ShippedChargingPolicy = keyof typeof SHIPPED_CHARGING_POLICIES;

/**
 * The day a person born on `dateOfBirth` reaches Pension Credit qualifying age (State Pension
 * age, Pensions Act 2014 s.26 and Schedule 12): 66 for those born 6 October 1954 to 5 April 1960;
 * 66 and 1 to 11 months for those born 6 April 1960 to 5 March 1961, a month more for each
 * later month of birth (counted from the 6th); 67 for those born 6 March 1961 to 5 April 1977.
 * People born earlier reached it before 2021, so before any date the shipped policies cover;
 * they are treated as reaching it at 66 at the latest. The rise to 68 is not yet law.
 */
export function pensionCreditAgeDate(dateOfBirth: CalendarDate): CalendarDate {
  const born = assertCalendarDate(dateOfBirth, '/dateOfBirth');
  let months = 66 * 12;
  if (born >= '1961-03-06') months = 67 * 12;
  else if (born >= '1960-04-06') {
    const year = Number(born.slice(0, 4));
    const month = Number(born.slice(5, 7));
    const day = Number(born.slice(8, 10));
    // Which month-long window from 6 April 1960 the birthday falls in: 0 for 6 April–5 May 1960.
    const window = (year - 1960) * 12 + (month - 4) - (day >= 6 ? 0 : 1);
    months = 66 * 12 + window + 1;
  }
  return addMonths(born, months);
}

/**
 * The MIG age band of a person born on `dateOfBirth`, on `date`: 25 on their 25th birthday, and
 * pension age from the day they reach Pension Credit qualifying age ({@link pensionCreditAgeDate}).
 *
 * @throws RasError `INVALID_DATE` for a date that is not YYYY-MM-DD
 */
export function ageBandOn(dateOfBirth: CalendarDate, date: CalendarDate): AgeBand {
  const born = assertCalendarDate(dateOfBirth, '/dateOfBirth');
  const on = assertCalendarDate(date, '/date');
  if (on >= pensionCreditAgeDate(born)) return 'pension-age';
  return on >= addMonths(born, 25 * 12) ? '25-to-pension-age' : '18-24';
}

/** The weekly MIG for these circumstances, with the sentence that explains it. */
function minimumIncomeGuarantee(
  circumstances: FinancialCircumstances,
  table: MinimumIncomeGuaranteeTable,
  source: string,
): { pence: Pence; text: string; used: TraceParameter[] } {
  const parts: string[] = [];
  const used: TraceParameter[] = [];
  const use = (path: string, value: number) => {
    used.push(traced(source, `minimumIncomeGuarantee.${path}`, value));
    return value;
  };
  const pensionAge = circumstances.ageBand === 'pension-age';
  let pence: number;
  if (circumstances.household === 'couple') {
    pence = pensionAge ? use('couple.pensionAgePence', table.couple.pensionAgePence) : use('couple.adultPence', table.couple.adultPence);
    parts.push(`${formatPounds(pence)} for a member of a couple${pensionAge ? ' over Pension Credit age' : ''}`);
  } else if (circumstances.household === 'lone-parent' && !pensionAge) {
    pence = use('loneParentPence', table.loneParentPence);
    parts.push(`${formatPounds(pence)} for a lone parent`);
  } else {
    pence =
      circumstances.ageBand === '18-24'
        ? use('single.aged18To24Pence', table.single.aged18To24Pence)
        : pensionAge
          ? use('single.pensionAgePence', table.single.pensionAgePence)
          : use('single.aged25ToPensionAgePence', table.single.aged25ToPensionAgePence);
    parts.push(`${formatPounds(pence)} for a single person aged ${pensionAge ? 'over Pension Credit age' : circumstances.ageBand}`);
  }
  const couple = circumstances.household === 'couple';
  const premiums = circumstances.premiums ?? {};
  // Premiums for disability stop at Pension Credit age: the pension-age amount already allows for them.
  if (premiums.disability && !pensionAge) {
    const premium = couple
      ? use('premiums.disability.couplePence', table.premiums.disability.couplePence)
      : use('premiums.disability.singlePence', table.premiums.disability.singlePence);
    pence += premium;
    parts.push(`${formatPounds(premium)} disability premium`);
  }
  if (premiums.enhancedDisability && !pensionAge) {
    const premium = couple
      ? use('premiums.enhancedDisability.couplePence', table.premiums.enhancedDisability.couplePence)
      : use('premiums.enhancedDisability.singlePence', table.premiums.enhancedDisability.singlePence);
    pence += premium;
    parts.push(`${formatPounds(premium)} enhanced disability premium`);
  }
  if (premiums.carer) {
    pence += use('premiums.carerPence', table.premiums.carerPence);
    parts.push(`${formatPounds(table.premiums.carerPence)} carer premium`);
  }
  const children = circumstances.children ?? 0;
  if (children > 0) {
    const forChildren = children * use('perChildPence', table.perChildPence);
    pence += forChildren;
    parts.push(`${children} × ${formatPounds(table.perChildPence)} for children`);
  }
  return { pence: checkedPence(pence, '/minimumIncomeGuaranteePence'), text: parts.join(' + '), used };
}

function checkRules(rules: ChargingPolicyRules): void {
  const problems: Problem[] = [];
  const money = (value: unknown, pointer: string) => {
    try {
      assertPence(value, pointer);
    } catch (error) {
      if (error instanceof RasError) problems.push(...error.problems);
      else throw error;
    }
  };
  money(rules.standardDisabilityRelatedExpenditurePence, '/rules/standardDisabilityRelatedExpenditurePence');
  money(rules.minimumWeeklyChargePence, '/rules/minimumWeeklyChargePence');
  money(rules.arrangementFeePence, '/rules/arrangementFeePence');
  if (rules.weeklyMaximumChargePence !== null) money(rules.weeklyMaximumChargePence, '/rules/weeklyMaximumChargePence');
  const table = rules.minimumIncomeGuarantee;
  for (const [pointer, value] of [
    ['single/aged18To24Pence', table.single.aged18To24Pence],
    ['single/aged25ToPensionAgePence', table.single.aged25ToPensionAgePence],
    ['single/pensionAgePence', table.single.pensionAgePence],
    ['loneParentPence', table.loneParentPence],
    ['couple/adultPence', table.couple.adultPence],
    ['couple/pensionAgePence', table.couple.pensionAgePence],
    ['perChildPence', table.perChildPence],
    ['premiums/disability/singlePence', table.premiums.disability.singlePence],
    ['premiums/disability/couplePence', table.premiums.disability.couplePence],
    ['premiums/enhancedDisability/singlePence', table.premiums.enhancedDisability.singlePence],
    ['premiums/enhancedDisability/couplePence', table.premiums.enhancedDisability.couplePence],
    ['premiums/carerPence', table.premiums.carerPence],
  ] as const)
    money(value, `/rules/minimumIncomeGuarantee/${pointer}`);
  for (const [kind, disregard] of Object.entries(rules.incomeDisregards)) {
    if (disregard?.rule === 'first') money(disregard.weeklyPence, `/rules/incomeDisregards/${kind}/weeklyPence`);
  }
  if (problems.length > 0) throw new RasError('INVALID_MONEY', problems);
}

/** Step 1: the weekly income that counts: every income, less what the policy ignores of each (named, for the explanation). */
function countIncome(
  circumstances: FinancialCircumstances,
  rules: ChargingPolicyRules,
): { gross: number; disregarded: number; counted: number; disregardTexts: string[] } {
  let gross = 0;
  let disregarded = 0;
  const disregardTexts: string[] = [];
  circumstances.incomes.forEach((income, index) => {
    const amount = assertPence(income.weeklyPence, `/incomes/${index}/weeklyPence`);
    gross = checkedPence(gross + amount, '/incomes');
    const disregard = rules.incomeDisregards[income.kind];
    const ignored = disregard === undefined ? 0 : disregard.rule === 'full' ? amount : Math.min(amount, disregard.weeklyPence);
    if (ignored > 0) {
      disregarded += ignored;
      disregardTexts.push(
        `${formatPounds(ignored)} of ${income.kind}${disregard?.rule === 'first' ? ` (the first ${formatPounds(disregard.weeklyPence)})` : ''}`,
      );
    }
  });
  return { gross, disregarded, counted: gross - disregarded, disregardTexts };
}

/** What a full financial assessment is worked out from, besides the circumstances and the rules. */
interface Means {
  readonly income: ReturnType<typeof countIncome>;
  readonly mig: ReturnType<typeof minimumIncomeGuarantee>;
  readonly standardDre: number;
  readonly claimedDre: number;
  readonly dre: number;
  readonly capital: number;
  readonly housing: number;
  readonly cost: number;
}

/**
 * Step 2 of a full assessment: the charge from the person's means (income that counts, the
 * Minimum Income Guarantee, disability-related expenditure, capital), explained step by step.
 */
function assessMeans(
  circumstances: FinancialCircumstances,
  rules: ChargingPolicyRules,
  source: string,
  means: Means,
  explanation: ExplanationStep[],
): { weekly: number; fullCost: boolean; tariff: number; assessable: number } {
  const { gross, disregarded, counted, disregardTexts } = means.income;
  const { mig, standardDre, claimedDre, dre, capital, housing, cost } = means;
  explanation.push(
    step(
      'income',
      `Weekly income ${formatPounds(gross)}${disregarded > 0 ? `, less ${formatPounds(disregarded)} the charging policy ignores (${disregardTexts.join('; ')})` : ''}: ${formatPounds(counted)} counts.`,
      counted,
      'pence',
      'charge.income',
      [
        traced(INPUT, 'incomes', gross),
        ...circumstances.incomes.flatMap((income) => {
          const disregard = rules.incomeDisregards[income.kind];
          return disregard === undefined
            ? []
            : [traced(source, `incomeDisregards.${income.kind}`, disregard.rule === 'full' ? 'full' : disregard.weeklyPence)];
        }),
      ],
    ),
    step(
      'minimum-income-guarantee',
      `Minimum Income Guarantee: ${mig.text} = ${formatPounds(mig.pence)} a week.`,
      mig.pence,
      'pence',
      'charge.minimum-income-guarantee',
      [traced(INPUT, 'household', circumstances.household), traced(INPUT, 'ageBand', circumstances.ageBand), ...mig.used],
    ),
    step(
      'disability-related-expenditure',
      claimedDre > standardDre
        ? `Disability-related expenditure: ${formatPounds(claimedDre)} a week, as evidenced.`
        : standardDre > 0
          ? `Disability-related expenditure: the standard allowance of ${formatPounds(standardDre)} a week, as you receive a disability benefit.`
          : 'No disability-related expenditure is allowed.',
      dre,
      'pence',
      'charge.disability-related-expenditure',
      [
        traced(source, 'standardDisabilityRelatedExpenditurePence', rules.standardDisabilityRelatedExpenditurePence),
        traced(INPUT, 'weeklyDisabilityRelatedExpenditurePence', claimedDre),
      ],
    ),
  );
  const contribution = calculateContribution(
    {
      weeklyIncomePence: counted,
      capitalPence: capital,
      weeklyHousingCostsPence: housing,
      weeklyDisabilityRelatedExpenditurePence: dre,
      weeklyMinimumIncomeGuaranteePence: mig.pence,
      weeklyCostOfCarePence: cost,
    },
    rules.capital,
    source,
  );
  explanation.push(...contribution.explanation.filter((s) => s.key !== 'income'));
  return {
    weekly: contribution.weeklyContributionPence,
    fullCost: contribution.fullCost,
    tariff: contribution.tariffIncomePence,
    assessable: contribution.assessableIncomePence,
  };
}

/**
 * Works out a person's weekly charge for care at home under a council's charging policy: income
 * less what the policy disregards, tariff income from capital, less the Minimum Income Guarantee
 * for their household and age with premiums, disability-related expenditure (the standard
 * allowance, or more with evidence) and housing costs; capped at the cost of care and, in Wales,
 * the weekly maximum; a charge under the policy's minimum is not collected.
 *
 * @param circumstances - the person's household, income, capital and costs
 * @param rules - the charging policy in force (for example {@link ENGLAND_2025_26})
 * @returns the weekly charge, each figure on the way, and its explanation
 * @throws RasError `INVALID_MONEY` naming any amount that is not whole pence; `INVALID_CHARGING_RULES`
 *   for capital limits the wrong way round or a £0 tariff step
 * @example
 * ```ts
 * const charge = assessCharge(
 *   { household: 'single', ageBand: '25-to-pension-age', premiums: { disability: true },
 *     incomes: [{ kind: 'employment-support-allowance', weeklyPence: 20_000 }, { kind: 'pip-mobility', weeklyPence: 2_870 }],
 *     capitalPence: 0, weeklyHousingCostsPence: 0, weeklyCostOfCarePence: 30_000 },
 *   ENGLAND_2025_26,
 * );
 * charge.minimumIncomeGuaranteePence; // 16_215 (£112.50 + £49.65)
 * charge.weeklyContributionPence; // 3_785 (£200 − £162.15; PIP mobility is disregarded)
 * ```
 */
export function assessCharge(
  circumstances: FinancialCircumstances,
  rules: ChargingPolicyRules,
  source = 'charging policy',
): ChargeAssessment {
  checkRules(rules);
  const cost = assertPence(circumstances.weeklyCostOfCarePence, '/weeklyCostOfCarePence');
  const basis = circumstances.basis ?? 'full';
  const explanation: ExplanationStep[] = [];
  const maximum = rules.weeklyMaximumChargePence;

  const { gross, disregarded, counted, disregardTexts } = countIncome(circumstances, rules);
  const mig = minimumIncomeGuarantee(circumstances, rules.minimumIncomeGuarantee, source);
  const receivesDisabilityBenefit = circumstances.incomes.some(
    (income) => DISABILITY_BENEFITS.includes(income.kind) && income.weeklyPence > 0,
  );
  const standardDre = receivesDisabilityBenefit ? rules.standardDisabilityRelatedExpenditurePence : 0;
  const claimedDre = assertPence(circumstances.weeklyDisabilityRelatedExpenditurePence ?? 0, '/weeklyDisabilityRelatedExpenditurePence');
  const dre = Math.max(standardDre, claimedDre);
  const capital = assertPence(circumstances.capitalPence, '/capitalPence');
  const housing = assertPence(circumstances.weeklyHousingCostsPence, '/weeklyHousingCostsPence');

  const fullCostChosen = basis !== 'full';
  let weekly: number;
  let fullCost: boolean;
  let tariff = 0;
  let assessable = 0;
  if (fullCostChosen) {
    weekly = cost;
    fullCost = basis === 'full-cost';
    explanation.push(
      step(
        'basis',
        basis === 'light-touch'
          ? `A light-touch assessment: the council is satisfied you can pay the charge without a full financial assessment, so you pay the cost of your care, ${formatPounds(cost)} a week.`
          : `You chose not to have a full financial assessment, so you pay the full cost of your care, ${formatPounds(cost)} a week.`,
        cost,
        'pence',
        'charge.basis',
        [traced(INPUT, 'basis', basis), traced(INPUT, 'weeklyCostOfCarePence', cost)],
      ),
    );
  } else {
    ({ weekly, fullCost, tariff, assessable } = assessMeans(
      circumstances,
      rules,
      source,
      { income: { gross, disregarded, counted, disregardTexts }, mig, standardDre, claimedDre, dre, capital, housing, cost },
      explanation,
    ));
  }

  let cappedAtMaximum = false;
  if (maximum !== null && weekly > maximum) {
    cappedAtMaximum = true;
    weekly = maximum;
    explanation.push(
      step(
        'maximum-charge',
        `The weekly maximum charge is ${formatPounds(maximum)}, so you pay ${formatPounds(maximum)} a week.`,
        maximum,
        'pence',
        'charge.weekly-maximum',
        [traced(source, 'weeklyMaximumChargePence', maximum)],
      ),
    );
  }
  if (weekly > 0 && weekly < rules.minimumWeeklyChargePence) {
    explanation.push(
      step(
        'minimum-charge',
        `A charge under ${formatPounds(rules.minimumWeeklyChargePence)} a week is not collected, so you pay nothing.`,
        0,
        'pence',
        'charge.minimum-charge',
        [traced(source, 'minimumWeeklyChargePence', rules.minimumWeeklyChargePence)],
      ),
    );
    weekly = 0;
  }
  const arrangementFee = fullCost && circumstances.councilArrangesCare === true ? rules.arrangementFeePence : 0;
  if (arrangementFee > 0)
    explanation.push(
      step(
        'arrangement-fee',
        `As the council arranges your care while you pay its full cost, there is a yearly arrangement fee of ${formatPounds(arrangementFee)}.`,
        arrangementFee,
        'pence',
        'charge.arrangement-fee',
        [traced(source, 'arrangementFeePence', arrangementFee)],
      ),
    );
  return {
    weeklyContributionPence: weekly,
    basis,
    fullCost,
    weeklyIncomePence: gross,
    disregardedIncomePence: disregarded,
    tariffIncomePence: tariff,
    minimumIncomeGuaranteePence: mig.pence,
    disabilityRelatedExpenditurePence: dre,
    assessableIncomePence: assessable,
    cappedAtMaximum,
    arrangementFeePence: arrangementFee,
    explanation,
  };
}
