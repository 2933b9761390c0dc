import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { actorOf } from '../auth/roles.js';
import { type Changes, writeTransaction } from '../db/changes.js';
import { claimIdempotencyKey, findIdempotencyKey, storeIdempotentResponse } from '../db/idempotency-repository.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import { changeContext } from './auth.js';

/** What a creating handler produces: the body, and headers such as Location and ETag. */
export interface Created<T> {
  /** 201 unless the request found what it would have created (200), or queued it as a job (202). */
  readonly status?: 200 | 201 | 202;
  readonly body: T;
  readonly headers?: Readonly<Record<string, string>>;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function scopeOf(request: FastifyRequest): string {
  const principal = request.principal;
  // A token's subject is unique only within its issuer, so its council is part of the scope.
  return principal.kind === 'token' ? `${principal.councilId}:${actorOf(principal)}` : actorOf(principal);
}

/**
 * Runs a creating POST exactly once per `Idempotency-Key`. The key is claimed in the same
 * transaction as the change, so a concurrent retry waits for the first to commit and then
 * replays its response; a retry with a different body is 422; without the header the request
 * simply runs. Errors roll back, so a failed request can be retried with the same key.
 */
export async function createOnce<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  work: (tx: Transaction<DB>, changes: Changes) => Promise<Created<T>>,
): Promise<T> {
  const key = request.headers['idempotency-key'];
  const context = changeContext(request);
  if (typeof key !== 'string' || key === '') {
    const created = await writeTransaction(request.server.db, context, work);
    reply.code(created.status ?? 201).headers(created.headers ?? {});
    return created.body;
  }
  if (key.length > 200)
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key is too long', {
      errors: [{ pointer: '/headers/idempotency-key', detail: 'must be at most 200 characters' }],
    });
  const requestHash = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n${canonical(request.params)}\n${canonical(request.body)}`)
    .digest('hex');
  const scope = scopeOf(request);
  const outcome = await writeTransaction(request.server.db, context, async (tx, changes) => {
    if (!(await claimIdempotencyKey(tx, scope, key, requestHash))) {
      const stored = await findIdempotencyKey(tx, scope, key);
      if (stored.request_hash !== requestHash) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request; use a new key for a new request',
        );
      }
      return { replay: stored } as const;
    }
    const created = await work(tx, changes);
    await storeIdempotentResponse(tx, scope, key, { status: created.status ?? 201, headers: { ...created.headers }, body: created.body });
    return { created } as const;
  });
  if ('replay' in outcome) {
    reply.code(outcome.replay.status_code).headers(outcome.replay.headers).header('idempotent-replayed', 'true');
    return outcome.replay.body as T;
  }
  reply.code(outcome.created.status ?? 201).headers(outcome.created.headers ?? {});
  return outcome.created.body;
}
