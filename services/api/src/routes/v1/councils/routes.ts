import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OPERATOR, rolesAccess } from '../../../auth/roles.js';
import { assertVersion, notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { write } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { findCouncil, findCouncilForUpdate, insertApiKey, insertCouncil, updateCouncil } from '../../../repositories/councils.js';
import { toApiKeySummary, toCouncil } from '../../../representations/councils.js';
import { IdempotencyHeaders, IfMatchHeaders, problemResponses } from '../../../schemas/common.js';
import { assertCouncilSettings } from '../../../schemas/council-settings-checks.js';
import { Council, CreateCouncilBody, CreateCouncilResponse, UpdateCouncilBody } from './schemas.js';

/** Councils: created by the operator, each with a first admin key. */
const councilRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/councils',
    {
      config: { access: OPERATOR, problems: ['INVALID_INPUT', 'RETENTION_BELOW_STATUTORY_MINIMUM'] },
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
      assertCouncilSettings(request.body.settings);
      return createOnce(request, reply, async (tx, changes) => {
        const council = await insertCouncil(tx, request.body.name, request.body.settings ?? {});
        const { row, key } = await insertApiKey(tx, council.id, 'First admin key', ['admin'], 'operator');
        changes.bind(council.id);
        changes.record({ action: 'council.created', entityType: 'council', entityId: council.id, after: toCouncil(council) });
        changes.record({ action: 'api-key.created', entityType: 'api-key', entityId: row.id, after: toApiKeySummary(row), event: false });
        return {
          body: { council: toCouncil(council), adminKey: { ...toApiKeySummary(row), key } },
          headers: { location: `/v1/councils/${council.id}` },
        };
      });
    },
  );

  app.get(
    '/council',
    {
      config: { access: rolesAccess('admin', 'auditor') },
      schema: {
        operationId: 'getCouncil',
        tags: ['platform'],
        summary: 'The council of the calling key, with its settings',
        response: { 200: Council, ...problemResponses },
      },
    },
    async (request, reply) => {
      const council = await findCouncil(app.db, councilOf(request));
      if (!council) throw notFound('council', councilOf(request));
      reply.header('etag', etag(council.version));
      return toCouncil(council);
    },
  );

  app.patch(
    '/council',
    {
      config: { access: rolesAccess('admin'), problems: ['INVALID_INPUT', 'RETENTION_BELOW_STATUTORY_MINIMUM'] },
      schema: {
        operationId: 'updateCouncil',
        tags: ['platform'],
        summary: 'Change the council’s name or settings (payment frequency, contribution collection, first review, targets)',
        description: 'settings replaces the stored settings as a whole. Needs If-Match.',
        headers: IfMatchHeaders,
        body: UpdateCouncilBody,
        response: { 200: Council, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const councilId = councilOf(request);
      assertCouncilSettings(request.body.settings);
      const after = await write(request, async (tx, changes) => {
        const before = await findCouncilForUpdate(tx, councilId);
        if (!before) throw notFound('council', councilId);
        assertVersion(expected, before.version);
        const updated = await updateCouncil(
          tx,
          councilId,
          {
            ...(request.body.name === undefined ? {} : { name: request.body.name }),
            ...(request.body.settings === undefined ? {} : { settings: request.body.settings }),
          },
          app.clock.now(),
        );
        changes.record({
          action: 'council.updated',
          entityType: 'council',
          entityId: councilId,
          before: toCouncil(before),
          after: toCouncil(updated),
        });
        return updated;
      });
      reply.header('etag', etag(after.version));
      return toCouncil(after);
    },
  );
};

export default councilRoutes;
