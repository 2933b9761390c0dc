import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Security headers on every answer. The API serves JSON and a few self-contained HTML reports;
 * nothing it serves needs to be framed, sniffed or cached by a shared cache.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cross-origin-opener-policy', 'same-origin');
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      // Swagger UI sets its own CSP; everything else, including HTML reports, runs no scripts.
      if (!request.url.startsWith('/docs') && !reply.hasHeader('content-security-policy')) {
        reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
      }
    });
  },
  { name: 'security-headers' },
);
