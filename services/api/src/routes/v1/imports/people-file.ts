import { nhsNumber } from 'ras-core';
import { unprocessable } from '../../../errors.js';
import { hasControlCharacter } from '../../../http/control-characters.js';
import { isServiceDate } from '../../../http/dates.js';
import { JSON_DEPTH_DETAIL, nestsDeeperThan } from '../../../http/json-depth.js';
import { isOneOf } from '../../../one-of.js';
import type { ImportedPerson } from '../../../repositories/people.js';
import { PEOPLE_FILE_FIELDS } from '../../../schemas/council-settings.js';
import { slicer } from '../../../slices.js';
import { clientGroupProblem } from '../../../workflows/client-groups.js';
import { csvRows } from './csv.js';

/** The fields of a people file, in the order a CSV header usually lists them. */
export const FIELDS = PEOPLE_FILE_FIELDS;
type Field = (typeof FIELDS)[number];

/** How a council's record system writes a people file (settings.imports). */
export interface PeopleFileLayout {
  /** The system's column names, each with the field it holds. */
  readonly columns?: Readonly<Record<string, Field>>;
  readonly dateFormat?: 'yyyy-mm-dd' | 'dd/mm/yyyy';
}

const DAY_MONTH_YEAR = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A date as the layout writes it, as YYYY-MM-DD; null when it is not one (an empty value is ''). */
function readDate(value: string, format: PeopleFileLayout['dateFormat']): string | null {
  if (value === '') return '';
  let iso = value;
  if (format === 'dd/mm/yyyy') {
    const match = DAY_MONTH_YEAR.exec(value);
    if (!match) return null;
    iso = `${match[3]}-${(match[2] ?? '').padStart(2, '0')}-${(match[1] ?? '').padStart(2, '0')}`;
  }
  return isServiceDate(iso) ? iso : null;
}

/** A good row of a people file, with the line it came from. */
export interface ImportRow extends ImportedPerson {
  readonly line: number;
}

/**
 * What is wrong with a row: the line, a JSON Pointer to the field (`/line/3/clientGroup`, or
 * `/line/3` for the row as a whole) and what is wrong with it; a row can have several. The same
 * shape in the import report and in the 422 an all-or-nothing import answers.
 */
export interface RowError {
  readonly line: number;
  readonly pointer: string;
  readonly detail: string;
}

/**
 * Reads rows from CSV (header row with the field names) or NDJSON (one object a line); every bad
 * row is reported, not thrown. With `allowedClientGroups` (the council's, when it has any) a row
 * in another group is bad too. The layout maps the record system's own column names to fields and
 * says how it writes dates; a column that is neither mapped nor a field is ignored, and listed.
 */
export async function readPeopleFile(
  body: string,
  ndjson: boolean,
  allowedClientGroups?: readonly string[],
  layout: PeopleFileLayout = {},
): Promise<{ rows: ImportRow[]; errors: RowError[]; failedRows: number; ignoredColumns: string[] }> {
  const ignored = new Set<string>();
  /** The field a column or key holds, or null (ignored, and listed). */
  const fieldOf = (name: string): Field | null => {
    const mapped = layout.columns?.[name];
    if (mapped) return mapped;
    if (isOneOf(FIELDS, name)) return name;
    ignored.add(name);
    return null;
  };
  /** A record's values under the fields they hold. */
  const asFields = (record: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(record).flatMap(([name, value]) => {
        const field = fieldOf(name);
        return field === null ? [] : [[field, value]];
      }),
    );
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  // Rows are turned into records one at a time as they are checked, so that work is sliced too.
  // Lines that are not JSON objects are reported first, then the rows' own problems, as before.
  const unreadable: RowError[] = [];
  let records: Iterable<{ line: number; record: Record<string, unknown> }>;
  if (ndjson) {
    records = (function* () {
      const lines = body.split('\n');
      for (const [index, text] of lines.entries()) {
        if (text.trim() === '') continue;
        if (nestsDeeperThan(text)) {
          unreadable.push({ line: index + 1, pointer: `/line/${index + 1}`, detail: JSON_DEPTH_DETAIL });
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = undefined;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          unreadable.push({ line: index + 1, pointer: `/line/${index + 1}`, detail: 'is not a JSON object' });
        else yield { line: index + 1, record: asFields(value as Record<string, unknown>) };
      }
    })();
  } else {
    const data = csvRows(body);
    const header = data.next();
    const names = header.done ? [] : header.value.fields.map((name) => fieldOf(name.trim()));
    const missing = (['system', 'externalId', 'clientGroup'] as const).filter((name) => !names.includes(name));
    if (missing.length > 0)
      throw unprocessable('INVALID_INPUT', `The header row lacks ${missing.join(', ')}`, [
        {
          pointer: '/line/1',
          detail: `the header must name ${FIELDS.join(', ')}, or the council's own names for them (settings.imports.columns)`,
        },
      ]);
    records = (function* () {
      for (const row of data)
        yield {
          line: row.line,
          record: Object.fromEntries(names.flatMap((name, i) => (name === null ? [] : [[name, row.fields[i] ?? '']]))),
        };
    })();
  }
  const seen = new Map<string, number>();
  const seenNhs = new Map<string, number>();
  // 100,000 rows are checked in slices, so the other requests on the instance are not held.
  const breathe = slicer();
  for (const { line, record } of records) {
    await breathe();
    const text = (name: string) =>
      typeof record[name] === 'string' ? record[name].trim() : record[name] === undefined || record[name] === null ? '' : null;
    const rowErrors: RowError[] = [];
    const bad = (field: string | null, detail: string) =>
      rowErrors.push({ line, pointer: field === null ? `/line/${line}` : `/line/${line}/${field}`, detail });
    const system = text('system');
    const externalId = text('externalId');
    const clientGroup = text('clientGroup');
    const displayName = text('displayName');
    const dateText = {
      dateOfBirth: text('dateOfBirth'),
      supportFrom: text('commissionedSupportFrom'),
      supportTo: text('commissionedSupportTo'),
    };
    const nhsText = text('nhsNumber');
    const values = { system, externalId, clientGroup, displayName, ...dateText, nhsNumber: nhsText };
    for (const [field, value] of Object.entries(values)) {
      if (value !== null && hasControlCharacter(value)) bad(field, 'holds a control character (such as NUL)');
    }
    if (!system || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(system)) bad('system', 'must be a record-system name such as carefirst');
    if (!externalId || externalId.length > 100) bad('externalId', 'is required (at most 100 characters)');
    if (!clientGroup || clientGroup.length > 100) bad('clientGroup', 'is required (at most 100 characters)');
    else if (allowedClientGroups) {
      const problem = clientGroupProblem(allowedClientGroups, clientGroup);
      if (problem) bad('clientGroup', problem);
    }
    if (displayName === null || displayName.length > 200) bad('displayName', 'must be text of at most 200 characters');
    const dateDetail =
      layout.dateFormat === 'dd/mm/yyyy'
        ? 'must be a real date from 01/01/1900 to 31/12/2199, written DD/MM/YYYY (settings.imports.dateFormat)'
        : 'must be a real date from 1900-01-01 to 2199-12-31, written YYYY-MM-DD';
    const dateOfBirth = dateText.dateOfBirth === null ? null : readDate(dateText.dateOfBirth, layout.dateFormat);
    if (dateOfBirth === null) bad('dateOfBirth', dateDetail);
    // Long-term support the council commissions without a personal budget (ASCOF's denominator).
    const supportFrom = dateText.supportFrom === null ? null : readDate(dateText.supportFrom, layout.dateFormat);
    const supportTo = dateText.supportTo === null ? null : readDate(dateText.supportTo, layout.dateFormat);
    if (supportFrom === null) bad('commissionedSupportFrom', dateDetail);
    if (supportTo === null) bad('commissionedSupportTo', dateDetail);
    // The NHS number, when the file has one, is checked (modulus 11) and kept as the person's `nhs` id.
    const nhs = nhsText === null || nhsText === '' ? null : nhsNumber(nhsText);
    if (nhsText === null || (nhsText !== '' && nhs === null))
      bad('nhsNumber', 'must be a valid NHS number: ten digits whose last is the modulus 11 check digit');
    if (nhs !== null && seenNhs.has(nhs)) bad('nhsNumber', `repeats the NHS number on line ${seenNhs.get(nhs)}`);
    if (!supportFrom && supportTo) bad('commissionedSupportFrom', 'is required with commissionedSupportTo');
    if (supportFrom && supportTo && supportTo < supportFrom) bad('commissionedSupportTo', `must be on or after ${supportFrom}`);
    const id = `${system}:${externalId}`;
    if (rowErrors.length === 0 && seen.has(id)) bad(null, `repeats ${id} from line ${seen.get(id)}`);
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    seen.set(id, line);
    if (nhs !== null) seenNhs.set(nhs, line);
    rows.push({
      line,
      system: system as string,
      externalId: externalId as string,
      clientGroup: clientGroup as string,
      displayName: displayName || null,
      dateOfBirth: dateOfBirth || null,
      ...(nhs === null ? {} : { nhsNumber: nhs }),
      // A file without the columns leaves what the person has as it is.
      ...(record.commissionedSupportFrom === undefined && record.commissionedSupportTo === undefined
        ? {}
        : { commissionedSupportFrom: supportFrom || null, commissionedSupportTo: supportTo || null }),
    });
  }
  errors.unshift(...unreadable);
  return { rows, errors, failedRows: new Set(errors.map((error) => error.line)).size, ignoredColumns: [...ignored] };
}

/**
 * The rows whose NHS number someone else in the council holds (a person who does not hold the
 * row's record-system id) moved to the errors, one each.
 */
export function withNhsNumbersChecked(
  file: { rows: ImportRow[]; errors: RowError[]; failedRows: number },
  holders: ReadonlyMap<string, { personId: string; ids: ReadonlySet<string> }>,
): { rows: ImportRow[]; errors: RowError[]; failedRows: number } {
  const rows: ImportRow[] = [];
  const errors = [...file.errors];
  for (const row of file.rows) {
    const holder = row.nhsNumber ? holders.get(row.nhsNumber) : undefined;
    if (holder && !holder.ids.has(`${row.system}:${row.externalId}`))
      errors.push({ line: row.line, pointer: `/line/${row.line}/nhsNumber`, detail: 'is another person’s NHS number in this council' });
    else rows.push(row);
  }
  return { rows, errors, failedRows: file.failedRows + (file.rows.length - rows.length) };
}
