import type { Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { Assessment, AssessmentUpdate, DB, Db } from '../db/schema.js';
import { newId } from '../ids.js';

/** The assessments a scope may see: the council's, narrowed to a portal key's own people. */
function visibleAssessments(db: Db, scope: Scope) {
  return visibleTo(db, 'assessments', scope);
}

export interface NewAssessmentFields {
  readonly personId: string;
  readonly questionnaireId: string;
  readonly completedWith: readonly string[];
  readonly answers: unknown;
  readonly createdByKeyId: string | null;
}

export function insertAssessment(tx: Transaction<DB>, councilId: string, fields: NewAssessmentFields): Promise<Assessment> {
  return tx
    .insertInto('assessments')
    .values({
      id: newId(),
      council_id: councilId,
      person_id: fields.personId,
      questionnaire_id: fields.questionnaireId,
      status: 'draft',
      completed_with: [...fields.completedWith],
      answers: JSON.stringify(fields.answers),
      created_by_key_id: fields.createdByKeyId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findAssessment(db: Db, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<Assessment | undefined> {
  let query = visibleAssessments(db, scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Applies a change and bumps the version (the ETag). */
export function updateAssessment(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: AssessmentUpdate,
  at: Date,
): Promise<Assessment> {
  return tx
    .updateTable('assessments')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface AssessmentFilter {
  readonly personId?: string | undefined;
  readonly status?: Assessment['status'] | undefined;
}

export function listAssessments(
  db: Db,
  scope: Scope,
  filter: AssessmentFilter,
  after: string | null,
  limit: number,
): Promise<Assessment[]> {
  let query = visibleAssessments(db, scope);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}
