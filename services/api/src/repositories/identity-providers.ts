import type { Role } from '../auth/roles.js';
import type { Db, IdentityProvider } from '../db/schema.js';

/** What a council sets about its identity provider. */
export interface IdentityProviderInput {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string | null;
  readonly rolesClaim: string;
  readonly nameClaim: string;
  readonly roleMap: Readonly<Record<string, readonly Role[]>>;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
}

export function findIdentityProvider(db: Db, councilId: string): Promise<IdentityProvider | undefined> {
  return db.selectFrom('identity_providers').selectAll().where('council_id', '=', councilId).executeTakeFirst();
}

export function findIdentityProviderForUpdate(db: Db, councilId: string): Promise<IdentityProvider | undefined> {
  return db.selectFrom('identity_providers').selectAll().where('council_id', '=', councilId).forUpdate().executeTakeFirst();
}

/** The councils trusting an issuer, whichever they are: a token's issuer names its council. */
export function findIdentityProvidersByIssuer(db: Db, issuer: string): Promise<IdentityProvider[]> {
  return db.selectFrom('identity_providers').selectAll().where('issuer', '=', issuer).execute();
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
