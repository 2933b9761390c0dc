import type { Kysely } from 'kysely';

// Frozen in time. The council's year (issue 14), carers: a carer is a person of the council
// linked to the person they care for; their own assessment and carer's budget run as anyone's.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('people')
    .addColumn('cares_for_person_id', 'uuid', (c) => c.references('people.id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('people').dropColumn('cares_for_person_id').execute();
}
