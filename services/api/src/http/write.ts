import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { type Changes, writeTransaction } from '../db/changes.js';
import type { DB } from '../db/schema.js';
import { changeContext } from '../plugins/auth.js';

/** Runs a state change for a request in one transaction, with its audit records and events. */
export function write<T>(request: FastifyRequest, work: (tx: Transaction<DB>, changes: Changes) => Promise<T>): Promise<T> {
  return writeTransaction(request.server.db, changeContext(request), work);
}
