import type { Kysely } from 'kysely';

// Frozen in time. Issue 29, the share councils report: people receiving long-term community
// support the council commissions without a personal budget (CLD "CASSR Commissioned Support").
// ASCOF's denominator counts them, so the self-directed support share can be measured at all.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('people')
    .addColumn('commissioned_support_from', 'date')
    .addColumn('commissioned_support_to', 'date')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('people').dropColumn('commissioned_support_to').dropColumn('commissioned_support_from').execute();
}
