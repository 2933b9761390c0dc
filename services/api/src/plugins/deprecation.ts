import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A route on its way out: when it was deprecated, when it goes, and what replaces it. */
export interface Deprecation {
  /** The date it was deprecated (YYYY-MM-DD). */
  readonly deprecatedOn: string;
  /** The date after which it may be removed (YYYY-MM-DD): at least six months later (CHANGELOG.md). */
  readonly sunsetOn: string;
  /** Where to go instead, if anywhere (a path or an absolute URL). */
  readonly successor?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the route deprecated: `deprecated: true` in the document, and headers on every answer. */
    deprecation?: Deprecation;
  }
}

const midnight = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * The headers a deprecated route answers with: `Deprecation: @<unix seconds>` (RFC 9745),
 * `Sunset: <HTTP-date>` (RFC 8594) and, when there is a successor, `Link: <…>; rel="successor-version"`.
 */
export function deprecationHeaders(deprecation: Deprecation): Record<string, string> {
  return {
    deprecation: `@${Math.floor(midnight(deprecation.deprecatedOn).getTime() / 1000)}`,
    sunset: midnight(deprecation.sunsetOn).toUTCString(),
    ...(deprecation.successor ? { link: `<${deprecation.successor}>; rel="successor-version"` } : {}),
  };
}

/** Adds the deprecation headers to every answer of a route whose config says it is deprecated. */
export default fp(
  async function deprecation(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      const deprecated = route.config?.deprecation;
      if (!deprecated) return;
      const headers = deprecationHeaders(deprecated);
      const hooks = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
      route.onSend = [
        ...hooks,
        async (_request, reply, payload) => {
          reply.headers(headers);
          return payload;
        },
      ];
      route.schema = {
        ...route.schema,
        deprecated: true,
        description: `${route.schema?.description ? `${route.schema.description}\n\n` : ''}Deprecated on ${deprecated.deprecatedOn}; may be removed after ${deprecated.sunsetOn}${deprecated.successor ? `: use ${deprecated.successor}` : ''}.`,
      };
    });
  },
  { name: 'deprecation' },
);
