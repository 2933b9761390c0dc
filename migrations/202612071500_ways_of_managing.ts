import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 29: every way of managing a budget honoured in the money.
// - providers: the council's small provider register (name, payee details); an individual service
//   fund's share is paid to the provider its plan line names.
// - direct_payment_agreements: one per way of managing that pays a holder (a direct payment, an
//   indirect payment through a nominated person, a trust), so a budget may have up to three.
// - payment_run_items: an instalment split between payees, one item per share, each with the way
//   of managing it pays for, its provider and each plan line's part of it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('account_type', 'text', (c) => c.notNull().check(sql`account_type in ('bank', 'prepaid-card')`))
    .addColumn('account_reference', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('providers_name_uq', ['council_id', 'name'])
    .execute();

  await db.schema
    .alterTable('direct_payment_agreements')
    .addColumn('management_option', 'text', (c) =>
      c.notNull().defaultTo('direct-payment').check(sql`management_option in ('direct-payment', 'indirect-payment', 'trust')`),
    )
    .execute();
  await db.schema.alterTable('direct_payment_agreements').dropConstraint('direct_payment_agreements_budget_uq').execute();
  await db.schema
    .alterTable('direct_payment_agreements')
    .addUniqueConstraint('direct_payment_agreements_option_uq', ['budget_id', 'management_option'])
    .execute();

  await db.schema
    .alterTable('payment_run_items')
    .addColumn('share', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('management_option', 'text')
    .addColumn('provider_id', 'uuid', (c) => c.references('providers.id'))
    .addColumn('plan_lines', 'jsonb')
    .execute();
  await db.schema.alterTable('payment_run_items').dropConstraint('payment_run_items_pk').execute();
  await db.schema
    .alterTable('payment_run_items')
    .addPrimaryKeyConstraint('payment_run_items_pk', ['run_id', 'budget_id', 'instalment_number', 'share'])
    .execute();
  await db.schema.alterTable('payment_run_items').dropConstraint('payment_run_items_payee_kind_check').execute();
  await db.schema
    .alterTable('payment_run_items')
    .addCheckConstraint(
      'payment_run_items_payee_kind_check',
      sql`payee_kind in ('direct-payment', 'indirect-payment', 'trust', 'individual-service-fund', 'commissioned', 'managed-account')`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payment_run_items').dropConstraint('payment_run_items_payee_kind_check').execute();
  await db.schema
    .alterTable('payment_run_items')
    .addCheckConstraint('payment_run_items_payee_kind_check', sql`payee_kind in ('direct-payment', 'managed-account')`)
    .execute();
  await db.schema.alterTable('payment_run_items').dropConstraint('payment_run_items_pk').execute();
  await db.schema
    .alterTable('payment_run_items')
    .addPrimaryKeyConstraint('payment_run_items_pk', ['run_id', 'budget_id', 'instalment_number'])
    .execute();
  await db.schema
    .alterTable('payment_run_items')
    .dropColumn('plan_lines')
    .dropColumn('provider_id')
    .dropColumn('management_option')
    .dropColumn('share')
    .execute();
  await db.schema.alterTable('direct_payment_agreements').dropConstraint('direct_payment_agreements_option_uq').execute();
  await db.schema
    .alterTable('direct_payment_agreements')
    .addUniqueConstraint('direct_payment_agreements_budget_uq', ['budget_id'])
    .execute();
  await db.schema.alterTable('direct_payment_agreements').dropColumn('management_option').execute();
  await db.schema.dropTable('providers').execute();
}
