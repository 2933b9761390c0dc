import type { NumberedEvent } from '../db/rows.js';
import { iso } from '../http/iso.js';

/** The shape of an event, in the feed and in webhook deliveries. */
export function toEvent(row: NumberedEvent) {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type,
    entityType: row.entity_type,
    entityId: row.entity_id,
    occurredAt: iso(row.occurred_at),
    data: row.payload,
  };
}
