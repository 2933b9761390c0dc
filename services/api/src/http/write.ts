import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { actorNameOf, actorOf } from '../auth/roles.js';
import { type Changes, writeTransaction } from '../db/changes.js';
import type { DB } from '../db/schema.js';
import { changeContext, scopeOf } from '../plugins/auth.js';
import { type Created, createOnce } from '../plugins/idempotency.js';
import type { WorkflowContext } from '../workflows/context.js';

/** Runs a state change for a request in one transaction, with its audit records and events. */
function write<T>(request: FastifyRequest, work: (tx: Transaction<DB>, changes: Changes) => Promise<T>): Promise<T> {
  return writeTransaction(request.server.db, changeContext(request), work);
}

/** Runs a workflow for a request in one transaction, with its audit records and events. */
export function runWorkflow<T>(request: FastifyRequest, work: (context: WorkflowContext) => Promise<T>): Promise<T> {
  return write(request, (tx, changes) => work(workflowContext(request, tx, changes)));
}

/** The workflow context for a request inside a transaction it already opened. */
export function workflowContext(request: FastifyRequest, tx: Transaction<DB>, changes: Changes): WorkflowContext {
  return {
    tx,
    changes,
    rules: request.server.rules,
    clock: request.server.clock,
    scope: scopeOf(request),
    actor: { actor: actorOf(request.principal), actorName: actorNameOf(request.principal) },
    ...(request.principal.kind === 'operator' ? {} : { roles: request.principal.roles }),
  };
}

/**
 * Runs a creating workflow once per Idempotency-Key (a retry replays the first answer: see
 * createOnce), in one transaction with the request's workflow context.
 */
export function createWithWorkflow<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  work: (context: WorkflowContext) => Promise<Created<T>>,
): Promise<T> {
  return createOnce(request, reply, (tx, changes) => work(workflowContext(request, tx, changes)));
}
