import {
  analyseFairness,
  DIMENSION_TITLES,
  disclosureParagraph,
  type Estimate,
  ETHNIC_GROUPS,
  ethnicGroupOf,
  type FairnessCase,
  type FairnessDimension,
  type GroupFigures,
  monitoringAgeBand,
  PRIMARY_SUPPORT_REASON,
  publishedCount,
  type Rate,
  SEX,
} from 'ras-core';
import type { FairnessRow } from '../db/rows.js';
import { csvField } from './summary-report.js';

/** The labels a person reads for each group key. */
export const GROUP_LABELS: Partial<Record<FairnessDimension, Record<string, string>>> = {
  sex: Object.fromEntries(SEX.map((c) => [c.key, c.label])),
  ethnicGroup: Object.fromEntries(ETHNIC_GROUPS.map((c) => [c.key, c.label])),
  primarySupportReason: Object.fromEntries(PRIMARY_SUPPORT_REASON.map((c) => [c.key, c.label])),
};

/** One agreed budget as the fairness maths sees it: groups and figures, nothing that names the person. */
export function fairnessCase(row: FairnessRow): FairnessCase {
  return {
    recordKey: row.record_key,
    groups: {
      clientGroup: row.client_group,
      primarySupportReason: row.primary_support_reason,
      ageBand: row.date_of_birth === null ? row.monitoring_age_band : monitoringAgeBand(row.date_of_birth, row.start_date),
      sex: row.sex,
      ethnicGroup: row.ethnicity === null ? null : ethnicGroupOf(row.ethnicity),
    },
    totalPoints: row.total_points,
    rasAnnualPence: row.ras_annual_pence,
    protectedPence: row.protected_annual_pence,
    panelAnnualPence: row.panel_annual_pence,
    budgetAnnualPence: row.total_annual_pence,
    ceilingReferral: row.ceiling_referral,
    appeal: row.appeal_status,
    clawback: row.clawback_pence === null ? null : Number(row.clawback_pence) > 0,
  };
}

/** The plain paragraphs on what the report can and cannot show, with the period's own figures. */
export function fairnessLimits(from: string, to: string, people: number, unknownEthnicity: number, threshold: number): string[] {
  return [
    `This report counts about ${people} budgets agreed from ${from} to ${to} (every count here is moved by up to 2, to protect the people in it). It compares groups of people. It cannot say why a group’s figures differ: the RAS sets budgets from needs, and needs differ between groups, so a difference is a question to look into, not proof of unfairness.`,
    `Equality monitoring is optional. People who did not answer are shown as “Not known” (${unknownEthnicity} of ${people} for ethnic group); people who preferred not to say are a group of their own. Where many are not known, the figures for the other groups may not stand for them.`,
    `Small groups give wide intervals. Where two groups’ intervals overlap, the report cannot show that they differ. Groups of fewer than ${threshold} people are not shown, nor are figures over fewer than ${threshold} of a group (budgets the panel moved, decided appeals, completed annual reviews). Reports are for financial years that have ended, so two reports cannot be subtracted to single out the budgets agreed on one day.`,
    disclosureParagraph(threshold),
    'Money per point is the agreed amount (the RAS figure with any transitional protection, or the panel’s amount in its place) divided by points. Budget per person adds funding streams on top. Appeals, clawback at the annual review and ceiling referrals are counted as they stand today for these budgets.',
  ];
}

/** The report as the API answers it. */
export function buildFairnessReport(rows: readonly FairnessRow[], from: string, to: string) {
  const cases = rows.map(fairnessCase);
  const analysis = analyseFairness(cases);
  // Counts in the words, as in the figures: published, never the true ones (the "not known" group may be hidden).
  const threshold = analysis.method.threshold;
  const count = (chosen: readonly FairnessCase[]) =>
    publishedCount(
      chosen.map((c) => c.recordKey),
      threshold,
    );
  const unknownEthnicity = count(cases.filter((c) => c.groups.ethnicGroup === null));
  return {
    period: { from, to },
    method: analysis.method,
    limits: fairnessLimits(from, to, count(cases), unknownEthnicity, threshold),
    everyone: analysis.everyone,
    dimensions: analysis.dimensions.map((d) => ({
      dimension: d.dimension,
      title: DIMENSION_TITLES[d.dimension],
      groups: d.groups.map((g) => ({
        ...g,
        label: g.key === null ? 'Not known' : (GROUP_LABELS[d.dimension]?.[g.key] ?? g.key),
      })),
    })),
    analysis,
  };
}

export type FairnessReport = ReturnType<typeof buildFairnessReport>;

const ESTIMATES = ['budgetPerPersonPence', 'moneyPerPointPence', 'panelShiftPence'] as const;
const RATES = ['panelMoved', 'appeals', 'appealsUpheld', 'clawback', 'ceilingReferrals'] as const;

/** The CSV's columns: a row per group of each dimension, then everyone. */
export const FAIRNESS_CSV_COLUMNS = [
  'dimension',
  'group',
  'label',
  'suppressed',
  'people',
  ...ESTIMATES.flatMap((name) => [name, `${name}Low`, `${name}High`]),
  ...RATES.flatMap((name) => [`${name}Percent`, `${name}Low`, `${name}High`, `${name}Events`, `${name}Count`]),
];

function figureCells(figures: GroupFigures | null): unknown[] {
  if (figures === null)
    return [null, ...ESTIMATES.flatMap(() => [null, null, null]), ...RATES.flatMap(() => [null, null, null, null, null])];
  const estimate = (e: Estimate | null) => (e === null ? [null, null, null] : [e.value, e.low, e.high]);
  const rate = (r: Rate | null) => (r === null ? [null, null, null, null, null] : [r.value, r.low, r.high, r.events, r.count]);
  return [figures.people, ...ESTIMATES.flatMap((name) => estimate(figures[name])), ...RATES.flatMap((name) => rate(figures[name]))];
}

/** The report as CSV: suppressed groups have their row with every figure empty. */
export function fairnessReportCsv(report: Omit<FairnessReport, 'analysis'>): string {
  const lines = [FAIRNESS_CSV_COLUMNS.join(',')];
  for (const d of report.dimensions)
    for (const g of d.groups)
      lines.push([d.dimension, g.key ?? 'not-known', g.label, g.suppressed, ...figureCells(g.figures)].map(csvField).join(','));
  lines.push(['everyone', 'everyone', 'Everyone', report.everyone === null, ...figureCells(report.everyone)].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
