import type { Role } from '../auth/roles.js';
import type { ApiKey } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import {
  countActiveAdminKeys,
  findApiKeyForUpdate,
  findCouncilForUpdate,
  insertApiKey,
  revokeApiKey as revoke,
} from '../repositories/councils.js';
import { toApiKeySummary } from '../representations/councils.js';
import type { WorkflowContext } from './context.js';

/** Makes a key for the council; the key itself is returned once and stored only as a hash. */
export async function createApiKey(
  context: WorkflowContext,
  input: { readonly name: string; readonly roles: readonly Role[]; readonly createdBy: string },
): Promise<{ row: ApiKey; key: string }> {
  const { row, key } = await insertApiKey(context.tx, context.scope.councilId, input.name, [...input.roles], input.createdBy);
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
  if (before.roles.includes('admin') && (await countActiveAdminKeys(tx, scope.councilId)) <= 1) {
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
