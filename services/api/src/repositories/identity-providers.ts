import type { TrustedIssuer } from '../auth/access-token.js';
import type { Role } from '../auth/roles.js';
import type { Db, IdentityProvider } from '../db/schema.js';

/** What a council sets about its identity provider: what the service trusts, for its own council. */
export interface IdentityProviderInput extends Omit<TrustedIssuer, 'councilId' | 'roleMap'> {
  readonly roleMap: Readonly<Record<string, readonly Role[]>>;
}

/** A stored provider as the token verifier takes it. */
function trustedIssuer(row: IdentityProvider): TrustedIssuer {
  return {
    councilId: row.council_id,
    issuer: row.issuer,
    audience: row.audience,
    jwksUri: row.jwks_uri,
    rolesClaim: row.roles_claim,
    nameClaim: row.name_claim,
    roleMap: row.role_map,
    algorithms: row.algorithms,
    clockToleranceSeconds: row.clock_tolerance_seconds,
  };
}

export function findIdentityProvider(db: Db, councilId: string): Promise<IdentityProvider | undefined> {
  return db.selectFrom('identity_providers').selectAll().where('council_id', '=', councilId).executeTakeFirst();
}

export function findIdentityProviderForUpdate(db: Db, councilId: string): Promise<IdentityProvider | undefined> {
  return db.selectFrom('identity_providers').selectAll().where('council_id', '=', councilId).forUpdate().executeTakeFirst();
}

/** The councils trusting an issuer, whichever they are: a token's issuer names its council. */
export async function findTrustedIssuers(db: Db, issuer: string): Promise<TrustedIssuer[]> {
  const rows = await db.selectFrom('identity_providers').selectAll().where('issuer', '=', issuer).execute();
  return rows.map(trustedIssuer);
}

/** Another council trusting the same issuer and audience, which would make a token's council ambiguous. */
export function findIssuerAudienceClash(
  db: Db,
  councilId: string,
  issuer: string,
  audience: string,
): Promise<{ council_id: string } | undefined> {
  return db
    .selectFrom('identity_providers')
    .select('council_id')
    .where('issuer', '=', issuer)
    .where('audience', '=', audience)
    .where('council_id', '<>', councilId)
    .executeTakeFirst();
}

function columns(input: IdentityProviderInput) {
  return {
    issuer: input.issuer,
    audience: input.audience,
    jwks_uri: input.jwksUri,
    roles_claim: input.rolesClaim,
    name_claim: input.nameClaim,
    role_map: JSON.stringify(input.roleMap),
    algorithms: [...input.algorithms],
    clock_tolerance_seconds: input.clockToleranceSeconds,
  };
}

export function insertIdentityProvider(db: Db, councilId: string, input: IdentityProviderInput, at: Date): Promise<IdentityProvider> {
  return db
    .insertInto('identity_providers')
    .values({ council_id: councilId, ...columns(input), created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateIdentityProvider(db: Db, councilId: string, input: IdentityProviderInput, at: Date): Promise<IdentityProvider> {
  return db
    .updateTable('identity_providers')
    .set((eb) => ({ ...columns(input), version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function deleteIdentityProvider(db: Db, councilId: string): Promise<IdentityProvider | undefined> {
  return db.deleteFrom('identity_providers').where('council_id', '=', councilId).returningAll().executeTakeFirst();
}
