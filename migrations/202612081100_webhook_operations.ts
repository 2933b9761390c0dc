import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 34, webhooks a partner can run: a secret rotation keeps the secret it
// replaced signing beside the new one until previous_secret_expires_at (Standard Webhooks sends
// several signatures), and a delivery sent again, alone or by a replay, is counted.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table webhooks add column previous_secret text`.execute(db);
  await sql`alter table webhooks add column previous_secret_expires_at timestamptz`.execute(db);
  await sql`alter table webhooks add column secret_rotated_at timestamptz`.execute(db);
  await sql`alter table webhook_deliveries add column sent_again integer not null default 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table webhook_deliveries drop column sent_again`.execute(db);
  await sql`alter table webhooks drop column secret_rotated_at`.execute(db);
  await sql`alter table webhooks drop column previous_secret_expires_at`.execute(db);
  await sql`alter table webhooks drop column previous_secret`.execute(db);
}
