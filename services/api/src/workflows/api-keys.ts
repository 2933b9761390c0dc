import type { Role } from '../auth/roles.js';
import { hoursAfter } from '../clock.js';
import type { ApiKey } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import {
  countActiveAdminKeys,
  findApiKeyForUpdate,
  findCouncilForUpdate,
  insertApiKey,
  revokeApiKey as revoke,
  rotateApiKeySecret,
} from '../repositories/councils.js';
import { toApiKeySummary } from '../representations/councils.js';
import type { WorkflowContext } from './context.js';

/** Makes a key for the council; the key itself is returned once and stored only as a hash. */
export async function createApiKey(
  context: WorkflowContext,
  input: { readonly name: string; readonly roles: readonly Role[]; readonly createdBy: string; readonly expiresAt?: Date | null },
): Promise<{ row: ApiKey; key: string }> {
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= context.clock.now()) {
    throw new AppError('INVALID_INPUT', 'A key must expire in the future', {
      errors: [{ pointer: '/expiresAt', detail: 'must be later than now' }],
    });
  }
  const { row, key } = await insertApiKey(context.tx, context.scope.councilId, input.name, [...input.roles], input.createdBy, expiresAt);
  context.changes.record({ action: 'api-key.created', entityType: 'api-key', entityId: row.id, after: toApiKeySummary(row) });
  return { row, key };
}

/**
 * Revokes a key (a key already revoked is left as it is), but never the council's last active
 * admin key: the council could never be administered again.
 */
export async function revokeApiKey(context: WorkflowContext, id: string): Promise<void> {
  const { tx, scope, changes } = context;
  // The council row is locked first, so two admins revoking each other's keys at once are decided
  // one after the other, and one of them is refused.
  await findCouncilForUpdate(tx, scope.councilId);
  const before = await findApiKeyForUpdate(tx, scope.councilId, id);
  if (!before) throw notFound('API key', id);
  if (before.revoked_at !== null) return;
  // Only an active admin key can be the last one: an expired one is revoked whatever else there is.
  const now = context.clock.now();
  const active = before.expires_at === null || before.expires_at > now;
  if (active && before.roles.includes('admin') && (await countActiveAdminKeys(tx, scope.councilId, now)) <= 1) {
    throw new AppError(
      'LAST_ADMIN_KEY',
      'This is the council’s last active admin key: create another admin key first, or the council could never be administered again',
    );
  }
  const after = await revoke(tx, scope.councilId, id, context.clock.now());
  changes.record({
    action: 'api-key.revoked',
    entityType: 'api-key',
    entityId: after.id,
    before: toApiKeySummary(before),
    after: toApiKeySummary(after),
  });
}

/** The longest a replaced secret may keep working after a rotation: a week to change every system over. */
export const MAX_ROTATION_OVERLAP_HOURS = 168;

/**
 * Gives a key a new secret, shown once. The secret it replaces keeps working for `overlapHours`
 * (two live secrets during a change-over), then only the new one does. A revoked or expired key is
 * not rotated: make a new one.
 */
export async function rotateApiKey(context: WorkflowContext, id: string, overlapHours: number): Promise<{ row: ApiKey; key: string }> {
  const { tx, scope, changes, clock } = context;
  const before = await findApiKeyForUpdate(tx, scope.councilId, id);
  if (!before) throw notFound('API key', id);
  const now = clock.now();
  if (before.revoked_at !== null) throw new AppError('INVALID_STATE', 'The key is revoked: create a new key instead');
  if (before.expires_at !== null && before.expires_at <= now)
    throw new AppError('INVALID_STATE', 'The key has expired: create a new key instead');
  const previousUntil = hoursAfter(now, overlapHours);
  const rotated = await rotateApiKeySecret(tx, scope.councilId, id, previousUntil, now);
  changes.record({
    action: 'api-key.rotated',
    entityType: 'api-key',
    entityId: id,
    before: toApiKeySummary(before),
    after: toApiKeySummary(rotated.row),
  });
  return rotated;
}
