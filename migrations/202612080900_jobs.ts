import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 33, long work as jobs: an operation asked to respond asynchronously is
// queued as a job any instance may run (claimed under SKIP LOCKED, held by a lease it renews, taken
// over when the lease lapses), with its progress, its result or problem, and who started it.
// Scheduled work (the daily retention run, the hourly clean-up) claims its slot once, whichever
// instance gets there first.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    // The operation it runs (importPeople, applyUpratingRun, ...).
    .addColumn('operation', 'text', (c) => c.notNull())
    // Instances work one queue; tests give each app its own.
    .addColumn('queue', 'text', (c) => c.notNull().defaultTo('default'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`))
    // What it was asked (ids, options): shown on the job.
    .addColumn('input', 'jsonb', (c) => c.notNull())
    // The bulk of what it was sent (an import's rows), as JSON text: stored and read back whole,
    // never queried, so PostgreSQL is spared parsing megabytes into jsonb. Removed when the job ends.
    .addColumn('payload', 'text')
    // Where it got to: the steps it has committed, each with its checkpoint in the same transaction.
    .addColumn('checkpoint', 'jsonb')
    .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_total', 'integer')
    .addColumn('result', 'jsonb')
    .addColumn('problem', 'jsonb')
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_by_name', 'text')
    .addColumn('roles', 'jsonb')
    .addColumn('request_id', 'text')
    // Scheduled runs: one job per key (retention:<council>:<day>).
    .addColumn('singleton_key', 'text', (c) => c.unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('cancel_requested_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('progress_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('jobs_council_created_idx').on('jobs').columns(['council_id', 'created_at', 'id']).execute();
  // What a runner polls: queued and running jobs only.
  await sql`create index jobs_claim_idx on jobs (queue, created_at) where status in ('queued', 'running')`.execute(db);

  await db.schema
    .createTable('scheduled_runs')
    .addColumn('name', 'text', (c) => c.notNull())
    // The period it is for (a day, an hour): its one run.
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('instance', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('scheduled_runs_pk', ['name', 'slot'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduled_runs').execute();
  await db.schema.dropTable('jobs').execute();
}
