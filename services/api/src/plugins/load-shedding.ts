import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route answered even when the instance sheds load (health and metrics: how an operator sees it). */
    alwaysAnswered?: boolean;
  }
}

/** Seconds a shed client is asked to wait before trying again. */
export const SHED_RETRY_AFTER_SECONDS = 5;

/**
 * Sheds load before it queues: while the event loop lags past `maxEventLoopDelayMs` (sampled every
 * half second), a request is answered 503 SERVICE_UNAVAILABLE with Retry-After at once, rather
 * than waiting behind the work already in hand until its client gives up. A load balancer then
 * sends it to another instance. /health (and /metrics) always answer, and cheaply. 0 switches it off.
 */
export default fp(
  async function loadShedding(app: FastifyInstance, options: { maxEventLoopDelayMs: number }) {
    if (options.maxEventLoopDelayMs <= 0) return;
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      sampleInterval: 500,
      retryAfter: SHED_RETRY_AFTER_SECONDS,
      pressureHandler: async (request, _reply, type, value) => {
        if (request.routeOptions.config.alwaysAnswered) return;
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          `This instance is overloaded (${type} ${Math.round(value ?? 0)}); retry after ${SHED_RETRY_AFTER_SECONDS} s`,
          { headers: { 'retry-after': String(SHED_RETRY_AFTER_SECONDS) } },
        );
      },
    });
  },
  { name: 'load-shedding' },
);
