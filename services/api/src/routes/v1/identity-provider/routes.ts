import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { findIdentityProvider } from '../../../repositories/identity-providers.js';
import { toIdentityProvider } from '../../../representations/councils.js';
import { IfMatchWhenReplacingHeaders, problemResponses } from '../../../schemas/common.js';
import { removeIdentityProvider, setIdentityProvider } from '../../../workflows/identity-provider.js';
import { IdentityProvider, IdentityProviderBody } from './schemas.js';

/**
 * The council's identity provider: the OpenID Connect issuer (Entra ID or another) whose access
 * tokens the service accepts as well as API keys, naming the person acting.
 */
const identityProviderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/identity-provider',
    {
      config: { access: rolesAccess('admin', 'auditor'), problems: ['NOT_FOUND'] },
      schema: {
        operationId: 'getIdentityProvider',
        tags: ['platform'],
        summary: 'Read which identity provider’s tokens the council trusts',
        response: { 200: IdentityProvider, ...problemResponses },
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      const row = await findIdentityProvider(app.db, councilId);
      if (!row) throw notFound('identity provider', councilId);
      reply.header('etag', etag(row.version));
      return toIdentityProvider(row);
    },
  );

  app.put(
    '/identity-provider',
    {
      config: {
        access: rolesAccess('admin'),
        problems: ['INVALID_INPUT', 'ALREADY_EXISTS', 'PRECONDITION_REQUIRED', 'PRECONDITION_FAILED'],
      },
      schema: {
        operationId: 'setIdentityProvider',
        tags: ['platform'],
        summary: 'Trust the council’s identity provider (Entra ID or any OpenID Connect provider)',
        description:
          'From then on an access token from this issuer, for this audience, signed with one of its published keys, is accepted as `Authorization: Bearer <token>`: its subject is the person acting, its roles claim maps to roles through roleMap. API keys carry on working. Changing existing settings needs If-Match.',
        headers: IfMatchWhenReplacingHeaders,
        body: IdentityProviderBody,
        response: { 200: IdentityProvider, 201: IdentityProvider, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const expected = request.headers['if-match'] === undefined ? null : requireIfMatch(request);
      // The service fetches the provider's keys from these addresses: held to the outbound rule
      // webhooks are (no private or internal addresses unless ALLOW_PRIVATE_WEBHOOKS).
      for (const [pointer, url] of [
        ['/issuer', body.issuer],
        ['/jwksUri', body.jwksUri ?? null],
      ] as const) {
        const refused = url === null ? null : await app.webhookTargets.refusedUrl(url);
        if (refused !== null) {
          throw unprocessable('INVALID_INPUT', 'The identity provider’s addresses must be public', [{ pointer, detail: refused }]);
        }
      }
      const { row, before } = await runWorkflow(request, (context) =>
        setIdentityProvider(
          context,
          {
            issuer: body.issuer,
            audience: body.audience,
            jwksUri: body.jwksUri ?? null,
            rolesClaim: body.rolesClaim ?? 'roles',
            nameClaim: body.nameClaim ?? 'name',
            roleMap: body.roleMap,
            algorithms: body.algorithms ?? ['RS256'],
            clockToleranceSeconds: body.clockToleranceSeconds ?? 60,
          },
          expected,
        ),
      );
      app.forgetIdentityProvider(row.issuer);
      if (before) app.forgetIdentityProvider(before.issuer);
      reply.header('etag', etag(row.version));
      return reply.code(before ? 200 : 201).send(toIdentityProvider(row));
    },
  );

  app.delete(
    '/identity-provider',
    {
      config: { access: rolesAccess('admin'), problems: ['NOT_FOUND'] },
      schema: {
        operationId: 'removeIdentityProvider',
        tags: ['platform'],
        summary: 'Stop trusting the council’s identity provider',
        description: 'Its tokens are refused at once on this instance and within 5 seconds on others; API keys carry on.',
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      const issuer = await runWorkflow(request, (context) => removeIdentityProvider(context));
      app.forgetIdentityProvider(issuer);
      return reply.code(204).send(null);
    },
  );
};

export default identityProviderRoutes;
