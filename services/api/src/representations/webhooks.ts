import type { Webhook, WebhookDelivery } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** A webhook as the API shows it (never its secret, shown once when it is created). */
export function toWebhook(row: Webhook) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    status: row.status === 'paused' ? ('paused' as const) : ('active' as const),
    pausedReason: row.paused_reason,
    cursor: row.cursor,
    secretRotatedAt: row.secret_rotated_at === null ? null : iso(row.secret_rotated_at),
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : iso(row.previous_secret_expires_at),
    version: row.version,
    createdAt: iso(row.created_at),
  };
}

/** One delivery of an event to a webhook, as its log shows it. */
export function toDelivery(row: WebhookDelivery) {
  return {
    id: row.id,
    eventId: row.event_id,
    eventSeq: row.event_seq,
    status: row.status,
    attempts: row.attempts,
    sentAgain: row.sent_again,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at),
  };
}
