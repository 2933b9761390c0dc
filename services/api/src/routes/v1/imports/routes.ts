import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isCalendarDate } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import { AppError, unprocessable } from '../../../errors.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { parseCsv } from '../../../rules/csv.js';
import { problemResponses } from '../../../schemas/common.js';
import { findExternalIdOwners, findPerson, insertPerson, updatePerson } from '../people/repository.js';

const FIELDS = ['system', 'externalId', 'clientGroup', 'displayName', 'dateOfBirth'] as const;
type ImportRow = {
  line: number;
  system: string;
  externalId: string;
  clientGroup: string;
  displayName: string | null;
  dateOfBirth: string | null;
};
const MAX_ROWS = 50_000;

const ImportReport = Type.Object({
  mode: Type.Enum(['all-or-nothing', 'best-effort']),
  total: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  failed: Type.Integer(),
  errors: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
});

/** Reads rows from CSV (header row with the field names) or NDJSON (one object a line). */
function readRows(body: string, ndjson: boolean): { rows: ImportRow[]; errors: { line: number; reason: string }[] } {
  const rows: ImportRow[] = [];
  const errors: { line: number; reason: string }[] = [];
  const records: { line: number; record: Record<string, unknown> }[] = [];
  if (ndjson) {
    body.split('\n').forEach((text, index) => {
      if (text.trim() === '') return;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        records.push({ line: index + 1, record: value as Record<string, unknown> });
      } catch {
        errors.push({ line: index + 1, reason: 'is not a JSON object' });
      }
    });
  } else {
    const [header, ...data] = parseCsv(body);
    const names = header?.fields.map((name) => name.trim()) ?? [];
    const missing = ['system', 'externalId', 'clientGroup'].filter((name) => !names.includes(name));
    if (missing.length > 0)
      throw unprocessable('INVALID_INPUT', `The header row lacks ${missing.join(', ')}`, [
        { pointer: '/line/1', detail: `the header must name ${FIELDS.join(', ')}` },
      ]);
    for (const row of data)
      records.push({ line: row.line, record: Object.fromEntries(names.map((name, i) => [name, row.fields[i] ?? ''])) });
  }
  const seen = new Map<string, number>();
  for (const { line, record } of records) {
    const text = (name: string) =>
      typeof record[name] === 'string' ? (record[name] as string).trim() : record[name] === undefined || record[name] === null ? '' : null;
    const reasons: string[] = [];
    const unknown = Object.keys(record).filter((name) => !(FIELDS as readonly string[]).includes(name));
    if (unknown.length > 0) reasons.push(`unknown field ${unknown.join(', ')}`);
    const system = text('system');
    const externalId = text('externalId');
    const clientGroup = text('clientGroup');
    const displayName = text('displayName');
    const dateOfBirth = text('dateOfBirth');
    if (!system || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(system))
      reasons.push('system must be a record-system name such as carefirst');
    if (!externalId || externalId.length > 100) reasons.push('externalId is required (at most 100 characters)');
    if (!clientGroup || clientGroup.length > 100) reasons.push('clientGroup is required (at most 100 characters)');
    if (displayName === null || displayName.length > 200) reasons.push('displayName must be text of at most 200 characters');
    if (dateOfBirth === null || (dateOfBirth !== '' && !isCalendarDate(dateOfBirth)))
      reasons.push('dateOfBirth must be a real date written YYYY-MM-DD');
    const id = `${system}:${externalId}`;
    if (reasons.length === 0 && seen.has(id)) reasons.push(`repeats ${id} from line ${seen.get(id)}`);
    if (reasons.length > 0) {
      errors.push({ line, reason: reasons.join('; ') });
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
    });
  }
  return { rows, errors };
}

/** Bulk import of people from a record system: upsert by record-system id. */
const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], { parseAs: 'string', bodyLimit: 20 * 1_048_576 }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/imports/people',
    {
      config: { access: rolesAccess('integration', 'admin') },
      bodyLimit: 20 * 1_048_576,
      schema: {
        operationId: 'importPeople',
        tags: ['integration'],
        summary: 'Create or update people from a record-system file (CSV or NDJSON), matched by record-system id',
        description: `Fields: ${FIELDS.join(', ')} (CSV with a header row, or one JSON object a line). A person whose system:externalId exists is updated; otherwise created. Every bad row is reported with its line and reason. mode=all-or-nothing writes nothing if any row is bad (422); best-effort (default) writes the good rows. At most ${MAX_ROWS} rows.`,
        querystring: Type.Object({ mode: Type.Optional(Type.Enum(['all-or-nothing', 'best-effort'])) }, { additionalProperties: false }),
        consumes: ['text/csv', 'application/x-ndjson'],
        body: Type.String({ description: 'The file' }),
        response: { 200: ImportReport, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const mode = (request.query.mode ?? 'best-effort') as 'all-or-nothing' | 'best-effort';
      const ndjson = String(request.headers['content-type']).startsWith('application/x-ndjson');
      const { rows, errors } = readRows(request.body, ndjson);
      if (rows.length + errors.length > MAX_ROWS)
        throw unprocessable('INVALID_INPUT', `At most ${MAX_ROWS} rows per import`, [{ pointer: '/body', detail: 'has too many rows' }]);
      if (mode === 'all-or-nothing' && errors.length > 0) {
        throw new AppError('INVALID_INPUT', `${errors.length} row(s) are bad, so nothing was imported: see errors`, {
          errors: errors.map((error) => ({ pointer: `/line/${error.line}`, detail: error.reason })),
        });
      }
      const counts = { created: 0, updated: 0, unchanged: 0 };
      await write(request, async (tx, changes) => {
        for (const row of rows) {
          const [owner] = await findExternalIdOwners(tx, scope.councilId, { [row.system]: row.externalId });
          const existing =
            owner && (await findPerson(tx, { councilId: scope.councilId, portalKeyId: null }, owner.personId, { forUpdate: true }));
          if (!existing) {
            const record = await insertPerson(
              tx,
              scope.councilId,
              { clientGroup: row.clientGroup, displayName: row.displayName, dateOfBirth: row.dateOfBirth, agent: null },
              { [row.system]: row.externalId },
              request.principal.kind === 'key' ? request.principal.keyId : null,
            );
            counts.created++;
            changes.record({
              action: 'person.created',
              entityType: 'person',
              entityId: record.person.id,
              after: { id: record.person.id, externalIds: record.externalIds, clientGroup: row.clientGroup, source: 'import' },
            });
            continue;
          }
          const person = existing.person;
          if (
            person.client_group === row.clientGroup &&
            person.display_name === row.displayName &&
            person.date_of_birth === row.dateOfBirth
          ) {
            counts.unchanged++;
            continue;
          }
          const updated = await updatePerson(tx, scope.councilId, person.id, {
            clientGroup: row.clientGroup,
            displayName: row.displayName,
            dateOfBirth: row.dateOfBirth,
            agent: person.agent,
          });
          counts.updated++;
          changes.record({
            action: 'person.updated',
            entityType: 'person',
            entityId: person.id,
            before: { id: person.id, clientGroup: person.client_group, version: person.version },
            after: {
              id: person.id,
              externalIds: existing.externalIds,
              clientGroup: updated.client_group,
              version: updated.version,
              source: 'import',
            },
          });
        }
      });
      return { mode, total: rows.length + errors.length, ...counts, failed: errors.length, errors };
    },
  );
};

export default importRoutes;
