import { allocateBudget } from './allocation.js';
import { type CalibratedCase, type CalibrationResult, describeProposedScheme } from './calibration.js';
import { formatPounds } from './money.js';
import { CHART, escapeHtml, niceStep, reportPage } from './report-html.js';
import { compileScheme } from './scheme.js';

/** Options for {@link renderCalibrationReport}. */
export interface CalibrationReportOptions {
  readonly title?: string;
  readonly council?: string;
  /** The date shown on the report (ras-core never reads the clock). */
  readonly generatedOn?: string;
}

/** The most points drawn on the chart; larger exercises are sampled evenly, and say so. */
const MAX_PLOTTED = 2_000;
/** Rows in each of the winners and losers tables for large exercises. */
const TABLE_ROWS = 50;

const { width: WIDTH, height: HEIGHT, margin: MARGIN } = CHART;

function sample(cases: readonly CalibratedCase[]): CalibratedCase[] {
  if (cases.length <= MAX_PLOTTED) return [...cases];
  const sorted = [...cases].sort((a, b) => a.points - b.points || a.currentAnnualPence - b.currentAnnualPence);
  return Array.from({ length: MAX_PLOTTED }, (_, i) => sorted[Math.floor((i * sorted.length) / MAX_PLOTTED)] as CalibratedCase);
}

function chart(result: CalibrationResult): string {
  const points = sample(result.cases);
  const maxX = Math.max(1, ...points.map((c) => c.points));
  const maxY = Math.max(1, ...points.map((c) => Math.max(c.currentAnnualPence, c.projectedAnnualPence)));
  const xStep = niceStep(maxX);
  const yStep = niceStep(maxY);
  const xMax = Math.ceil(maxX / xStep) * xStep;
  const yMax = Math.ceil(maxY / yStep) * yStep;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => (MARGIN.left + (value / xMax) * plotW).toFixed(1);
  const y = (value: number) => (MARGIN.top + plotH - (value / yMax) * plotH).toFixed(1);
  const ticks: string[] = [];
  for (let v = 0; v <= xMax; v += xStep) {
    ticks.push(
      `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${(Number(y(0)) + 5).toFixed(1)}" class="axis"/><text x="${x(v)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${v}</text>`,
    );
  }
  for (let v = 0; v <= yMax; v += yStep) {
    ticks.push(
      `<line x1="${MARGIN.left}" y1="${y(v)}" x2="${WIDTH - MARGIN.right}" y2="${y(v)}" class="grid"/><text x="${MARGIN.left - 8}" y="${y(v)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatPounds(Math.round(v)).replace(/\.00$/, ''))}</text>`,
    );
  }
  const dots = points
    .map(
      (c) => `<circle cx="${x(c.points)}" cy="${y(c.currentAnnualPence)}" r="3" class="${c.differencePence >= 0 ? 'winner' : 'loser'}"/>`,
    )
    .join('');
  const line = (perPoint: number, cls: string) => {
    const end = Math.min(xMax, perPoint > 0 ? yMax / perPoint : xMax);
    return `<line x1="${x(0)}" y1="${y(0)}" x2="${x(end)}" y2="${y(end * perPoint)}" class="${cls}"/>`;
  };
  // The proposed scheme as allocateBudget applies it: a step for each point total (bands, floor),
  // drawn at up to 400 steps across the chart and clipped at its top.
  const { derived, ...proposal } = result.proposed;
  const scheme = compileScheme({ key: 'proposed', ...proposal });
  const stride = Math.max(1, Math.ceil(xMax / 400));
  const steps: string[] = [];
  for (let p = 0; p <= xMax; p += stride) {
    const amount = Math.min(yMax, allocateBudget(scheme, { totalPoints: p }, { explain: false }).rasAnnualPence);
    steps.push(`${x(p)},${y(amount)} ${x(Math.min(xMax, p + stride))},${y(amount)}`);
  }
  const proposedLine =
    proposal.method.type === 'linear' && proposal.floorPoints === undefined
      ? line(proposal.method.poundsPerPointPence, 'rate')
      : `<polyline points="${steps.join(' ')}" class="rate" fill="none"/>`;
  const affordable = derived ? '' : line(result.poundsPerPointPence, 'afford');
  const sampled =
    result.cases.length > points.length ? `, a sample of ${points.length} of the ${result.cases.length} cases chosen evenly by points` : '';
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Points against what each case costs today</title>
<desc id="chart-desc">Each dot is a case${sampled}: its RAS points across, its current annual cost up. The solid line is what the proposed scheme gives each point total (${escapeHtml(describeProposedScheme(result.proposed))})${derived ? '' : `; the dotted line is the rate the budget affords (${escapeHtml(formatPounds(result.poundsPerPointPence))} a point)`}; the dashed line is the least-squares fit through the origin (${escapeHtml(formatPounds(result.diagnostic.leastSquaresPoundsPerPointPence))}). Dots above the solid line would get less than today; below it, more.</desc>
${ticks.join('\n')}
<line x1="${MARGIN.left}" y1="${y(0)}" x2="${WIDTH - MARGIN.right}" y2="${y(0)}" class="axis"/>
<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${y(0)}" class="axis"/>
${dots}
${line(result.diagnostic.leastSquaresPoundsPerPointPence, 'fit')}
${affordable}
${proposedLine}
<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">RAS points</text>
</svg>`;
}

function caseRows(cases: readonly CalibratedCase[]): string {
  return cases
    .map(
      (c) =>
        `<tr><th scope="row">${escapeHtml(c.ref)}</th><td>${escapeHtml(c.clientGroup ?? '')}</td><td>${c.points}</td><td>${escapeHtml(formatPounds(c.currentAnnualPence))}</td><td>${escapeHtml(formatPounds(c.projectedAnnualPence))}</td><td class="${c.differencePence >= 0 ? 'up' : 'down'}">${escapeHtml(formatPounds(c.differencePence))}</td></tr>`,
    )
    .join('\n');
}

function casesTable(caption: string, cases: readonly CalibratedCase[]): string {
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">Case</th><th scope="col">Client group</th><th scope="col">Points</th><th scope="col">Today</th><th scope="col">Projected</th><th scope="col">Difference</th></tr></thead><tbody>
${caseRows(cases)}
</tbody></table>`;
}

/**
 * Renders a desktop exercise as one self-contained HTML page for committee: the key figures, an
 * inline SVG chart of points against today's cost with the £/point line, the winners and losers,
 * the summary and the explanation. No scripts, fonts or images from anywhere else.
 *
 * @param result - from {@link calibrate}
 * @param options - title, council name and the date to print
 * @returns the HTML page
 * @example
 * ```ts
 * const html = renderCalibrationReport(calibrate({ topSlicePercent: 10, cases }), { council: 'Demo Borough', generatedOn: '2026-11-24' });
 * ```
 */
export function renderCalibrationReport(result: CalibrationResult, options: CalibrationReportOptions = {}): string {
  const title = options.title ?? 'Desktop exercise: setting the amount per point';
  const money = (pence: number) => escapeHtml(formatPounds(pence));
  const figures: [string, string][] = [
    ['Budget', money(result.budgetPence)],
    [`Top slice (${result.topSlicePercent}%)`, money(result.topSlicePence)],
    ['Available to allocate', money(result.availablePence)],
    ['Cases', String(result.caseCount)],
    ['Total points', String(result.totalPoints)],
    ['Amount per point the budget affords', `<strong>${money(result.poundsPerPointPence)}</strong>`],
    ['Proposed scheme', escapeHtml(describeProposedScheme(result.proposed))],
    ['Cost of the cases today', money(result.integrity.currentTotalPence)],
    ['Projected cost under the proposal', money(result.projectedTotalPence)],
    [
      'Integrity test: costs no more than today',
      result.integrity.passes
        ? `<span class="pass">passes</span>: ${money(-result.integrity.differencePence)} less than today`
        : `<strong class="fail">fails</strong> by ${money(result.integrity.differencePence)}`,
    ],
    [
      'Against the budget available',
      result.integrity.headroomPence >= 0
        ? `${money(result.integrity.headroomPence)} headroom`
        : `<strong class="fail">${money(-result.integrity.headroomPence)} over</strong>`,
    ],
    ...(result.referrals > 0 ? ([['Cases above the ceiling (to the panel)', String(result.referrals)]] as [string, string][]) : []),
    ['Least-squares £/point (diagnostic)', `${money(result.diagnostic.leastSquaresPoundsPerPointPence)}, R² ${result.diagnostic.rSquared}`],
  ];
  const summary = result.summary;
  const byDifference = [...result.cases].sort((a, b) => b.differencePence - a.differencePence);
  const large = result.cases.length > 2 * TABLE_ROWS;
  const gains = large ? byDifference.slice(0, TABLE_ROWS).filter((c) => c.differencePence > 0) : byDifference;
  const losses = large
    ? byDifference
        .slice(-TABLE_ROWS)
        .reverse()
        .filter((c) => c.differencePence < 0)
    : [];
  const tables = large
    ? `<p>There are ${result.cases.length} cases: the ${TABLE_ROWS} biggest gains and the ${TABLE_ROWS} biggest losses are listed.</p>${casesTable('Biggest gains', gains)}${casesTable('Biggest losses', losses)}`
    : casesTable('Every case, biggest gain first', gains);
  const groups = summary.byClientGroup
    .map(
      (g) =>
        `<tr><th scope="row">${escapeHtml(g.clientGroup)}</th><td>${g.cases}</td><td>${g.points}</td><td>${money(g.currentPence)}</td><td>${money(g.projectedPence)}</td><td>${money(g.differencePence)}</td></tr>`,
    )
    .join('');
  return reportPage(
    { title, council: options.council, generatedOn: options.generatedOn, figures },
    `<h2>Points against cost today</h2>
${chart(result)}
<p>Solid line: what the proposed scheme gives each point total.${result.proposed.derived ? '' : ' Dotted line: the amount per point the budget affords.'} Dashed line: the line that best fits today’s costs (a diagnostic). Green: cases that would get the same or more; red: less.</p>
<h2>Summary</h2>
<dl>
<dt>Would get more</dt><dd>${summary.winners}</dd>
<dt>Would get less</dt><dd>${summary.losers}</dd>
<dt>Unchanged</dt><dd>${summary.unchanged}</dd>
<dt>Mean difference (either way)</dt><dd>${money(summary.meanAbsoluteDifferencePence)}</dd>
<dt>Median difference (either way)</dt><dd>${money(summary.medianAbsoluteDifferencePence)}</dd>
<dt>Biggest gain</dt><dd>${summary.biggestGain ? `${escapeHtml(summary.biggestGain.ref)}: ${money(summary.biggestGain.differencePence)}` : 'none'}</dd>
<dt>Biggest loss</dt><dd>${summary.biggestLoss ? `${escapeHtml(summary.biggestLoss.ref)}: ${money(summary.biggestLoss.differencePence)}` : 'none'}</dd>
</dl>
${groups ? `<table><caption>By client group</caption><thead><tr><th scope="col">Client group</th><th scope="col">Cases</th><th scope="col">Points</th><th scope="col">Today</th><th scope="col">Projected</th><th scope="col">Difference</th></tr></thead><tbody>${groups}</tbody></table>` : ''}
<h2>Winners and losers</h2>
${tables}
<h2>How the amount per point was set</h2>
<ol>${result.explanation.map((step) => `<li>${escapeHtml(step.text)}</li>`).join('')}</ol>
`,
  );
}
