import type { SelfRatingComponent } from '../db/schema.js';
import { csvField } from '../documents/summary-report.js';
import { escapeHtml } from '../html/escape.js';

/** The four components of the Minimum Process self-rating (seed 001), in the order councils rate them. */
export const COMPONENTS: readonly { key: SelfRatingComponent; title: string }[] = [
  { key: 'services-available-to-all', title: 'Services available to all' },
  { key: 'prevention', title: 'Prevention' },
  { key: 'supporting-recovery', title: 'Supporting recovery and maximising independence' },
  { key: 'staying-in-control', title: 'Staying in control of support' },
];

/** A rating as the regional report reads it. */
export interface RegionalRating {
  readonly council_id: string;
  readonly council_name: string;
  readonly named: boolean;
  readonly component: string;
  readonly rating: number;
  readonly comment: string | null;
  readonly proposed_action: string | null;
  readonly user_comments: unknown;
}

/** Councils rating a component this high or above may be showcased, if they agreed to be named. */
export const HIGH_PERFORMER_RATING = 4;

/** Figures are shown only when at least this many councils answered a round: in a round of two, each could deduce the other's answers. */
export const MINIMUM_COUNCILS = 5;

/** Words that say what kind of council a name is rather than which. */
const KIND_WORDS = new Set(['council', 'borough', 'county', 'city', 'district', 'metropolitan', 'royal', 'unitary', 'authority']);
/** Words too common to stand for a council on their own: short forms are made without them. */
const COMMON_WORDS = new Set([
  ...KIND_WORDS,
  'london',
  'of',
  'the',
  'and',
  'upon',
  'on',
  'in',
  'north',
  'south',
  'east',
  'west',
  'central',
  'mid',
  'new',
  'great',
  'greater',
]);
const JOINING_WORDS = new Set(['of', 'the', 'and', 'upon', 'on', 'in']);

/**
 * Every way a comment might name a council: the full name, the name without the words that say
 * what kind of council it is ("Wrexham County Borough Council" → "Wrexham"), each distinctive word
 * of four letters or more, the parts of hyphenated names ("Stockton-on-Tees" → "Stockton"), and
 * the initials ("East Sussex County Council" → "ESCC"). A name made only of common words ("City of
 * London") keeps the ones that are not kinds of council ("London"). Scrubbing errs towards too
 * much: a comment saying "Reading the guidance" loses "Reading" when Reading is a known council.
 */
export function councilNameForms(name: string): { words: string[]; initials: string[] } {
  const words = name.split(/[^\p{L}\p{N}'’-]+/u).filter(Boolean);
  const parts = words.flatMap((word) => (word.includes('-') ? [word, ...word.split('-')] : [word])).filter(Boolean);
  let distinctive = words.filter((word) => !COMMON_WORDS.has(word.toLowerCase()));
  if (distinctive.length === 0)
    distinctive = words.filter((word) => !KIND_WORDS.has(word.toLowerCase()) && !JOINING_WORDS.has(word.toLowerCase()));
  const single = parts.filter((word) => word.length >= 4 && !COMMON_WORDS.has(word.toLowerCase()));
  const forms = [name.trim(), distinctive.join(' '), ...single, ...(distinctive.length === 1 ? distinctive : [])];
  const initials = words
    .filter((word) => !JOINING_WORDS.has(word.toLowerCase()))
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
  return { words: [...new Set(forms.filter((form) => form.length >= 3))], initials: initials.length >= 3 ? [initials] : [] };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern for every form of every known council's name, as whole words; initials with or without dots, in any case. */
function namePattern(councilNames: readonly string[]): { words: RegExp | null; initials: RegExp | null } {
  const words = new Set<string>();
  const initials = new Set<string>();
  for (const name of councilNames) {
    const forms = councilNameForms(name);
    for (const form of forms.words) words.add(form);
    for (const form of forms.initials) initials.add(form);
  }
  // Longest first, so "East Sussex County Council" is taken whole before "Sussex".
  const byLength = (set: Set<string>) => [...set].sort((a, b) => b.length - a.length);
  const dotted = (letters: string) => [...letters].map((letter) => `${escapeRegExp(letter)}\\.?`).join('');
  return {
    words:
      words.size === 0
        ? null
        : new RegExp(`(?<![\\p{L}\\p{N}])(?:${byLength(words).map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu'),
    initials:
      initials.size === 0
        ? null
        : new RegExp(`(?<![\\p{L}\\p{N}])(?:${byLength(initials).map(dotted).join('|')})(?![\\p{L}\\p{N}])`, 'giu'),
  };
}

/**
 * Takes every known council's name (and its short forms) out of the words, so comments identify
 * no council, and orders them by their text so the order gives nothing away either.
 */
function anonymise(texts: readonly string[], pattern: ReturnType<typeof namePattern>): string[] {
  return texts
    .map((text) => {
      let scrubbed = pattern.words ? text.replace(pattern.words, '[council]') : text;
      if (pattern.initials) scrubbed = scrubbed.replace(pattern.initials, '[council]');
      return scrubbed;
    })
    .sort((a, b) => a.localeCompare(b));
}

/**
 * The anonymised regional report for one round: per component, the spread of ratings and what
 * councils and people said. Figures are withheld until {@link MINIMUM_COUNCILS} councils have
 * answered.
 *
 * @param knownCouncilNames - every council the service knows, taking part or not: a comment may name a neighbour
 */
export function buildRegionalReport(roundKey: string, ratings: readonly RegionalRating[], knownCouncilNames: readonly string[]) {
  const pattern = namePattern([...knownCouncilNames, ...ratings.map((rating) => rating.council_name)]);
  const councils = new Set(ratings.map((rating) => rating.council_id));
  const published = councils.size >= MINIMUM_COUNCILS;
  return {
    roundKey,
    councils: councils.size,
    minimumCouncils: MINIMUM_COUNCILS,
    published,
    note: published
      ? `${councils.size} councils answered this round. Comments are anonymised; councils are named only where they agreed, as high performers (rated ${HIGH_PERFORMER_RATING} or 5).`
      : `Figures are shown once at least ${MINIMUM_COUNCILS} councils have answered this round, so that no council's answers can be worked out from the others'. ${councils.size} ${councils.size === 1 ? 'has' : 'have'} answered so far: ${MINIMUM_COUNCILS - councils.size} more needed.`,
    components: published
      ? COMPONENTS.map(({ key, title }) => {
          const rows = ratings.filter((rating) => rating.component === key);
          // The minimum holds for each component too: two councils rating one component could
          // each take their own rating away and read the other's.
          if (new Set(rows.map((row) => row.council_id)).size < MINIMUM_COUNCILS) {
            return {
              component: key,
              title,
              responses: rows.length,
              withheld: true,
              distribution: null,
              meanRating: null,
              comments: [],
              proposedActions: [],
              userComments: [],
              highPerformers: [],
            };
          }
          const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
          for (const row of rows) distribution[String(row.rating) as '1'] += 1;
          const mean = rows.length === 0 ? null : Math.round((rows.reduce((sum, row) => sum + row.rating, 0) / rows.length) * 10) / 10;
          return {
            component: key,
            title,
            responses: rows.length,
            withheld: false,
            distribution,
            meanRating: mean,
            comments: anonymise(
              rows.flatMap((row) => (row.comment ? [row.comment] : [])),
              pattern,
            ),
            proposedActions: anonymise(
              rows.flatMap((row) => (row.proposed_action ? [row.proposed_action] : [])),
              pattern,
            ),
            userComments: anonymise(
              rows.flatMap((row) => (Array.isArray(row.user_comments) ? row.user_comments : [])),
              pattern,
            ),
            highPerformers: rows
              .filter((row) => row.rating >= HIGH_PERFORMER_RATING && row.named)
              .map((row) => row.council_name)
              .sort(),
          };
        })
      : [],
  };
}

export type RegionalReport = ReturnType<typeof buildRegionalReport>;

export function regionalReportCsv(report: RegionalReport): string {
  const rows: unknown[][] = [['component', 'measure', 'value']];
  if (!report.published) rows.push(['', 'not published', report.note]);
  for (const component of report.components) {
    if (component.distribution === null) {
      rows.push([component.title, 'withheld', `fewer than ${report.minimumCouncils} councils rated this`]);
      continue;
    }
    for (const [rating, count] of Object.entries(component.distribution)) rows.push([component.title, `rated ${rating}`, count]);
    rows.push([component.title, 'mean rating', component.meanRating]);
    for (const comment of component.comments) rows.push([component.title, 'council comment', comment]);
    for (const action of component.proposedActions) rows.push([component.title, 'proposed action', action]);
    for (const comment of component.userComments) rows.push([component.title, 'comment from people who use the system', comment]);
    for (const council of component.highPerformers) rows.push([component.title, 'high performer', council]);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** The report as a printable, self-contained page. */
export function renderRegionalReport(report: RegionalReport): string {
  const list = (title: string, items: readonly string[]) =>
    items.length === 0 ? '' : `<h3>${escapeHtml(title)}</h3><ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  const sections = report.components
    .map((component) =>
      component.distribution === null
        ? `<section>
<h2>${escapeHtml(component.title)}</h2>
<p>Fewer than ${report.minimumCouncils} councils rated this, so its figures and comments are not shown.</p>
</section>`
        : `<section>
<h2>${escapeHtml(component.title)}</h2>
<p>${component.responses} councils rated this; mean rating ${component.meanRating ?? '–'}.</p>
<table><thead><tr>${[1, 2, 3, 4, 5].map((rating) => `<th scope="col">${rating}</th>`).join('')}</tr></thead>
<tbody><tr>${Object.values(component.distribution)
            .map((count) => `<td>${count}</td>`)
            .join('')}</tr></tbody></table>
${list('What councils said', component.comments)}
${list('Actions councils propose', component.proposedActions)}
${list('What people who use the system said', component.userComments)}
${list('Councils showcasing good practice', component.highPerformers)}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Minimum Process self-rating: regional report (${escapeHtml(report.roundKey)})</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #0b0c0c; }
h2 { border-top: 1px solid #b1b4b6; padding-top: 1rem; } table { border-collapse: collapse; } th, td { border: 1px solid #b1b4b6; padding: .25rem .75rem; text-align: center; }
@media print { body { margin: 0; } section { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Minimum Process self-rating: regional report</h1>
<p>Round ${escapeHtml(report.roundKey)}. ${escapeHtml(report.note)}</p>
${sections}
</body>
</html>
`;
}
