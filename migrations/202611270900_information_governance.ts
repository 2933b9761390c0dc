import { type Kysely, sql } from 'kysely';

// Frozen in time. Information governance (issue 18): legal holds and erasure on the person, the
// age band an erased person's budgets keep for the fairness report, budgets that end, and the
// append-only log of who read a person's record, special-category fields or money.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('people')
    .addColumn('erased_at', 'timestamptz')
    // { reason, placedBy, placedAt }: while set, no erasure touches the person.
    .addColumn('legal_hold', 'jsonb')
    .execute();
  // Once the date of birth is gone, the fairness report still needs the band on each budget's start.
  await db.schema.alterTable('budgets').addColumn('monitoring_age_band', 'text').addColumn('end_reason', 'text').execute();

  await db.schema
    .createTable('access_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'uuid')
    .addColumn('actor_name', 'text')
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'uuid')
    .addColumn('what', sql`text[]`, (c) => c.notNull())
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('request_id', 'text')
    .execute();
  await sql`create index access_log_council_idx on access_log (council_id, at desc, id desc)`.execute(db);
  await sql`create index access_log_person_idx on access_log (council_id, person_id, at desc, id desc) where person_id is not null`.execute(
    db,
  );
  await sql`create index access_log_key_idx on access_log (council_id, key_id, at desc, id desc)`.execute(db);
  // Append-only: nothing changes or removes what was read, when, by whom. The one exception is
  // the retention run removing entries older than the council's audit retention period, which it
  // says by setting ras.retention_purge for its own transaction.
  await sql`
    create function access_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('ras.retention_purge', true) = 'on' then
        return old;
      end if;
      raise exception 'access_log is append-only' using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger access_log_append_only before update or delete on access_log
            for each row execute function access_log_append_only()`.execute(db);
  await sql`create trigger access_log_no_truncate before truncate on access_log
            for each statement execute function access_log_append_only()`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (council_id, at)`.execute(db);

  // A subject access request and an erasure find the events that name a person's records.
  await sql`create index events_entity_idx on events (council_id, entity_id)`.execute(db);
  await sql`create index reviews_person_idx on reviews (council_id, person_id)`.execute(db);
  await sql`create index support_plans_person_idx on support_plans (council_id, person_id)`.execute(db);
  await sql`create index direct_payment_agreements_person_idx on direct_payment_agreements (council_id, person_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index direct_payment_agreements_person_idx`.execute(db);
  await sql`drop index support_plans_person_idx`.execute(db);
  await sql`drop index reviews_person_idx`.execute(db);
  await sql`drop index events_entity_idx`.execute(db);
  await sql`drop index audit_log_at_idx`.execute(db);
  await db.schema.dropTable('access_log').execute();
  await sql`drop function access_log_append_only()`.execute(db);
  await db.schema.alterTable('budgets').dropColumn('monitoring_age_band').dropColumn('end_reason').execute();
  await db.schema.alterTable('people').dropColumn('erased_at').dropColumn('legal_hold').execute();
}
