import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OPERATOR } from '../../../auth/roles.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { IdempotencyHeaders, problemResponses } from '../../../schemas/common.js';
import { insertApiKey, insertCouncil } from './repository.js';
import { toApiKeySummary, toCouncil } from './representation.js';
import { CreateCouncilBody, CreateCouncilResponse } from './schemas.js';

/** Councils: created by the operator, each with a first admin key. */
const councilRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/councils',
    {
      config: { access: OPERATOR },
      schema: {
        operationId: 'createCouncil',
        tags: ['platform'],
        summary: 'Create a council and its first admin key',
        description: 'Only with the operator token from BOOTSTRAP_TOKEN; the route is off without it. The admin key is shown once.',
        headers: IdempotencyHeaders,
        body: CreateCouncilBody,
        response: { 201: CreateCouncilResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      return createOnce(request, reply, async (tx, changes) => {
        const council = await insertCouncil(tx, request.body.name, request.body.settings ?? {});
        const { row, key } = await insertApiKey(tx, council.id, 'First admin key', ['admin'], 'operator');
        changes.bind(council.id);
        changes.record({ action: 'council.created', entityType: 'council', entityId: council.id, after: toCouncil(council) });
        changes.record({ action: 'api-key.created', entityType: 'api-key', entityId: row.id, after: toApiKeySummary(row), event: false });
        return { body: { council: toCouncil(council), adminKey: { ...toApiKeySummary(row), key } }, headers: { location: `/v1/councils/${council.id}` } };
      });
    },
  );
};

export default councilRoutes;
