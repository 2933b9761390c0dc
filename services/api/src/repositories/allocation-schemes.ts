import { sql, type Transaction } from 'kysely';
import type { AllocationScheme, DB, Db, StoredSchemeRules } from '../db/schema.js';
import { newId } from '../ids.js';

/** What is stored of a scheme besides its key, version and selection columns. */
export interface SchemeRow {
  readonly key: string;
  readonly questionnaireId: string;
  readonly clientGroups: readonly string[];
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly definition: StoredSchemeRules;
}

/** Stores the next version of a scheme key (queued per key by an advisory lock). */
export async function insertSchemeVersion(tx: Transaction<DB>, councilId: string, scheme: SchemeRow): Promise<AllocationScheme> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`scheme:${councilId}:${scheme.key}`}, 0))`.execute(tx);
  const { latest } = await tx
    .selectFrom('allocation_schemes')
    .select((eb) => eb.fn.max('version').as('latest'))
    .where('council_id', '=', councilId)
    .where('key', '=', scheme.key)
    .executeTakeFirstOrThrow();
  return tx
    .insertInto('allocation_schemes')
    .values({
      id: newId(),
      council_id: councilId,
      key: scheme.key,
      version: (latest ?? 0) + 1,
      questionnaire_id: scheme.questionnaireId,
      client_groups: [...scheme.clientGroups],
      effective_from: scheme.effectiveFrom,
      effective_to: scheme.effectiveTo,
      definition: JSON.stringify(scheme.definition),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findScheme(db: Db, councilId: string, id: string): Promise<AllocationScheme | undefined> {
  return db.selectFrom('allocation_schemes').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

/**
 * The scheme in force for a client group and questionnaire on a date: among the schemes covering both, the one
 * that took effect most recently wins (a new scheme supersedes an open-ended older one from its
 * start date), then the newest version.
 */
export function findSchemeInForce(
  db: Db,
  councilId: string,
  clientGroup: string,
  date: string,
  questionnaireId: string,
): Promise<AllocationScheme | undefined> {
  return db
    .selectFrom('allocation_schemes')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('questionnaire_id', '=', questionnaireId)
    .where(sql<boolean>`client_groups @> array[${clientGroup}]::text[]`)
    .where('effective_from', '<=', date)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', date)]))
    .orderBy('effective_from', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every version of a scheme key, oldest first. */
export function schemeVersions(db: Db, councilId: string, key: string): Promise<AllocationScheme[]> {
  return db
    .selectFrom('allocation_schemes')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('key', '=', key)
    .orderBy('version')
    .execute();
}

export interface SchemeFilter {
  readonly key?: string | undefined;
  readonly clientGroup?: string | undefined;
  readonly effectiveOn?: string | undefined;
}

export function listSchemes(
  db: Db,
  councilId: string,
  filter: SchemeFilter,
  after: string | null,
  limit: number,
): Promise<AllocationScheme[]> {
  let query = db.selectFrom('allocation_schemes').selectAll().where('council_id', '=', councilId);
  if (filter.key !== undefined) query = query.where('key', '=', filter.key);
  if (filter.clientGroup !== undefined) query = query.where(sql<boolean>`client_groups @> array[${filter.clientGroup}]::text[]`);
  const on = filter.effectiveOn;
  if (on !== undefined) {
    query = query.where('effective_from', '<=', on).where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', on)]));
  }
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}
