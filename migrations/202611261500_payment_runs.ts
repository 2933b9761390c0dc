import { type Kysely, sql } from 'kysely';

// Frozen in time. National scale (issue 17): the month-end payment run.
// - payment_runs: one council's run for one date: prepared (a dry list of what is due), then
//   confirmed (every payment recorded on the ledger) or cancelled. At most one live run a date,
//   and at most one open (prepared or confirming) run a council, so two runs never pay the same
//   instalment.
// - payment_run_items: one instalment owed by one budget, with the payee it goes to, and once
//   paid, the ledger entry that paid it.
// - indexes the run and the national figures need (BENCHMARKS.md, issue 17): the council's
//   instalments by date, its council payments by budget and instalment, its ledger by date (the
//   summary report's money, which scanned every council's rows), and its reversals (a handful,
//   where "not reversed" hashed the whole ledger's reverses_id).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('run_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('prepared', 'confirming', 'confirmed', 'cancelled')`))
    .addColumn('payments', 'integer', (c) => c.notNull().check(sql`payments >= 0`))
    .addColumn('payees', 'integer', (c) => c.notNull().check(sql`payees >= 0`))
    .addColumn('total_pence', 'bigint', (c) => c.notNull().check(sql`total_pence >= 0`))
    .addColumn('held', 'jsonb', (c) => c.notNull())
    // The budgets finance held out: the same date asked again with other holds is another run.
    .addColumn('hold_budget_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_by', 'text')
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('cancelled_by', 'text')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`create unique index payment_runs_date_uq on payment_runs (council_id, run_date) where status <> 'cancelled'`.execute(db);
  await sql`create unique index payment_runs_open_uq on payment_runs (council_id) where status in ('prepared', 'confirming')`.execute(db);

  await db.schema
    .createTable('payment_run_items')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('payment_runs.id'))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('instalment_number', 'integer', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('payee_kind', 'text', (c) => c.notNull().check(sql`payee_kind in ('direct-payment', 'managed-account')`))
    .addColumn('payee_reference', 'text', (c) => c.notNull())
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('direct_payment_agreement_id', 'uuid', (c) => c.references('direct_payment_agreements.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'paid', 'skipped')`))
    .addColumn('skipped_reason', 'text')
    .addColumn('transaction_id', 'uuid', (c) => c.references('budget_transactions.id'))
    .addPrimaryKeyConstraint('payment_run_items_pk', ['run_id', 'budget_id', 'instalment_number'])
    .execute();

  // The run reads a council's council-funder instalments due by a date…
  await db.schema
    .createIndex('payment_instalments_due_idx')
    .on('payment_instalments')
    .columns(['council_id', 'funder', 'due_date'])
    .execute();
  // …and what council payments have named each one.
  await sql`create index budget_transactions_instalment_idx on budget_transactions (council_id, budget_id, instalment_number)
            where kind = 'council-payment'`.execute(db);
  await sql`create index budget_transactions_date_idx on budget_transactions (council_id, occurred_on) include (kind, amount_pence, id)`.execute(
    db,
  );
  await sql`create index budget_transactions_reversals_idx on budget_transactions (council_id, reverses_id) where kind = 'reversal'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('budget_transactions_reversals_idx').execute();
  await db.schema.dropIndex('budget_transactions_date_idx').execute();
  await db.schema.dropIndex('budget_transactions_instalment_idx').execute();
  await db.schema.dropIndex('payment_instalments_due_idx').execute();
  await db.schema.dropTable('payment_run_items').execute();
  await db.schema.dropTable('payment_runs').execute();
}
