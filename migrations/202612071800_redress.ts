import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 29, redress and representation: eligibility and moderation decisions can
// be appealed, so an appeal may name the assessment whose decision it disputes; a person's capacity,
// best-interests decision and who helps them (advocate, broker, deputy, attorney) are recorded.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('people').addColumn('representation', 'jsonb').execute();
  await db.schema
    .alterTable('appeals')
    .addColumn('assessment_id', 'uuid', (c) => c.references('assessments.id'))
    .execute();
  await db.schema.alterTable('appeals').dropConstraint('appeals_subject_check').execute();
  await db.schema
    .alterTable('appeals')
    .addCheckConstraint('appeals_subject_check', sql`subject in ('budget', 'plan-decision', 'eligibility', 'moderation')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('appeals').dropConstraint('appeals_subject_check').execute();
  await db.schema.alterTable('appeals').addCheckConstraint('appeals_subject_check', sql`subject in ('budget', 'plan-decision')`).execute();
  await db.schema.alterTable('appeals').dropColumn('assessment_id').execute();
  await db.schema.alterTable('people').dropColumn('representation').execute();
}
