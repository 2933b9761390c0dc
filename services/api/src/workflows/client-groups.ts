import type { Db } from '../db/schema.js';
import { AppError } from '../errors.js';
import { councilClientGroups } from '../repositories/councils.js';

/**
 * Why a client group is refused, or null when the council allows it. The allowed groups
 * (councilClientGroups) are those its schemes cover, so the list keeps in step with the schemes by
 * itself, and any it adds in `settings.clientGroups`; a council with neither yet accepts any.
 */
export function clientGroupProblem(allowed: readonly string[], clientGroup: string): string | null {
  if (allowed.length === 0 || allowed.includes(clientGroup)) return null;
  return `is not one of the council’s client groups: ${allowed.join(', ')}`;
}

/** 422 INVALID_INPUT naming the field and listing the allowed groups, unless the council allows it. */
export async function assertClientGroup(db: Db, councilId: string, clientGroup: string, pointer = '/clientGroup'): Promise<void> {
  const allowed = await councilClientGroups(db, councilId);
  const problem = clientGroupProblem(allowed, clientGroup);
  if (problem === null) return;
  throw new AppError('INVALID_INPUT', `clientGroup "${clientGroup}" ${problem}`, {
    errors: [{ pointer, detail: problem }],
    extensions: { allowed },
  });
}
