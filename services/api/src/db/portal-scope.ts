import type { Kysely, Selectable, SelectQueryBuilder, Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import type { DB } from './schema.js';

/** The tables whose rows belong to a person, and so to whichever portal key created that person. */
type PersonOwned = 'assessments' | 'budgets' | 'support_plans' | 'appeals' | 'reviews' | 'direct_payment_agreements' | 'interim_budgets';

/**
 * A scope's rows of a person-owned table: the council's, narrowed for a portal key to the people
 * that key created. The one place portal isolation is written, for every such table.
 */
export function visibleTo<T extends PersonOwned>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  scope: Scope,
): SelectQueryBuilder<DB, T, Selectable<DB[T]>> {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot follow one generic table through these builders.
  let query = (db as Kysely<any>).selectFrom(table).selectAll().where('council_id', '=', scope.councilId);
  const portalKeyId = scope.portalKeyId;
  if (portalKeyId !== null) {
    query = query.where(
      'person_id',
      'in',
      db.selectFrom('people').select('id').where('council_id', '=', scope.councilId).where('created_by_key_id', '=', portalKeyId),
    );
  }
  // The same query Kysely would type for one named table; it cannot say so for a generic one.
  return query as unknown as SelectQueryBuilder<DB, T, Selectable<DB[T]>>;
}
