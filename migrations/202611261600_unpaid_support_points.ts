import { type Kysely, sql } from 'kysely';

// Frozen in time. National scale (issue 17): the points a budget's sections took off for unpaid
// support, kept beside the calculation. The summary report counted them by unpacking every
// budget's whole calculation, which was most of its time over 100,000 people.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('budgets')
    .addColumn('unpaid_support_points', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    update budgets b
       set unpaid_support_points = s.points
      from (select id, (select coalesce(sum((s ->> 'unpaidSupportPoints')::int), 0)
                          from jsonb_array_elements(calculation -> 'sections') s)::int as points
              from budgets where jsonb_typeof(calculation -> 'sections') = 'array') s
     where s.id = b.id and s.points <> 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budgets').dropColumn('unpaid_support_points').execute();
}
