import { type Kysely, sql } from 'kysely';

// Frozen in time. The council's year (issue 14), charging policy as dated council data:
// - a council's charging policies, numbered per council, each in force from a date (to a date,
//   or until the next one starts), the figures kept whole as JSON so a past assessment can be
//   re-worked under the policy it used;
// - a financial assessment worked out under a policy names it (or the shipped policy's key).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('charging_policies')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('nation', 'text', (c) => c.notNull().check(sql`nation in ('england', 'wales')`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('based_on', 'text')
    .addColumn('rules', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('charging_policies_version_uq', ['council_id', 'version'])
    .addUniqueConstraint('charging_policies_from_uq', ['council_id', 'effective_from'])
    .addCheckConstraint('charging_policies_dates_ck', sql`effective_to is null or effective_to >= effective_from`)
    .execute();

  await db.schema
    .alterTable('financial_assessments')
    .addColumn('charging_policy_id', 'text')
    .addColumn('charging_policy_version', 'integer')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('financial_assessments').dropColumn('charging_policy_version').dropColumn('charging_policy_id').execute();
  await db.schema.dropTable('charging_policies').execute();
}
