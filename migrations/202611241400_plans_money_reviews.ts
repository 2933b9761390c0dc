import { type Kysely, sql } from 'kysely';

// Frozen in time. Support plans and their decisions, financial assessments, payment agreements
// and schedules, the budget account (an append-only ledger), reviews and appeals.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('financial_assessments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('entered', 'calculated')`))
    .addColumn('weekly_contribution_pence', 'bigint', (c) => c.notNull().check(sql`weekly_contribution_pence >= 0`))
    .addColumn('calculation', 'jsonb')
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('financial_assessments_person_idx')
    .on('financial_assessments')
    .columns(['council_id', 'person_id', 'effective_from'])
    .execute();

  await db.schema
    .alterTable('budgets')
    .addColumn('contribution_collection', 'text', (c) => c.check(sql`contribution_collection in ('net', 'gross')`))
    .addColumn('panel_annual_pence', 'bigint', (c) => c.check(sql`panel_annual_pence >= 0`))
    .addColumn('panel_reason', 'text')
    .addColumn('agreed_at', 'timestamptz')
    .addColumn('end_date', 'date')
    .execute();
  // An amount the panel agrees outside the RAS stands in for the RAS amount in the council share.
  await db.schema.alterTable('budgets').dropConstraint('budgets_council_share_ck').execute();
  await db.schema
    .alterTable('budgets')
    .addCheckConstraint(
      'budgets_council_share_ck',
      sql`council_annual_pence <= coalesce(panel_annual_pence, ras_annual_pence) and net_annual_pence + annual_contribution_pence = council_annual_pence`,
    )
    .execute();

  await db.schema
    .createTable('support_plans')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'submitted', 'returned', 'approved', 'rejected')`))
    // The decision the plan waits for while submitted.
    .addColumn('stage', 'text', (c) => c.check(sql`stage in ('coordinator', 'team-manager', 'risk-enablement', 'panel')`))
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('exception', 'jsonb')
    .addColumn('created_by_key_id', 'uuid')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('support_plans_budget_idx').on('support_plans').columns(['council_id', 'budget_id']).execute();

  await db.schema
    .createTable('plan_decisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('support_plans.id'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('approve', 'return', 'reject')`))
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('plan_version', 'integer', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('plan_decisions_plan_idx').on('plan_decisions').columns(['council_id', 'plan_id']).execute();

  await db.schema
    .createTable('payment_agreements')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().unique().references('budgets.id'))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('support_plans.id'))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull().check(sql`frequency in ('monthly', 'four-weekly')`))
    .addColumn('collection', 'text', (c) => c.notNull().check(sql`collection in ('net', 'gross')`))
    .addColumn('financial_assessment_id', 'uuid', (c) => c.references('financial_assessments.id'))
    .addColumn('weekly_contribution_pence', 'bigint', (c) => c.notNull().check(sql`weekly_contribution_pence >= 0`))
    .addColumn('gross_annual_pence', 'bigint', (c) => c.notNull().check(sql`gross_annual_pence >= 0`))
    .addColumn('contribution_annual_pence', 'bigint', (c) => c.notNull().check(sql`contribution_annual_pence >= 0`))
    .addColumn('net_annual_pence', 'bigint', (c) => c.notNull().check(sql`net_annual_pence >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('payment_agreements_sum_ck', sql`net_annual_pence + contribution_annual_pence = gross_annual_pence`)
    .execute();

  await db.schema
    .createTable('payment_instalments')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('agreement_id', 'uuid', (c) => c.notNull().references('payment_agreements.id'))
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number >= 1`))
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull().check(sql`amount_pence >= 0`))
    .addPrimaryKeyConstraint('payment_instalments_pk', ['agreement_id', 'number'])
    .execute();

  await db.schema
    .createTable('budget_transactions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id'))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('council-payment', 'contribution', 'spend', 'refund', 'adjustment', 'clawback', 'contribution-refund', 'reversal')`,
        ),
    )
    // +1 money into the account, −1 money out: fixed by the kind, or chosen for adjustments.
    .addColumn('direction', 'smallint', (c) => c.notNull().check(sql`direction in (-1, 1)`))
    .addColumn('amount_pence', 'bigint', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('plan_line', 'integer')
    .addColumn('managed_by', 'text')
    .addColumn('instalment_number', 'integer')
    .addColumn('description', 'text')
    .addColumn('reverses_id', 'uuid', (c) => c.unique().references('budget_transactions.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('budget_transactions_budget_idx')
    .on('budget_transactions')
    .columns(['council_id', 'budget_id', 'id'])
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('first', 'annual', 'interim')`))
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('scheduled', 'completed', 'cancelled')`))
    .addColumn('outcome', 'jsonb')
    .addColumn('clawback', 'jsonb')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('reviews_due_idx').on('reviews').columns(['council_id', 'status', 'due_date']).execute();

  await db.schema
    .createTable('appeals')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('subject', 'text', (c) => c.notNull().check(sql`subject in ('budget', 'plan-decision')`))
    .addColumn('budget_id', 'uuid', (c) => c.references('budgets.id'))
    .addColumn('plan_id', 'uuid', (c) => c.references('support_plans.id'))
    .addColumn('decision_id', 'uuid', (c) => c.references('plan_decisions.id'))
    .addColumn('lodged_by', 'text', (c) => c.notNull().check(sql`lodged_by in ('person', 'agent', 'portal')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('lodged', 'upheld', 'not-upheld')`))
    .addColumn('decision', 'jsonb')
    .addColumn('created_by_key_id', 'uuid')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('appeals_person_idx').on('appeals').columns(['council_id', 'person_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'appeals',
    'reviews',
    'budget_transactions',
    'payment_instalments',
    'payment_agreements',
    'plan_decisions',
    'support_plans',
    'financial_assessments',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('budgets').dropConstraint('budgets_council_share_ck').execute();
  await db.schema
    .alterTable('budgets')
    .addCheckConstraint(
      'budgets_council_share_ck',
      sql`council_annual_pence <= ras_annual_pence and net_annual_pence + annual_contribution_pence = council_annual_pence`,
    )
    .execute();
  await db.schema
    .alterTable('budgets')
    .dropColumn('contribution_collection')
    .dropColumn('panel_annual_pence')
    .dropColumn('panel_reason')
    .dropColumn('agreed_at')
    .dropColumn('end_date')
    .execute();
}
