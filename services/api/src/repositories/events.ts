import type { Kysely, Transaction } from 'kysely';
import type { DB, EventRow } from '../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;

/** A council's events after a sequence number, in order. Seq order is commit order, so nothing is skipped. */
export function listEventsAfter(db: Db, councilId: string, after: number, limit: number, types?: readonly string[]): Promise<EventRow[]> {
  let query = db.selectFrom('events').selectAll().where('council_id', '=', councilId).where('seq', '>', after);
  if (types && types.length > 0) query = query.where('type', 'in', types);
  return query.orderBy('seq').limit(limit).execute();
}

export function findEvent(db: Db, councilId: string, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

/** The latest sequence number handed out in a council. */
export async function latestSeq(db: Db, councilId: string): Promise<number> {
  const row = await db.selectFrom('councils').select('event_seq').where('id', '=', councilId).executeTakeFirst();
  return row?.event_seq ?? 0;
}
