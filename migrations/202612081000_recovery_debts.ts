import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 34: a direct payment audit's recovery takes no more than the council's own
// money still in the account; the rest of what the audit found is a debt the holder owes, recorded
// on the audit item, never a negative balance.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_sample_items add column debt_pence bigint check (debt_pence >= 0)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_sample_items drop column debt_pence`.execute(db);
}
