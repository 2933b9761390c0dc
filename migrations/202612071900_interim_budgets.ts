import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 29, interim support in a crisis: a time-limited budget before the plan is
// agreed, its payments, its review, and its reconciliation into the agreed budget that follows.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('interim_budgets')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('weekly_pence', 'bigint', (c) => c.notNull().check(sql`weekly_pence >= 0`))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    .addColumn('total_pence', 'bigint', (c) => c.notNull().check(sql`total_pence >= 0`))
    .addColumn('review_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'ended', 'reconciled')`))
    .addColumn('reviews', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('reconciled_into', 'uuid', (c) => c.references('budgets.id'))
    .addColumn('reconciliation', 'jsonb')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('interim_budgets_period_ck', sql`end_date >= start_date`)
    .execute();
  // One interim budget running for a person at a time.
  await sql`create unique index interim_budgets_active_uq on interim_budgets (council_id, person_id) where status = 'active'`.execute(db);

  await db.schema
    .createTable('interim_payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('interim_id', 'uuid', (c) => c.notNull().references('interim_budgets.id'))
    .addColumn('amount_pence', 'bigint', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('payee_reference', 'text')
    .addColumn('carried_transaction_id', 'uuid', (c) => c.references('budget_transactions.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index interim_payments_interim_idx on interim_payments (council_id, interim_id, paid_on)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('interim_payments').execute();
  await db.schema.dropTable('interim_budgets').execute();
}
