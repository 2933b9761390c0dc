import type { Role } from '../auth/roles.js';
import type { ApiKey, Council, IdentityProvider } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toCouncil(row: Council) {
  return { id: row.id, name: row.name, settings: row.settings, version: row.version, createdAt: iso(row.created_at) };
}

export function toApiKeySummary(row: ApiKey) {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles as Role[],
    createdAt: iso(row.created_at),
    revokedAt: iso(row.revoked_at),
    expiresAt: iso(row.expires_at),
    rotatedAt: iso(row.rotated_at),
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
  };
}

export function toIdentityProvider(row: IdentityProvider) {
  return {
    issuer: row.issuer,
    audience: row.audience,
    jwksUri: row.jwks_uri,
    rolesClaim: row.roles_claim,
    nameClaim: row.name_claim,
    roleMap: row.role_map,
    algorithms: row.algorithms,
    clockToleranceSeconds: row.clock_tolerance_seconds,
    version: row.version,
    updatedAt: iso(row.updated_at),
  };
}
