import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OPERATOR, rolesAccess } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { findCouncil } from '../../../repositories/councils.js';
import { toApiKeySummary, toCouncil } from '../../../representations/councils.js';
import { IdempotencyHeaders, IfMatchHeaders, problemResponses } from '../../../schemas/common.js';
import { assertCouncilSettings } from '../../../schemas/council-settings-checks.js';
import { MERGE_PATCH_MEDIA_TYPE } from '../../../schemas/merge-patch.js';
import { COUNCIL, createCouncil, replaceCouncil, updateCouncil } from '../../../workflows/councils.js';
import { Council, CreateCouncilBody, CreateCouncilResponse, ReplaceCouncilBody, UpdateCouncilBody } from './schemas.js';

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
      // The operator's act: there is no council yet to scope a workflow context to, so the
      // workflow gets the transaction and binds its change recorder to the council it makes.
      return createOnce(request, reply, async (tx, changes) => {
        const { council, adminKey, key } = await createCouncil({ tx, changes }, request.body);
        return {
          body: { council: toCouncil(council), adminKey: { ...toApiKeySummary(adminKey), key } },
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
      config: { access: rolesAccess(...COUNCIL.steps.update.roles), problems: ['INVALID_INPUT', 'RETENTION_BELOW_STATUTORY_MINIMUM'] },
      schema: {
        operationId: 'updateCouncil',
        tags: ['platform'],
        summary: 'Change the council’s name or some of its settings (JSON Merge Patch)',
        description:
          'A JSON Merge Patch (RFC 7396), sent as application/merge-patch+json or application/json: a setting the patch names is set (objects member by member), null removes it, and every setting it does not name is kept. The settings it makes are checked as a whole. replaceCouncil replaces them all. Needs If-Match.',
        consumes: [MERGE_PATCH_MEDIA_TYPE, 'application/json'],
        headers: IfMatchHeaders,
        body: UpdateCouncilBody,
        response: { 200: Council, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const after = await runWorkflow(request, (context) => updateCouncil(context, expected, request.body));
      reply.header('etag', etag(after.version));
      return toCouncil(after);
    },
  );

  app.put(
    '/council',
    {
      config: { access: rolesAccess(...COUNCIL.steps.update.roles), problems: ['INVALID_INPUT', 'RETENTION_BELOW_STATUTORY_MINIMUM'] },
      schema: {
        operationId: 'replaceCouncil',
        tags: ['platform'],
        summary: 'Replace the council’s name and settings as a whole',
        description:
          'Every setting not in the body goes back to its default: for a change to some settings, use updateCouncil. Needs If-Match.',
        headers: IfMatchHeaders,
        body: ReplaceCouncilBody,
        response: { 200: Council, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      assertCouncilSettings(request.body.settings);
      const after = await runWorkflow(request, (context) => replaceCouncil(context, expected, request.body));
      reply.header('etag', etag(after.version));
      return toCouncil(after);
    },
  );
};

export default councilRoutes;
