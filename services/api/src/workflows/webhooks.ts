import { randomBytes } from 'node:crypto';
import type { Role } from '../auth/roles.js';
import type { Webhook } from '../db/schema.js';
import { latestSeq, numberEventsIn } from '../repositories/events.js';
import { findWebhook, insertWebhook, updateWebhook } from '../repositories/webhooks.js';
import { toWebhook } from '../representations/webhooks.js';
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
    delete: { from: 'any', to: 'deleted', roles: MANAGERS, audit: 'webhook.deleted' },
  },
});

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
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
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
