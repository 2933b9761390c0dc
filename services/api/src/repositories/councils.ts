import { type Kysely, sql, type Transaction } from 'kysely';
import { mintApiKey } from '../auth/api-key.js';
import type { Role } from '../auth/roles.js';
import type { ApiKey, Council, DB, Db } from '../db/schema.js';
import { newId } from '../ids.js';
import type { CouncilSettingsInput } from '../schemas/council-settings.js';

export function insertCouncil(db: Db, name: string, settings: CouncilSettingsInput): Promise<Council> {
  return db
    .insertInto('councils')
    .values({ id: newId(), name, settings: JSON.stringify(settings) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findCouncil(db: Db, id: string): Promise<Council | undefined> {
  return db.selectFrom('councils').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates a key and returns the row with the plain key, which is never stored. */
export async function insertApiKey(
  db: Db,
  councilId: string,
  name: string,
  roles: readonly Role[],
  createdBy: string,
  expiresAt: Date | null = null,
): Promise<{ row: ApiKey; key: string }> {
  const minted = mintApiKey(newId());
  const row = await db
    .insertInto('api_keys')
    .values({
      id: minted.id,
      council_id: councilId,
      name,
      roles: [...roles],
      secret_hash: minted.secretHash,
      created_by: createdBy,
      expires_at: expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, key: minted.key };
}

export function listApiKeys(db: Db, councilId: string, after: string | null, limit: number): Promise<ApiKey[]> {
  let query = db.selectFrom('api_keys').selectAll().where('council_id', '=', councilId);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

export function findApiKeyForUpdate(db: Db, councilId: string, id: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('council_id', '=', councilId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function revokeApiKey(db: Db, councilId: string, id: string, at: Date): Promise<ApiKey> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Gives a key a new secret. The secret it replaces keeps working until `previousUntil`, so the
 * systems using the key can be changed over one by one; the key's id, roles and history stay.
 */
export async function rotateApiKeySecret(
  db: Db,
  councilId: string,
  id: string,
  previousUntil: Date,
  at: Date,
): Promise<{ row: ApiKey; key: string }> {
  const minted = mintApiKey(id);
  const row = await db
    .updateTable('api_keys')
    .set((eb) => ({
      previous_secret_hash: eb.ref('secret_hash'),
      previous_secret_expires_at: previousUntil,
      secret_hash: minted.secretHash,
      rotated_at: at,
    }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, key: minted.key };
}

/** How many keys of the council hold the admin role, are not revoked and have not expired at `at`. */
export async function countActiveAdminKeys(db: Db, councilId: string, at: Date): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('council_id', '=', councilId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .where(sql<boolean>`'admin' = any(roles)`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function findCouncilForUpdate(db: Db, id: string): Promise<Council | undefined> {
  return db.selectFrom('councils').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateCouncil(
  db: Db,
  id: string,
  change: { name?: string; settings?: Record<string, unknown> },
  at: Date,
): Promise<Council> {
  return db
    .updateTable('councils')
    .set((eb) => ({
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.settings === undefined ? {} : { settings: JSON.stringify(change.settings) }),
      version: eb('version', '+', 1),
      updated_at: at,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A council's settings with every default filled in. */
export type CouncilSettings = Required<
  Pick<CouncilSettingsInput, 'paymentFrequency' | 'contributionCollection' | 'firstReviewAfterWeeks' | 'separationOfDuties' | 'nation'>
> &
  Pick<
    CouncilSettingsInput,
    | 'targets'
    | 'regionalReportOptIn'
    | 'regionalReportNamed'
    | 'clientGroups'
    | 'transparency'
    | 'directPaymentTerms'
    | 'letters'
    | 'paymentFile'
    | 'dataProtection'
    | 'planRevision'
    | 'interimMaxWeeks'
    | 'imports'
  >;

export async function councilSettings(tx: Kysely<DB> | Transaction<DB>, councilId: string): Promise<CouncilSettings> {
  const council = await findCouncil(tx, councilId);
  const settings = council?.settings ?? {};
  return {
    ...settings,
    paymentFrequency: settings.paymentFrequency ?? 'monthly',
    contributionCollection: settings.contributionCollection ?? 'net',
    firstReviewAfterWeeks: settings.firstReviewAfterWeeks ?? 4,
    separationOfDuties: settings.separationOfDuties ?? 'strict',
    nation: settings.nation ?? 'england',
  };
}

/**
 * The client groups a person of the council may be in, sorted: every group any of its allocation
 * schemes covers (past, present or future) and any in `settings.clientGroups`. One query, as
 * every createPerson asks.
 */
export async function councilClientGroups(db: Kysely<DB> | Transaction<DB>, councilId: string): Promise<string[]> {
  const { rows } = await sql<{ client_group: string }>`
    select client_group from (
      select unnest(client_groups) as client_group from allocation_schemes where council_id = ${councilId}
      union
      select jsonb_array_elements_text(coalesce(settings -> 'clientGroups', '[]'::jsonb)) from councils where id = ${councilId}
    ) groups
    order by client_group collate "C"`.execute(db);
  return rows.map((row) => row.client_group);
}

/** What authenticating a key needs of it, whichever council it belongs to (the key names its council). */
export function findKeyToAuthenticate(
  db: Db,
  id: string,
): Promise<
  | Pick<
      ApiKey,
      'council_id' | 'roles' | 'secret_hash' | 'revoked_at' | 'expires_at' | 'previous_secret_hash' | 'previous_secret_expires_at'
    >
  | undefined
> {
  return db
    .selectFrom('api_keys')
    .select(['council_id', 'roles', 'secret_hash', 'revoked_at', 'expires_at', 'previous_secret_hash', 'previous_secret_expires_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}
