import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { actorOf } from '../auth/roles.js';
import { AppError } from '../errors.js';
import { FixedWindows } from '../http/fixed-windows.js';

const WINDOW_MS = 60_000;
const MAX_TRACKED = 100_000;

/**
 * Requests a minute per API key, counted in this instance's memory after the key has been
 * verified: a request with a forged secret is not the key's, so it spends nothing of the key's
 * allowance (failed authentication is limited per client address, in the auth plugin). Over the
 * limit: 429 with Retry-After. With several instances behind a load balancer each counts its own
 * share; see ARCHITECTURE.md.
 */
export default fp(
  async function rateLimit(app: FastifyInstance, options: { perMinute: number }) {
    if (options.perMinute <= 0) return;
    const windows = new FixedWindows(WINDOW_MS, MAX_TRACKED);
    app.addHook('onRequest', (request, reply, done) => {
      const principal = request.principal;
      // Public routes and the not-found handler have no principal.
      if (principal === null || principal === undefined) return done();
      const who = principal.kind === 'token' ? `${principal.councilId}:${actorOf(principal)}` : actorOf(principal);
      const { count, resetSeconds } = windows.hit(who);
      reply.header('ratelimit-limit', String(options.perMinute));
      reply.header('ratelimit-remaining', String(Math.max(0, options.perMinute - count)));
      reply.header('ratelimit-reset', String(resetSeconds));
      if (count <= options.perMinute) return done();
      done(
        new AppError('RATE_LIMITED', `More than ${options.perMinute} requests a minute with this key; retry after ${resetSeconds} s`, {
          headers: { 'retry-after': String(resetSeconds) },
        }),
      );
    });
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
