import { type Kysely, sql } from 'kysely';

// Frozen in time. The council's year (issue 14), uprating:
// - an uprating run re-works every current agreed budget of the schemes a new scheme version
//   replaces: a dry run first (status dry-run), then applied once (status applied);
// - one row per budget it re-worked: the old and new figures, the protection, the outcome, and
//   once applied the new indicative budget and the review booked for it;
// - a budget keeps what transitional protection added to its RAS amount, and the council's
//   share may be that much above the RAS amount.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('uprating_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('scheme_id', 'uuid', (c) => c.notNull().references('allocation_schemes.id'))
    .addColumn('replaces_scheme_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('protection', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('dry-run', 'applied')`))
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('applied_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('uprating_runs_council_idx').on('uprating_runs').columns(['council_id', 'created_at']).execute();
  // A caseload is uprated to a version once: a second applied run for it cannot commit.
  await sql`create unique index uprating_runs_applied_uq on uprating_runs (council_id, scheme_id) where status = 'applied'`.execute(db);

  await db.schema
    .createTable('uprating_run_items')
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('uprating_runs.id'))
    .addColumn('council_id', 'uuid', (c) => c.notNull())
    .addColumn('budget_id', 'uuid', (c) => c.notNull())
    .addColumn('person_id', 'uuid', (c) => c.notNull())
    .addColumn('client_group', 'text', (c) => c.notNull())
    .addColumn('old_annual_pence', 'bigint', (c) => c.notNull())
    .addColumn('new_annual_pence', 'bigint', (c) => c.notNull())
    .addColumn('protected_pence', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('winner', 'loser', 'unchanged', 'outside-ras')`))
    .addColumn('new_budget_id', 'uuid')
    .addColumn('review_id', 'uuid')
    .addPrimaryKeyConstraint('uprating_run_items_pk', ['run_id', 'budget_id'])
    .execute();
  await db.schema.createIndex('uprating_run_items_new_budget_idx').on('uprating_run_items').column('new_budget_id').execute();
  await db.schema.createIndex('uprating_run_items_budget_idx').on('uprating_run_items').column('budget_id').execute();

  await db.schema
    .alterTable('budgets')
    .addColumn('protected_annual_pence', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`protected_annual_pence >= 0`))
    .execute();
  await db.schema.alterTable('budgets').dropConstraint('budgets_council_share_ck').execute();
  await db.schema
    .alterTable('budgets')
    .addCheckConstraint(
      'budgets_council_share_ck',
      sql`council_annual_pence <= coalesce(panel_annual_pence, ras_annual_pence + protected_annual_pence) and net_annual_pence + annual_contribution_pence = council_annual_pence`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budgets').dropConstraint('budgets_council_share_ck').execute();
  await db.schema
    .alterTable('budgets')
    .addCheckConstraint(
      'budgets_council_share_ck',
      sql`council_annual_pence <= coalesce(panel_annual_pence, ras_annual_pence) and net_annual_pence + annual_contribution_pence = council_annual_pence`,
    )
    .execute();
  await db.schema.alterTable('budgets').dropColumn('protected_annual_pence').execute();
  await db.schema.dropTable('uprating_run_items').execute();
  await db.schema.dropTable('uprating_runs').execute();
}
