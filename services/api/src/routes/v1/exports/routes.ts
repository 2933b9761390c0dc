import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess, rolesOf } from '../../../auth/roles.js';
import { csvField } from '../../../documents/summary-report.js';
import { AppError, unprocessable } from '../../../errors.js';
import { runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { problemResponses, Timestamp } from '../../../schemas/common.js';
import { recordEqualityExport } from '../../../workflows/equality-monitoring.js';
import { EXPORT_KIND_NAMES, EXPORT_KINDS, type ExportRecord, withEqualityMonitoring } from './kinds.js';

const PAGE = 500;

/** Bulk files for record systems: every record of a kind, streamed page by page as CSV or NDJSON. */
const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/exports/:kind',
    {
      config: { access: rolesAccess('integration', 'admin', 'auditor'), problems: ['INVALID_INPUT'] },
      schema: {
        operationId: 'exportRecords',
        tags: ['integration'],
        summary: 'Stream every record of a kind as CSV or NDJSON, for nightly reconciliation',
        description: Object.entries(EXPORT_KINDS)
          .map(([kind, spec]) => `- \`${kind}\`: ${spec.description}. Fields: ${spec.columns.join(', ')}.`)
          .join('\n'),
        params: Type.Object({ kind: Type.Enum(EXPORT_KIND_NAMES) }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Enum(['csv', 'ndjson'], { description: 'Default ndjson' })),
            since: Type.Optional(Timestamp),
            includeEquality: Type.Optional(
              Type.Boolean({
                description:
                  'people only, admin keys only: add the equality monitoring columns (special-category data; the export is audited). Never included otherwise.',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        produces: ['application/x-ndjson', 'text/csv'],
        response: {
          200: { content: { 'application/x-ndjson': { schema: Type.String() }, 'text/csv': { schema: Type.String() } } },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      let spec = EXPORT_KINDS[request.params.kind];
      if (request.query.includeEquality === true) {
        if (request.params.kind !== 'people')
          throw unprocessable('INVALID_INPUT', 'Equality monitoring is exported only with people', [
            { pointer: '/includeEquality', detail: 'applies only to the people export' },
          ]);
        if (!rolesOf(request.principal).includes('admin'))
          throw new AppError('FORBIDDEN', 'Only an admin key may export equality monitoring (special-category data)');
        spec = withEqualityMonitoring(spec);
        await runWorkflow(request, (context) =>
          recordEqualityExport(context, { kind: 'people', format: request.query.format ?? 'ndjson', since: request.query.since ?? null }),
        );
      }
      // Logged with what this kind shows: special-category whenever equality answers go out.
      request.personalDataShown = spec.shows;
      const csv = request.query.format === 'csv';
      const since = request.query.since ? new Date(request.query.since) : null;
      // A full export reads every record of a kind: the replica when there is one and it is caught
      // up. An incremental one (since=) reads the primary: rows the replica has yet to replay would
      // fall before the next run's since and be missed for good.
      const db = since === null ? await app.reads.reader() : app.db;
      async function* lines(): AsyncGenerator<string> {
        if (csv) yield `${spec.columns.join(',')}\r\n`;
        let after: string | null = null;
        do {
          const { records, last }: { records: ExportRecord[]; last: string | null } = await spec.page(db, {
            councilId,
            after,
            limit: PAGE,
            since,
          });
          let chunk = '';
          for (const record of records)
            chunk += csv ? `${spec.columns.map((column) => csvField(record[column])).join(',')}\r\n` : `${JSON.stringify(record)}\n`;
          if (chunk) yield chunk;
          after = last;
        } while (after !== null);
      }
      const name = `${request.params.kind}.${csv ? 'csv' : 'ndjson'}`;
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(lines()));
    },
  );
};

export default exportRoutes;
