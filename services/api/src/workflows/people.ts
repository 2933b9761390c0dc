import type { Role, Scope } from '../auth/roles.js';
import type { PersonRecord } from '../db/rows.js';
import type { Db } from '../db/schema.js';
import { AppError, unprocessable } from '../errors.js';
import { findExternalIdOwners, findPerson, insertPerson, replaceExternalIds, updatePerson } from '../repositories/people.js';
import { personEvent } from '../representations/people.js';
import { assertClientGroup } from './client-groups.js';
import type { WorkflowContext } from './context.js';
import { refuseErased, stateMachine, transition } from './transition.js';

/** Who may register and change people: a portal registers the person it serves. */
const WRITERS: readonly Role[] = ['admin', 'assessor', 'integration', 'portal'];

/** A person's record: changed at will until their personal data is erased, which closes it for good. */
export const PERSON = stateMachine({
  entity: 'person',
  lock: (context, id) => findPerson(context.tx, context.scope, id, { forUpdate: true }),
  statusOf: (record: PersonRecord) => (record.person.erased_at === null ? 'current' : 'erased'),
  eventOf: personEvent,
  personOf: (record: PersonRecord) => record.person.id,
  identity: (record: PersonRecord) => record.person,
  steps: {
    update: { from: 'any', to: null, roles: WRITERS, audit: 'person.updated' },
  },
});

/** What a person is registered or changed with. */
export interface PersonInput {
  readonly clientGroup?: string;
  readonly displayName?: string | null;
  readonly dateOfBirth?: string | null;
  readonly agent?: { name: string; relationship: string; contact?: string } | null;
  readonly caresForPersonId?: string | null;
  readonly commissionedSupport?: { from: string; to?: string | null } | null;
  readonly representation?: unknown;
  readonly externalIds?: Record<string, string>;
}

/** The person a carer cares for, checked: one the caller can see, and not the carer themself. */
async function caredFor(
  context: Pick<WorkflowContext, 'tx' | 'scope'>,
  id: string | null | undefined,
  self: string | null,
): Promise<string | null | undefined> {
  const { tx: db, scope } = context;
  if (id === undefined || id === null) return id;
  if (id === self)
    throw unprocessable('INVALID_INPUT', 'A person cannot be their own carer', [
      { pointer: '/caresForPersonId', detail: 'is this person' },
    ]);
  if (!(await findPerson(db, scope, id)))
    throw unprocessable('INVALID_INPUT', 'The person cared for does not exist', [
      { pointer: '/caresForPersonId', detail: 'is not a person you can see' },
    ]);
  // Caring for someone is part of their record too: an erased person's is closed.
  await refuseErased(context, id);
  return id;
}

/** Commissioned support's dates, checked: it ends on or after it starts. */
function checkedSupport<T extends { from: string; to?: string | null | undefined } | null | undefined>(support: T): T {
  if (support?.to != null && support.to < support.from)
    throw unprocessable('INVALID_INPUT', 'Commissioned support ends before it starts', [
      { pointer: '/commissionedSupport/to', detail: `must be on or after ${support.from}` },
    ]);
  return support;
}

/**
 * 409 naming each clashing id, with `existingId`, the person who holds it, when the caller may see
 * that person (a portal key sees only the people it created).
 */
async function duplicateIdError(db: Db, scope: Scope, clashes: readonly { system: string; value: string; personId: string }[]) {
  const holder = clashes[0] ? await findPerson(db, scope, clashes[0].personId) : undefined;
  return new AppError('ALREADY_EXISTS', 'A person with this record-system id already exists in the council', {
    errors: clashes.map((clash) => ({
      pointer: `/externalIds/${clash.system}`,
      detail: `${clash.value} already belongs to another person`,
    })),
    ...(holder ? { extensions: { existingId: holder.person.id } } : {}),
  });
}

/** Registers a person, refusing a record-system id another person holds (409 naming it). */
export async function createPerson(
  context: WorkflowContext,
  input: PersonInput & { readonly clientGroup: string; readonly createdByKeyId: string | null },
): Promise<PersonRecord> {
  const { tx, scope, changes } = context;
  const externalIds = input.externalIds ?? {};
  await assertClientGroup(tx, scope.councilId, input.clientGroup);
  const clashes = await findExternalIdOwners(tx, scope.councilId, externalIds);
  if (clashes.length > 0) throw await duplicateIdError(tx, scope, clashes);
  const fields = {
    clientGroup: input.clientGroup,
    displayName: input.displayName ?? null,
    dateOfBirth: input.dateOfBirth ?? null,
    agent: input.agent ?? null,
    caresForPersonId: await caredFor(context, input.caresForPersonId, null),
    commissionedSupport: checkedSupport(input.commissionedSupport),
    representation: input.representation,
  };
  const record = await insertPerson(tx, scope.councilId, fields, externalIds, input.createdByKeyId);
  changes.record({ action: 'person.created', entityType: 'person', entityId: record.person.id, after: personEvent(record) });
  return record;
}

/** Changes what is given of a person; what is not given stays. */
export function updatePersonRecord(
  context: WorkflowContext,
  id: string,
  expectedVersion: number,
  change: PersonInput,
): Promise<PersonRecord> {
  const { tx, scope } = context;
  const target = { id, expectedVersion };
  return transition(context, PERSON, 'update', target, async (before) => {
    if (change.clientGroup !== undefined && change.clientGroup !== before.person.client_group) {
      await assertClientGroup(tx, scope.councilId, change.clientGroup);
    }
    const externalIds = change.externalIds ?? before.externalIds;
    if (change.externalIds) {
      const clashes = (await findExternalIdOwners(tx, scope.councilId, externalIds)).filter((clash) => clash.personId !== before.person.id);
      if (clashes.length > 0) throw await duplicateIdError(tx, scope, clashes);
      await replaceExternalIds(tx, scope.councilId, before.person.id, externalIds);
    }
    const person = await updatePerson(
      tx,
      scope.councilId,
      before.person.id,
      {
        clientGroup: change.clientGroup ?? before.person.client_group,
        displayName: change.displayName === undefined ? before.person.display_name : change.displayName,
        dateOfBirth: change.dateOfBirth === undefined ? before.person.date_of_birth : change.dateOfBirth,
        agent: change.agent === undefined ? before.person.agent : change.agent,
        caresForPersonId: await caredFor(context, change.caresForPersonId, before.person.id),
        commissionedSupport: checkedSupport(change.commissionedSupport),
        representation: change.representation,
      },
      context.clock.now(),
    );
    return { after: { person, externalIds } };
  });
}
