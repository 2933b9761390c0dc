import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { parseApiKey } from '../auth/api-key.js';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;
const MAX_TRACKED = 100_000;

/**
 * Requests per API key (or per address, for requests without one) in fixed one-minute windows,
 * counted in this instance's memory. Over the limit: 429 with Retry-After. With several
 * instances behind a load balancer each counts its own share; see ARCHITECTURE.md.
 */
export default fp(
  async function rateLimit(app: FastifyInstance, options: { perMinute: number }) {
    if (options.perMinute <= 0) return;
    const windows = new Map<string, { start: number; count: number }>();
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config.access?.kind === 'public' || request.routeOptions.config.access === undefined) return;
      const header = request.headers.authorization;
      const presented = typeof header === 'string' ? header.replace(/^Bearer\s+/i, '') : '';
      const who = parseApiKey(presented)?.id ?? `address:${request.ip}`;
      const now = Date.now();
      let window = windows.get(who);
      if (!window || now - window.start >= WINDOW_MS) {
        if (windows.size >= MAX_TRACKED) windows.clear();
        window = { start: now, count: 0 };
        windows.set(who, window);
      }
      window.count += 1;
      const reset = Math.ceil((window.start + WINDOW_MS - now) / 1000);
      reply.header('ratelimit-limit', String(options.perMinute));
      reply.header('ratelimit-remaining', String(Math.max(0, options.perMinute - window.count)));
      reply.header('ratelimit-reset', String(reset));
      if (window.count > options.perMinute) {
        throw new AppError('RATE_LIMITED', `More than ${options.perMinute} requests a minute with this key; retry after ${reset} s`, {
          headers: { 'retry-after': String(reset) },
        });
      }
    });
  },
  { name: 'rate-limit' },
);
