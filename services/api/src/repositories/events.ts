import { type Kysely, sql, type Transaction } from 'kysely';
import type { NumberedEvent } from '../db/rows.js';
import type { DB, Db, EventRow } from '../db/schema.js';

/** A council's numbered events after a sequence number, in order. */
export function listEventsAfter(
  db: Db,
  councilId: string,
  after: number,
  limit: number,
  types?: readonly string[],
): Promise<NumberedEvent[]> {
  let query = db.selectFrom('events').selectAll().where('council_id', '=', councilId).where('seq', '>', after);
  if (types && types.length > 0) query = query.where('type', 'in', types);
  return query.orderBy('seq').limit(limit).execute() as Promise<NumberedEvent[]>;
}

export function findEvent(db: Db, councilId: string, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

/** The latest sequence number given in a council (0 before its first event). */
export async function latestSeq(db: Db, councilId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('seq').as('last'))
    .where('council_id', '=', councilId)
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}

/** Events one numbering statement takes: a 100,000-row import is numbered in five. */
const NUMBER_BATCH = 20_000;
/** The advisory lock that makes numbering one at a time, however many instances run it. */
const SEQUENCER_LOCK = 0x5e0_e7e7;

/**
 * The sequencer: the one place an event gets its number, after its transaction has committed.
 *
 * Writes insert their events unnumbered, with a position from a sequence (which no transaction
 * holds), and share no row with each other. The sequencer numbers, under an advisory lock so that
 * two of them (two instances, or a reader and the relay) take turns, the committed events it can
 * see, in the order they were written, on from the council's last number. A number is given only
 * to an event that has committed, and each round's numbers become visible at once when it commits,
 * after every earlier round's: so the numbers are gap-free, an event is never numbered below one a
 * reader has already passed, and the feed follows commit order from round to round (an event
 * that commits after a round is numbered in a later one; within a round, in the order written). A long write still running holds nothing back: its events are
 * numbered when it commits, above everything committed before.
 */
export async function numberEvents(db: Kysely<DB>): Promise<number> {
  let numbered = 0;
  for (;;) {
    const count = await db.transaction().execute((tx) => numberingRound(tx));
    numbered += count;
    if (count < NUMBER_BATCH) return numbered;
  }
}

/**
 * Numbers every committed event inside the caller's transaction, holding the sequencer's lock to
 * its end: a new webhook takes its cursor in the same transaction, so it starts after exactly the
 * events numbered before it, whichever instance numbers the next ones.
 */
export async function numberEventsIn(tx: Transaction<DB>): Promise<void> {
  while ((await numberingRound(tx)) === NUMBER_BATCH);
}

/** One round of the sequencer, in `tx`: up to NUMBER_BATCH committed events numbered. */
async function numberingRound(tx: Transaction<DB>): Promise<number> {
  // Cheap when there is nothing to do, and without the lock, so idle readers never queue.
  const waiting = await sql<{ any: boolean }>`select exists (select 1 from events where seq is null) as any`.execute(tx);
  if (!waiting.rows[0]?.any) return 0;
  await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(tx);
  // A statement after the lock: its snapshot holds every round that committed before.
  const result = await sql`
    with ready as (
      select id, council_id, pos from events where seq is null order by pos limit ${NUMBER_BATCH}
    ), last as materialized (
      select c.council_id, (select coalesce(max(x.seq), 0) from events x where x.council_id = c.council_id) as seq
        from (select distinct council_id from ready) c
    ), numbered as (
      select r.id, l.seq + row_number() over (partition by r.council_id order by r.pos) as seq
        from ready r join last l on l.council_id = r.council_id
    )
    update events e set seq = n.seq from numbered n where e.id = n.id`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}
