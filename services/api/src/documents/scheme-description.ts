import { formatPounds } from 'ras-core';
import type { AllocationScheme, Questionnaire } from '../db/schema.js';
import { escapeHtml } from '../html/escape.js';

/** A scheme described in plain English, fit to publish as an algorithmic transparency record. */
export interface SchemeDescription {
  readonly schemeId: string;
  readonly title: string;
  readonly summary: string;
  readonly sections: readonly { readonly heading: string; readonly paragraphs: readonly string[] }[];
  readonly bands: readonly { fromPoints: number; toPoints: number; annualPence: number }[] | null;
}

const list = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * Describes how a scheme turns answers into money, generated from the scheme itself so the
 * published words can never drift from the rules applied.
 */
export function describeScheme(councilName: string, scheme: AllocationScheme, questionnaire: Questionnaire): SchemeDescription {
  const definition = scheme.definition;
  const saq = questionnaire.definition;
  const method = definition.method;
  const weeksPerYear = definition.weeksPerYear ?? 52;
  const dates = scheme.effective_to
    ? `from ${scheme.effective_from} to ${scheme.effective_to}`
    : `from ${scheme.effective_from} until replaced`;

  const sectionLines = saq.sections.map((section) => {
    const weight = section.weight !== undefined && section.weight !== 1 ? `, weighted × ${section.weight}` : '';
    const cap = section.maxPoints !== undefined ? `, at most ${section.maxPoints} points` : '';
    return `${section.title} (${section.questions.length} questions${weight}${cap})`;
  });

  const money =
    method.type === 'linear'
      ? [
          `Each point is worth ${formatPounds(method.poundsPerPointPence)} a year. The indicative budget is the total points multiplied by ${formatPounds(method.poundsPerPointPence)}.`,
          `For example, 40 points gives 40 × ${formatPounds(method.poundsPerPointPence)} = ${formatPounds(40 * method.poundsPerPointPence)} a year.`,
        ]
      : [
          `Point totals are grouped into ${method.bands.length} bands; every total in a band gets the same annual amount (see the table).`,
          `A total above the top band (${method.bands.at(-1)?.toPoints} points) is shown the top band's amount and referred to the Resource Allocation Panel.`,
        ];

  const limits: string[] = [];
  const belowFloor =
    definition.belowFloor?.action === 'floor-amount'
      ? `gets the scheme's floor amount, ${formatPounds(definition.belowFloor.annualPence)} a year`
      : 'is referred: the care coordinator sets the amount their needs call for and the Resource Allocation Panel agrees it';
  if (definition.floorPoints !== undefined)
    limits.push(
      `Below ${definition.floorPoints} points the RAS gives no amount of its own, but nobody eligible gets £0: the person ${belowFloor}.`,
    );
  else if (method.type === 'banded')
    limits.push(`Below the lowest band the RAS gives no amount of its own, but nobody eligible gets £0: the person ${belowFloor}.`);
  if (definition.ceilingPence !== undefined) {
    limits.push(
      `Where the full-year amount is above ${formatPounds(definition.ceilingPence)}, the figure is still worked out and shown, but the case is outside the RAS: the Resource Allocation Panel decides the budget.`,
    );
  }
  if (limits.length === 0) limits.push('The scheme sets no floor and no ceiling.');

  const clawback = definition.clawback ?? { type: 'percent', percent: 20 };
  const clawbackText =
    clawback.type === 'percent'
      ? `At the annual review, the person may keep unspent money up to ${clawback.percent}% of the annual budget (pro-rata for part of a year). The council may reclaim unspent money above that, never more than it paid in. A finance officer confirms, reduces or waives each reclaim; it is never automatic.`
      : `At the annual review, the person may keep unspent money up to ${clawback.weeks} weeks of the annual budget. The council may reclaim unspent money above that, never more than it paid in. A finance officer confirms, reduces or waives each reclaim; it is never automatic.`;

  return {
    schemeId: scheme.id,
    title: `How ${councilName} works out indicative personal budgets: scheme "${scheme.key}", version ${scheme.version}`,
    summary: `People in the client groups ${list(scheme.client_groups)} complete the self-assessment "${questionnaire.title}" (version ${questionnaire.version}). Their agreed answers score points, and this scheme turns the points into an indicative annual budget, ${dates}.`,
    sections: [
      {
        heading: 'Who and when',
        paragraphs: [
          `This scheme applies to the client groups ${list(scheme.client_groups)} for budgets starting ${dates}. Where two schemes cover the same date, the one that took effect most recently applies.`,
        ],
      },
      {
        heading: 'From answers to points',
        paragraphs: [
          `The questionnaire has ${saq.sections.length} sections: ${list(sectionLines)}.`,
          'Each statement a person chooses carries points. Within a section the points are added up, multiplied by the section weight and rounded half up to a whole point, then capped at the section maximum. The total is the sum of the sections.',
          'A care coordinator checks the answers with the person and either agrees them or amends them, recording a reason for every change. The person’s own answers are kept.',
        ],
      },
      { heading: 'From points to money', paragraphs: money },
      { heading: 'Floor and ceiling', paragraphs: limits },
      {
        heading: 'Part of a year and rounding',
        paragraphs: [
          `A budget year has ${weeksPerYear} weeks. Where support is needed for fewer weeks (for example a student at residential college, supported in the weeks at home), the amount is pro-rata: annual amount × weeks ÷ ${weeksPerYear}.`,
          definition.rounding === 'pound'
            ? 'Amounts are rounded half up to whole pounds.'
            : 'Amounts are worked out to the penny, rounding half up.',
        ],
      },
      {
        heading: 'Other funding and contributions',
        paragraphs: [
          'Some funding streams pay part of the amount (for example the Independent Living Fund); others are added on top (for example Supporting People or NHS joint funding). Each stream is shown separately.',
          'The person’s assessed contribution, from their financial assessment, is taken off what the council pays; it can never be more than the council’s share.',
        ],
      },
      {
        heading: 'Contingency',
        paragraphs: [
          definition.topSlicePercent !== undefined
            ? `When the amount per point was set, ${definition.topSlicePercent}% of the budget was kept back as a contingency for new people, transitions and decisions outside the RAS.`
            : 'The scheme records no top-slice for contingency.',
        ],
      },
      { heading: 'Unspent money', paragraphs: [clawbackText] },
      {
        heading: 'People decide',
        paragraphs: [
          'The figure is indicative: it tells the person up front roughly what money they have to plan with. A person writes a support plan; a coordinator, a team manager and the Resource Allocation Panel agree it; the person can appeal any decision.',
        ],
      },
    ],
    bands: method.type === 'banded' ? method.bands.map((band) => ({ ...band })) : null,
  };
}

/** The description as one self-contained, printable HTML page. */
export function renderSchemeDescription(description: SchemeDescription): string {
  const sections = description.sections
    .map(
      (section) =>
        `<section><h2>${escapeHtml(section.heading)}</h2>${section.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('')}</section>`,
    )
    .join('\n');
  const bands = description.bands
    ? `<section><h2>Bands</h2><table><thead><tr><th scope="col">Points from</th><th scope="col">Points to</th><th scope="col">Annual amount</th></tr></thead><tbody>${description.bands
        .map(
          (band) => `<tr><td>${band.fromPoints}</td><td>${band.toPoints}</td><td>${escapeHtml(formatPounds(band.annualPence))}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : '';
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(description.title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #0b0c0c; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-top: 1px solid #b1b4b6; padding-top: 1rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #b1b4b6; padding: .3rem .6rem; text-align: right; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${escapeHtml(description.title)}</h1>
<p>${escapeHtml(description.summary)}</p>
${sections}
${bands}
</body>
</html>
`;
}
