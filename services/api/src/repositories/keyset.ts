import { sql } from 'kysely';

/**
 * The condition for a page of a list sorted by `(sortColumn, id)` that starts after the row whose
 * id the page token carries: a row-value comparison against that row, looked up in the caller's
 * council (a token for another council's row matches nothing, so the page is empty). For lists
 * sorted by id alone, `id > after` is enough.
 */
export function afterRow(table: string, sortColumn: string, after: string, councilId: string) {
  return sql<boolean>`(${sql.ref(sortColumn)}, id) > (select k.${sql.ref(sortColumn)}, k.id from ${sql.table(table)} k where k.id = ${after} and k.council_id = ${councilId})`;
}
