import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PUBLIC } from '../../auth/roles.js';
import { migrationLevel } from '../../db/migrate.js';
import { AppError } from '../../errors.js';
import { problemResponses } from '../../schemas/common.js';
import { SERVICE_VERSION } from '../../version.js';

/** Health, readiness, version and the OpenAPI document: for load balancers and operators. */
const operationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { access: PUBLIC };
  app.get(
    '/health',
    {
      config,
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
};

export default operationsRoutes;
