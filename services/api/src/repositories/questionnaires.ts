import { sql, type Transaction } from 'kysely';
import type { DB, Db, Questionnaire, StoredQuestionnaire } from '../db/schema.js';
import { newId } from '../ids.js';

/**
 * Stores the next version of a questionnaire key. An advisory lock on the council and key makes
 * concurrent creations queue for their version number instead of colliding.
 */
export async function insertQuestionnaireVersion(
  tx: Transaction<DB>,
  councilId: string,
  key: string,
  title: string,
  definition: StoredQuestionnaire,
): Promise<Questionnaire> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`questionnaire:${councilId}:${key}`}, 0))`.execute(tx);
  const { latest } = await tx
    .selectFrom('questionnaires')
    .select((eb) => eb.fn.max('version').as('latest'))
    .where('council_id', '=', councilId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return tx
    .insertInto('questionnaires')
    .values({ id: newId(), council_id: councilId, key, version: (latest ?? 0) + 1, title, definition: JSON.stringify(definition) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findQuestionnaire(db: Db, councilId: string, id: string): Promise<Questionnaire | undefined> {
  return db.selectFrom('questionnaires').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

export function listQuestionnaires(
  db: Db,
  councilId: string,
  filter: { key?: string | undefined },
  after: string | null,
  limit: number,
): Promise<Questionnaire[]> {
  let query = db.selectFrom('questionnaires').selectAll().where('council_id', '=', councilId);
  if (filter.key !== undefined) query = query.where('key', '=', filter.key);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}
