import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 28: the fairness report's disclosure control (cell-key perturbation) needs
// a random key on every budget, drawn once and kept, so that the same people always give a figure
// the same noise. Existing budgets draw theirs here (a volatile default is evaluated per row).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('budgets')
    .addColumn('record_key', 'integer', (c) => c.notNull().defaultTo(sql`floor(random() * 2147483647)::integer`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budgets').dropColumn('record_key').execute();
}
