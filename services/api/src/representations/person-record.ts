import { formatPounds } from 'ras-core';
import { escapeHtml } from '../html/escape.js';
import { PAGE_END, pageStart } from '../html/page.js';

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
  yield `{"generatedAt":${JSON.stringify(header.generatedAt)},"council":${JSON.stringify(header.councilName)},"personId":${JSON.stringify(header.personId)},"redacted":${JSON.stringify(header.redacted)},"sections":{`;
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

function cell(key: string, value: unknown): string {
  if (value === null || value === undefined) return '<span class="note">none</span>';
  if (typeof value === 'number' && /Pence$/.test(key) && Number.isSafeInteger(value)) return escapeHtml(formatPounds(value));
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object'))
    return value.length === 0 ? '<span class="note">none</span>' : escapeHtml(value.join(', '));
  if (typeof value === 'object') return `<pre>${escapeHtml(JSON.stringify(value, null, 1))}</pre>`;
  return escapeHtml(String(value));
}

function recordHtml(row: Row): string {
  return `<div class="record"><dl>${Object.entries(row)
    .map(([key, value]) => `<dt>${label(key)}</dt><dd>${cell(key, value)}</dd>`)
    .join('')}</dl></div>`;
}

/** The record as a readable page, written as it is read. */
export async function* personRecordHtml(header: RecordHeader, sections: AsyncIterable<RecordSection>): AsyncGenerator<string> {
  yield pageStart(`What ${header.councilName} holds about person ${header.personId}`, true);
  yield `<h1>What ${escapeHtml(header.councilName)} holds about you</h1>
<p>This is everything the council’s personal budget service holds about person <code>${escapeHtml(header.personId)}</code>, as it stood at ${escapeHtml(header.generatedAt)}: your records, the money, what happened and who looked. Amounts are in pounds.</p>
${header.redacted.length > 0 ? `<p class="note">Other people’s details are shown as ${REDACTED} (${escapeHtml(header.redacted.join(', '))}).</p>` : ''}`;
  for await (const section of sections) {
    yield `<h2 id="${escapeHtml(section.key)}">${escapeHtml(section.title)}</h2><p class="note">${escapeHtml(section.about)}</p>`;
    let count = 0;
    let tableOpen = false;
    for await (const page of section.pages) {
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
        } else chunk += recordHtml(row);
      }
      if (chunk) yield chunk;
    }
    if (tableOpen) yield '</tbody></table>';
    if (count === 0) yield '<p>None.</p>';
  }
  yield PAGE_END;
}
