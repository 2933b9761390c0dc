import type { PersonRecord } from '../db/rows.js';
import type { Budget } from '../db/schema.js';
import { unprocessable } from '../errors.js';
import { findBudget } from '../repositories/budgets.js';
import { findPerson } from '../repositories/people.js';
import type { WorkflowContext } from './context.js';
import { refuseErased } from './transition.js';

// The records a creating request names in its body (`personId`, `budgetId`): one the caller can
// see, or 422 naming the field; an erased person's, 409 PERSON_ERASED, since a new record of theirs
// is a change to their record.

type Reading = Pick<WorkflowContext, 'tx' | 'scope'>;

/** The person a request's `personId` names. */
export async function namedPerson(context: Reading, id: string): Promise<PersonRecord> {
  await refuseErased(context, id);
  const person = await findPerson(context.tx, context.scope, id);
  if (!person)
    throw unprocessable('INVALID_INPUT', 'The person does not exist', [{ pointer: '/personId', detail: 'is not a person you can see' }]);
  return person;
}

/** The budget a request's `budgetId` names, locked for the change when it moves money on it. */
export async function namedBudget(context: Reading, id: string, options: { readonly forUpdate?: boolean } = {}): Promise<Budget> {
  await refuseErased(context, id);
  const budget = await findBudget(context.tx, context.scope, id, options);
  if (!budget)
    throw unprocessable('INVALID_INPUT', 'The budget does not exist', [{ pointer: '/budgetId', detail: 'is not a budget you can see' }]);
  return budget;
}
