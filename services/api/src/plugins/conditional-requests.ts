import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The entity tags an If-None-Match header lists, without their weak prefix, or `*`. */
function listedTags(header: string): readonly string[] {
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
}

/**
 * Answers a conditional GET or HEAD with 304 Not Modified when If-None-Match names the ETag the
 * answer carries (RFC 9110, section 13.1.2: weak comparison). Wherever an ETag is sent, a client
 * or proxy that kept the answer is spared the body. Registered before compression, so a 304 is
 * never compressed.
 */
export default fp(
  async function conditionalRequests(app: FastifyInstance) {
    app.addHook('onSend', (request, reply, payload, done) => {
      const header = request.headers['if-none-match'];
      if (header === undefined || (request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) {
        return done(null, payload);
      }
      const etag = reply.getHeader('etag');
      if (typeof etag !== 'string') return done(null, payload);
      const tags = listedTags(header);
      if (!tags.includes('*') && !tags.includes(etag.replace(/^W\//, ''))) return done(null, payload);
      reply.code(304);
      reply.removeHeader('content-length');
      reply.removeHeader('content-type');
      return done(null, '');
    });
  },
  { name: 'conditional-requests' },
);
