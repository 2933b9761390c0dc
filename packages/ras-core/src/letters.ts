import { addDays, assertCalendarDate, type CalendarDate } from './dates.js';
import { formatPounds, type Pence } from './money.js';
import { escapeHtml } from './report-html.js';

/** The letters the service writes to a person. */
export const LETTER_KINDS = [
  'indicative-budget',
  'plan-decision',
  'clawback-recommendation',
  'uprating',
  'plan-revision',
  'eligibility-decision',
  'moderation-change',
  'charge',
  'appeal-decision',
  'review-outcome',
] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

/** A paragraph, shown always or only when a condition of the letter holds. */
export type LetterParagraph = string | { readonly when: LetterCondition; readonly text: string };

/** Conditions a paragraph can depend on. */
export const LETTER_CONDITIONS = [
  'indicative',
  'agreed',
  'has-contribution',
  'no-contribution',
  'has-added-streams',
  'approved',
  'returned',
  'rejected',
  'has-clawback',
  'no-clawback',
  'has-refund',
  'awaiting-decision',
  'decided',
  'protected',
  'went-up',
  'went-down',
  'pending',
  'eligible',
  'not-eligible',
  'upheld',
  'not-upheld',
  'has-charge',
  'no-charge',
  'has-supporter',
] as const;
export type LetterCondition = (typeof LETTER_CONDITIONS)[number];

/**
 * One letter's words in one language. `{{placeholders}}` are filled with the person's own figures
 * (see {@link LETTER_PLACEHOLDERS}); a council supplies its own text per language (Welsh councils
 * must offer Welsh) in the same shape.
 */
export interface LetterTemplate {
  readonly subject: string;
  readonly greeting: string;
  /** Said in place of `{{name}}` when the person has no name on record (default "Sir or Madam"). */
  readonly nameUnknown?: string;
  readonly paragraphs: readonly LetterParagraph[];
  readonly pictureHeading: string;
  /** The picture's labels: the RAS (or agreed) amount, added streams, the person's part, the council's. */
  readonly picture: {
    readonly rasAmount: string;
    readonly councilPays: string;
    readonly contribution: string;
    readonly otherFunders: string;
    readonly addedStreams: string;
  };
  readonly explanationHeading: string;
  readonly disagreeHeading: string;
  readonly disagree: readonly LetterParagraph[];
  readonly signOff: string;
}

/** Every placeholder a template may use; anything else is refused when a council sets its templates. */
export const LETTER_PLACEHOLDERS = [
  'name',
  'council',
  'date',
  'reference',
  'respondBy',
  'budget',
  'rasAmount',
  'councilPays',
  'contribution',
  'weeklyContribution',
  'addedStreams',
  'startDate',
  'outcome',
  'reasons',
  'unspent',
  'allowance',
  'clawback',
  'refund',
  'decidedAmount',
  'oldBudget',
  'newBudget',
  'protected',
  'effectiveFrom',
  'points',
  'changes',
  'subject',
  'supporters',
] as const;
export type LetterPlaceholder = (typeof LETTER_PLACEHOLDERS)[number];

const PICTURE_LABELS: LetterTemplate['picture'] = {
  rasAmount: 'Your budget from us',
  councilPays: 'The council pays',
  contribution: 'You pay',
  otherFunders: 'Other help pays',
  addedStreams: 'Extra help on top',
};
const HELP = 'A friend, a family member or an advocate can help you.';

/** The English letters that ship. Short sentences and everyday words: a reading age of 11 at most (tested). */
export const ENGLISH_LETTERS: Readonly<Record<LetterKind, LetterTemplate>> = {
  'indicative-budget': {
    subject: 'Your personal budget',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'Thank you for telling us about your needs.',
      'We think you need about {{budget}} a year for your support.',
      { when: 'indicative', text: 'This is your first budget figure. It is not the final one.' },
      { when: 'indicative', text: 'Next, you make a plan with us. The plan says how you want to use the money.' },
      { when: 'agreed', text: 'Your budget has been agreed. It starts on {{startDate}}.' },
      {
        when: 'has-contribution',
        text: 'You pay {{contribution}} a year towards it. That is {{weeklyContribution}} a week. The council pays {{councilPays}}.',
      },
      { when: 'no-contribution', text: 'You do not have to pay towards it. The council pays {{councilPays}}.' },
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'How we worked it out',
    disagreeHeading: 'If you do not agree',
    disagree: [
      'Tell us by {{respondBy}}.',
      'Call or write to your care worker. Say what you think we missed.',
      'A friend, a family member or an advocate can help you. You can ask us for an advocate.',
    ],
    signOff: 'From {{council}}',
  },
  'plan-decision': {
    subject: 'The decision on your support plan',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'We looked at your support plan on {{date}}.',
      { when: 'approved', text: 'We said yes to your plan. Your money starts on {{startDate}}.' },
      { when: 'returned', text: 'We need you to change your plan. Then we will look at it again.' },
      { when: 'rejected', text: 'We said no to your plan.' },
      'This is why: {{reasons}}',
      'Your budget is {{budget}} a year. The council pays {{councilPays}}.',
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'How we worked out your budget',
    disagreeHeading: 'If you do not agree',
    disagree: [
      { when: 'has-supporter', text: '{{supporters}} can help you with this.' },
      'Tell us by {{respondBy}}.',
      'Call or write to your care worker. You can ask us to look at the decision again.',
      HELP,
    ],
    signOff: 'From {{council}}',
  },
  'clawback-recommendation': {
    subject: 'Money left in your budget account',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'We looked at your budget account for the year on {{date}}.',
      'You had {{unspent}} left over.',
      'You can keep up to {{allowance}} of it.',
      { when: 'has-refund', text: 'You paid {{refund}} more than you needed to. We will pay it back to you.' },
      { when: 'has-clawback', text: 'We can take back up to {{clawback}}.' },
      { when: 'awaiting-decision', text: 'Our money team will decide. We will write to you again.' },
      { when: 'decided', text: 'Our money team has decided to take back {{decidedAmount}}.' },
      { when: 'no-clawback', text: 'We will not take any money back.' },
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'How we worked it out',
    disagreeHeading: 'If you do not agree',
    disagree: ['Tell us by {{respondBy}}.', 'You may still have bills to pay. Tell us about them. We can take back less.', HELP],
    signOff: 'From {{council}}',
  },
  uprating: {
    subject: 'A change to your budget',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'Each year we check how we set budgets. This year we made a change.',
      'Your budget was {{oldBudget}} a year. From {{startDate}} it will be {{newBudget}} a year.',
      { when: 'protected', text: 'A budget can only go down a little in one year. So we have added {{protected}} to yours.' },
      'We will talk with you about your plan.',
    ],
    pictureHeading: 'Where the money will come from',
    picture: PICTURE_LABELS,
    explanationHeading: 'How we worked it out',
    disagreeHeading: 'If you do not agree',
    disagree: ['Tell us by {{respondBy}}.', 'Call or write to your care worker. Say what you think we missed.', HELP],
    signOff: 'From {{council}}',
  },
  'eligibility-decision': {
    subject: 'Can we help you with care and support?',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'We looked at what you told us about your needs on {{date}}.',
      { when: 'eligible', text: 'You can get care and support from us. We will work out your personal budget with you.' },
      { when: 'not-eligible', text: 'We found that you cannot get care and support from us at the moment.' },
      { when: 'not-eligible', text: 'We can give you advice and tell you about other help near you.' },
      'This is why: {{reasons}}',
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'What we looked at',
    disagreeHeading: 'If you do not agree',
    disagree: [
      { when: 'has-supporter', text: '{{supporters}} can help you with this.' },
      'Tell us by {{respondBy}}.',
      'You can appeal. Call or write to your care worker and say why.',
      HELP,
    ],
    signOff: 'From {{council}}',
  },
  'moderation-change': {
    subject: 'We changed some of your answers',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'Your care worker looked at your answers with you on {{date}}.',
      'They changed {{changes}} of your answers. Your answers now add up to {{points}} points.',
      'Below is each change and why it was made.',
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'What changed and why',
    disagreeHeading: 'If you do not agree',
    disagree: [
      { when: 'has-supporter', text: '{{supporters}} can help you with this.' },
      'Tell us by {{respondBy}}.',
      'You can appeal. Call or write to your care worker and say which answer is wrong.',
      HELP,
    ],
    signOff: 'From {{council}}',
  },
  charge: {
    subject: 'What you pay towards your care',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'We looked at your money on {{date}}.',
      { when: 'has-charge', text: 'You will pay {{weeklyContribution}} a week towards your care from {{effectiveFrom}}.' },
      { when: 'no-charge', text: 'You do not need to pay anything towards your care from {{effectiveFrom}}.' },
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'How we worked it out',
    disagreeHeading: 'If you do not agree',
    disagree: ['Tell us by {{respondBy}}.', 'Call or write to us. Tell us if your money has changed or we got something wrong.', HELP],
    signOff: 'From {{council}}',
  },
  'appeal-decision': {
    subject: 'The decision on your appeal',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'You asked us to look again at {{subject}}. We made our decision on {{date}}.',
      { when: 'upheld', text: 'We agree with you. We have changed our decision.' },
      { when: 'not-upheld', text: 'We looked again, and our decision stays the same.' },
      'This is why: {{reasons}}',
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'What we looked at',
    disagreeHeading: 'If you still do not agree',
    disagree: [
      { when: 'has-supporter', text: '{{supporters}} can help you with this.' },
      'You can complain to the Local Government and Social Care Ombudsman. It is free.',
      'Call or write to your care worker if you need help with this.',
      HELP,
    ],
    signOff: 'From {{council}}',
  },
  'review-outcome': {
    subject: 'Your review',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'We met you to talk about your support on {{date}}.',
      'You told us how you are getting on with what you want to do. We wrote it down below.',
      'Your budget is {{budget}} a year.',
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'What you told us',
    disagreeHeading: 'If something is wrong',
    disagree: ['Tell us by {{respondBy}}.', 'Call or write to your care worker.', HELP],
    signOff: 'From {{council}}',
  },
  'plan-revision': {
    subject: 'A change to your support plan',
    greeting: 'Dear {{name}},',
    paragraphs: [
      'You asked to change your support plan on {{date}}.',
      { when: 'approved', text: 'We said yes. The change starts on {{effectiveFrom}}.' },
      { when: 'pending', text: 'Your care worker needs a manager to agree it. We will write to you when they have.' },
      { when: 'rejected', text: 'We said no. Your plan stays as it was.' },
      'This is why: {{reasons}}',
      'Your budget stays {{budget}} a year.',
    ],
    pictureHeading: 'Where the money comes from',
    picture: PICTURE_LABELS,
    explanationHeading: 'How we worked out your budget',
    disagreeHeading: 'If you do not agree',
    disagree: [
      { when: 'has-supporter', text: '{{supporters}} can help you with this.' },
      'Tell us by {{respondBy}}.',
      'Call or write to your care worker. You can ask us to look at the change again.',
      HELP,
    ],
    signOff: 'From {{council}}',
  },
};

/** Where a budget's money comes from, for the picture: every part in pence. */
export interface MoneyPicture {
  /** The RAS amount (or the amount the panel agreed in its place). */
  readonly rasAmountPence: Pence;
  /** Of it: what the council pays, what the person pays, what other funders (included streams) pay. */
  readonly councilPaysPence: Pence;
  readonly contributionPence: Pence;
  readonly otherFundersPence: Pence;
  /** Funding streams on top of it. */
  readonly addedStreamsPence: Pence;
}

const MONTHS: Readonly<Record<string, readonly string[]>> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  cy: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
};

/** A date as a letter writes it: `25 November 2026` (English), `25 Tachwedd 2026` (Welsh); other languages in English. */
export function letterDate(date: CalendarDate, language: string): string {
  assertCalendarDate(date, '/date');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day} ${(MONTHS[language] ?? MONTHS.en)?.[month - 1]} ${year}`;
}

/** The last day to say you disagree: `days` after the letter's date. */
export function replyBy(date: CalendarDate, days: number): CalendarDate {
  return addDays(assertCalendarDate(date, '/date'), days);
}

/** Where a budget's money comes from, from its calculation: the agreed amount split between its payers, and streams on top. */
export function moneyPictureOf(budget: {
  readonly councilAnnualPence: Pence;
  readonly annualContributionPence: Pence;
  readonly netAnnualPence: Pence;
  readonly streams: readonly { readonly mode: 'included' | 'added'; readonly annualPence: Pence }[];
}): MoneyPicture {
  const sum = (mode: 'included' | 'added') =>
    budget.streams.filter((stream) => stream.mode === mode).reduce((total, stream) => total + stream.annualPence, 0);
  const included = sum('included');
  return {
    rasAmountPence: budget.councilAnnualPence + included,
    councilPaysPence: budget.netAnnualPence,
    contributionPence: budget.annualContributionPence,
    otherFundersPence: included,
    addedStreamsPence: sum('added'),
  };
}

/** Every problem with a council's template: placeholders the service does not fill, by JSON Pointer under `pointer`. */
export function letterTemplateProblems(template: LetterTemplate, pointer: string): { pointer: string; detail: string }[] {
  const problems: { pointer: string; detail: string }[] = [];
  const check = (text: string, at: string) => {
    for (const name of unknownPlaceholders(text))
      problems.push({
        pointer: at,
        detail: `{{${name}}} is not a placeholder the service fills; use one of ${LETTER_PLACEHOLDERS.join(', ')}`,
      });
  };
  check(template.subject, `${pointer}/subject`);
  check(template.greeting, `${pointer}/greeting`);
  check(template.signOff, `${pointer}/signOff`);
  const paragraphs = (list: readonly LetterParagraph[], at: string) => {
    for (const [index, p] of list.entries())
      check(typeof p === 'string' ? p : p.text, typeof p === 'string' ? `${at}/${index}` : `${at}/${index}/text`);
  };
  paragraphs(template.paragraphs, `${pointer}/paragraphs`);
  paragraphs(template.disagree, `${pointer}/disagree`);
  return problems;
}

/** What one letter says: its filled-in words, the picture and the explanation, ready to lay out as HTML or PDF. */
export interface LetterContent {
  readonly kind: LetterKind;
  readonly language: string;
  readonly council: string;
  readonly reference: string;
  readonly date: string;
  readonly subject: string;
  readonly greeting: string;
  readonly paragraphs: readonly string[];
  readonly pictureHeading: string;
  readonly picture: readonly { readonly key: keyof MoneyPicture; readonly label: string; readonly pence: Pence }[] | null;
  readonly rasAmountLabel: string;
  readonly explanationHeading: string;
  /** The stored explanation's sentences, as they were when the figure was worked out. */
  readonly explanation: readonly string[];
  readonly disagreeHeading: string;
  readonly disagree: readonly string[];
  readonly signOff: string;
}

/** What a letter is filled in from. */
export interface LetterFacts {
  readonly kind: LetterKind;
  readonly language: string;
  readonly values: Readonly<Partial<Record<LetterPlaceholder, string>>>;
  readonly conditions: readonly LetterCondition[];
  readonly picture: MoneyPicture | null;
  readonly explanation: readonly string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The placeholders a text uses that are not in {@link LETTER_PLACEHOLDERS}. */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1] as string)
    .filter((name) => !(LETTER_PLACEHOLDERS as readonly string[]).includes(name));
}

function fill(text: string, values: LetterFacts['values']): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name as LetterPlaceholder] ?? '');
}

/** Fills a template in with a person's facts: the words of the letter, the picture and the explanation. */
export function letterContent(template: LetterTemplate, facts: LetterFacts): LetterContent {
  const chosen = (paragraphs: readonly LetterParagraph[]) =>
    paragraphs
      .filter((p) => typeof p === 'string' || facts.conditions.includes(p.when))
      .map((p) => fill(typeof p === 'string' ? p : p.text, facts.values));
  const picture = facts.picture;
  return {
    kind: facts.kind,
    language: facts.language,
    council: facts.values.council ?? '',
    reference: facts.values.reference ?? '',
    date: facts.values.date ?? '',
    subject: fill(template.subject, facts.values),
    greeting: fill(template.greeting, facts.values),
    paragraphs: chosen(template.paragraphs),
    pictureHeading: template.pictureHeading,
    picture:
      picture === null
        ? null
        : (
            [
              ['councilPaysPence', template.picture.councilPays, picture.councilPaysPence],
              ['contributionPence', template.picture.contribution, picture.contributionPence],
              ['otherFundersPence', template.picture.otherFunders, picture.otherFundersPence],
              ['addedStreamsPence', template.picture.addedStreams, picture.addedStreamsPence],
            ] as const
          )
            .filter(([, , pence]) => pence > 0)
            .map(([key, label, pence]) => ({ key, label, pence })),
    rasAmountLabel: picture === null ? '' : `${template.picture.rasAmount}: ${formatPounds(picture.rasAmountPence)}`,
    explanationHeading: template.explanationHeading,
    explanation: facts.explanation,
    disagreeHeading: template.disagreeHeading,
    disagree: chosen(template.disagree),
    signOff: fill(template.signOff, facts.values),
  };
}

/** The picture's colours: dark enough for white text, and told apart by their labels as well as colour. */
export const PICTURE_COLOURS: Readonly<Record<keyof MoneyPicture, string>> = {
  rasAmountPence: '#0b0c0c',
  councilPaysPence: '#1d70b8',
  contributionPence: '#b58840',
  otherFundersPence: '#4c2c92',
  addedStreamsPence: '#00703c',
};

/** The stacked bar of where the money comes from, as SVG, with a bracket over the RAS amount. */
export function moneyPictureSvg(content: LetterContent): string {
  const parts = content.picture ?? [];
  const total = parts.reduce((sum, part) => sum + part.pence, 0);
  if (total === 0) return '';
  const width = 640;
  const barY = 46;
  const barHeight = 44;
  let x = 0;
  const rasParts = parts.filter((part) => part.key !== 'addedStreamsPence').reduce((sum, part) => sum + part.pence, 0);
  const rasWidth = (width * rasParts) / total;
  const segments = parts.map((part, index) => {
    const w = (width * part.pence) / total;
    const segment = `<rect x="${x}" y="${barY}" width="${w}" height="${barHeight}" fill="${PICTURE_COLOURS[part.key]}"/>`;
    const legendY = barY + barHeight + 28 + index * 26;
    const legend = `<rect x="0" y="${legendY - 14}" width="18" height="18" fill="${PICTURE_COLOURS[part.key]}"/><text x="28" y="${legendY}">${escapeHtml(part.label)}: ${formatPounds(part.pence)}</text>`;
    x += w;
    return segment + legend;
  });
  const height = barY + barHeight + 20 + parts.length * 26;
  return `<svg class="money" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(content.pictureHeading)}"><path d="M1 34 V26 H${rasWidth - 1} V34" fill="none" stroke="#0b0c0c" stroke-width="2"/><text x="0" y="16">${escapeHtml(content.rasAmountLabel)}</text>${segments.join('')}</svg>`;
}

const LETTER_STYLE = `@page { size: A4; margin: 20mm; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 14pt; line-height: 1.5; color: #0b0c0c; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
header { display: flex; justify-content: space-between; gap: 2rem; } header p { margin: 0; }
h1 { font-size: 1.5em; margin: 1.5rem 0 1rem; } h2 { font-size: 1.15em; margin-top: 1.5rem; }
svg.money { width: 100%; height: auto; font-size: 16px; margin: .5rem 0; } ol { padding-left: 1.4rem; } li { margin-bottom: .3rem; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }`;

/** The letter as one self-contained page that prints on A4. */
export function renderLetterHtml(content: LetterContent): string {
  const paragraphs = (list: readonly string[]) => list.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(content.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.subject)}</title>
<style>
${LETTER_STYLE}
</style>
</head>
<body>
<header><p><strong>${escapeHtml(content.council)}</strong></p><p>${escapeHtml(content.date)}<br>${escapeHtml(content.reference)}</p></header>
<h1>${escapeHtml(content.subject)}</h1>
<p>${escapeHtml(content.greeting)}</p>
${paragraphs(content.paragraphs)}
${content.picture && content.picture.length > 0 ? `<section><h2>${escapeHtml(content.pictureHeading)}</h2>\n${moneyPictureSvg(content)}</section>` : ''}
<section><h2>${escapeHtml(content.disagreeHeading)}</h2>
${paragraphs(content.disagree)}</section>
${content.explanation.length > 0 ? `<section><h2>${escapeHtml(content.explanationHeading)}</h2>\n<ol>${content.explanation.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol></section>` : ''}
<p>${escapeHtml(content.signOff)}</p>
</body>
</html>
`;
}
