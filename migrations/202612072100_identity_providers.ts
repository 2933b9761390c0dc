import { type Kysely, sql } from 'kysely';

// Frozen in time. Issue 32, identity from the council's identity provider: a council may trust one
// OpenID Connect issuer (Microsoft Entra ID or any other) whose access tokens name the person acting;
// API keys gain an expiry and a rotation with two live secrets; the access log records the verified
// subject a token named.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_providers')
    .addColumn('council_id', 'uuid', (c) => c.primaryKey().references('councils.id'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    // Null: found from the issuer's discovery document.
    .addColumn('jwks_uri', 'text')
    .addColumn('roles_claim', 'text', (c) => c.notNull())
    .addColumn('name_claim', 'text', (c) => c.notNull())
    // The provider's role values, each mapped to the service's roles.
    .addColumn('role_map', 'jsonb', (c) => c.notNull())
    .addColumn('algorithms', sql`text[]`, (c) => c.notNull())
    .addColumn('clock_tolerance_seconds', 'integer', (c) => c.notNull().check(sql`clock_tolerance_seconds between 0 and 300`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A token's issuer and audience name its council: no two councils may share both.
    .addUniqueConstraint('identity_providers_issuer_audience_uq', ['issuer', 'audience'])
    .execute();

  await sql`alter table api_keys add column expires_at timestamptz`.execute(db);
  // During a rotation the secret it replaced still works until previous_secret_expires_at.
  await sql`alter table api_keys add column previous_secret_hash text`.execute(db);
  await sql`alter table api_keys add column previous_secret_expires_at timestamptz`.execute(db);
  await sql`alter table api_keys add column rotated_at timestamptz`.execute(db);
  await sql`alter table api_keys add constraint api_keys_previous_secret_ck check ((previous_secret_hash is null) = (previous_secret_expires_at is null))`.execute(
    db,
  );

  await sql`alter table access_log add column subject text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table access_log drop column subject`.execute(db);
  await sql`alter table api_keys drop constraint api_keys_previous_secret_ck`.execute(db);
  for (const column of ['rotated_at', 'previous_secret_expires_at', 'previous_secret_hash', 'expires_at']) {
    await sql`alter table api_keys drop column ${sql.ref(column)}`.execute(db);
  }
  await db.schema.dropTable('identity_providers').execute();
}
