import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration describes the schema as it was on the day it was written and
// never imports application code. Every table holding council data carries council_id, which
// is both the security boundary and the distribution column should a council outgrow one database.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('councils')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The last event sequence number handed out: events are numbered per council, in commit order.
    .addColumn('event_seq', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`event_seq >= 0`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_council_idx').on('api_keys').columns(['council_id', 'id']).execute();

  await db.schema
    .createTable('questionnaires')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('questionnaires_key_version_uq', ['council_id', 'key', 'version'])
    .execute();

  await db.schema
    .createTable('allocation_schemes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('questionnaire_id', 'uuid', (c) => c.notNull().references('questionnaires.id'))
    .addColumn('client_groups', sql`text[]`, (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('allocation_schemes_key_version_uq', ['council_id', 'key', 'version'])
    .addCheckConstraint('allocation_schemes_dates_ck', sql`effective_to is null or effective_to >= effective_from`)
    .execute();
  await db.schema
    .createIndex('allocation_schemes_in_force_idx')
    .on('allocation_schemes')
    .columns(['council_id', 'effective_from'])
    .execute();

  await db.schema
    .createTable('calibrations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('case_count', 'integer', (c) => c.notNull().check(sql`case_count > 0`))
    .addColumn('budget_pence', 'bigint', (c) => c.notNull().check(sql`budget_pence >= 0`))
    .addColumn('pounds_per_point_pence', 'bigint', (c) => c.notNull().check(sql`pounds_per_point_pence >= 0`))
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('client_group', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('date_of_birth', 'date')
    .addColumn('agent', 'jsonb')
    // A portal key sees only the people it created.
    .addColumn('created_by_key_id', 'uuid')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('people_council_idx').on('people').columns(['council_id', 'id']).execute();
  await db.schema.createIndex('people_creator_idx').on('people').columns(['council_id', 'created_by_key_id', 'id']).execute();

  await db.schema
    .createTable('person_external_ids')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_external_ids_pk', ['council_id', 'system', 'value'])
    .execute();
  await db.schema.createIndex('person_external_ids_person_idx').on('person_external_ids').columns(['person_id']).execute();

  await db.schema
    .createTable('assessments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('questionnaire_id', 'uuid', (c) => c.notNull().references('questionnaires.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'submitted', 'agreed')`))
    .addColumn('completed_with', sql`text[]`, (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    // The person's own answers as submitted: moderation never overwrites them.
    .addColumn('submitted_answers', 'jsonb')
    .addColumn('moderation', 'jsonb')
    .addColumn('eligibility', 'jsonb')
    .addColumn('total_points', 'integer', (c) => c.check(sql`total_points >= 0`))
    .addColumn('score', 'jsonb')
    .addColumn('created_by_key_id', 'uuid')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('agreed_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('assessments_council_idx').on('assessments').columns(['council_id', 'id']).execute();
  await db.schema.createIndex('assessments_person_idx').on('assessments').columns(['council_id', 'person_id']).execute();

  await db.schema
    .createTable('budgets')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('assessment_id', 'uuid', (c) => c.notNull().references('assessments.id'))
    .addColumn('scheme_id', 'uuid', (c) => c.notNull().references('allocation_schemes.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('indicative', 'agreed', 'ended', 'superseded')`))
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('ras_annual_pence', 'bigint', (c) => c.notNull().check(sql`ras_annual_pence >= 0`))
    .addColumn('total_annual_pence', 'bigint', (c) => c.notNull().check(sql`total_annual_pence >= 0`))
    .addColumn('council_annual_pence', 'bigint', (c) => c.notNull().check(sql`council_annual_pence >= 0`))
    .addColumn('annual_contribution_pence', 'bigint', (c) => c.notNull().check(sql`annual_contribution_pence >= 0`))
    .addColumn('net_annual_pence', 'bigint', (c) => c.notNull().check(sql`net_annual_pence >= 0`))
    .addColumn('referral', 'jsonb')
    .addColumn('calculation', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'budgets_council_share_ck',
      sql`council_annual_pence <= ras_annual_pence and net_annual_pence + annual_contribution_pence = council_annual_pence`,
    )
    .execute();
  await db.schema.createIndex('budgets_council_idx').on('budgets').columns(['council_id', 'id']).execute();
  await db.schema.createIndex('budgets_person_idx').on('budgets').columns(['council_id', 'person_id']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expiry_idx').on('idempotency_keys').column('expires_at').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'uuid', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('request_id', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['council_id', 'entity_type', 'entity_id']).execute();

  await db.schema
    .createTable('events')
    .addColumn('council_id', 'uuid', (c) => c.notNull().references('councils.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull().check(sql`seq > 0`))
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'uuid', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('events_pk', ['council_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'events',
    'audit_log',
    'idempotency_keys',
    'budgets',
    'assessments',
    'person_external_ids',
    'people',
    'calibrations',
    'allocation_schemes',
    'questionnaires',
    'api_keys',
    'councils',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
