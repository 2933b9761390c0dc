import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { keyIdOf, rolesAccess } from '../../../auth/roles.js';
import { AppError, unprocessable } from '../../../errors.js';
import { encodedBodyError } from '../../../http/content-encoding.js';
import { acceptAsJob, prefersAsync } from '../../../http/respond-async.js';
import { runWorkflow } from '../../../http/write.js';
import type { ImportPayload } from '../../../jobs/handlers.js';
import { scopeOf } from '../../../plugins/auth.js';
import { councilClientGroups, councilSettings } from '../../../repositories/councils.js';
import { nhsNumberHolders } from '../../../repositories/people.js';
import { problemResponses } from '../../../schemas/common.js';
import { AcceptedAsJob, PreferHeader } from '../../../schemas/jobs.js';
import { IMPORT_COMMIT_ROWS, importInSlices, importReport, importTuples } from '../../../workflows/import-people.js';
import { FIELDS, readPeopleFile, withNhsNumbersChecked } from './people-file.js';

const MAX_ROWS = 100_000;

const ImportReport = Type.Object(
  {
    mode: Type.Enum(['all-or-nothing', 'best-effort']),
    total: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    failed: Type.Integer({ description: 'Rows not imported' }),
    ignoredColumns: Type.Array(Type.String(), {
      description: 'The file’s columns (or NDJSON keys) the import ignored: neither a field nor mapped to one in settings.imports.columns',
    }),
    errors: Type.Array(
      Type.Object(
        {
          line: Type.Integer({ description: 'The line of the file (1 is a CSV header)' }),
          pointer: Type.String({ description: 'The field: /line/<n>/<field>, or /line/<n> for the row as a whole' }),
          detail: Type.String(),
        },
        { title: 'ImportRowProblem' },
      ),
      { description: 'Every problem with every bad row; the same items as a 422 for an all-or-nothing import carries' },
    ),
  },
  { title: 'ImportReport' },
);

/** Bulk import of people from a record system: upsert by record-system id. */
const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(
    ['text/csv', 'application/x-ndjson'],
    { parseAs: 'string', bodyLimit: 20 * 1_048_576 },
    (request, body, done) => {
      const encoded = encodedBodyError(request);
      if (encoded) done(encoded, undefined);
      else done(null, body);
    },
  );

  app.post(
    '/imports/people',
    {
      config: { problems: ['INVALID_INPUT'], access: rolesAccess('integration', 'admin') },
      bodyLimit: 20 * 1_048_576,
      schema: {
        operationId: 'importPeople',
        tags: ['integration'],
        summary: 'Create or update people from a record-system file (CSV or NDJSON), matched by record-system id',
        description: `Fields: ${FIELDS.join(', ')} (CSV with a header row, or one JSON object a line); settings.imports.columns maps the record system's own column names to them, and a column that is neither is ignored and listed in ignoredColumns. Dates are YYYY-MM-DD, or DD/MM/YYYY where settings.imports.dateFormat says so. nhsNumber is checked (ten digits, the modulus 11 check digit) and kept as the person's nhs id; one another person holds is a bad row. A person whose system:externalId exists is updated; otherwise created. Every bad row is reported with its line and reason. mode=all-or-nothing writes nothing if any row is bad (422), in one transaction; best-effort (default) writes the good rows, committing ${IMPORT_COMMIT_ROWS.toLocaleString('en-GB')} at a time, so a failure part-way leaves the slices before it written and sending the file again finishes it (rows already in are unchanged). At most ${MAX_ROWS} rows. With \`Prefer: respond-async\` the file is read and checked at once (a bad all-or-nothing file is still 422), then written by a job: 202 with its Location; the job's result is this report, and cancelling a best-effort import stops it between slices.`,
        headers: Type.Object(PreferHeader),
        querystring: Type.Object({ mode: Type.Optional(Type.Enum(['all-or-nothing', 'best-effort'])) }, { additionalProperties: false }),
        consumes: ['text/csv', 'application/x-ndjson'],
        body: Type.String({ description: 'The file' }),
        response: { 200: ImportReport, ...AcceptedAsJob, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const mode = request.query.mode ?? 'best-effort';
      const ndjson = String(request.headers['content-type']).startsWith('application/x-ndjson');
      const [allowed, settings] = await Promise.all([
        councilClientGroups(app.db, scope.councilId),
        councilSettings(app.db, scope.councilId),
      ]);
      const file = await readPeopleFile(request.body, ndjson, allowed, settings.imports ?? {});
      // An NHS number another person holds is the row's mistake, named like any other.
      const holders = await nhsNumberHolders(
        app.db,
        scope.councilId,
        file.rows.flatMap((row) => (row.nhsNumber ? [row.nhsNumber] : [])),
      );
      const { rows, errors, failedRows } = withNhsNumbersChecked(file, holders);
      const { ignoredColumns } = file;
      if (rows.length + failedRows > MAX_ROWS)
        throw unprocessable('INVALID_INPUT', `At most ${MAX_ROWS} rows per import`, [{ pointer: '/body', detail: 'has too many rows' }]);
      if (mode === 'all-or-nothing' && errors.length > 0) {
        throw new AppError('INVALID_INPUT', `${failedRows} row(s) are bad, so nothing was imported: see errors`, {
          errors,
          ...(errors.some((error) => error.pointer.endsWith('/clientGroup') && allowed.length > 0) ? { extensions: { allowed } } : {}),
        });
      }
      if (prefersAsync(request)) {
        const payload: ImportPayload = { rows: importTuples(rows), errors, createdByKeyId: keyIdOf(request.principal), ignoredColumns };
        return acceptAsJob(request, reply, {
          operation: 'importPeople',
          input: { mode, rows: rows.length + failedRows, failedRows },
          payload,
          total: rows.length,
        });
      }
      const counts = await importInSlices((work) => runWorkflow(request, work), {
        councilId: scope.councilId,
        createdByKeyId: keyIdOf(request.principal),
        mode,
        people: rows,
      });
      return importReport(mode, counts, rows.length, errors, failedRows, ignoredColumns);
    },
  );
};

export default importRoutes;
