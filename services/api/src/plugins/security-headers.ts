import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
};
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/**
 * Security headers on every answer, set as the request arrives so that routes can still override
 * one (a report allowing private caching). The API serves JSON and a few self-contained HTML
 * reports: nothing it serves needs to be framed, sniffed or cached by a shared cache, or runs
 * scripts, except Swagger UI, which sets its own CSP. The request id is echoed for tracing.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(HEADERS);
      reply.header('x-request-id', request.id);
      if (!request.url.startsWith('/docs')) reply.header('content-security-policy', CSP);
      done();
    });
  },
  { name: 'security-headers' },
);
