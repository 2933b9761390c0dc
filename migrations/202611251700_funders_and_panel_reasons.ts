import { type Kysely, sql } from 'kysely';

// Frozen in time. Money you can trust (issue 11):
// - every ledger entry and every instalment belongs to a funder: the council, the person, or a
//   funding stream (Supporting People, NHS) whose money the council passes on; the new kind
//   funder-payment records a stream's money coming in;
// - instalments are numbered per funder;
// - a panel decision keeps the reason given for each checklist item that failed.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('budget_transactions')
    .addColumn('funder', 'text', (c) => c.notNull().defaultTo('council'))
    .execute();
  await sql`update budget_transactions set funder = 'person' where kind in ('contribution', 'contribution-refund')`.execute(db);
  // A reversal belongs to the funder of the entry it reverses.
  await sql`update budget_transactions r set funder = o.funder from budget_transactions o where r.reverses_id = o.id`.execute(db);
  // The name PostgreSQL (15 and 18) gave the inline check; without if exists, so a different
  // name fails here rather than leaving the old list of kinds in force.
  await sql`alter table budget_transactions drop constraint budget_transactions_kind_check`.execute(db);
  await db.schema
    .alterTable('budget_transactions')
    .addCheckConstraint(
      'budget_transactions_kind_ck',
      sql`kind in ('council-payment', 'funder-payment', 'contribution', 'spend', 'refund', 'adjustment', 'clawback', 'contribution-refund', 'reversal')`,
    )
    .execute();

  await db.schema
    .alterTable('payment_instalments')
    .addColumn('funder', 'text', (c) => c.notNull().defaultTo('council'))
    .execute();
  await db.schema.alterTable('payment_instalments').dropConstraint('payment_instalments_pk').execute();
  await db.schema
    .alterTable('payment_instalments')
    .addPrimaryKeyConstraint('payment_instalments_pk', ['agreement_id', 'funder', 'number'])
    .execute();

  await db.schema.alterTable('plan_decisions').addColumn('checklist_reasons', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('plan_decisions').dropColumn('checklist_reasons').execute();
  await sql`delete from payment_instalments where funder <> 'council'`.execute(db);
  await db.schema.alterTable('payment_instalments').dropConstraint('payment_instalments_pk').execute();
  await db.schema.alterTable('payment_instalments').addPrimaryKeyConstraint('payment_instalments_pk', ['agreement_id', 'number']).execute();
  await db.schema.alterTable('payment_instalments').dropColumn('funder').execute();
  await db.schema.alterTable('budget_transactions').dropConstraint('budget_transactions_kind_ck').execute();
  // Reversals of funder payments first: they point at the payments.
  await sql`delete from budget_transactions where reverses_id in (select id from budget_transactions where kind = 'funder-payment')`.execute(
    db,
  );
  await sql`delete from budget_transactions where kind = 'funder-payment'`.execute(db);
  await db.schema
    .alterTable('budget_transactions')
    .addCheckConstraint(
      'budget_transactions_kind_check',
      sql`kind in ('council-payment', 'contribution', 'spend', 'refund', 'adjustment', 'clawback', 'contribution-refund', 'reversal')`,
    )
    .execute();
  await db.schema.alterTable('budget_transactions').dropColumn('funder').execute();
}
