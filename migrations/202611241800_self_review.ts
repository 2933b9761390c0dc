import { type Kysely, sql } from 'kysely';

// Frozen in time. The council self-review tools: progress against the Critical Path Framework
// (seed 000) and the Minimum Process self-rating rounds (seed 001).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('critical_path_progress')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('framework_version', 'text', (c) => c.notNull())
    .addColumn('step_number', 'integer', (c) => c.notNull().check(sql`step_number between 1 and 20`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('not-started', 'in-progress', 'in-place')`))
    .addColumn('status_date', 'date')
    .addColumn('notes', 'text')
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('critical_path_progress_pk', ['council_id', 'framework_version', 'step_number'])
    .execute();

  await db.schema
    .createTable('self_rating_rounds')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    // Shared across councils (e.g. north-west-2012), so a regional report can gather one round.
    .addColumn('round_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('closes_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('self_rating_rounds_key_uq', ['council_id', 'round_key'])
    .execute();
  await db.schema.createIndex('self_rating_rounds_key_idx').on('self_rating_rounds').column('round_key').execute();

  await db.schema
    .createTable('self_ratings')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('round_id', 'uuid', (c) => c.notNull().references('self_rating_rounds.id'))
    .addColumn('component', 'text', (c) =>
      c.notNull().check(sql`component in ('services-available-to-all', 'prevention', 'supporting-recovery', 'staying-in-control')`),
    )
    .addColumn('rating', 'integer', (c) => c.notNull().check(sql`rating between 1 and 5`))
    .addColumn('comment', 'text')
    .addColumn('proposed_action', 'text')
    .addColumn('user_comments', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('self_ratings_pk', ['round_id', 'component'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('self_ratings').execute();
  await db.schema.dropTable('self_rating_rounds').execute();
  await db.schema.dropTable('critical_path_progress').execute();
}
