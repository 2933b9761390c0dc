import type { Transaction } from 'kysely';
import type { DB, Db, EqualityMonitoring } from '../db/schema.js';

/** The equality monitoring answers that can be recorded, by column. */
export interface EqualityAnswers {
  readonly sex: string | null;
  readonly ethnicity: string | null;
  readonly religion: string | null;
  readonly sexual_orientation: string | null;
  readonly primary_support_reason: string | null;
}

/** A person's equality monitoring, if any was recorded. */
export function findEqualityMonitoring(db: Db, councilId: string, personId: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('equality_monitoring').selectAll().where('council_id', '=', councilId).where('person_id', '=', personId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Records a person's answers, numbering the version. The person's `updated_at` moves too, so an
 * admin's export of changes since a time (`since`) brings the new answers.
 */
export async function saveEqualityMonitoring(
  tx: Transaction<DB>,
  councilId: string,
  personId: string,
  answers: EqualityAnswers,
  updatedBy: string,
  existing: EqualityMonitoring | undefined,
  at: Date,
): Promise<EqualityMonitoring> {
  await tx.updateTable('people').set({ updated_at: at }).where('council_id', '=', councilId).where('id', '=', personId).execute();
  if (existing === undefined)
    return tx
      .insertInto('equality_monitoring')
      .values({ person_id: personId, council_id: councilId, ...answers, updated_by: updatedBy })
      .returningAll()
      .executeTakeFirstOrThrow();
  return tx
    .updateTable('equality_monitoring')
    .set((eb) => ({ ...answers, updated_by: updatedBy, updated_at: at, version: eb('version', '+', 1) }))
    .where('council_id', '=', councilId)
    .where('person_id', '=', personId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The equality monitoring of many people of a council, by person id (for an admin's export). */
export async function equalityMonitoringOf(
  db: Db,
  councilId: string,
  personIds: readonly string[],
): Promise<Map<string, EqualityMonitoring>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('equality_monitoring')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('person_id', 'in', personIds)
    .execute();
  return new Map(rows.map((row) => [row.person_id, row]));
}
