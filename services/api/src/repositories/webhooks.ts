import { sql, type Transaction } from 'kysely';
import type { DB, Db, Webhook, WebhookDelivery } from '../db/schema.js';
import { newId } from '../ids.js';

export function insertWebhook(
  tx: Transaction<DB>,
  councilId: string,
  fields: { url: string; description: string | null; eventTypes: string[] | null; secret: string; cursor: number },
): Promise<Webhook> {
  return tx
    .insertInto('webhooks')
    .values({
      id: newId(),
      council_id: councilId,
      url: fields.url,
      description: fields.description,
      event_types: fields.eventTypes,
      secret: fields.secret,
      status: 'active',
      cursor: fields.cursor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findWebhook(db: Db, councilId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<Webhook | undefined> {
  let query = db
    .selectFrom('webhooks')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .where('status', '!=', 'deleted');
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** A page of the council's webhooks, oldest first: `limit` after the one with id `after`. */
export function listWebhooks(db: Db, councilId: string, after: string | null, limit: number): Promise<Webhook[]> {
  let query = db.selectFrom('webhooks').selectAll().where('council_id', '=', councilId).where('status', '!=', 'deleted');
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

export function updateWebhook(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: Partial<
    Pick<
      Webhook,
      | 'url'
      | 'description'
      | 'event_types'
      | 'status'
      | 'paused_reason'
      | 'secret'
      | 'previous_secret'
      | 'previous_secret_expires_at'
      | 'secret_rotated_at'
    >
  >,
  at: Date,
): Promise<Webhook> {
  return tx
    .updateTable('webhooks')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listDeliveries(
  db: Db,
  councilId: string,
  webhookId: string,
  after: string | null,
  limit: number,
): Promise<WebhookDelivery[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('council_id', '=', councilId).where('webhook_id', '=', webhookId);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

/** A delivery of an event to a webhook, due at once. */
export function pendingDelivery(webhook: Pick<Webhook, 'id' | 'council_id'>, event: { readonly seq: number; readonly id: string }) {
  return {
    id: newId(),
    council_id: webhook.council_id,
    webhook_id: webhook.id,
    event_seq: event.seq,
    event_id: event.id,
    status: 'pending' as const,
    next_attempt_at: sql<Date>`now()`,
  };
}

/** What makes a delivery due again at once, counted as sent again: attempts start afresh. */
const SEND_AGAIN = {
  status: 'pending',
  attempts: 0,
  next_attempt_at: sql<Date>`now()`,
  claimed_until: null,
  first_failed_at: null,
  delivered_at: null,
} as const;

/** Makes one delivery of the webhook due again at once; undefined when the webhook has no such delivery. */
export function sendDeliveryAgain(
  tx: Transaction<DB>,
  councilId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery | undefined> {
  return tx
    .updateTable('webhook_deliveries')
    .set((eb) => ({ ...SEND_AGAIN, sent_again: eb('sent_again', '+', 1) }))
    .where('council_id', '=', councilId)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', deliveryId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Queues again, for the webhook, each event of its types from `fromSeq` to what it has reached
 * (its cursor), at most `limit`: deliveries sent before are made due again, events it never had
 * (filtered out then, or before it existed) are queued. Returns how many and the last seq taken.
 */
export async function replayDeliveries(
  tx: Transaction<DB>,
  webhook: Webhook,
  fromSeq: number,
  limit: number,
): Promise<{ queued: number; throughSeq: number | null }> {
  let events = tx
    .selectFrom('events')
    .select(['seq', 'id'])
    .where('council_id', '=', webhook.council_id)
    .where('seq', '>=', fromSeq)
    .where('seq', '<=', webhook.cursor)
    .orderBy('seq')
    .limit(limit);
  if (webhook.event_types !== null) events = events.where('type', 'in', webhook.event_types);
  const rows = (await events.execute()).flatMap((event) => (event.seq === null ? [] : [{ seq: event.seq, id: event.id }]));
  if (rows.length === 0) return { queued: 0, throughSeq: null };
  await tx
    .insertInto('webhook_deliveries')
    .values(rows.map((event) => pendingDelivery(webhook, event)))
    .onConflict((oc) =>
      oc
        .columns(['webhook_id', 'event_id'])
        .doUpdateSet((eb) => ({ ...SEND_AGAIN, sent_again: eb('webhook_deliveries.sent_again', '+', 1) })),
    )
    .execute();
  return { queued: rows.length, throughSeq: rows.at(-1)?.seq ?? null };
}
