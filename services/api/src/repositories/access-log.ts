import { type Kysely, sql } from 'kysely';
import type { AccessLogRow, DB } from '../db/schema.js';
import { afterRow } from './keyset.js';

/** One read, as the access log keeps it: who, when, through which operation, whose record, what kind of data. */
export interface AccessEntry {
  readonly id: string;
  readonly councilId: string;
  readonly at: Date;
  readonly keyId: string | null;
  /** The verified subject of a token (null for a key). */
  readonly subject: string | null;
  readonly actorName: string | null;
  readonly operationId: string;
  /** Whose record, when the response said; otherwise found from `entityId` as the batch is written. */
  readonly personId: string | null;
  readonly what: readonly string[];
  readonly entityType: string | null;
  readonly entityId: string | null;
  readonly requestId: string | null;
}

/**
 * Writes a batch of reads in one statement over arrays. A read whose response did not name the
 * person (an account, a letter, a verification) names its entity: the person is looked up here,
 * once per batch, by the entity's id in each table that belongs to a person, rather than on the
 * read's own path.
 */
export async function insertAccessEntries(db: Kysely<DB>, entries: readonly AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <T>(pick: (entry: AccessEntry) => T) => entries.map(pick);
  await sql`
    insert into access_log (id, council_id, at, key_id, subject, actor_name, operation_id, person_id, what, entity_type, entity_id, request_id)
    select e.id, e.council_id, e.at, e.key_id, e.subject, e.actor_name, e.operation_id,
           coalesce(e.person_id,
             (select p.id from people p where p.id = e.entity_uuid and p.council_id = e.council_id),
             (select b.person_id from budgets b where b.id = e.entity_uuid and b.council_id = e.council_id),
             (select a.person_id from assessments a where a.id = e.entity_uuid and a.council_id = e.council_id),
             (select s.person_id from support_plans s where s.id = e.entity_uuid and s.council_id = e.council_id),
             (select r.person_id from reviews r where r.id = e.entity_uuid and r.council_id = e.council_id),
             (select ap.person_id from appeals ap where ap.id = e.entity_uuid and ap.council_id = e.council_id),
             (select d.person_id from direct_payment_agreements d where d.id = e.entity_uuid and d.council_id = e.council_id),
             (select s.person_id from plan_decisions pd join support_plans s on s.id = pd.plan_id
               where pd.id = e.entity_uuid and pd.council_id = e.council_id)),
           string_to_array(e.what, ','), e.entity_type, e.entity_id, e.request_id
    from (
      select entry.*, case when entry.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                           then entry.entity_id::uuid end as entity_uuid
      from unnest(
        ${column((e) => e.id)}::uuid[], ${column((e) => e.councilId)}::uuid[], ${column((e) => e.at.toISOString())}::timestamptz[],
        ${column((e) => e.keyId)}::uuid[], ${column((e) => e.subject)}::text[], ${column((e) => e.actorName)}::text[], ${column((e) => e.operationId)}::text[],
        ${column((e) => e.personId)}::uuid[], ${column((e) => e.what.join(','))}::text[], ${column((e) => e.entityType)}::text[],
        ${column((e) => e.entityId)}::text[], ${column((e) => e.requestId)}::text[]
      ) as entry(id, council_id, at, key_id, subject, actor_name, operation_id, person_id, what, entity_type, entity_id, request_id)
    ) e`.execute(db);
}

export interface AccessLogFilter {
  readonly personId?: string | undefined;
  readonly keyId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** A council's access log, oldest first, a page at a time. */
export function listAccessEntries(
  db: Kysely<DB>,
  councilId: string,
  filter: AccessLogFilter,
  after: string | null,
  limit: number,
): Promise<AccessLogRow[]> {
  let query = db.selectFrom('access_log').selectAll().where('council_id', '=', councilId);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.keyId !== undefined) query = query.where('key_id', '=', filter.keyId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (after !== null) query = query.where(afterRow('access_log', 'at', after, councilId));
  return query.orderBy('at').orderBy('id').limit(limit).execute();
}

/** Reads that took many people's data out, or one person's whole record, since a date: by operation and key. */
export interface ExportSummary {
  readonly operation_id: string;
  readonly entity_type: string | null;
  readonly key_id: string | null;
  readonly runs: number;
  readonly last_at: Date;
}

export async function exportsSince(
  db: Kysely<DB>,
  councilId: string,
  since: Date,
  operations: readonly string[],
): Promise<ExportSummary[]> {
  const { rows } = await sql<ExportSummary>`
    select operation_id, case when operation_id = 'exportRecords' then entity_type end as entity_type, key_id,
           count(*)::int as runs, max(at) as last_at
      from access_log
     where council_id = ${councilId} and at >= ${since} and operation_id = any(${operations}::text[])
     group by 1, 2, 3
     order by 1, 2, 3`.execute(db);
  return rows;
}

/** How many people are erased and held, and how many were erased since a date. */
export async function erasureCounts(
  db: Kysely<DB>,
  councilId: string,
  since: Date,
): Promise<{ erased: number; erasedSince: number; held: number }> {
  const { rows } = await sql<{ erased: number; erased_since: number; held: number }>`
    select count(*) filter (where erased_at is not null)::int as erased,
           count(*) filter (where erased_at >= ${since})::int as erased_since,
           count(*) filter (where legal_hold is not null)::int as held
      from people where council_id = ${councilId}`.execute(db);
  const row = rows[0] ?? { erased: 0, erased_since: 0, held: 0 };
  return { erased: row.erased, erasedSince: row.erased_since, held: row.held };
}
