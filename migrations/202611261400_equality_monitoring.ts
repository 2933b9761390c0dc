import { type Kysely, sql } from 'kysely';

// Frozen in time. Fairness (issue 15): equality monitoring, special-category data under UK GDPR,
// kept apart from the person so that reading a person never reads it. A missing row or a null
// field is "unknown"; "prefer-not-to-say" is an answer and is stored as one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('equality_monitoring')
    .addColumn('person_id', 'uuid', (c) => c.primaryKey().references('people.id'))
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('sex', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('religion', 'text')
    .addColumn('sexual_orientation', 'text')
    .addColumn('primary_support_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('equality_monitoring_council_idx').on('equality_monitoring').column('council_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('equality_monitoring').execute();
}
