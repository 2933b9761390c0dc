import { formatPounds } from './money.js';
import { CHART, escapeHtml, niceStep, reportPage } from './report-html.js';
import { type UpratedBudget, type UpratingSummary, type UpratingTotals, upratedAnnualPence, upratingOutcome } from './uprating.js';

/** One person in the report: their budget re-run, and a reference the council recognises. */
export type UpratingReportRow = UpratedBudget & { readonly ref: string };

/** What the uprating page says about the run itself. */
export interface UpratingReportOptions {
  readonly council?: string;
  /** The new scheme version, e.g. `adults v2`. */
  readonly scheme: string;
  readonly effectiveFrom: string;
  /** The transitional-protection rule in words, when there is one. */
  readonly protection?: string;
  readonly status: 'dry-run' | 'applied';
  readonly generatedOn?: string;
}

const MAX_PLOTTED = 2_000;
const TABLE_ROWS = 50;
const { width: WIDTH, height: HEIGHT, margin: MARGIN } = CHART;

function sample(rows: readonly UpratingReportRow[]): UpratingReportRow[] {
  if (rows.length <= MAX_PLOTTED) return [...rows];
  const sorted = [...rows].sort((a, b) => a.oldAnnualPence - b.oldAnnualPence);
  return Array.from({ length: MAX_PLOTTED }, (_, i) => sorted[Math.floor((i * sorted.length) / MAX_PLOTTED)] as UpratingReportRow);
}

/** Each person's budget today across, after the uprating up: above the diagonal they gain, below it they lose. */
function chart(rows: readonly UpratingReportRow[]): string {
  const points = sample(rows.filter((row) => !row.outsideRas));
  const max = Math.max(1, ...points.map((row) => Math.max(row.oldAnnualPence, upratedAnnualPence(row))));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => (MARGIN.left + (value / top) * plotW).toFixed(1);
  const y = (value: number) => (MARGIN.top + plotH - (value / top) * plotH).toFixed(1);
  const label = (value: number) => escapeHtml(formatPounds(Math.round(value)).replace(/\.00$/, ''));
  const ticks: string[] = [];
  for (let v = 0; v <= top; v += step) {
    ticks.push(
      `<line x1="${MARGIN.left}" y1="${y(v)}" x2="${WIDTH - MARGIN.right}" y2="${y(v)}" class="grid"/><text x="${MARGIN.left - 8}" y="${y(v)}" text-anchor="end" dominant-baseline="middle">${label(v)}</text>`,
      `<text x="${x(v)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${label(v)}</text>`,
    );
  }
  const dots = points
    .map((row) => {
      const outcome = upratingOutcome(row);
      const cls = outcome === 'winner' ? 'winner' : outcome === 'loser' ? 'loser' : 'same';
      return `<circle cx="${x(row.oldAnnualPence)}" cy="${y(upratedAnnualPence(row))}" r="3" class="${cls}"/>`;
    })
    .join('');
  const sampled = rows.length > points.length ? `, a sample of ${points.length} chosen evenly by today’s budget` : '';
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Each person’s budget today against after the uprating</title>
<desc id="chart-desc">Each dot is a person${sampled}: their budget today across, after the uprating (with any transitional protection) up. Dots above the diagonal line gain; below it, lose. Budgets the panel set outside the RAS are left out: the uprating does not change them.</desc>
${ticks.join('\n')}
<line x1="${MARGIN.left}" y1="${y(0)}" x2="${WIDTH - MARGIN.right}" y2="${y(0)}" class="axis"/>
<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${y(0)}" class="axis"/>
${dots}
<line x1="${x(0)}" y1="${y(0)}" x2="${x(top)}" y2="${y(top)}" class="rate"/>
<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">Budget today, a year</text>
</svg>`;
}

function totalsRow(heading: string, totals: UpratingTotals, money: (pence: number) => string): string {
  const change = totals.costAfterPence - totals.costBeforePence;
  return `<tr><th scope="row">${escapeHtml(heading)}</th><td>${totals.people}</td><td>${totals.winners}</td><td>${totals.losers}</td><td>${totals.unchanged}</td><td>${totals.outsideRas}</td><td>${money(totals.costBeforePence)}</td><td>${money(totals.costAfterPence)}</td><td class="${change >= 0 ? 'up' : 'down'}">${money(change)}</td><td>${money(totals.protectedPence)}</td></tr>`;
}

/**
 * Renders an uprating run as one self-contained HTML page for finance and committee, in the desktop
 * exercise report's style: key figures, a chart of each person's budget before and after, the
 * winners, losers and unchanged by client group with the cost before and after, and the biggest
 * losses with the protection each gets. No scripts, fonts or images from anywhere else.
 */
export function renderUpratingReport(summary: UpratingSummary, rows: readonly UpratingReportRow[], options: UpratingReportOptions): string {
  const money = (pence: number) => escapeHtml(formatPounds(pence));
  const o = summary.overall;
  const title = `Uprating to ${options.scheme} from ${options.effectiveFrom}`;
  const figures: [string, string][] = [
    [
      'Status',
      options.status === 'dry-run' ? 'Dry run: nothing has changed yet' : 'Applied: new indicative budgets made and reviews booked',
    ],
    ['People', String(o.people)],
    ['Would get more', String(o.winners)],
    ['Would get less', String(o.losers)],
    ['Unchanged', String(o.unchanged)],
    ['Set by the panel outside the RAS (left as they are)', String(o.outsideRas)],
    ['Cost a year today', money(o.costBeforePence)],
    ['Cost a year after', money(o.costAfterPence)],
    ['Change', money(o.costAfterPence - o.costBeforePence)],
    [
      'Transitional protection',
      options.protection ? `${escapeHtml(options.protection)}: ${o.protectedPeople} people, ${money(o.protectedPence)} a year` : 'none',
    ],
  ];
  const losses = rows
    .filter((row) => upratingOutcome(row) === 'loser')
    .sort((a, b) => a.newAnnualPence - a.oldAnnualPence - (b.newAnnualPence - b.oldAnnualPence))
    .slice(0, TABLE_ROWS);
  const lossRows = losses
    .map(
      (row) =>
        `<tr><th scope="row">${escapeHtml(row.ref)}</th><td>${escapeHtml(row.clientGroup)}</td><td>${money(row.oldAnnualPence)}</td><td>${money(row.newAnnualPence)}</td><td>${money(row.protectedPence)}</td><td class="down">${money(upratedAnnualPence(row) - row.oldAnnualPence)}</td></tr>`,
    )
    .join('\n');
  const header = `<thead><tr><th scope="col">Client group</th><th scope="col">People</th><th scope="col">More</th><th scope="col">Less</th><th scope="col">Same</th><th scope="col">Panel</th><th scope="col">Cost today</th><th scope="col">Cost after</th><th scope="col">Change</th><th scope="col">Protection</th></tr></thead>`;
  return reportPage(
    { title, council: options.council, generatedOn: options.generatedOn, figures },
    `<h2>Budgets today and after</h2>
${chart(rows)}
<p>Green: people who would get more; red: less; grey: the same. The blue diagonal is “no change”.</p>
<h2>By client group</h2>
<table><caption>Winners, losers and cost a year</caption>${header}<tbody>
${summary.byClientGroup.map((group) => totalsRow(group.clientGroup, group, money)).join('\n')}
${totalsRow('Everyone', o, money)}
</tbody></table>
<h2>Biggest losses</h2>
${
  losses.length === 0
    ? '<p>Nobody would get less.</p>'
    : `<table><caption>${losses.length < o.losers ? `The ${losses.length} biggest of ${o.losers} losses` : 'Every loss, biggest first'}</caption><thead><tr><th scope="col">Budget</th><th scope="col">Client group</th><th scope="col">Today</th><th scope="col">New version</th><th scope="col">Protection</th><th scope="col">Change</th></tr></thead><tbody>
${lossRows}
</tbody></table>`
}
`,
  );
}
