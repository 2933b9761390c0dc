import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, rolesAccess } from '../../../auth/roles.js';
import { AppError } from '../../../errors.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { listApiKeys } from '../../../repositories/councils.js';
import { toApiKeySummary } from '../../../representations/councils.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problemResponses, Text } from '../../../schemas/common.js';
import { createApiKey, MAX_ROTATION_OVERLAP_HOURS, revokeApiKey, rotateApiKey } from '../../../workflows/api-keys.js';
import { ApiKeySummary, NewApiKey, Role } from '../councils/schemas.js';

const CreateApiKeyBody = Type.Object(
  {
    name: Text(200),
    roles: Type.Array(Role, { minItems: 1, maxItems: 8, uniqueItems: true }),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the key stops working (401); by default it does not expire' }),
    ),
  },
  { additionalProperties: false },
);

const RotateApiKeyBody = Type.Object(
  {
    previousSecretValidForHours: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_ROTATION_OVERLAP_HOURS,
        description: 'How long the replaced secret keeps working, so every system using the key can be changed over (default 24)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** API keys: random, shown once, stored as hashes; each holds roles within one council. */
const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api-keys',
    {
      config: { problems: ['INVALID_INPUT'], access: rolesAccess('admin') },
      schema: {
        operationId: 'createApiKey',
        tags: ['platform'],
        summary: 'Create an API key',
        description:
          'The key is in the response once and never again. A portal key cannot hold other roles: it sees only the people it created.',
        headers: IdempotencyHeaders,
        body: CreateApiKeyBody,
        response: { 201: NewApiKey, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { name, roles, expiresAt } = request.body;
      if (roles.includes('portal') && roles.length > 1) {
        throw new AppError('INVALID_INPUT', 'A portal key sees only its own people, so it cannot also hold council-wide roles', {
          errors: [{ pointer: '/roles', detail: 'portal cannot be combined with other roles' }],
        });
      }
      return createWithWorkflow(request, reply, async (context) => {
        const { row, key } = await createApiKey(context, {
          name,
          roles,
          createdBy: actorOf(request.principal),
          expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
        });
        return { body: { ...toApiKeySummary(row), key }, headers: { location: `/v1/api-keys/${row.id}` } };
      });
    },
  );

  app.get(
    '/api-keys',
    {
      config: { access: rolesAccess('admin', 'auditor') },
      schema: {
        operationId: 'listApiKeys',
        tags: ['platform'],
        summary: "List the council's API keys (never the keys themselves)",
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(ApiKeySummary), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const rows = await listApiKeys(app.db, councilOf(request), page.after, page.size + 1);
      return toPage(rows, page, toApiKeySummary);
    },
  );

  app.post(
    '/api-keys/:id/rotation',
    {
      config: { problems: ['INVALID_STATE'], access: rolesAccess('admin') },
      schema: {
        operationId: 'rotateApiKey',
        tags: ['platform'],
        summary: 'Give an API key a new secret, keeping the old one working for a change-over',
        description:
          'The new key is in the response once. Its id, roles and expiry stay; the secret it replaces keeps working for previousSecretValidForHours (two live secrets), then is refused.',
        params: IdParams,
        body: RotateApiKeyBody,
        response: { 200: NewApiKey, ...problemResponses },
      },
    },
    async (request) => {
      const { row, key } = await runWorkflow(request, (context) =>
        rotateApiKey(context, request.params.id, request.body.previousSecretValidForHours ?? 24),
      );
      app.forgetApiKey(row.id);
      return { ...toApiKeySummary(row), key };
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { problems: ['LAST_ADMIN_KEY'], access: rolesAccess('admin') },
      schema: {
        operationId: 'revokeApiKey',
        tags: ['platform'],
        summary: 'Revoke an API key',
        description:
          'At once on this instance; other instances refuse the key within 5 seconds. The council’s last active admin key cannot be revoked (409 LAST_ADMIN_KEY).',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await runWorkflow(request, (context) => revokeApiKey(context, request.params.id));
      app.forgetApiKey(request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default apiKeyRoutes;
