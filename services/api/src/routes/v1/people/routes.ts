import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { keyIdOf, READERS, rolesAccess } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findPerson, listPeople } from '../../../repositories/people.js';
import { toPerson } from '../../../representations/people.js';
import { IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { createPerson, PERSON, updatePersonRecord } from '../../../workflows/people.js';
import { CreatePersonBody, PersonResource, UpdatePersonBody } from './schemas.js';

/** Who may register and change people: the state machine's own table. */
const WRITERS = rolesAccess(...PERSON.steps.update.roles);

/** People: who budgets are for, with their record-system identifiers. */
const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people',
    {
      config: { problems: ['ALREADY_EXISTS', 'INVALID_INPUT', 'PERSON_ERASED'], access: WRITERS },
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
      const body = request.body;
      return createWithWorkflow(request, reply, async (context) => {
        const record = await createPerson(context, {
          ...body,
          createdByKeyId: keyIdOf(request.principal),
        });
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
      config: { problems: ['ALREADY_EXISTS', 'INVALID_INPUT', 'PERSON_ERASED'], access: WRITERS },
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
      const body = request.body;
      const record = await runWorkflow(request, (context) => updatePersonRecord(context, request.params.id, expected, body));
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
