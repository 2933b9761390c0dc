import { CELL_KEY_METHOD } from './cell-key.js';
import type { Estimate, FairnessAnalysis, FairnessDimension, GroupFigures, Rate } from './fairness.js';
import { formatPounds } from './money.js';
import { escapeHtml, niceStep, reportPage } from './report-html.js';

/** What the page needs besides the figures: names for the groups, the council and the period. */
export interface FairnessReportOptions {
  readonly council?: string | undefined;
  readonly generatedOn?: string | undefined;
  readonly period: { readonly from: string; readonly to: string };
  /** A label for each group key by dimension (keys without one are shown as they are). */
  readonly labels?: Partial<Record<FairnessDimension, Readonly<Record<string, string>>>>;
  /** The plain-English paragraphs on what the report can and cannot show. */
  readonly limits: readonly string[];
}

export const DIMENSION_TITLES: Readonly<Record<FairnessDimension, string>> = {
  clientGroup: 'Client group',
  primarySupportReason: 'Primary support reason',
  ageBand: 'Age band',
  sex: 'Sex',
  ethnicGroup: 'Ethnic group',
};

const money = (estimate: Estimate | null) =>
  estimate === null
    ? '–'
    : `${formatPounds(estimate.value)} <small>(${formatPounds(estimate.low)} to ${formatPounds(estimate.high)})</small>`;
const rate = (r: Rate | null) =>
  r === null ? 'suppressed' : r.count === 0 ? '–' : `${r.value}% <small>(${r.low}–${r.high}%; ${r.events} of ${r.count})</small>`;

function row(label: string, f: GroupFigures | null, threshold: number): string {
  if (f === null)
    return `<tr><th scope="row">${escapeHtml(label)}</th><td colspan="7" class="suppressed">Not shown: fewer than ${threshold} people</td></tr>`;
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${f.people}</td><td>${money(f.budgetPerPersonPence)}</td><td>${money(f.moneyPerPointPence)}</td><td>${rate(f.panelMoved)}</td><td>${money(f.panelShiftPence)}</td><td>${rate(f.appeals)}</td><td>${rate(f.clawback)}</td></tr>`;
}

/** A horizontal bar per group: budget per person, with its interval as a whisker. */
function chart(bars: readonly { label: string; estimate: Estimate }[]): string {
  if (bars.length === 0) return '<p>Every group is suppressed, so there is nothing to draw.</p>';
  const width = 720;
  const left = 220;
  const right = 30;
  const barHeight = 26;
  const top = 10;
  const height = top + bars.length * barHeight + 36;
  const max = Math.max(...bars.map((bar) => bar.estimate.high), 1);
  const step = niceStep(max);
  const scaleMax = Math.ceil(max / step) * step;
  const x = (pence: number) => left + ((width - left - right) * pence) / scaleMax;
  const ticks: string[] = [];
  for (let tick = 0; tick <= scaleMax; tick += step)
    ticks.push(
      `<line class="grid" x1="${x(tick)}" x2="${x(tick)}" y1="${top}" y2="${height - 30}"/><text x="${x(tick)}" y="${height - 14}" text-anchor="middle">${formatPounds(tick).replace(/\.00$/, '')}</text>`,
    );
  const rows = bars.map((bar, index) => {
    const y = top + index * barHeight;
    const { value, low, high } = bar.estimate;
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(bar.label)}</text><rect class="bar" x="${left}" y="${y + 5}" width="${x(value) - left}" height="${barHeight - 10}"><title>${escapeHtml(bar.label)}: ${formatPounds(value)}</title></rect><line class="whisker" x1="${x(low)}" x2="${x(high)}" y1="${y + 13}" y2="${y + 13}"/>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Budget per person by group, with 95% intervals">${ticks.join('')}${rows.join('')}<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${height - 30}"/></svg>`;
}

const STYLE = `<style>.bar { fill: #1d70b8; fill-opacity: .7; } .whisker { stroke: #0b0c0c; stroke-width: 2; } td.suppressed { text-align: left; color: #505a5f; font-style: italic; } small { color: #505a5f; }</style>`;

/**
 * The plain account of the disclosure control, with what it costs in accuracy: the same words on
 * the page, in the API's `limits` and in docs/how-to/show-fairness.md.
 *
 * @param threshold - groups with fewer people are not shown
 * @returns one paragraph
 */
export function disclosureParagraph(threshold: number): string {
  const d = CELL_KEY_METHOD;
  return `Every figure goes through ${d.name}, the method the Office for National Statistics used for Census 2021 tables, with the Australian Bureau of Statistics’ treatment of money. Each budget carries a random key, and the noise a figure gets is chosen by adding up the keys of exactly the people in it, so the same people always get the same noise: asking again, or in another format, gives the same figure. Counts move by at most ${d.countNoiseAtMost} either way. Money and points are moved in the smallest groups (people who share every grouping) by up to ${d.magnitudeSharePercent}% of their ${d.topContributors} largest amounts, and every total is added up from those, so all groupings agree. So no sum or difference of the figures, across every grouping, can tell anyone’s budget, or the total of up to ${d.topContributors} people, to within ±10%. The cost is accuracy: budget per person is typically within 9% ÷ √(number of people) of the true figure (2% for 20 people, under 1% for 100) and never more than ${d.magnitudeSharePercent}% out; counts and rates can be out by ${d.countNoiseAtMost} people, so groups may not add up to everyone. Groups of fewer than ${threshold} people are not shown at all.`;
}

/**
 * The fairness report as one self-contained HTML page: for each way of grouping people, a chart of
 * budget per person with its interval, and a table of every figure with its count; suppressed
 * groups say why. The paragraphs on what it can and cannot show come first.
 */
export function renderFairnessReport(analysis: FairnessAnalysis, options: FairnessReportOptions): string {
  const everyone = analysis.everyone;
  const label = (dimension: FairnessDimension, key: string | null) =>
    key === null ? 'Not known' : (options.labels?.[dimension]?.[key] ?? key);
  const header =
    '<thead><tr><th scope="col">Group</th><th scope="col">People</th><th scope="col">Budget per person</th><th scope="col">Money per point</th><th scope="col">Panel moved the RAS figure</th><th scope="col">Average move</th><th scope="col">Appealed</th><th scope="col">Clawback at review</th></tr></thead>';
  const sections = analysis.dimensions.map((d) => {
    const bars = d.groups.flatMap((g) =>
      g.figures ? [{ label: label(d.dimension, g.key), estimate: g.figures.budgetPerPersonPence }] : [],
    );
    return `<h2>${DIMENSION_TITLES[d.dimension]}</h2>
${chart(bars)}
<table><caption>${DIMENSION_TITLES[d.dimension]}: every figure with its 95% interval and count</caption>${header}<tbody>
${d.groups.map((g) => row(label(d.dimension, g.key), g.figures, analysis.method.threshold)).join('\n')}
${row('Everyone', everyone, analysis.method.threshold)}
</tbody></table>`;
  });
  const m = analysis.method;
  return reportPage(
    {
      title: 'Fairness report: how budgets fall across groups',
      council: options.council,
      generatedOn: options.generatedOn,
      figures: [
        ['Period', `${escapeHtml(options.period.from)} to ${escapeHtml(options.period.to)}`],
        ['Agreed budgets', everyone ? String(everyone.people) : `fewer than ${m.threshold}`],
        ['Budget per person', everyone ? money(everyone.budgetPerPersonPence) : '–'],
        ['Ceiling referrals', everyone ? rate(everyone.ceilingReferrals) : '–'],
        ['Appeals upheld', everyone ? rate(everyone.appealsUpheld) : '–'],
      ],
    },
    `${STYLE}
<h2>What this report can and cannot show</h2>
${options.limits.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
<p>Intervals are 95%: rates use the exact Clopper–Pearson interval; money uses the percentile bootstrap (${m.resamples} resamples, seed “${escapeHtml(m.seed)}”) over the smallest groups’ protected totals, not over people, so that an interval never shows the spread of anyone’s true budget; its reach below and above is rounded outwards to two significant figures.</p>
<h2>How the figures protect the people in them</h2>
<p>${escapeHtml(disclosureParagraph(m.threshold))}</p>
${sections.join('\n')}`,
  );
}
