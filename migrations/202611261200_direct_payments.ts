import { type Kysely, sql } from 'kysely';

// Frozen in time. The council's year (issue 14), direct payments:
// - the agreement for a budget paid as a direct payment: the council's terms as accepted (version
//   and text), who holds the money, the account it goes to, accepted when and by whom; active,
//   suspended after an audit, or ended;
// - returns: the account holder's statements for a period, with the check against the ledger;
// - audit samples for a period and each sampled account's outcome.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('direct_payment_agreements')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('terms_version', 'text', (c) => c.notNull())
    .addColumn('terms_text', 'text', (c) => c.notNull())
    .addColumn('holder_type', 'text', (c) =>
      c.notNull().check(sql`holder_type in ('person', 'nominated-person', 'authorised-person', 'trust')`),
    )
    .addColumn('holder_name', 'text')
    .addColumn('account_type', 'text', (c) => c.notNull().check(sql`account_type in ('bank', 'prepaid-card')`))
    .addColumn('account_reference', 'text', (c) => c.notNull())
    .addColumn('accepted_on', 'date', (c) => c.notNull())
    .addColumn('accepted_by', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'suspended', 'ended')`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('direct_payment_agreements_budget_uq', ['budget_id'])
    .execute();

  await db.schema
    .createTable('account_returns')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('agreement_id', 'uuid', (c) => c.notNull().references('direct_payment_agreements.id'))
    .addColumn('period_from', 'date', (c) => c.notNull())
    .addColumn('period_to', 'date', (c) => c.notNull())
    .addColumn('statement', 'jsonb', (c) => c.notNull())
    .addColumn('check_result', 'jsonb', (c) => c.notNull())
    .addColumn('matches', 'boolean', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('account_returns_period_uq', ['agreement_id', 'period_from', 'period_to'])
    .addCheckConstraint('account_returns_period_ck', sql`period_to >= period_from`)
    .execute();

  await db.schema
    .createTable('audit_samples')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('period_from', 'date', (c) => c.notNull())
    .addColumn('period_to', 'date', (c) => c.notNull())
    .addColumn('rule', 'jsonb', (c) => c.notNull())
    .addColumn('explanation', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('audit_samples_period_ck', sql`period_to >= period_from`)
    .execute();

  await db.schema
    .createTable('audit_sample_items')
    .addColumn('sample_id', 'uuid', (c) => c.notNull().references('audit_samples.id'))
    .addColumn('council_id', 'uuid', (c) => c.notNull())
    .addColumn('agreement_id', 'uuid', (c) => c.notNull().references('direct_payment_agreements.id'))
    .addColumn('reasons', sql`text[]`, (c) => c.notNull())
    .addColumn('balance_pence', 'bigint', (c) => c.notNull())
    .addColumn('threshold_pence', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('satisfactory', 'query', 'suspend', 'recover')`))
    .addColumn('notes', 'text')
    .addColumn('recovery_pence', 'bigint')
    .addColumn('recovery_transaction_id', 'uuid')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addPrimaryKeyConstraint('audit_sample_items_pk', ['sample_id', 'agreement_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_sample_items').execute();
  await db.schema.dropTable('audit_samples').execute();
  await db.schema.dropTable('account_returns').execute();
  await db.schema.dropTable('direct_payment_agreements').execute();
}
