import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.js';

/** How long a stored response answers retries (API.md: 24 h). */
export const IDEMPOTENCY_TTL_HOURS = 24;

const expiry = () => sql<Date>`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`;

/**
 * Claims a key for this transaction, or finds it already claimed. A live claim by another
 * transaction makes this insert wait until that one commits or rolls back; an expired claim is
 * taken over.
 *
 * @returns `true` when this transaction now holds the key
 */
export async function claimIdempotencyKey(tx: Transaction<DB>, scope: string, key: string, requestHash: string): Promise<boolean> {
  const claimed = await tx
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status_code: 0, headers: '{}', body: 'null', expires_at: expiry() })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'key'])
        .doUpdateSet({ request_hash: requestHash, status_code: 0, expires_at: expiry() })
        .where('idempotency_keys.expires_at', '<', sql<Date>`now()`),
    )
    .returning('key')
    .executeTakeFirst();
  return claimed !== undefined;
}

export function findIdempotencyKey(tx: Transaction<DB>, scope: string, key: string) {
  return tx.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
}

/** Stores the response a claimed key replays. */
export async function storeIdempotentResponse(
  tx: Transaction<DB>,
  scope: string,
  key: string,
  response: { status: number; headers: Record<string, string>; body: unknown },
): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({ status_code: response.status, headers: JSON.stringify(response.headers), body: JSON.stringify(response.body) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** Deletes keys whose 24 hours are over; they answer nothing any more. */
export async function purgeExpiredIdempotencyKeys(db: Kysely<DB>): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
