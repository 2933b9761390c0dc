import type { Kysely, Transaction } from 'kysely';
import type { AuditAction } from '../events/catalogue.js';
import { newId } from '../ids.js';
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
 * it commits. Writing them last keeps the council row (which numbers the events) locked only for
 * the end of the transaction, and always after any entity rows, so lock order never inverts.
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
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    for (const batch of batches(this.#pending)) {
      await tx
        .insertInto('audit_log')
        .values(
          batch.map((change) => ({
            id: newId(),
            council_id: councilId,
            actor,
            actor_name: actorName,
            action: change.action,
            entity_type: change.entityType,
            entity_id: change.entityId,
            before: json(change.before),
            after: json(change.after),
            request_id: requestId,
          })),
        )
        .execute();
    }
    const events = this.#pending.filter((change) => change.event !== false);
    if (events.length > 0) {
      // Numbering events under the council row's lock makes seq order the commit order, so a
      // reader paging by seq never skips an event that commits late.
      const { event_seq: last } = await tx
        .updateTable('councils')
        .set((eb) => ({ event_seq: eb('event_seq', '+', events.length) }))
        .where('id', '=', councilId)
        .returning('event_seq')
        .executeTakeFirstOrThrow();
      let seq = last - events.length + 1;
      for (const batch of batches(events)) {
        await tx
          .insertInto('events')
          .values(
            batch.map((change) => ({
              council_id: councilId,
              seq: seq++,
              id: newId(),
              type: change.action,
              entity_type: change.entityType,
              entity_id: change.entityId,
              payload: JSON.stringify(change.event === undefined ? (change.after ?? null) : change.event),
            })),
          )
          .execute();
      }
    }
    this.#pending.length = 0;
  }
}

/**
 * Rows per insert statement: an audit row binds 9 parameters, and PostgreSQL takes at most 65,535
 * in one statement, so a change of 50,000 people is written in several.
 */
const ROWS_PER_STATEMENT = 5_000;

function batches<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) result.push(items.slice(start, start + ROWS_PER_STATEMENT));
  return result;
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
