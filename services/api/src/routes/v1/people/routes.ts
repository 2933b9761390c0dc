import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely, Transaction } from 'kysely';
import { Type } from 'typebox';
import { READERS, rolesAccess, type Scope } from '../../../auth/roles.js';
import type { DB } from '../../../db/schema.js';
import { AppError, assertVersion, notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import {
  findExternalIdOwners,
  findPerson,
  insertPerson,
  listPeople,
  type PersonRecord,
  replaceExternalIds,
  updatePerson,
} from '../../../repositories/people.js';
import { IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { assertClientGroup } from '../../../workflows/client-groups.js';
import { CreatePersonBody, PersonResource, UpdatePersonBody } from './schemas.js';

type Db = Kysely<DB> | Transaction<DB>;

export function toPerson({ person, externalIds }: PersonRecord) {
  return {
    id: person.id,
    externalIds,
    clientGroup: person.client_group,
    displayName: person.display_name,
    dateOfBirth: person.date_of_birth,
    agent: person.agent as { name: string; relationship: string; contact?: string } | null,
    caresForPersonId: person.cares_for_person_id,
    commissionedSupport:
      person.commissioned_support_from === null ? null : { from: person.commissioned_support_from, to: person.commissioned_support_to },
    representation: person.representation as never,
    underLegalHold: person.legal_hold !== null,
    erasedAt: iso(person.erased_at),
    version: person.version,
    createdAt: iso(person.created_at),
    updatedAt: iso(person.updated_at),
  };
}

/** The person a carer cares for, checked: one the caller can see, and not the carer themself. */
async function caredFor(db: Db, scope: Scope, id: string | null | undefined, self: string | null): Promise<string | null | undefined> {
  if (id === undefined || id === null) return id;
  if (id === self)
    throw unprocessable('INVALID_INPUT', 'A person cannot be their own carer', [
      { pointer: '/caresForPersonId', detail: 'is this person' },
    ]);
  if (!(await findPerson(db, scope, id)))
    throw unprocessable('INVALID_INPUT', 'The person cared for does not exist', [
      { pointer: '/caresForPersonId', detail: 'is not a person you can see' },
    ]);
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

/** What audit records and events say about a person: identifiers, never personal details. */
function personEvent(record: PersonRecord) {
  return {
    id: record.person.id,
    externalIds: record.externalIds,
    clientGroup: record.person.client_group,
    caresForPersonId: record.person.cares_for_person_id,
    version: record.person.version,
  };
}

const WRITERS = rolesAccess('admin', 'assessor', 'integration', 'portal');

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

/** People: who budgets are for, with their record-system identifiers. */
const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people',
    {
      config: { problems: ['ALREADY_EXISTS', 'INVALID_INPUT'], access: WRITERS },
      schema: {
        operationId: 'createPerson',
        tags: ['people'],
        summary: 'Register a person',
        description: 'A portal key sees only the people it created.',
        headers: IdempotencyHeaders,
        body: CreatePersonBody,
        response: { 201: PersonResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const body = request.body;
      const externalIds = body.externalIds ?? {};
      return createOnce(request, reply, async (tx, changes) => {
        await assertClientGroup(tx, scope.councilId, body.clientGroup);
        const clashes = await findExternalIdOwners(tx, scope.councilId, externalIds);
        if (clashes.length > 0) throw await duplicateIdError(tx, scope, clashes);
        const fields = {
          clientGroup: body.clientGroup,
          displayName: body.displayName ?? null,
          dateOfBirth: body.dateOfBirth ?? null,
          agent: body.agent ?? null,
          caresForPersonId: await caredFor(tx, scope, body.caresForPersonId, null),
          commissionedSupport: checkedSupport(body.commissionedSupport),
          representation: body.representation,
        };
        const record = await insertPerson(
          tx,
          scope.councilId,
          fields,
          externalIds,
          request.principal.kind === 'key' ? request.principal.keyId : null,
        );
        changes.record({ action: 'person.created', entityType: 'person', entityId: record.person.id, after: personEvent(record) });
        return { body: toPerson(record), headers: { location: `/v1/people/${record.person.id}`, etag: etag(record.person.version) } };
      });
    },
  );

  app.get(
    '/people/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getPerson',
        tags: ['people'],
        summary: 'Get a person',
        params: IdParams,
        response: { 200: PersonResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const record = await findPerson(app.db, scopeOf(request), request.params.id);
      if (!record) throw notFound('person', request.params.id);
      reply.header('etag', etag(record.person.version));
      return toPerson(record);
    },
  );

  app.patch(
    '/people/:id',
    {
      config: { problems: ['ALREADY_EXISTS', 'INVALID_INPUT'], access: WRITERS },
      schema: {
        operationId: 'updatePerson',
        tags: ['people'],
        summary: 'Change a person’s details',
        description: 'Fields sent replace the stored ones (externalIds as a whole); null clears a field. Needs If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdatePersonBody,
        response: { 200: PersonResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const scope = scopeOf(request);
      const body = request.body;
      const record = await write(request, async (tx, changes) => {
        const before = await findPerson(tx, scope, request.params.id, { forUpdate: true });
        if (!before) throw notFound('person', request.params.id);
        assertVersion(expected, before.person.version);
        if (body.clientGroup !== undefined && body.clientGroup !== before.person.client_group) {
          await assertClientGroup(tx, scope.councilId, body.clientGroup);
        }
        const externalIds = body.externalIds ?? before.externalIds;
        if (body.externalIds) {
          const clashes = (await findExternalIdOwners(tx, scope.councilId, externalIds)).filter(
            (clash) => clash.personId !== before.person.id,
          );
          if (clashes.length > 0) throw await duplicateIdError(tx, scope, clashes);
          await replaceExternalIds(tx, scope.councilId, before.person.id, externalIds);
        }
        const person = await updatePerson(
          tx,
          scope.councilId,
          before.person.id,
          {
            clientGroup: body.clientGroup ?? before.person.client_group,
            displayName: body.displayName === undefined ? before.person.display_name : body.displayName,
            dateOfBirth: body.dateOfBirth === undefined ? before.person.date_of_birth : body.dateOfBirth,
            agent: body.agent === undefined ? before.person.agent : body.agent,
            caresForPersonId: await caredFor(tx, scope, body.caresForPersonId, before.person.id),
            commissionedSupport: checkedSupport(body.commissionedSupport),
            representation: body.representation,
          },
          app.clock.now(),
        );
        const after = { person, externalIds };
        changes.record({
          action: 'person.updated',
          entityType: 'person',
          entityId: person.id,
          before: personEvent(before),
          after: personEvent(after),
        });
        return after;
      });
      reply.header('etag', etag(record.person.version));
      return toPerson(record);
    },
  );

  app.get(
    '/people',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listPeople',
        tags: ['people'],
        summary: 'List people, oldest first; look one up by record-system id',
        querystring: Type.Object(
          {
            externalId: Type.Optional(
              Type.String({
                pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*:.+$',
                maxLength: 210,
                description: 'system:value, e.g. carefirst:CF123456',
              }),
            ),
            clientGroup: Type.Optional(Type.String({ maxLength: 100 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(PersonResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { externalId, clientGroup } = request.query;
      let lookup: { system: string; value: string } | undefined;
      if (externalId !== undefined) {
        const colon = externalId.indexOf(':');
        lookup = { system: externalId.slice(0, colon), value: externalId.slice(colon + 1) };
      }
      const rows = await listPeople(app.db, scopeOf(request), { externalId: lookup, clientGroup }, page.after, page.size + 1);
      return toPage(rows, page, toPerson, (row) => row.person.id);
    },
  );
};

export default peopleRoutes;
