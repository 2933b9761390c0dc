import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OPERATOR, PUBLIC } from '../../auth/roles.js';
import { migrationLevel } from '../../db/migrate.js';
import { AppError } from '../../errors.js';
import { toOpenApi30 } from '../../openapi/openapi-30.js';
import { problemResponses } from '../../schemas/common.js';
import { SERVICE_VERSION } from '../../version.js';

/** Health, readiness, version and the OpenAPI document: for load balancers and operators. */
const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { access: PUBLIC };
  app.get(
    '/health',
    {
      // Answered even while the instance sheds load: it says the process is up, cheaply.
      config: { ...config, alwaysAnswered: true },
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'The process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), ...problemResponses },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config,
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'The database is reachable',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), ...problemResponses },
      },
    },
    async () => {
      try {
        await app.database.ping();
      } catch {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database is not reachable');
      }
      return { status: 'ready' as const, database: app.database.kind };
    },
  );

  app.get(
    '/version',
    {
      config,
      schema: {
        operationId: 'getVersion',
        tags: ['operations'],
        summary: 'Service version and migration level',
        response: {
          200: Type.Object({
            service: Type.String(),
            version: Type.String(),
            migration: Type.Union([Type.String(), Type.Null()]),
            database: Type.String(),
          }),
          ...problemResponses,
        },
      },
    },
    async () => ({ service: 'ras-api', version: SERVICE_VERSION, migration: await migrationLevel(app.db), database: app.database.kind }),
  );

  app.get('/openapi.json', { config, schema: { hide: true } }, async () => app.swagger());
  // The 3.0.3 rendition for generators that read only 3.0, its server the address it was fetched
  // at (behind a proxy, with TRUST_PROXY, the address the client used).
  // Converted once (it takes a second or more) and then only given its server: the route needs no key.
  let rendition: Record<string, unknown> | undefined;
  app.get('/openapi-3.0.json', { config, schema: { hide: true } }, async (request) => {
    rendition ??= toOpenApi30(app.swagger(), '/');
    return { ...rendition, servers: [{ url: `${request.protocol}://${request.host}`, description: 'The RAS service' }] };
  });

  // A consistent backup of the embedded database while the service runs: every council's data, so
  // the operator token only. PostgreSQL is backed up with its own tools (pg_dump, pg_basebackup).
  app.get('/backup', { config: { access: OPERATOR, problems: ['INVALID_STATE'] }, schema: { hide: true } }, async (_request, reply) => {
    const dump = app.database.dumpDataDir;
    if (!dump) {
      throw new AppError(
        'INVALID_STATE',
        'The service runs on PostgreSQL: back it up with pg_dump or pg_basebackup (README, Operating it)',
      );
    }
    const tarball = Buffer.from(await (await dump()).arrayBuffer());
    const stamp = app.clock.now().toISOString().slice(0, 10);
    return reply
      .type('application/gzip')
      .header('content-disposition', `attachment; filename="ras-backup-${stamp}.tar.gz"`)
      .header('cache-control', 'no-store')
      .send(tarball);
  });
};

export default operationsRoutes;
