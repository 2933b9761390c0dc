import { type Kysely, sql, type Transaction } from 'kysely';
import { type AuditAction, isEventType } from '../events/catalogue.js';
import { newId } from '../ids.js';
import { chunks, ROWS_PER_STATEMENT } from '../slices.js';
import type { DB } from './schema.js';

/** One state change: what happened to which entity, with its state before and after. */
export interface Change {
  /** Also the event type, e.g. `assessment.submitted`: one of the catalogue's. */
  readonly action: AuditAction;
  readonly entityType: string;
  readonly entityId: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The event payload for consumers; defaults to `after`. `false` writes no event. */
  readonly event?: unknown | false;
}

/** Who is changing what, for the audit log. */
export interface ChangeContext {
  /** `null` until {@link Changes.bind} names it (a council being created). */
  readonly councilId: string | null;
  readonly actor: string;
  /** The named person acting through the key (Ras-Actor), when given. */
  readonly actorName?: string | null;
  readonly requestId: string | null;
}

/**
 * Collects the audit records and outbox events of one transaction and writes them just before
 * it commits. Both are inserts only: a write updates no row it shares with other writes.
 */
export class Changes {
  readonly #pending: Change[] = [];
  readonly #context: ChangeContext;
  #councilId: string | null;

  constructor(context: ChangeContext) {
    this.#context = context;
    this.#councilId = context.councilId;
  }

  /** Names the council of the changes when the request did not (the operator creating one). */
  bind(councilId: string): void {
    this.#councilId = councilId;
  }

  /** Records a change: an audit row and (unless `event: false`) an outbox event. */
  record(change: Change): void {
    this.#pending.push(change);
  }

  /** Writes everything recorded, in order. Called by {@link writeTransaction}. */
  async flush(tx: Transaction<DB>): Promise<void> {
    if (this.#pending.length === 0) return;
    const { actor, requestId } = this.#context;
    const actorName = this.#context.actorName ?? null;
    const councilId = this.#councilId;
    if (councilId === null) throw new Error('changes recorded without a council');
    const pending = this.#pending;
    // An audit-only action (AUDIT_ONLY_ACTIONS) is never an event: consumers are told only of the
    // types listEventTypes lists.
    const events = pending.filter((change) => change.event !== false && isEventType(change.action));
    for (const batch of batches(pending)) await insertAuditArrays(tx, { councilId, actor, actorName, requestId }, batch);
    // Events go in without a number: the sequencer (repositories/events.ts) numbers them after this
    // transaction commits, so no row is shared between writes and writes never wait for each other.
    for (const batch of batches(events)) await insertEventArrays(tx, councilId, batch);
    this.#pending.length = 0;
  }
}

/**
 * Audit rows and events go in as one statement over arrays (`unnest`): a handful of parameters
 * whatever the count, rather than ten a row, so a 100,000-row import binds ten arrays, not a
 * million parameters, and PostgreSQL's limit of 65,535 a statement never comes near.
 */
const batches = <T>(items: readonly T[]): T[][] => chunks(items, ROWS_PER_STATEMENT);

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const eventPayload = (change: Change) => JSON.stringify(change.event === undefined ? (change.after ?? null) : change.event);

async function insertAuditArrays(
  tx: Transaction<DB>,
  who: { councilId: string; actor: string; actorName: string | null; requestId: string | null },
  changes: readonly Change[],
): Promise<void> {
  await sql`
    insert into audit_log (id, council_id, actor, actor_name, action, entity_type, entity_id, before, after, request_id)
    select id, ${who.councilId}::uuid, ${who.actor}::text, ${who.actorName}::text, action, entity_type, entity_id,
           before::jsonb, after::jsonb, ${who.requestId}::text
    from unnest(
      ${changes.map(() => newId())}::uuid[], ${changes.map((change) => change.action)}::text[],
      ${changes.map((change) => change.entityType)}::text[], ${changes.map((change) => change.entityId)}::uuid[],
      ${changes.map((change) => json(change.before))}::text[], ${changes.map((change) => json(change.after))}::text[]
    ) as change(id, action, entity_type, entity_id, before, after)`.execute(tx);
}

async function insertEventArrays(tx: Transaction<DB>, councilId: string, events: readonly Change[]): Promise<void> {
  // In the order recorded: pos, the order the sequencer numbers in, is a default applied to the
  // rows as they arrive, so `order by n` makes it follow the record order.
  await sql`
    insert into events (council_id, id, type, entity_type, entity_id, payload)
    select ${councilId}::uuid, event.id, event.type, event.entity_type, event.entity_id, event.payload::jsonb
    from unnest(
      ${events.map(() => newId())}::uuid[], ${events.map((change) => change.action)}::text[],
      ${events.map((change) => change.entityType)}::text[], ${events.map((change) => change.entityId)}::uuid[],
      ${events.map(eventPayload)}::text[]
    ) with ordinality as event(id, type, entity_type, entity_id, payload, n)
    order by event.n`.execute(tx);
}

/**
 * Runs `work` in one transaction and writes its audit records and events in the same
 * transaction: a state change, its audit and its event commit together or not at all.
 */
export async function writeTransaction<T>(
  db: Kysely<DB>,
  context: ChangeContext,
  work: (tx: Transaction<DB>, changes: Changes) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const changes = new Changes(context);
    const result = await work(tx, changes);
    await changes.flush(tx);
    return result;
  });
}
