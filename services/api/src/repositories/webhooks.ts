import type { Transaction } from 'kysely';
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
  change: Partial<Pick<Webhook, 'url' | 'description' | 'event_types' | 'status' | 'paused_reason'>>,
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
