import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problemBody } from './problem-details.js';

/**
 * How a request body must keep arriving. A body may take as long as it needs while it keeps coming
 * (a million-line `calculateBudgets` batch is read while it is answered; a 20 MB import on a slow
 * link takes minutes), but not trickle: after `graceMs` it must have averaged `minBytesPerSecond`
 * (Apache's mod_reqtimeout `body=…,MinRate=500` rule), and it must be whole within `maxMs`.
 */
export interface BodyTimeouts {
  readonly graceMs: number;
  readonly minBytesPerSecond: number;
  readonly maxMs: number;
  /** How often bodies in flight are checked. */
  readonly checkEveryMs: number;
}

interface Watch {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly started: number;
  readonly bytesBefore: number;
}

function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return (length !== undefined && length !== '0') || raw.headers['transfer-encoding'] !== undefined;
}

/**
 * Cuts a request whose body stalls or trickles (slowloris): 408 `REQUEST_TIMEOUT` as problem+json
 * when nothing has been answered yet, otherwise the connection is closed. Headers are Node's own
 * `headersTimeout`; a connection that carries nothing either way, Node's idle timeout.
 */
export default fp(
  async function slowClients(app: FastifyInstance, options: BodyTimeouts) {
    const watched = new Set<Watch>();
    const cut = (watch: Watch) => {
      watched.delete(watch);
      const socket = watch.request.raw.socket;
      if (socket.destroyed) return;
      watch.request.log.info({ waitedMs: Math.round(performance.now() - watch.started) }, 'request body too slow: cut');
      if (watch.reply.raw.headersSent) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify(
        problemBody(
          'REQUEST_TIMEOUT',
          `The request body stopped arriving, or came slower than ${options.minBytesPerSecond} bytes a second after ${options.graceMs / 1000} s (REQUEST_TIMEOUT_SECONDS): the connection is closed`,
        ),
      );
      socket.end(
        `HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const check = () => {
      const now = performance.now();
      for (const watch of watched) {
        const raw = watch.request.raw;
        if (raw.complete || raw.destroyed) {
          watched.delete(watch);
          continue;
        }
        const received = raw.socket.bytesRead - watch.bytesBefore;
        const allowed = Math.min(options.maxMs, options.graceMs + (received / options.minBytesPerSecond) * 1_000);
        if (now - watch.started > allowed) cut(watch);
      }
    };
    const timer = setInterval(check, options.checkEveryMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
    app.addHook('onRequest', (request, reply, done) => {
      const raw = request.raw;
      // Injected requests (tests) have no socket to watch, and arrive whole.
      if (!raw.complete && hasBody(raw) && typeof raw.socket?.bytesRead === 'number') {
        const watch = { request, reply, started: performance.now(), bytesBefore: raw.socket.bytesRead };
        watched.add(watch);
        raw.once('end', () => watched.delete(watch));
        raw.once('close', () => watched.delete(watch));
      }
      done();
    });
  },
  { name: 'slow-clients' },
);
