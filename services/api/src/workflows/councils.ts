import type { Transaction } from 'kysely';
import type { Changes } from '../db/changes.js';
import type { ApiKey, Council, DB } from '../db/schema.js';
import { findCouncilForUpdate, insertApiKey, insertCouncil, updateCouncil as update } from '../repositories/councils.js';
import { toApiKeySummary, toCouncil } from '../representations/councils.js';
import type { CouncilSettingsInput } from '../schemas/council-settings.js';
import { assertMergedCouncilSettings } from '../schemas/council-settings-checks.js';
import { applyMergePatch } from '../schemas/merge-patch.js';
import type { WorkflowContext } from './context.js';
import { stateMachine, transition } from './transition.js';

/** A council's own record: its name and settings, changed by its admins. */
export const COUNCIL = stateMachine({
  entity: 'council',
  // A key changes only its own council: the id is the scope's.
  lock: (context) => findCouncilForUpdate(context.tx, context.scope.councilId),
  statusOf: () => 'active' as const,
  eventOf: toCouncil,
  steps: { update: { from: 'any', to: null, roles: ['admin'], audit: 'council.updated' } },
});

/**
 * Creates a council and its first admin key (the operator's act, so no council scope yet: the
 * change recorder is bound to the new council here). The key is returned once.
 */
export async function createCouncil(
  { tx, changes }: { readonly tx: Transaction<DB>; readonly changes: Changes },
  input: { readonly name: string; readonly settings?: CouncilSettingsInput | undefined },
): Promise<{ council: Council; adminKey: ApiKey; key: string }> {
  const council = await insertCouncil(tx, input.name, input.settings ?? {});
  const { row, key } = await insertApiKey(tx, council.id, 'First admin key', ['admin'], 'operator');
  changes.bind(council.id);
  changes.record({ action: 'council.created', entityType: 'council', entityId: council.id, after: toCouncil(council) });
  changes.record({ action: 'api-key.created', entityType: 'api-key', entityId: row.id, after: toApiKeySummary(row), event: false });
  return { council, adminKey: row, key };
}

/** A change to the council: its name, and a JSON Merge Patch of its settings (null removes a setting). */
export interface CouncilPatch {
  readonly name?: string | undefined;
  readonly settings?: unknown;
}

/**
 * Changes only what the patch names (RFC 7396): the settings it makes from the stored ones are
 * checked as a whole before they are stored, so a patch cannot leave a half-made setting behind.
 */
export function updateCouncil(context: WorkflowContext, expectedVersion: number, patch: CouncilPatch): Promise<Council> {
  return changeCouncil(context, expectedVersion, (before) => ({
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.settings === undefined ? {} : { settings: assertMergedCouncilSettings(applyMergePatch(before.settings, patch.settings)) }),
  }));
}

/** Replaces the council's name and settings as a whole: the explicit replacement (settings are checked before). */
export function replaceCouncil(
  context: WorkflowContext,
  expectedVersion: number,
  replacement: { readonly name: string; readonly settings: CouncilSettingsInput },
): Promise<Council> {
  return changeCouncil(context, expectedVersion, () => replacement);
}

function changeCouncil(
  context: WorkflowContext,
  expectedVersion: number,
  change: (before: Council) => { readonly name?: string; readonly settings?: CouncilSettingsInput },
): Promise<Council> {
  const { tx, scope } = context;
  const target = { id: scope.councilId, expectedVersion };
  return transition(context, COUNCIL, 'update', target, async (before) => ({
    after: await update(tx, before.id, change(before), context.clock.now()),
  }));
}
