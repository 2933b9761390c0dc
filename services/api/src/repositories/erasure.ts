import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, Db, LegalHold, Person } from '../db/schema.js';
import { afterRow } from './keyset.js';

/**
 * Every record that belongs to one person, by entity type as the audit trail names it, but for
 * their ledger entries: a long record has hundreds of thousands, so they are walked a page at a
 * time ({@link ledgerEntryIds}) rather than held.
 */
export interface PersonEntities {
  readonly budgets: readonly { readonly id: string; readonly start_date: string; readonly end_date: string | null }[];
  readonly ids: Readonly<Record<string, readonly string[]>>;
}

/** The ids of everything that is the person's: their budgets and what hangs off them. */
export async function findPersonEntities(db: Db, councilId: string, personId: string): Promise<PersonEntities> {
  const ofPerson = <
    T extends 'assessments' | 'support_plans' | 'financial_assessments' | 'reviews' | 'appeals' | 'direct_payment_agreements',
  >(
    table: T,
  ) =>
    sql<{ id: string }>`select id from ${sql.table(table)} where council_id = ${councilId} and person_id = ${personId} order by id`
      .execute(db)
      .then((result) => result.rows.map((row) => row.id));
  const budgets = await db
    .selectFrom('budgets')
    .select(['id', 'start_date', 'end_date'])
    .where('council_id', '=', councilId)
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const budgetIds = budgets.map((budget) => budget.id);
  const agreements = await ofPerson('direct_payment_agreements');
  const byBudget = (table: 'payment_agreements') =>
    budgetIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom(table)
          .select('id')
          .where('council_id', '=', councilId)
          .where('budget_id', 'in', budgetIds)
          .execute()
          .then((rows) => rows.map((row) => row.id));
  return {
    budgets,
    ids: {
      person: [personId],
      assessment: await ofPerson('assessments'),
      budget: budgetIds,
      'support-plan': await ofPerson('support_plans'),
      'financial-assessment': await ofPerson('financial_assessments'),
      review: await ofPerson('reviews'),
      appeal: await ofPerson('appeals'),
      'direct-payment-agreement': agreements,
      'account-return':
        agreements.length === 0
          ? []
          : (
              await db
                .selectFrom('account_returns')
                .select('id')
                .where('council_id', '=', councilId)
                .where('agreement_id', 'in', agreements)
                .execute()
            ).map((row) => row.id),
      'payment-agreement': await byBudget('payment_agreements'),
    },
  };
}

/** The ids of the person's ledger entries, a page at a time, in id order. */
export async function* ledgerEntryIds(db: Db, councilId: string, budgetIds: readonly string[], pageSize = 1_000): AsyncGenerator<string[]> {
  if (budgetIds.length === 0) return;
  let after: string | null = null;
  for (;;) {
    let query = db.selectFrom('budget_transactions').select('id').where('council_id', '=', councilId).where('budget_id', 'in', budgetIds);
    if (after !== null) query = query.where('id', '>', after);
    const ids = (await query.orderBy('id').limit(pageSize).execute()).map((row) => row.id);
    if (ids.length > 0) yield ids;
    if (ids.length < pageSize) return;
    after = ids[ids.length - 1] as string;
  }
}

/** [entity type, id] pairs, for the audit trail's (entity_type, entity_id) index. */
export function pairs(entities: PersonEntities): { types: string[]; ids: string[] } {
  const types: string[] = [];
  const ids: string[] = [];
  for (const [type, list] of Object.entries(entities.ids))
    for (const id of list) {
      types.push(type);
      ids.push(id);
    }
  return { types, ids };
}

/** The audit rows about a person's records, oldest first, a page at a time (keyed by the audit row's id). */
export function auditRowsAbout(
  db: Db,
  councilId: string,
  { types, ids }: { types: readonly string[]; ids: readonly string[] },
  /** The audit row the page starts after. */
  after: string | null,
  limit: number,
) {
  return sql<{
    id: string;
    actor: string;
    actor_name: string | null;
    action: string;
    entity_type: string;
    entity_id: string;
    before: unknown;
    after: unknown;
    at: Date;
  }>`
    select id, actor, actor_name, action, entity_type, entity_id, before, after, at from audit_log
     where council_id = ${councilId} and ${aboutEntities(types, ids)}
       ${after === null ? sql`` : sql`and ${afterRow('audit_log', 'at', after, councilId)}`}
     order by at, id
     limit ${limit}`
    .execute(db)
    .then((result) => result.rows);
}

/**
 * Audit rows about these entities, for the (council_id, entity_type, entity_id) index: one type
 * (a page of ledger entries) is a plain `= any`, which the planner always takes through the index.
 */
function aboutEntities(types: readonly string[], ids: readonly string[]) {
  const [first] = types;
  if (first !== undefined && types.every((type) => type === first)) return sql`entity_type = ${first} and entity_id = any(${ids}::uuid[])`;
  return sql`(entity_type, entity_id) in (select t, i from unnest(${types}::text[], ${ids}::uuid[]) as e(t, i))`;
}

/** The events about a person's records, in feed order, a page at a time. */
export function eventsAbout(db: Db, councilId: string, ids: readonly string[], afterSeq: number, limit: number) {
  return sql<{ seq: string; id: string; type: string; entity_type: string; entity_id: string; payload: unknown; occurred_at: Date }>`
    select seq, id, type, entity_type, entity_id, payload, occurred_at from events
     where council_id = ${councilId} and entity_id = any(${ids}::uuid[]) and seq > ${afterSeq}
     order by seq
     limit ${limit}`
    .execute(db)
    .then((result) => result.rows);
}

/** What retention needs to know of each person not yet erased, from the dates their records carry. */
export interface RetentionRow {
  readonly person_id: string;
  readonly last_activity: string;
  readonly support_continues: boolean;
  readonly legal_hold: boolean;
}

/**
 * Each of a council's people not yet erased (or the one named), with the last date anything
 * happened to them (a budget started, ended or changed, money moved, an assessment, plan, direct
 * payment agreement, return, review, appeal or equality monitoring changed, a financial
 * assessment took effect, the record itself changed) and whether support continues: a budget
 * agreed (or ended) with no end date, or one on or after `today`. The one definition both the
 * retention review and an erasure use.
 */
export function retentionRows(db: Db, councilId: string, today: string, personId?: string): Promise<RetentionRow[]> {
  return sql<RetentionRow>`
    select p.id as person_id,
           to_char(greatest(
             (p.updated_at at time zone 'UTC')::date,
             (select max(greatest(b.start_date, coalesce(b.end_date, b.start_date), (b.updated_at at time zone 'UTC')::date))
                from budgets b where b.council_id = p.council_id and b.person_id = p.id),
             (select max(t.occurred_on) from budget_transactions t join budgets b on b.id = t.budget_id
               where b.council_id = p.council_id and b.person_id = p.id and t.council_id = p.council_id),
             (select max((a.updated_at at time zone 'UTC')::date) from assessments a where a.council_id = p.council_id and a.person_id = p.id),
             (select max((s.updated_at at time zone 'UTC')::date) from support_plans s where s.council_id = p.council_id and s.person_id = p.id),
             (select max((d.updated_at at time zone 'UTC')::date) from direct_payment_agreements d
               where d.council_id = p.council_id and d.person_id = p.id),
             (select max(greatest(ar.period_to, (ar.created_at at time zone 'UTC')::date)) from account_returns ar
                join direct_payment_agreements d on d.id = ar.agreement_id
               where ar.council_id = p.council_id and d.person_id = p.id),
             (select max((r.updated_at at time zone 'UTC')::date) from reviews r
               where r.council_id = p.council_id and r.person_id = p.id and r.status <> 'scheduled'),
             (select max((ap.updated_at at time zone 'UTC')::date) from appeals ap where ap.council_id = p.council_id and ap.person_id = p.id),
             (select max((e.updated_at at time zone 'UTC')::date) from equality_monitoring e where e.council_id = p.council_id and e.person_id = p.id),
             (select max(f.effective_from) from financial_assessments f where f.council_id = p.council_id and f.person_id = p.id)
           ), 'YYYY-MM-DD') as last_activity,
           exists (select 1 from budgets b where b.council_id = p.council_id and b.person_id = p.id
                     and b.status in ('agreed', 'ended') and (b.end_date is null or b.end_date >= ${today}::date)) as support_continues,
           p.legal_hold is not null as legal_hold
      from people p
     where p.council_id = ${councilId} and p.erased_at is null
       ${personId === undefined ? sql`` : sql`and p.id = ${personId}`}
     order by p.id`
    .execute(db)
    .then((result) => result.rows);
}

/** Sets or clears a person's legal hold; returns the person's new version. */
export async function setLegalHold(tx: Transaction<DB>, councilId: string, personId: string, hold: LegalHold | null): Promise<number> {
  const row = await tx
    .updateTable('people')
    // Not updated_at: a hold is not activity on the record, so it does not restart the retention period.
    .set((eb) => ({ legal_hold: hold === null ? null : JSON.stringify(hold), version: eb('version', '+', 1) }))
    .where('council_id', '=', councilId)
    .where('id', '=', personId)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/**
 * Reads the JSON columns of rows, anonymises them and writes them back, keyed by id: one
 * statement over arrays for the writing, whatever the count.
 */
async function anonymiseJson(
  tx: Transaction<DB>,
  anonymise: (value: unknown) => unknown,
  table: string,
  columns: readonly string[],
  where: ReturnType<typeof sql>,
): Promise<void> {
  const { rows } = await sql<Record<string, unknown>>`
    select id::text as id, ${sql.join(columns.map((column) => sql.ref(column)))} from ${sql.table(table)} where ${where}`.execute(tx);
  if (rows.length === 0) return;
  const arrays = columns.map((column) => sql`${rows.map((row) => JSON.stringify(anonymise(row[column]) ?? null))}::text[]`);
  await sql`
    update ${sql.table(table)} as target
       set ${sql.join(columns.map((column) => sql`${sql.ref(column)} = nullif(v.${sql.ref(column)}, 'null')::jsonb`))}
      from unnest(${rows.map((row) => row.id as string)}::uuid[], ${sql.join(arrays)}) as v(id, ${sql.join(columns.map((column) => sql.ref(column)))})
     where target.id = v.id`.execute(tx);
}

/** Strips the audit rows and events about these entities to their anonymous figures. */
async function anonymiseTrail(
  tx: Transaction<DB>,
  councilId: string,
  types: readonly string[],
  ids: readonly string[],
  anonymise: (value: unknown) => unknown,
  portalActor: string | null,
): Promise<void> {
  if (ids.length === 0) return;
  await anonymiseJson(tx, anonymise, 'audit_log', ['before', 'after'], sql`council_id = ${councilId} and ${aboutEntities(types, ids)}`);
  // Through a portal the named actor may be the person themself.
  if (portalActor !== null)
    await sql`update audit_log set actor_name = null
               where council_id = ${councilId} and ${aboutEntities(types, ids)} and actor = ${portalActor} and actor_name is not null`.execute(
      tx,
    );
  // By id: an event may not have its number yet.
  const { rows: events } = await sql<{ id: string; payload: unknown }>`
    select id, payload from events where council_id = ${councilId} and entity_id = any(${ids}::uuid[])`.execute(tx);
  if (events.length > 0)
    await sql`
      update events e set payload = v.payload::jsonb
        from unnest(${events.map((event) => event.id)}::uuid[], ${events.map((event) => JSON.stringify(anonymise(event.payload)))}::text[])
             as v(id, payload)
       where e.council_id = ${councilId} and e.id = v.id`.execute(tx);
}

/**
 * Erases one person inside the caller's transaction: personal fields become nothing, free text in
 * their records and in the audit trail and events about them is stripped, their record-system ids
 * are deleted (so an import can never re-link them), and idempotent replies that held their
 * record are dropped. Figures, codes, dates and ids stay, so reports over past years do not change.
 */
export async function erasePersonRows(
  tx: Transaction<DB>,
  councilId: string,
  person: Person,
  entities: PersonEntities,
  anonymise: (value: unknown) => unknown,
  ageBands: ReadonlyMap<string, string | null>,
  erasedAt: Date,
): Promise<void> {
  const c = councilId;
  const p = person.id;
  const portal = person.created_by_key_id
    ? await tx
        .selectFrom('api_keys')
        .select('id')
        .where('id', '=', person.created_by_key_id)
        .where(sql<boolean>`'portal' = any(roles)`)
        .executeTakeFirst()
    : undefined;
  const portalActor = portal ? `key:${portal.id}` : null;
  const budgetIds = entities.ids.budget ?? [];
  const agreementIds = entities.ids['direct-payment-agreement'] ?? [];
  const planIds = entities.ids['support-plan'] ?? [];
  const reviewIds = entities.ids.review ?? [];
  const inList = (ids: readonly string[]) => sql`(select unnest(${ids}::uuid[]))`;

  for (const [budgetId, band] of ageBands)
    await sql`update budgets set monitoring_age_band = ${band} where council_id = ${c} and id = ${budgetId}`.execute(tx);
  await sql`update people set display_name = null, date_of_birth = null, agent = null, representation = null, erased_at = ${erasedAt},
              version = version + 1, updated_at = now() where council_id = ${c} and id = ${p}`.execute(tx);
  // A desktop exercise's case references may be record-system ids: the person's become "erased".
  const { rows: externalIds } = await sql<{ value: string }>`
    select value from person_external_ids where council_id = ${c} and person_id = ${p}`.execute(tx);
  const values = externalIds.map((row) => row.value);
  // Wherever the exercise names a case (its list, its biggest gain and loss), as the JSON string it is.
  for (const value of values)
    await sql`
      update calibrations set result = replace(result::text, to_jsonb(${value}::text)::text, '"erased"')::jsonb
       where council_id = ${c} and result::text like ${`%${JSON.stringify(value).slice(1, -1)}%`}`.execute(tx);
  await sql`delete from person_external_ids where council_id = ${c} and person_id = ${p}`.execute(tx);
  await sql`update equality_monitoring set religion = null, sexual_orientation = null where council_id = ${c} and person_id = ${p}`.execute(
    tx,
  );
  await sql`update assessments set answers = '{}'::jsonb, submitted_answers = null where council_id = ${c} and person_id = ${p}`.execute(
    tx,
  );
  await anonymiseJson(tx, anonymise, 'assessments', ['moderation', 'eligibility', 'score'], sql`council_id = ${c} and person_id = ${p}`);
  await sql`update budgets set panel_reason = null, end_reason = null where council_id = ${c} and person_id = ${p}`.execute(tx);
  await anonymiseJson(tx, anonymise, 'budgets', ['calculation', 'referral'], sql`council_id = ${c} and person_id = ${p}`);
  await anonymiseJson(tx, anonymise, 'support_plans', ['plan', 'exception'], sql`council_id = ${c} and person_id = ${p}`);
  await anonymiseJson(tx, anonymise, 'plan_revisions', ['plan', 'previous', 'decisions'], sql`council_id = ${c} and person_id = ${p}`);
  await sql`update plan_revisions set reason = '' where council_id = ${c} and person_id = ${p}`.execute(tx);
  await sql`update interim_budgets set reason = '' where council_id = ${c} and person_id = ${p}`.execute(tx);
  await sql`update interim_payments set payee_reference = null
             where council_id = ${c} and interim_id in (select id from interim_budgets where council_id = ${c} and person_id = ${p})`.execute(
    tx,
  );
  await sql`update plan_decisions set reasons = '', checklist_reasons = null where council_id = ${c} and plan_id in ${inList(planIds)}`.execute(
    tx,
  );
  await sql`update financial_assessments set notes = null where council_id = ${c} and person_id = ${p}`.execute(tx);
  await anonymiseJson(tx, anonymise, 'financial_assessments', ['calculation'], sql`council_id = ${c} and person_id = ${p}`);
  await sql`update budget_transactions set description = null where council_id = ${c} and budget_id in ${inList(budgetIds)}`.execute(tx);
  await sql`update direct_payment_agreements set holder_name = null, account_reference = '', accepted_by = ''
             where council_id = ${c} and person_id = ${p}`.execute(tx);
  await anonymiseJson(
    tx,
    anonymise,
    'account_returns',
    ['statement', 'check_result'],
    sql`council_id = ${c} and agreement_id in ${inList(agreementIds)}`,
  );
  await sql`update audit_sample_items set notes = null where council_id = ${c} and agreement_id in ${inList(agreementIds)}`.execute(tx);
  await sql`update payment_run_items set payee_name = '', payee_reference = ''
             where council_id = ${c} and person_id = ${p} and payee_kind = 'direct-payment'`.execute(tx);
  await anonymiseJson(tx, anonymise, 'reviews', ['outcome', 'clawback'], sql`council_id = ${c} and id in ${inList(reviewIds)}`);
  await sql`update appeals set reason = '' where council_id = ${c} and person_id = ${p}`.execute(tx);
  await anonymiseJson(tx, anonymise, 'appeals', ['decision'], sql`council_id = ${c} and person_id = ${p}`);

  // The audit trail and events about the person's records, then about each page of ledger entries.
  const { types, ids } = pairs(entities);
  await anonymiseTrail(tx, c, types, ids, anonymise, portalActor);
  for await (const page of ledgerEntryIds(tx, c, budgetIds))
    await anonymiseTrail(
      tx,
      c,
      page.map(() => 'budget-transaction'),
      page,
      anonymise,
      portalActor,
    );
  // A retried request within 24 hours would otherwise answer with the record as it was: any
  // stored reply that names one of the person's records (a ledger entry's names its budget).
  await sql`delete from idempotency_keys where body::text like any(${ids.map((id) => `%${id}%`)}::text[])`.execute(tx);
}

/** The councils that let the service's daily job erase people past their date. */
export async function councilsWithScheduledErasure(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from councils where settings -> 'dataProtection' -> 'retention' ->> 'scheduledErasure' = 'true' order by id`.execute(db);
  return rows.map((row) => row.id);
}

/**
 * The ids of every record of the council's people under a legal hold (and the people), whose audit
 * trail and access log stay whatever their age.
 */
function heldRecords(councilId: string) {
  const held = sql`(select id from people where council_id = ${councilId} and legal_hold is not null)`;
  const heldBudgets = sql`(select id from budgets where council_id = ${councilId} and person_id in ${held})`;
  const heldAgreements = sql`(select id from direct_payment_agreements where council_id = ${councilId} and person_id in ${held})`;
  return {
    people: held,
    records: sql`(
      select id from people where council_id = ${councilId} and legal_hold is not null
      union all select id from assessments where council_id = ${councilId} and person_id in ${held}
      union all select id from budgets where council_id = ${councilId} and person_id in ${held}
      union all select id from support_plans where council_id = ${councilId} and person_id in ${held}
      union all select id from reviews where council_id = ${councilId} and person_id in ${held}
      union all select id from appeals where council_id = ${councilId} and person_id in ${held}
      union all select id from financial_assessments where council_id = ${councilId} and person_id in ${held}
      union all select id from direct_payment_agreements where council_id = ${councilId} and person_id in ${held}
      union all select id from account_returns where council_id = ${councilId} and agreement_id in ${heldAgreements}
      union all select id from payment_agreements where council_id = ${councilId} and budget_id in ${heldBudgets}
      union all select id from budget_transactions where council_id = ${councilId} and budget_id in ${heldBudgets})`,
  };
}

/**
 * Audit records and access log entries of a council from before a time, but for those about people
 * under a legal hold: how many, or removed.
 */
export async function auditRecordsBefore(
  tx: Kysely<DB> | Transaction<DB>,
  councilId: string,
  /** The first day kept (a calendar date): records from before its start (UTC) go. */
  before: string,
  remove: boolean,
): Promise<{ auditRecords: number; accessLog: number }> {
  const held = heldRecords(councilId);
  const cutoff = sql`(${before}::date::timestamp at time zone 'UTC')`;
  const audit = sql`audit_log where council_id = ${councilId} and at < ${cutoff} and entity_id not in ${held.records}`;
  const access = sql`access_log where council_id = ${councilId} and at < ${cutoff} and (person_id is null or person_id not in ${held.people})`;
  if (!remove) {
    const { rows } = await sql<{ audit: number; access: number }>`
      select (select count(*)::int from ${audit}) as audit, (select count(*)::int from ${access}) as access`.execute(tx);
    return { auditRecords: rows[0]?.audit ?? 0, accessLog: rows[0]?.access ?? 0 };
  }
  // The access log refuses deletes but for this run's own transaction (see the migration).
  await sql`select set_config('ras.retention_purge', 'on', true)`.execute(tx);
  const removedAudit = await sql`delete from ${audit}`.execute(tx);
  const removedAccess = await sql`delete from ${access}`.execute(tx);
  return { auditRecords: Number(removedAudit.numAffectedRows ?? 0), accessLog: Number(removedAccess.numAffectedRows ?? 0) };
}

/** Whether any of these ids is an erased person of the council, or a record of one. */
export async function erasedAmong(db: Db, councilId: string, ids: readonly string[]): Promise<boolean> {
  const { rows } = await sql<{ erased: boolean }>`
    select exists (
      select 1 from people p
       where p.council_id = ${councilId} and p.erased_at is not null
         and p.id in (
           select unnest(${ids}::uuid[])
           union all select person_id from assessments where council_id = ${councilId} and id = any(${ids}::uuid[])
           union all select person_id from budgets where council_id = ${councilId} and id = any(${ids}::uuid[])
           union all select person_id from support_plans where council_id = ${councilId} and id = any(${ids}::uuid[])
           union all select person_id from reviews where council_id = ${councilId} and id = any(${ids}::uuid[])
           union all select person_id from appeals where council_id = ${councilId} and id = any(${ids}::uuid[])
           union all select person_id from direct_payment_agreements where council_id = ${councilId} and id = any(${ids}::uuid[])
           union all select s.person_id from plan_decisions d join support_plans s on s.id = d.plan_id
                      where d.council_id = ${councilId} and d.id = any(${ids}::uuid[]))
    ) as erased`.execute(db);
  return rows[0]?.erased === true;
}
