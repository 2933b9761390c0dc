import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Access } from '../auth/roles.js';
import { finishDocument, KEYED_EXTENSION, type OperationExamples, PROBLEMS_EXTENSION } from '../openapi/document.js';
import { problemCodes } from '../openapi/problems.js';
import { SERVICE_VERSION } from '../version.js';

const DESCRIPTION = `The headless personal budget service: self-assessment to an indicative personal budget, explained.

Money is integer pence everywhere. Errors are \`application/problem+json\` with a stable \`code\`
and, for bad input, \`errors: [{ pointer, detail }]\`. Creating POSTs accept \`Idempotency-Key\`;
updates and transitions require \`If-Match\` with the resource's \`ETag\`. Lists take \`pageSize\`
and \`pageToken\` and answer \`{ items, nextPageToken }\`.`;

/** openapi/examples.json, written by `npm run client:journey -- --examples`; none if it is absent. */
function operationExamples(): OperationExamples {
  try {
    return JSON.parse(readFileSync(new URL('../../../../openapi/examples.json', import.meta.url), 'utf8')) as OperationExamples;
  } catch {
    return {};
  }
}

/** The title of the Swagger UI page at /docs. */
export const DOCS_TITLE = 'RAS personal budget service: API reference';

function accessNote(access: Access | undefined): string {
  if (!access || access.kind === 'public') return 'No credentials needed.';
  if (access.kind === 'operator') return 'Needs the operator token (BOOTSTRAP_TOKEN) as the bearer token.';
  return `Roles: ${access.roles.join(', ')}${access.allowOperator ? ', or the operator token' : ''}.`;
}

/** Generates the OpenAPI document from the route schemas and serves Swagger UI at /docs. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'RAS personal budget service',
          version: SERVICE_VERSION,
          description: DESCRIPTION,
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
          contact: { name: 'RAS maintainers', url: 'https://github.com/ras-personal-budgets/ras/issues' },
        },
        servers: [{ url: '/' }],
        components: {
          securitySchemes: {
            apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (`ras_…`) or, for createCouncil, the operator token' },
            accessToken: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'An OAuth 2.0 access token from the council’s own identity provider (Microsoft Entra ID or any OpenID Connect provider), as set by setIdentityProvider: the issuer and audience name the council, the subject is the person acting, and the roles claim maps to roles. Client-credentials tokens serve record systems. Refused with 401 and `WWW-Authenticate: Bearer error="invalid_token"` when any check fails.',
            },
          },
        },
        tags: [
          { name: 'operations', description: 'Health, readiness and version' },
          { name: 'platform', description: 'Councils and API keys' },
          { name: 'rules', description: 'Questionnaires, allocation schemes and the desktop exercise' },
          { name: 'calculations', description: 'Stateless calculations: nothing stored, no personal data needed' },
          { name: 'people', description: 'People and their record-system identifiers' },
          { name: 'assessments', description: 'Self-assessments, submission and moderation' },
          { name: 'budgets', description: 'Indicative and agreed personal budgets' },
          { name: 'plans', description: 'Support plans, their decisions, and appeals' },
          { name: 'money', description: 'Financial assessments, payment agreements, the budget account and the payment run' },
          { name: 'reviews', description: 'Reviews, outcomes and clawback' },
          { name: 'reports', description: 'Monitoring and statutory figures' },
          { name: 'letters', description: 'Letters to the person: their figures in plain words, HTML or PDF, per council and language' },
          { name: 'integration', description: 'Events, webhooks and bulk files for record systems' },
          { name: 'jobs', description: 'Long work asked for with Prefer: respond-async, followed until it ends, or cancelled' },
          { name: 'self-review', description: 'The Critical Path Framework and the Minimum Process self-rating' },
          { name: 'data-protection', description: 'Subject access, legal holds, retention and erasure, who read what, and the DPIA pack' },
        ],
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
      transformObject: (documentObject) =>
        'openapiObject' in documentObject
          ? finishDocument(documentObject.openapiObject, operationExamples())
          : documentObject.swaggerObject,
      transform: ({ schema, url, route }) => {
        const access = route.config?.access;
        if (!schema) return { schema, url };
        const transformed: Record<string, unknown> = { ...schema };
        if (access && access.kind !== 'public') {
          // The operator token is only ever a bearer secret; roles come from a key or a council's token.
          transformed.security = access.kind === 'operator' ? [{ apiKey: [] }] : [{ apiKey: [] }, { accessToken: [] }];
        }
        transformed[KEYED_EXTENSION] = access !== undefined && access.kind !== 'public';
        transformed[PROBLEMS_EXTENSION] = problemCodes(route);
        const description = typeof schema.description === 'string' ? `${schema.description}\n\n` : '';
        transformed.description = `${description}${accessNote(access)}`;
        return { schema: transformed, url };
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // The static CSP asks browsers to upgrade every request to https, which breaks the page when
      // it is served over plain HTTP on a non-loopback address (a council's internal host, a
      // container): browsers treat only localhost as secure. TLS, where there is any, is the
      // proxy's business, and Strict-Transport-Security already covers https deployments. Swagger
      // UI also sets style attributes as it renders (a hash cannot allow those), so its styles,
      // and only its styles, may be inline; scripts stay limited to its own files and hashes.
      transformStaticCSP: (header) =>
        header.replace(/\s*upgrade-insecure-requests;?/, '').replace(/style-src [^;]*;/, "style-src 'self' 'unsafe-inline';"),
      theme: { title: DOCS_TITLE },
      uiConfig: { validatorUrl: null },
    });
  },
  { name: 'openapi' },
);
