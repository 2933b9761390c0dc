import { formatPounds, letterDate } from 'ras-core';
import { escapeHtml } from '../html/escape.js';

type Row = Record<string, unknown>;

/** A questionnaire's words: each question's text and each option's, by key. */
export interface QuestionnaireWords {
  readonly title: string;
  readonly sections: readonly {
    readonly title: string;
    readonly questions: readonly {
      readonly key: string;
      readonly text: string;
      readonly options: readonly { readonly key: string; readonly text: string }[];
    }[];
  }[];
}

/** What the opening of a subject access page says, besides the record's own sections. */
export interface OpeningFacts {
  readonly councilName: string;
  /** Today, as a calendar date. */
  readonly today: string;
  readonly questionnaires: ReadonlyMap<string, QuestionnaireWords>;
  /** Money into and out of the person's budget accounts, by kind of entry (reversed entries left out). */
  readonly money: ReadonlyMap<string, number>;
  readonly reads: { readonly count: number; readonly lastAt: string | null };
  /** Tables left out of the record, and why. */
  readonly notIncluded: readonly { readonly table: string; readonly why: string }[];
}

/** The small sections of the record, read whole, by key. */
export type SmallSections = ReadonlyMap<string, readonly Row[]>;

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const number = (value: unknown) => (typeof value === 'number' ? value : null);
/** A date or a timestamp as "3 June 2026". */
const day = (value: unknown) => {
  const found = text(value)?.slice(0, 10);
  return found && /^\d{4}-\d{2}-\d{2}$/.test(found) ? letterDate(found, 'en') : null;
};
const p = (sentence: string) => `<p>${escapeHtml(sentence)}</p>`;
/** Sentences that belong together, as one paragraph. */
const para = (sentences: readonly string[]) => p(sentences.join(' '));

/** Who decides each stage of a plan, in the person's words. */
const STAGES: Readonly<Record<string, string>> = {
  coordinator: 'Your care coordinator',
  'team-manager': 'The team manager',
  'risk-enablement': 'The risk panel',
  panel: 'The budget panel',
};
const OUTCOMES: Readonly<Record<string, string>> = { approve: 'agreed', return: 'sent back', reject: 'turned down' };
const BUDGET_STATUS: Readonly<Record<string, string>> = {
  indicative: 'This is the amount we worked out. It is not agreed yet.',
  agreed: 'It is agreed.',
  ended: 'It has ended.',
  superseded: 'A newer budget took its place.',
};
const REVIEW_KINDS: Readonly<Record<string, string>> = { first: 'first review', annual: 'yearly review', interim: 'review' };
const APPEAL_STATUS: Readonly<Record<string, string>> = {
  lodged: 'No decision has been made yet.',
  upheld: 'The appeal was upheld: you were right.',
  'not-upheld': 'The appeal was not upheld.',
};

/** A question's answer in words: the text of the option (or options) chosen. */
function answerWords(question: QuestionnaireWords['sections'][number]['questions'][number], answer: unknown): string {
  const chosen = Array.isArray(answer) ? answer : [answer];
  const words = chosen.map((key) => question.options.find((option) => option.key === key)?.text ?? String(key));
  return words.length === 0 ? 'No answer' : words.join('; ');
}

function aboutYou(person: Row | undefined): string {
  if (!person) return '';
  const lines: string[] = [];
  const name = text(person.displayName);
  if (name) lines.push(`Your name: ${name}.`);
  const born = day(person.dateOfBirth);
  if (born) lines.push(`Your date of birth: ${born}.`);
  const ids = (person.externalIds ?? {}) as Record<string, unknown>;
  for (const [system, value] of Object.entries(ids)) lines.push(`Your number in ${system}: ${String(value)}.`);
  if (lines.length === 0) lines.push('We hold no name or date of birth for you.');
  return `<h2>About you</h2>${lines.map(p).join('')}`;
}

function assessments(rows: readonly Row[], questionnaires: OpeningFacts['questionnaires']): string {
  if (rows.length === 0) return '';
  const parts = rows.map((row) => {
    const when = day(row.agreedAt) ?? day(row.submittedAt) ?? day(row.createdAt);
    const lines = [when ? `On ${when} you told us about your needs.` : 'You started to tell us about your needs.'];
    if (row.status === 'agreed') lines.push('Your care coordinator checked and agreed your answers.');
    else if (row.status === 'submitted') lines.push('Your care coordinator has not checked your answers yet.');
    else lines.push('You have not finished your answers yet.');
    const eligibility = row.eligibility as { eligible?: boolean } | null;
    if (eligibility?.eligible === true) lines.push('You can get support from the council.');
    if (eligibility?.eligible === false) lines.push('We found that you cannot get support from the council.');
    const points = number(row.totalPoints);
    if (points !== null) lines.push(`Your answers came to ${points} points.`);
    const words = questionnaires.get(text(row.questionnaireId) ?? '');
    const answers = (row.answers ?? {}) as Record<string, unknown>;
    const table = words
      ? `<table><thead><tr><th scope="col">Question</th><th scope="col">Your answer</th></tr></thead><tbody>${words.sections
          .flatMap((section) => section.questions)
          .filter((question) => question.key in answers)
          .map(
            (question) =>
              `<tr><td>${escapeHtml(question.text)}</td><td>${escapeHtml(answerWords(question, answers[question.key]))}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '';
    return `${para(lines)}${table}`;
  });
  return `<h2>What you told us about your needs</h2>${parts.join('')}`;
}

function budgets(rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const parts = rows.map((row) => {
    const from = day(row.startDate);
    const total = number(row.totalAnnualPence) ?? 0;
    const lines = [`Your budget${from ? ` from ${from}` : ''} is ${formatPounds(total)} a year.`];
    const status = BUDGET_STATUS[text(row.status) ?? ''];
    if (status) lines.push(status);
    const contribution = number(row.annualContributionPence);
    if (contribution !== null && contribution > 0) {
      lines.push(`You pay ${formatPounds(contribution)} a year towards it.`);
      lines.push(`The council pays ${formatPounds(number(row.netAnnualPence) ?? 0)} a year.`);
    }
    const ended = day(row.endDate);
    if (ended) lines.push(`It ends on ${ended}.`);
    return para(lines);
  });
  return `<h2>Your budget</h2>${parts.join('')}`;
}

function decisions(rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const lines = rows.map((row) => {
    const who = STAGES[text(row.stage) ?? ''] ?? 'Someone';
    const what = OUTCOMES[text(row.outcome) ?? ''] ?? 'decided on';
    const when = day(row.decidedAt);
    const reasons = text(row.reasons);
    return `<li>${escapeHtml(`${when ? `On ${when} ` : ''}${when ? who.charAt(0).toLowerCase() + who.slice(1) : who} ${what} your plan.`)}${
      reasons ? ` ${escapeHtml(`They said: “${reasons}”`)}` : ''
    }</li>`;
  });
  return `<h2>Decisions about your support plan</h2><ul>${lines.join('')}</ul>`;
}

function money(facts: OpeningFacts): string {
  if (facts.money.size === 0) return '';
  const amount = (kind: string) => facts.money.get(kind) ?? 0;
  const lines: string[] = [];
  if (amount('council-payment') > 0) lines.push(`The council has paid ${formatPounds(amount('council-payment'))} into your budget.`);
  if (amount('funder-payment') > 0) lines.push(`Other funders have paid ${formatPounds(amount('funder-payment'))}.`);
  if (amount('contribution') > 0) lines.push(`You have paid ${formatPounds(amount('contribution'))} in.`);
  if (amount('spend') > 0) lines.push(`You have spent ${formatPounds(amount('spend'))}.`);
  if (amount('clawback') > 0) lines.push(`The council has taken back ${formatPounds(amount('clawback'))} you did not spend.`);
  if (lines.length === 0) return '';
  return `<h2>Your money</h2>${para([...lines, 'Every payment in and out is listed in the full record below.'])}`;
}

function reviewsAndAppeals(reviews: readonly Row[], appeals: readonly Row[]): string {
  const lines: string[] = [];
  for (const review of reviews) {
    const kind = REVIEW_KINDS[text(review.kind) ?? ''] ?? 'review';
    if (review.status === 'completed') lines.push(`Your ${kind} was done on ${day(review.completedAt) ?? 'a date we hold'}.`);
    else if (review.status === 'scheduled') lines.push(`Your ${kind} is due on ${day(review.dueDate) ?? 'a date we hold'}.`);
  }
  for (const appeal of appeals) {
    lines.push(`You appealed on ${day(appeal.createdAt) ?? 'a date we hold'}.`);
    const status = APPEAL_STATUS[text(appeal.status) ?? ''];
    if (status) lines.push(status);
  }
  return lines.length === 0 ? '' : `<h2>Reviews and appeals</h2>${lines.map(p).join('')}`;
}

function whoLooked(facts: OpeningFacts): string {
  const { count, lastAt } = facts.reads;
  const lines =
    count === 0
      ? ['No one has looked at your records yet.']
      : [
          `Staff and the council’s systems looked at your records ${count === 1 ? 'once' : `${count} times`}.`,
          ...(day(lastAt) ? [`The last time was on ${day(lastAt)}.`] : []),
          'The full record says who looked, when, and at what.',
        ];
  return `<h2>Who looked at your records</h2>${para(lines)}`;
}

/**
 * The opening of a subject access page, written to the person: what they told us, their budget,
 * who decided what about their plan and why, their money, reviews and appeals, and who looked,
 * in short sentences, with dates as "3 June 2026" and amounts in pounds. The full record follows
 * it as an appendix. Kept at a reading age of 11 or below, as the letters are (a test checks).
 */
export function subjectAccessOpening(sections: SmallSections, facts: OpeningFacts): string {
  const rows = (key: string) => sections.get(key) ?? [];
  const intro = [
    `This is what ${facts.councilName} holds about you in its personal budget system.`,
    `We made this page on ${letterDate(facts.today, 'en')}.`,
    'First we tell you the main things in plain words.',
    'After that comes the full record, with every detail we hold.',
  ];
  const notIncluded =
    facts.notIncluded.length === 0
      ? ''
      : `<h2>What is not in this record</h2>${p('A few things we keep are not shown here. This is why:')}<ul>${facts.notIncluded
          .map((item) => `<li>${escapeHtml(item.why)}</li>`)
          .join('')}</ul>`;
  return `<h1>What ${escapeHtml(facts.councilName)} holds about you</h1>
<div id="opening">
${para(intro)}
${aboutYou(rows('person')[0])}
${assessments(rows('assessments'), facts.questionnaires)}
${budgets(rows('budgets'))}
${decisions(rows('planDecisions'))}
${money(facts)}
${reviewsAndAppeals(rows('reviews'), rows('appeals'))}
${whoLooked(facts)}
${p('If you think something here is wrong, tell us. You can ask us to put it right.')}
${notIncluded}
</div>
`;
}
