import { type Kysely, sql } from 'kysely';
import type { NumberedEvent } from '../db/rows.js';
import type { DB, Webhook, WebhookDelivery } from '../db/schema.js';
import { pendingDelivery } from '../repositories/webhooks.js';

/**
 * Queues every event after each webhook's cursor as a pending delivery, and moves the cursor.
 * Webhooks are claimed with SKIP LOCKED, so instances working at once share them out; the unique
 * (webhook, event) pair makes a repeated fan-out harmless.
 */
export async function fanOut(db: Kysely<DB>, batch: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // Only webhooks with events past their cursor: taking the first 50 of all of them served the
    // same 50 every round, and a deployment with more (150 councils) never fanned out to the rest.
    const webhooks = await tx
      .selectFrom('webhooks as w')
      .selectAll('w')
      .where('w.status', 'in', ['active', 'paused'])
      .where((eb) =>
        eb.exists(
          eb.selectFrom('events as e').select('e.seq').whereRef('e.council_id', '=', 'w.council_id').whereRef('e.seq', '>', 'w.cursor'),
        ),
      )
      .orderBy('w.id')
      .limit(50)
      .forUpdate()
      .skipLocked()
      .execute();
    let queued = 0;
    for (const webhook of webhooks) {
      const events = await tx
        .selectFrom('events')
        .select(['seq', 'id', 'type'])
        .where('council_id', '=', webhook.council_id)
        .where('seq', '>', webhook.cursor)
        .orderBy('seq')
        .limit(batch)
        .$narrowType<{ seq: number }>()
        .execute();
      if (events.length === 0) continue;
      const wanted = webhook.event_types === null ? events : events.filter((event) => webhook.event_types?.includes(event.type));
      if (wanted.length > 0) {
        const inserted = await tx
          .insertInto('webhook_deliveries')
          .values(wanted.map((event) => pendingDelivery(webhook, event)))
          .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
          .returning('id')
          .execute();
        queued += inserted.length;
      }
      await tx
        .updateTable('webhooks')
        .set({ cursor: (events.at(-1) as { seq: number }).seq })
        .where('id', '=', webhook.id)
        .execute();
    }
    return queued;
  });
}

/** A delivery claimed for an attempt, with what it needs to be sent. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDelivery;
  readonly webhook: Webhook;
  readonly event: NumberedEvent;
}

/** How many due deliveries one claim may take, in all and from any one webhook. */
export interface ClaimLimits {
  readonly limit: number;
  readonly perWebhook: number;
  readonly leaseMs: number;
  /** Webhooks this instance is still delivering to: they wait their turn. */
  readonly skipWebhookIds: readonly string[];
}

/**
 * Claims due deliveries of active webhooks for one attempt: a lease (claimed_until) taken under
 * SKIP LOCKED, so two instances never attempt the same delivery at once. A lease that runs out
 * (an instance died mid-attempt) makes the delivery due again: delivery is at least once.
 *
 * Each webhook has its own place in the queue: at most `perWebhook` of its deliveries (oldest
 * events first) are taken in a round, and webhooks are served in the order their oldest due
 * delivery came due. One council's dead endpoint with thousands of deliveries waiting therefore
 * takes a few places, not the whole round, and every other webhook is still served.
 */
export async function claimDue(db: Kysely<DB>, limits: ClaimLimits): Promise<ClaimedDelivery[]> {
  const skip = limits.skipWebhookIds.length === 0 ? sql`` : sql`and w.id not in (${sql.join(limits.skipWebhookIds)})`;
  const { rows: claimed } = await sql<WebhookDelivery>`
    update webhook_deliveries
    set claimed_until = now() + make_interval(secs => ${limits.leaseMs / 1000})
    where id in (
      select d.id
      from webhooks w
      cross join lateral (
        select d.id, d.next_attempt_at
        from webhook_deliveries d
        where d.webhook_id = w.id
          and d.status = 'pending'
          and d.next_attempt_at <= now()
          and (d.claimed_until is null or d.claimed_until < now())
        order by d.event_seq
        limit ${limits.perWebhook}
        for update skip locked
      ) d
      where w.status = 'active' ${skip}
      order by d.next_attempt_at
      limit ${limits.limit}
    )
    returning *`.execute(db);
  if (claimed.length === 0) return [];
  const webhooks = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('id', 'in', [...new Set(claimed.map((d) => d.webhook_id))])
    .execute();
  const events = await db
    .selectFrom('events')
    .selectAll()
    .where(
      'id',
      'in',
      claimed.map((d) => d.event_id),
    )
    .$narrowType<{ seq: number }>()
    .execute();
  const webhookById = new Map(webhooks.map((w) => [w.id, w]));
  const eventById = new Map(events.map((e) => [e.id, e]));
  return claimed.flatMap((delivery) => {
    const webhook = webhookById.get(delivery.webhook_id);
    const event = eventById.get(delivery.event_id);
    return webhook && event ? [{ delivery, webhook, event }] : [];
  });
}

export async function markDelivered(db: Kysely<DB>, id: string, statusCode: number): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'delivered',
      attempts: eb('attempts', '+', 1),
      last_status_code: statusCode,
      last_error: null,
      delivered_at: new Date(),
      claimed_until: null,
    }))
    .where('id', '=', id)
    .execute();
}

/** Records a failed attempt and when to try again; returns when the delivery first failed. */
export async function markFailed(
  db: Kysely<DB>,
  id: string,
  failure: { statusCode: number | null; error: string; retryInMs: number },
): Promise<Date> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_status_code: failure.statusCode,
      last_error: failure.error.slice(0, 500),
      next_attempt_at: sql<Date>`now() + make_interval(secs => ${failure.retryInMs / 1000})`,
      first_failed_at: sql<Date>`coalesce(first_failed_at, now())`,
      claimed_until: null,
    }))
    .where('id', '=', id)
    .returning('first_failed_at')
    .executeTakeFirstOrThrow();
  return row.first_failed_at as Date;
}

/** Pauses a webhook that keeps failing; its deliveries wait, and go out when it is resumed. */
export async function pauseWebhook(db: Kysely<DB>, id: string, reason: string): Promise<void> {
  await db
    .updateTable('webhooks')
    .set((eb) => ({ status: 'paused', paused_reason: reason, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute();
}
