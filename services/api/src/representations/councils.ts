import type { Role } from '../auth/roles.js';
import type { ApiKey, Council } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toCouncil(row: Council) {
  return { id: row.id, name: row.name, settings: row.settings, version: row.version, createdAt: iso(row.created_at) };
}

export function toApiKeySummary(row: ApiKey) {
  return { id: row.id, name: row.name, roles: row.roles as Role[], createdAt: iso(row.created_at), revokedAt: iso(row.revoked_at) };
}
