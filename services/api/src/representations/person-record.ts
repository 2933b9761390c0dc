import { formatPounds, letterDate } from 'ras-core';
import { escapeHtml } from '../html/escape.js';
import { PAGE_END, pageStart } from '../html/page.js';
import { type OpeningFacts, subjectAccessOpening } from './subject-access-opening.js';

/** Other people's data a council may mark for redaction in a subject access export. */
export type Redaction = 'staff-names' | 'carers' | 'agents';

export const REDACTED = '[redacted]';

type Row = Record<string, unknown>;

/** One part of the record: a single item, or a list read a page at a time. */
export interface RecordSection {
  readonly key: string;
  readonly title: string;
  readonly about: string;
  /** `one`: the first row or null; `many`: every row. */
  readonly shape: 'one' | 'many';
  /** For long lists: the fields shown as a table's columns in the page. */
  readonly columns?: readonly string[];
  readonly pages: AsyncIterable<readonly Row[]>;
}

/** The header of a subject access export. */
export interface RecordHeader {
  readonly generatedAt: string;
  readonly councilName: string;
  readonly personId: string;
  readonly redacted: readonly Redaction[];
  /** What the record leaves out, and why (SUBJECT_ACCESS_TABLES). */
  readonly notIncluded: readonly { readonly table: string; readonly why: string }[];
}

const CAMEL = new Map<string, string>();
/** A column name in camelCase, worked out once per name (an export converts every key of every row). */
function camel(key: string): string {
  let name = CAMEL.get(key);
  if (name === undefined) {
    name = key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    CAMEL.set(key, name);
  }
  return name;
}

/**
 * Columns never shown: a budget's `record_key` is a random number, not about the person, and
 * whoever gathered every budget's key could take the fairness report's noise back out.
 */
const NEVER_SHOWN = new Set(['record_key']);

/** A database row as the export shows it: camelCase names, times as ISO 8601, JSON as it is. */
export function exported(row: Row): Row {
  const result: Row = {};
  for (const [key, value] of Object.entries(row))
    if (!NEVER_SHOWN.has(key)) result[camel(key)] = value instanceof Date ? value.toISOString() : value;
  return result;
}

const STAFF_KEYS = new Set(['actorName', 'actor_name', 'placedBy']);

/** Replaces the named keys, at any depth, with {@link REDACTED} (null stays null: nothing to hide). */
export function redactKeys(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, keys));
  if (value === null || typeof value !== 'object') return value;
  const result: Row = {};
  for (const [key, inner] of Object.entries(value)) result[key] = keys.has(key) && inner !== null ? REDACTED : redactKeys(inner, keys);
  return result;
}

/** The redaction a section's rows get under the council's marks. */
export function redactor(section: string, marks: ReadonlySet<Redaction>): (row: Row) => Row {
  const keys = new Set<string>(marks.has('staff-names') ? STAFF_KEYS : []);
  if (marks.has('agents') && section === 'person') keys.add('agent');
  if (marks.has('carers') && section === 'carers') for (const key of ['displayName', 'dateOfBirth']) keys.add(key);
  return (row) => {
    let result = redactKeys(row, keys) as Row;
    if (marks.has('agents') && section === 'directPaymentAgreements') {
      // Whoever accepted the terms (the person with a relative, a nominee) is named in acceptedBy.
      result = { ...result, acceptedBy: REDACTED };
      if (result.holderType !== 'person' && result.holderName !== null) result = { ...result, holderName: REDACTED };
    }
    return result;
  };
}

/** The record as one JSON document, written as it is read. */
export async function* personRecordJson(header: RecordHeader, sections: AsyncIterable<RecordSection>): AsyncGenerator<string> {
  yield `{"generatedAt":${JSON.stringify(header.generatedAt)},"council":${JSON.stringify(header.councilName)},"personId":${JSON.stringify(header.personId)},"redacted":${JSON.stringify(header.redacted)},"notIncluded":${JSON.stringify(header.notIncluded)},"sections":{`;
  let firstSection = true;
  for await (const section of sections) {
    yield `${firstSection ? '' : ','}${JSON.stringify(section.key)}:`;
    firstSection = false;
    if (section.shape === 'one') {
      let one: Row | null = null;
      for await (const page of section.pages) if (one === null && page[0]) one = page[0];
      yield JSON.stringify(one);
      continue;
    }
    yield '[';
    let first = true;
    for await (const page of section.pages) {
      if (page.length === 0) continue;
      yield `${first ? '' : ','}${page.map((row) => JSON.stringify(row)).join(',')}`;
      first = false;
    }
    yield ']';
  }
  yield '}}\n';
}

/** A field's name as a person reads it: `createdByKeyId` → "Created by key id", `amountPence` → "Amount". */
function label(key: string): string {
  const words = key
    .replace(/Pence$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return escapeHtml(words.charAt(0).toUpperCase() + words.slice(1));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/;

/** A value as a person reads it: pounds, dates in words, lists and nested records, never raw JSON. */
function cell(key: string, value: unknown): string {
  if (value === null || value === undefined) return '<span class="note">none</span>';
  if (typeof value === 'number' && /Pence$/.test(key) && Number.isSafeInteger(value)) return escapeHtml(formatPounds(value));
  if (typeof value === 'string') {
    if (ISO_DATE.test(value)) return escapeHtml(letterDate(value, 'en'));
    const time = ISO_TIME.exec(value);
    if (time) return escapeHtml(`${letterDate(time[1] ?? value, 'en')} at ${time[2]}`);
    return escapeHtml(value);
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="note">none</span>';
    if (value.every((item) => item === null || typeof item !== 'object')) return escapeHtml(value.map((item) => String(item)).join(', '));
    return `<ol>${value.map((item) => `<li>${cell(key, item)}</li>`).join('')}</ol>`;
  }
  if (typeof value === 'object') return definitions(value as Row);
  return escapeHtml(String(value));
}

function definitions(row: Row): string {
  return `<dl>${Object.entries(row)
    .map(([key, value]) => `<dt>${label(key)}</dt><dd>${cell(key, value)}</dd>`)
    .join('')}</dl>`;
}

/** A section of the full record: a record or list of records, or a table for a long list read a page at a time. */
async function* sectionHtml(
  section: RecordSection,
  pages: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
): AsyncGenerator<string> {
  yield `<h3 id="${escapeHtml(section.key)}">${escapeHtml(section.title)}</h3><p class="note">${escapeHtml(section.about)}</p>`;
  let count = 0;
  let tableOpen = false;
  for await (const page of pages) {
    let chunk = '';
    for (const row of page) {
      if (section.shape === 'one' && count > 0) break;
      count++;
      if (section.columns) {
        if (!tableOpen) {
          chunk += `<table><thead><tr>${section.columns.map((column) => `<th scope="col"${/Pence$/.test(column) ? ' class="money"' : ''}>${label(column)}</th>`).join('')}</tr></thead><tbody>`;
          tableOpen = true;
        }
        chunk += `<tr>${section.columns.map((column) => `<td${/Pence$/.test(column) ? ' class="money"' : ''}>${cell(column, row[column])}</td>`).join('')}</tr>`;
      } else chunk += `<div class="record">${definitions(row)}</div>`;
    }
    if (chunk) yield chunk;
  }
  if (tableOpen) yield '</tbody></table>';
  if (count === 0) yield '<p>None.</p>';
}

/**
 * The record as a page to the person, written as it is read: first an opening in plain words
 * (what they told us, their budget, who decided what and why, their money, who looked), then the
 * full record as an appendix. The small sections, read whole, come first from the reader and make
 * the opening; the long ones (the ledger, events, audit trail and access log) are streamed after.
 */
export async function* personRecordHtml(
  header: RecordHeader,
  sections: AsyncIterable<RecordSection>,
  facts: Omit<OpeningFacts, 'notIncluded' | 'councilName'>,
): AsyncGenerator<string> {
  yield pageStart(`What ${header.councilName} holds about person ${header.personId}`, true);
  const small: { section: RecordSection; rows: Row[] }[] = [];
  const iterator = sections[Symbol.asyncIterator]();
  let next = await iterator.next();
  for (; !next.done && next.value.columns === undefined; next = await iterator.next()) {
    const rows: Row[] = [];
    for await (const page of next.value.pages) rows.push(...page);
    small.push({ section: next.value, rows });
  }
  yield subjectAccessOpening(new Map(small.map(({ section, rows }) => [section.key, rows])), {
    ...facts,
    councilName: header.councilName,
    notIncluded: header.notIncluded,
  });
  yield `<h2 id="full-record">The full record</h2>
<p>Everything the service holds about person <code>${escapeHtml(header.personId)}</code> as it stood at ${escapeHtml(cell('generatedAt', header.generatedAt))}. Amounts are in pounds.</p>
${header.redacted.length > 0 ? `<p class="note">Other people’s details are shown as ${REDACTED} (${escapeHtml(header.redacted.join(', '))}).</p>` : ''}`;
  for (const { section, rows } of small) yield* sectionHtml(section, [rows]);
  for (; !next.done; next = await iterator.next()) yield* sectionHtml(next.value, next.value.pages);
  yield PAGE_END;
}
