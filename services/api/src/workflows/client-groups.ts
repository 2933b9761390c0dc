import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import { schemeClientGroups } from '../repositories/allocation-schemes.js';
import { councilSettings } from '../repositories/councils.js';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The client groups a person of this council may be in: every group its allocation schemes cover
 * (so the list keeps in step with the schemes by itself) and any the council adds in
 * `settings.clientGroups` ahead of a scheme. Empty for a council with neither yet, which then
 * accepts any group.
 */
export async function allowedClientGroups(db: Db, councilId: string): Promise<string[]> {
  const [settings, fromSchemes] = await Promise.all([councilSettings(db, councilId), schemeClientGroups(db, councilId)]);
  return [...new Set([...(settings.clientGroups ?? []), ...fromSchemes])].sort();
}

/** Why a client group is refused, or null when the council allows it. */
export function clientGroupProblem(allowed: readonly string[], clientGroup: string): string | null {
  if (allowed.length === 0 || allowed.includes(clientGroup)) return null;
  return `is not one of the council’s client groups: ${allowed.join(', ')}`;
}

/** 422 INVALID_INPUT naming the field and listing the allowed groups, unless the council allows it. */
export async function assertClientGroup(db: Db, councilId: string, clientGroup: string, pointer = '/clientGroup'): Promise<void> {
  const allowed = await allowedClientGroups(db, councilId);
  const problem = clientGroupProblem(allowed, clientGroup);
  if (problem === null) return;
  throw new AppError('INVALID_INPUT', `clientGroup "${clientGroup}" ${problem}`, {
    errors: [{ pointer, detail: problem }],
    extensions: { allowed },
  });
}
