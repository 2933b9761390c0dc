import { unprocessable } from '../../../errors.js';
import { hasControlCharacter } from '../../../http/control-characters.js';
import { isServiceDate } from '../../../http/dates.js';
import { JSON_DEPTH_DETAIL, nestsDeeperThan } from '../../../http/json-depth.js';
import { isOneOf } from '../../../one-of.js';
import type { ImportedPerson } from '../../../repositories/people.js';
import { slicer } from '../../../slices.js';
import { clientGroupProblem } from '../../../workflows/client-groups.js';
import { csvRows } from './csv.js';

/** The fields of a people file, in the order a CSV header usually lists them. */
export const FIELDS = [
  'system',
  'externalId',
  'clientGroup',
  'displayName',
  'dateOfBirth',
  'commissionedSupportFrom',
  'commissionedSupportTo',
] as const;

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
 * in another group is bad too.
 */
export async function readPeopleFile(
  body: string,
  ndjson: boolean,
  allowedClientGroups?: readonly string[],
): Promise<{ rows: ImportRow[]; errors: RowError[]; failedRows: number }> {
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
        else yield { line: index + 1, record: value as Record<string, unknown> };
      }
    })();
  } else {
    const data = csvRows(body);
    const header = data.next();
    const names: string[] = header.done ? [] : header.value.fields.map((name) => name.trim());
    const missing = ['system', 'externalId', 'clientGroup'].filter((name) => !names.includes(name));
    if (missing.length > 0)
      throw unprocessable('INVALID_INPUT', `The header row lacks ${missing.join(', ')}`, [
        { pointer: '/line/1', detail: `the header must name ${FIELDS.join(', ')}` },
      ]);
    records = (function* () {
      for (const row of data) yield { line: row.line, record: Object.fromEntries(names.map((name, i) => [name, row.fields[i] ?? ''])) };
    })();
  }
  const seen = new Map<string, number>();
  // 100,000 rows are checked in slices, so the other requests on the instance are not held.
  const breathe = slicer();
  for (const { line, record } of records) {
    await breathe();
    const text = (name: string) =>
      typeof record[name] === 'string' ? record[name].trim() : record[name] === undefined || record[name] === null ? '' : null;
    const rowErrors: RowError[] = [];
    const bad = (field: string | null, detail: string) =>
      rowErrors.push({ line, pointer: field === null ? `/line/${line}` : `/line/${line}/${field}`, detail });
    const unknown = Object.keys(record).filter((name) => !isOneOf(FIELDS, name));
    for (const name of unknown) bad(name.replaceAll('~', '~0').replaceAll('/', '~1'), 'is not a field of a people file');
    const system = text('system');
    const externalId = text('externalId');
    const clientGroup = text('clientGroup');
    const displayName = text('displayName');
    const dateOfBirth = text('dateOfBirth');
    const supportFrom = text('commissionedSupportFrom');
    const supportTo = text('commissionedSupportTo');
    const values = { system, externalId, clientGroup, displayName, dateOfBirth, supportFrom, supportTo };
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
    if (dateOfBirth === null || (dateOfBirth !== '' && !isServiceDate(dateOfBirth)))
      bad('dateOfBirth', 'must be a real date from 1900-01-01 to 2199-12-31, written YYYY-MM-DD');
    // Long-term support the council commissions without a personal budget (ASCOF's denominator).
    for (const [field, value] of [
      ['commissionedSupportFrom', supportFrom],
      ['commissionedSupportTo', supportTo],
    ] as const)
      if (value === null || (value !== '' && !isServiceDate(value)))
        bad(field, 'must be a real date from 1900-01-01 to 2199-12-31, written YYYY-MM-DD');
    if (!supportFrom && supportTo) bad('commissionedSupportFrom', 'is required with commissionedSupportTo');
    if (supportFrom && supportTo && supportTo < supportFrom) bad('commissionedSupportTo', `must be on or after ${supportFrom}`);
    const id = `${system}:${externalId}`;
    if (rowErrors.length === 0 && seen.has(id)) bad(null, `repeats ${id} from line ${seen.get(id)}`);
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    seen.set(id, line);
    rows.push({
      line,
      system: system as string,
      externalId: externalId as string,
      clientGroup: clientGroup as string,
      displayName: displayName || null,
      dateOfBirth: dateOfBirth || null,
      // A file without the columns leaves what the person has as it is.
      ...(record.commissionedSupportFrom === undefined && record.commissionedSupportTo === undefined
        ? {}
        : { commissionedSupportFrom: supportFrom || null, commissionedSupportTo: supportTo || null }),
    });
  }
  errors.unshift(...unreadable);
  return { rows, errors, failedRows: new Set(errors.map((error) => error.line)).size };
}
