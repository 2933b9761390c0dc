import {
  ascofSelfDirectedSupport,
  MANAGEMENT_OPTIONS,
  type ManagementMix,
  type ManagementOption,
  managementMix,
  percentShare as percent,
} from 'ras-core';

/**
 * A target a council sets itself, e.g. seed 004's 36.2% receiving self-directed support by end
 * 2011, or Plymouth's 15.4% of clients and carers (1,585 people): a share, and a count when given.
 */
export interface Target {
  readonly measure: 'self-directed-support-share' | 'direct-payment-share';
  readonly percent: number;
  /** People: met only when this many are counted as well. */
  readonly count?: number;
  /** Who it counts: users, carers, or both (default). */
  readonly group?: 'users' | 'carers' | 'all';
  readonly by: string;
  readonly label?: string;
}

/** What the report is built from (read by the reports repository). */
export interface ReportInput {
  readonly from: string;
  readonly to: string;
  readonly today: string;
  readonly budgets: readonly {
    id: string;
    person_id: string;
    council_annual_pence: number;
    ras_annual_pence: number;
    panel_annual_pence: number | null;
    referral: unknown;
    cares_for_person_id: string | null;
    unpaid_support_points: number;
    /** How each line of the approved plan is managed (null without one). */
    managed_by: readonly ManagementOption[] | null;
    exception: unknown;
    decided_at: Date | string | null;
    agreed_at: Date | string | null;
  }[];
  /** People on commissioned support without a personal budget in the period, carers apart. */
  readonly commissioned: { readonly users: number; readonly carers: number };
  readonly money: readonly { kind: string; pence: number }[];
  readonly reviews: readonly { kind: string; due_date: string; outcome: unknown }[];
  readonly overdueReviews: number;
  readonly targets: readonly Target[];
}

/**
 * The council's monitoring figures for a period: who has a personal budget and how they manage it,
 * the self-directed support share in the ASCOF 3D sense, money allocated, paid, spent and clawed
 * back, outcomes, reviews, the person's experience, progress against targets, and exceptions.
 */
export function buildSummaryReport(input: ReportInput) {
  const noMix = (): Record<ManagementMix, number> => ({
    'direct-payment-only': 0,
    'part-direct-payment': 0,
    'managed-personal-budget': 0,
    'commissioned-support-only': 0,
  });
  const mixes = noMix();
  // ASCOF counts users and carers apart (parts 1a/2a and 1b/2b).
  const userMixes = noMix();
  const carerMixes = noMix();
  userMixes['commissioned-support-only'] = input.commissioned.users;
  carerMixes['commissioned-support-only'] = input.commissioned.carers;
  mixes['commissioned-support-only'] = input.commissioned.users + input.commissioned.carers;
  const personOptions = new Map<string, { options: Set<ManagementOption>; carer: boolean }>();
  const agreedByMonth = new Map<string, number>();
  let agreedInPeriod = 0;
  const byOption = Object.fromEntries(MANAGEMENT_OPTIONS.map((option) => [option, 0])) as Record<ManagementOption, number>;
  const people = new Set<string>();
  let allocated = 0;
  const exceptions: { budgetId: string; overBudgetPence: number; reason: string }[] = [];
  const outsideRas = { referred: 0, budgets: 0, panelAnnualPence: 0, rasAnnualPence: 0 };
  const carers = { carersBudgets: 0, carersAnnualPence: 0, budgetsLessUnpaidSupport: 0, unpaidSupportPoints: 0 };
  for (const budget of input.budgets) {
    people.add(budget.person_id);
    allocated += budget.council_annual_pence;
    if (budget.referral !== null) outsideRas.referred += 1;
    if (budget.cares_for_person_id !== null) {
      carers.carersBudgets += 1;
      carers.carersAnnualPence += Number(budget.council_annual_pence);
    }
    if (budget.unpaid_support_points > 0) {
      carers.budgetsLessUnpaidSupport += 1;
      carers.unpaidSupportPoints += budget.unpaid_support_points;
    }
    if (budget.panel_annual_pence !== null) {
      outsideRas.budgets += 1;
      outsideRas.panelAnnualPence += Number(budget.panel_annual_pence);
      outsideRas.rasAnnualPence += Number(budget.ras_annual_pence);
    }
    // A person is counted once, by every way their budgets in force manage the money (an
    // uprating's new budget and the one it replaced are one person).
    const held = personOptions.get(budget.person_id) ?? { options: new Set<ManagementOption>(), carer: false };
    for (const option of budget.managed_by ?? []) held.options.add(option);
    held.carer ||= budget.cares_for_person_id !== null;
    personOptions.set(budget.person_id, held);
    const agreed = budget.agreed_at === null ? null : new Date(budget.agreed_at).toISOString().slice(0, 10);
    if (agreed !== null && agreed >= input.from && agreed <= input.to) {
      agreedInPeriod += 1;
      agreedByMonth.set(agreed.slice(0, 7), (agreedByMonth.get(agreed.slice(0, 7)) ?? 0) + 1);
    }
    const exception = budget.exception as { reason: string; overBudgetPence: number } | null;
    const decided = budget.decided_at === null ? null : new Date(budget.decided_at).toISOString().slice(0, 10);
    if (exception && decided !== null && decided >= input.from && decided <= input.to)
      exceptions.push({ budgetId: budget.id, ...exception });
  }
  for (const { options, carer } of personOptions.values()) {
    const mix = managementMix([...options]);
    mixes[mix] += 1;
    (carer ? carerMixes : userMixes)[mix] += 1;
    for (const option of options) byOption[option] += 1;
  }
  const ascof = ascofSelfDirectedSupport(mixes);
  const users = ascofSelfDirectedSupport(userMixes);
  const carerParts = ascofSelfDirectedSupport(carerMixes);
  const measureOf = (target: Target) => {
    const group = target.group ?? 'all';
    const parts = group === 'users' ? users : group === 'carers' ? carerParts : ascof;
    return target.measure === 'direct-payment-share' ? parts.part2a : parts.part1a;
  };

  const money = Object.fromEntries(input.money.map((row) => [row.kind, Number(row.pence)]));
  const pence = (kind: string) => money[kind] ?? 0;

  const outcomes = { yes: 0, partly: 0, no: 0 };
  const ratings = new Map<string, { sum: number; count: number }>();
  let onTime = 0;
  for (const review of input.reviews) {
    const outcome = review.outcome as {
      onTime: boolean;
      outcomes: { achieved: 'yes' | 'partly' | 'no' }[];
      experience: Record<string, number>;
    } | null;
    if (!outcome) continue;
    if (outcome.onTime) onTime += 1;
    for (const item of outcome.outcomes) outcomes[item.achieved] += 1;
    for (const [aspect, rating] of Object.entries(outcome.experience ?? {})) {
      const entry = ratings.get(aspect) ?? { sum: 0, count: 0 };
      entry.sum += rating;
      entry.count += 1;
      ratings.set(aspect, entry);
    }
  }
  const rated = outcomes.yes + outcomes.partly + outcomes.no;

  return {
    period: { from: input.from, to: input.to },
    peopleWithPersonalBudget: people.size,
    budgetsInForce: input.budgets.length,
    byManagementMix: mixes,
    byManagementOption: byOption,
    // Part 1a under its old name, for reports read before part 2a was added.
    selfDirectedSupport: ascof.part1a,
    directPayments: ascof.part2a,
    money: {
      allocatedAnnualPence: allocated,
      councilPaidPence: pence('council-payment'),
      contributionsReceivedPence: pence('contribution'),
      spentPence: pence('spend') - pence('refund'),
      clawedBackPence: pence('clawback'),
      contributionsRefundedPence: pence('contribution-refund'),
    },
    outcomes: {
      ...outcomes,
      achievedPercent: percent(outcomes.yes, rated),
      achievedOrPartlyPercent: percent(outcomes.yes + outcomes.partly, rated),
    },
    reviews: {
      completed: input.reviews.length,
      onTime,
      late: input.reviews.length - onTime,
      onTimePercent: percent(onTime, input.reviews.length),
      overdueNow: input.overdueReviews,
    },
    experience: [...ratings.entries()].map(([aspect, { sum, count }]) => ({
      aspect,
      responses: count,
      // A rating of 1–5, not money: one decimal place is what the experience survey reports.
      averageRating: Math.round((sum / count) * 10) / 10,
    })),
    ascof1c: {
      part1a: {
        ...users.part1a,
        definition:
          'ASCOF 1C part 1a (3D from 2023-24): users receiving self-directed support ÷ users receiving long-term community support',
      },
      part1b: {
        ...carerParts.part1a,
        definition: 'ASCOF 1C part 1b: carers receiving self-directed support ÷ carers receiving carer-specific support',
      },
      part2a: {
        ...users.part2a,
        definition:
          'ASCOF 1C part 2a (3D from 2023-24): users receiving direct payments (wholly or in part) ÷ users receiving long-term community support',
      },
      part2b: {
        ...carerParts.part2a,
        definition: 'ASCOF 1C part 2b: carers receiving direct payments ÷ carers receiving carer-specific support',
      },
    },
    packages: {
      agreedInPeriod,
      existing: input.budgets.length - agreedInPeriod,
      agreedByMonth: [...agreedByMonth].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, packages]) => ({ month, packages })),
    },
    targets: input.targets.map((target) => {
      const measure = measureOf(target);
      return {
        measure: target.measure,
        group: target.group ?? 'all',
        percent: target.percent,
        count: target.count ?? null,
        by: target.by,
        label: target.label ?? null,
        actualPercent: measure.percent,
        actualCount: measure.numerator,
        met:
          measure.percent !== null &&
          measure.percent >= target.percent &&
          (target.count === undefined || measure.numerator >= target.count),
        due: target.by <= input.today,
      };
    }),
    exceptions: { count: exceptions.length, plans: exceptions },
    outsideRas,
    carers,
  };
}

/** The report as a report consumer would want it in a spreadsheet: one measure a row. */
export function summaryReportCsv(report: ReturnType<typeof buildSummaryReport>): string {
  const rows: (string | number | null)[][] = [['section', 'measure', 'value']];
  const add = (section: string, measure: string, value: string | number | null) => rows.push([section, measure, value]);
  add('period', 'from', report.period.from);
  add('period', 'to', report.period.to);
  add('people', 'with a personal budget', report.peopleWithPersonalBudget);
  for (const [mix, count] of Object.entries(report.byManagementMix)) add('management mix', mix, count);
  for (const [option, count] of Object.entries(report.byManagementOption)) add('people using', option, count);
  add('self-directed support', 'numerator', report.selfDirectedSupport.numerator);
  add('self-directed support', 'denominator', report.selfDirectedSupport.denominator);
  add('self-directed support', 'percent', report.selfDirectedSupport.percent);
  add('direct payments (ASCOF 3D part 2a)', 'numerator', report.directPayments.numerator);
  add('direct payments (ASCOF 3D part 2a)', 'denominator', report.directPayments.denominator);
  add('direct payments (ASCOF 3D part 2a)', 'percent', report.directPayments.percent);
  for (const [part, measure] of Object.entries(report.ascof1c)) {
    add(`ASCOF 1C ${part}`, 'numerator', measure.numerator);
    add(`ASCOF 1C ${part}`, 'denominator', measure.denominator);
    add(`ASCOF 1C ${part}`, 'percent', measure.percent);
  }
  add('packages', 'agreed in the period', report.packages.agreedInPeriod);
  add('packages', 'existing', report.packages.existing);
  for (const month of report.packages.agreedByMonth) add('packages agreed by month', month.month, month.packages);
  for (const [measure, value] of Object.entries(report.money)) add('money', measure, value);
  for (const [measure, value] of Object.entries(report.outcomes)) add('outcomes', measure, value);
  for (const [measure, value] of Object.entries(report.reviews)) add('reviews', measure, value);
  for (const item of report.experience) add('experience', item.aspect, item.averageRating);
  for (const target of report.targets)
    add(
      'targets',
      `${target.label ?? target.measure} ${target.percent}%${target.count === null ? '' : ` (${target.count} people)`} by ${target.by}`,
      target.met ? 'met' : 'not met',
    );
  add('exceptions', 'plans approved over budget', report.exceptions.count);
  for (const [measure, value] of Object.entries(report.outsideRas)) add('outside the RAS', measure, value);
  for (const [measure, value] of Object.entries(report.carers)) add('carers and unpaid support', measure, value);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** One CSV field (RFC 4180), with formula-leading characters defused for spreadsheets. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
