import { type Kysely, sql } from 'kysely';

// Frozen in time. The council's year (issue 14), review cycles: an interim review may repeat
// every so many months until stopped; completing one books the next.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('reviews')
    .addColumn('repeat_every_months', 'integer', (c) => c.check(sql`repeat_every_months between 1 and 12`))
    // The first due date of the cycle: the next is counted from it, so the day of month never drifts.
    .addColumn('repeat_from', 'date')
    .execute();
  await db.schema
    .alterTable('reviews')
    .addCheckConstraint('reviews_repeat_interim_ck', sql`repeat_every_months is null or kind = 'interim'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').dropConstraint('reviews_repeat_interim_ck').execute();
  await db.schema.alterTable('reviews').dropColumn('repeat_from').dropColumn('repeat_every_months').execute();
}
