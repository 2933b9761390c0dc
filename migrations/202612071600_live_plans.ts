import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 29, live plans: an approved plan is revised within its budget. Each
// revision is kept with the plan it replaced, the date it runs from, what it moved and who
// decided it: the coordinator alone inside the council's limits, else team manager then panel.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plan_revisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('support_plans.id'))
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('budgets.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('stage', 'text', (c) => c.check(sql`stage in ('team-manager', 'panel')`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('previous', 'jsonb', (c) => c.notNull())
    .addColumn('comparison', 'jsonb', (c) => c.notNull())
    .addColumn('decisions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addUniqueConstraint('plan_revisions_number_uq', ['plan_id', 'number'])
    .execute();
  // At most one revision of a plan waits for a decision at a time.
  await sql`create unique index plan_revisions_pending_uq on plan_revisions (plan_id) where status = 'pending'`.execute(db);
  await sql`create index plan_revisions_budget_idx on plan_revisions (council_id, budget_id, effective_from)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plan_revisions').execute();
}
