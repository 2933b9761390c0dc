import type { AllocationScheme, Questionnaire, StoredQuestionnaire } from '../db/schema.js';
import { insertSchemeVersion, type SchemeRow } from '../repositories/allocation-schemes.js';
import { insertQuestionnaireVersion } from '../repositories/questionnaires.js';
import { toScheme } from '../representations/allocation-schemes.js';
import type { WorkflowContext } from './context.js';

// New versions of a council's rules: a questionnaire and an allocation scheme are never changed,
// only followed by a new version (checked before, by their validators).

/** Adds a version of a questionnaire (the next number for its key). */
export async function createQuestionnaireVersion(
  context: WorkflowContext,
  input: { readonly key: string; readonly title: string; readonly sections: StoredQuestionnaire['sections'] },
): Promise<Questionnaire> {
  const { tx, scope, changes } = context;
  const { key, title, sections } = input;
  const row = await insertQuestionnaireVersion(tx, scope.councilId, key, title, { sections });
  changes.record({
    action: 'questionnaire.created',
    entityType: 'questionnaire',
    entityId: row.id,
    after: { id: row.id, key, version: row.version, title },
  });
  return row;
}

/** Adds a version of an allocation scheme (the next number for its key). */
export async function createSchemeVersion(context: WorkflowContext, scheme: SchemeRow): Promise<AllocationScheme> {
  const row = await insertSchemeVersion(context.tx, context.scope.councilId, scheme);
  context.changes.record({ action: 'allocation-scheme.created', entityType: 'allocation-scheme', entityId: row.id, after: toScheme(row) });
  return row;
}
