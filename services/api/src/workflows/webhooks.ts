import { randomBytes } from 'node:crypto';
import type { Role } from '../auth/roles.js';
import { hoursAfter } from '../clock.js';
import type { Webhook, WebhookDelivery } from '../db/schema.js';
import { notFound } from '../errors.js';
import { latestSeq, numberEventsIn } from '../repositories/events.js';
import { findWebhook, insertWebhook, replayDeliveries, sendDeliveryAgain, updateWebhook } from '../repositories/webhooks.js';
import { toDelivery, toWebhook } from '../representations/webhooks.js';
import type { WorkflowContext } from './context.js';
import { stateMachine, transition } from './transition.js';

const MANAGERS: readonly Role[] = ['admin', 'integration'];

/** A webhook: changed, paused and resumed at will, until it is deleted. Its settings are audited, never published. */
export const WEBHOOK = stateMachine({
  entity: 'webhook',
  lock: (context, id) => findWebhook(context.tx, context.scope.councilId, id, { forUpdate: true }),
  statusOf: (row: Webhook) => row.status,
  eventOf: toWebhook,
  events: false,
  steps: {
    update: { from: 'any', to: null, roles: MANAGERS, audit: 'webhook.updated' },
    rotateSecret: { from: 'any', to: null, roles: MANAGERS, audit: 'webhook.secret-rotated' },
    delete: { from: 'any', to: 'deleted', roles: MANAGERS, audit: 'webhook.deleted' },
  },
});

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Subscribes a URL to the council's events, from the last one committed: the feed is numbered in
 * this transaction first, so the cursor passes every event committed before it. The secret is
 * made here and shown once.
 */
export async function createWebhook(
  context: WorkflowContext,
  input: { readonly url: string; readonly description?: string; readonly eventTypes?: readonly string[] },
): Promise<{ row: Webhook; secret: string }> {
  const { tx, scope, changes } = context;
  await numberEventsIn(tx);
  const secret = newSecret();
  const row = await insertWebhook(tx, scope.councilId, {
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.eventTypes === undefined ? null : [...input.eventTypes],
    secret,
    cursor: await latestSeq(tx, scope.councilId),
  });
  changes.record({ action: 'webhook.created', entityType: 'webhook', entityId: row.id, after: toWebhook(row), event: false });
  return { row, secret };
}

/** Changes a webhook's URL, event types or description, or pauses or resumes it (resuming delivers what queued). */
export function updateWebhookSettings(
  context: WorkflowContext,
  id: string,
  expectedVersion: number,
  change: {
    readonly url?: string;
    readonly eventTypes?: readonly string[] | null;
    readonly description?: string | null;
    readonly status?: 'active' | 'paused';
  },
): Promise<Webhook> {
  return transition(context, WEBHOOK, 'update', { id, expectedVersion: expectedVersion }, async (before) => {
    const { status } = change;
    const after = await updateWebhook(
      context.tx,
      context.scope.councilId,
      before.id,
      {
        ...(change.url === undefined ? {} : { url: change.url }),
        ...(change.eventTypes === undefined ? {} : { event_types: change.eventTypes === null ? null : [...change.eventTypes] }),
        ...(change.description === undefined ? {} : { description: change.description }),
        ...(status === undefined ? {} : { status, paused_reason: status === 'paused' ? 'paused by the council' : null }),
      },
      context.clock.now(),
    );
    return { after };
  });
}

/** Stops and removes a webhook; its delivery log is kept. */
export async function deleteWebhook(context: WorkflowContext, id: string): Promise<void> {
  await transition(context, WEBHOOK, 'delete', { id, expectedVersion: null }, async (before, status) => ({
    after: await updateWebhook(context.tx, context.scope.councilId, before.id, { status }, context.clock.now()),
  }));
}

/** The longest a replaced secret may go on signing beside the new one: a week. */
export const MAX_PREVIOUS_SECRET_HOURS = 168;

/**
 * Gives the webhook a new signing secret, shown once. Until the grace period ends each delivery
 * carries two signatures (Standard Webhooks allows several): the new secret's and the replaced
 * one's, so the receiver can change over without missing a delivery.
 */
export async function rotateWebhookSecret(
  context: WorkflowContext,
  id: string,
  expectedVersion: number,
  previousSecretValidForHours: number,
): Promise<{ row: Webhook; secret: string }> {
  const secret = newSecret();
  const now = context.clock.now();
  const row = await transition(context, WEBHOOK, 'rotateSecret', { id, expectedVersion }, async (before) => ({
    after: await updateWebhook(
      context.tx,
      context.scope.councilId,
      before.id,
      {
        secret,
        previous_secret: previousSecretValidForHours > 0 ? before.secret : null,
        previous_secret_expires_at: previousSecretValidForHours > 0 ? hoursAfter(now, previousSecretValidForHours) : null,
        secret_rotated_at: now,
      },
      now,
    ),
  }));
  return { row, secret };
}

/** Sends one delivery again (a receiver lost it, or fixed what refused it): due at once, attempts afresh. */
export async function redeliverWebhookDelivery(context: WorkflowContext, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
  const { tx, scope, changes } = context;
  const webhook = await findWebhook(tx, scope.councilId, webhookId, { forUpdate: true });
  if (!webhook) throw notFound('webhook', webhookId);
  const delivery = await sendDeliveryAgain(tx, scope.councilId, webhook.id, deliveryId);
  if (!delivery) throw notFound('webhook delivery', deliveryId);
  changes.record({ action: 'webhook.delivery-sent-again', entityType: 'webhook', entityId: webhook.id, after: toDelivery(delivery) });
  return delivery;
}

/** The most events one replay queues: a longer replay is asked for again from throughSeq + 1. */
export const REPLAY_LIMIT = 10_000;

/**
 * Sends the webhook every event of its types again from a sequence number to where it has reached,
 * up to {@link REPLAY_LIMIT}: a receiver that lost its store replays from the last seq it kept.
 */
export async function replayWebhook(
  context: WorkflowContext,
  webhookId: string,
  fromSeq: number,
): Promise<{ webhook: Webhook; queued: number; throughSeq: number | null; more: boolean }> {
  const { tx, scope, changes } = context;
  const webhook = await findWebhook(tx, scope.councilId, webhookId, { forUpdate: true });
  if (!webhook) throw notFound('webhook', webhookId);
  const { queued, throughSeq } = await replayDeliveries(tx, webhook, fromSeq, REPLAY_LIMIT);
  const more = queued === REPLAY_LIMIT && throughSeq !== null && throughSeq < webhook.cursor;
  changes.record({ action: 'webhook.replayed', entityType: 'webhook', entityId: webhook.id, after: { fromSeq, queued, throughSeq } });
  return { webhook, queued, throughSeq, more };
}
