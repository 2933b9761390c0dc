import { type Kysely, sql } from 'kysely';

// Frozen in time. Separation of duties and the webhook queue (issue 12):
// - the named person acting through a key (Ras-Actor), on plan decisions and audit records, so
//   that one person cannot decide two stages of a plan through two keys or one shared key;
// - an index that gives each webhook its own place in the delivery queue (oldest event first).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('plan_decisions').addColumn('actor_name', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('actor_name', 'text').execute();
  await db.schema
    .createIndex('webhook_deliveries_pending_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'event_seq'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_pending_idx').execute();
  await db.schema.alterTable('audit_log').dropColumn('actor_name').execute();
  await db.schema.alterTable('plan_decisions').dropColumn('actor_name').execute();
}
