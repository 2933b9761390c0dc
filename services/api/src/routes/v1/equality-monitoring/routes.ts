import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ethnicGroupOf, monitoringAgeBand } from 'ras-core';
import { actorOf, type Principal, rolesAccess } from '../../../auth/roles.js';
import type { EqualityMonitoring } from '../../../db/schema.js';
import { assertVersion, notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findEqualityMonitoring, saveEqualityMonitoring } from '../../../repositories/equality-monitoring.js';
import { findPerson } from '../../../repositories/people.js';
import { IdParams, IfMatchHeaders, problemResponses } from '../../../schemas/common.js';
import { EqualityMonitoringResource, RecordEqualityMonitoringBody, RecordedEqualityMonitoring } from './schemas.js';

/** The roles that may read equality monitoring (a portal only for the people it created). */
const READERS = ['admin', 'auditor', 'portal'] as const;

const SPECIAL_CATEGORY =
  'Special-category data under UK GDPR (Article 9): read only by admin and auditor keys, and by a portal key for the people it created; every read and write is audited, and no event or webhook carries it.';

function toEqualityMonitoring(personId: string, row: EqualityMonitoring | undefined, dateOfBirth: string | null, today: string) {
  return {
    personId,
    recorded: row !== undefined,
    sex: row?.sex ?? null,
    ethnicity: row?.ethnicity ?? null,
    ethnicGroup: row?.ethnicity ? ethnicGroupOf(row.ethnicity) : null,
    religion: row?.religion ?? null,
    sexualOrientation: row?.sexual_orientation ?? null,
    primarySupportReason: row?.primary_support_reason ?? null,
    ageBand: dateOfBirth === null ? null : monitoringAgeBand(dateOfBirth, today),
    version: row?.version ?? 0,
    updatedAt: row ? iso(row.updated_at) : null,
  };
}

/** Equality monitoring: a person's protected characteristics and primary support reason, for the fairness report. */
const equalityMonitoringRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/people/:id/equality-monitoring',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getEqualityMonitoring',
        tags: ['people'],
        summary: 'Read a person’s equality monitoring (audited)',
        description: `${SPECIAL_CATEGORY} The age band is worked out from the date of birth today.`,
        params: IdParams,
        response: { 200: EqualityMonitoringResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const body = await write(request, async (tx, changes) => {
        const person = await findPerson(tx, scope, request.params.id);
        if (!person) throw notFound('person', request.params.id);
        const row = await findEqualityMonitoring(tx, scope.councilId, person.person.id);
        // The read itself is the audited act: who looked at whose special-category data, and when.
        changes.record({
          action: 'equality-monitoring.read',
          entityType: 'person',
          entityId: person.person.id,
          after: { personId: person.person.id, recorded: row !== undefined },
          event: false,
        });
        return toEqualityMonitoring(person.person.id, row, person.person.date_of_birth, app.clock.today());
      });
      reply.header('etag', etag(body.version));
      return body;
    },
  );

  app.patch(
    '/people/:id/equality-monitoring',
    {
      config: { access: rolesAccess('admin', 'assessor', 'integration', 'portal') },
      schema: {
        operationId: 'recordEqualityMonitoring',
        tags: ['people'],
        summary: 'Record a person’s equality monitoring answers',
        description: `${SPECIAL_CATEGORY} A field sent is recorded; a field left out keeps its answer, so a key that cannot read the answers cannot erase them by leaving them out; null makes it unknown again. \`prefer-not-to-say\` is an answer. Send If-Match: "0" the first time. A key that may read equality monitoring gets the record back (and the answer is in the access log as a read of special-category data); any other key (assessor, integration) gets an EqualityMonitoringReceipt, without the answers.`,
        params: IdParams,
        headers: IfMatchHeaders,
        body: RecordEqualityMonitoringBody,
        response: { 200: RecordedEqualityMonitoring, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const expected = requireIfMatch(request);
      const body = await write(request, async (tx, changes) => {
        const person = await findPerson(tx, scope, request.params.id);
        if (!person) throw notFound('person', request.params.id);
        const before = await findEqualityMonitoring(tx, scope.councilId, person.person.id, { forUpdate: true });
        assertVersion(expected, before?.version ?? 0);
        const sent = request.body;
        const answers = {
          sex: sent.sex === undefined ? (before?.sex ?? null) : sent.sex,
          ethnicity: sent.ethnicity === undefined ? (before?.ethnicity ?? null) : sent.ethnicity,
          religion: sent.religion === undefined ? (before?.religion ?? null) : sent.religion,
          sexual_orientation: sent.sexualOrientation === undefined ? (before?.sexual_orientation ?? null) : sent.sexualOrientation,
          primary_support_reason:
            sent.primarySupportReason === undefined ? (before?.primary_support_reason ?? null) : sent.primarySupportReason,
        };
        const row = await saveEqualityMonitoring(
          tx,
          scope.councilId,
          person.person.id,
          answers,
          actorOf(request.principal),
          before,
          app.clock.now(),
        );
        // The audit log names which answers are known, never the answers themselves.
        changes.record({
          action: 'equality-monitoring.recorded',
          entityType: 'person',
          entityId: person.person.id,
          after: {
            personId: person.person.id,
            changed: Object.keys(sent),
            version: row.version,
          },
          event: false,
        });
        return toEqualityMonitoring(person.person.id, row, person.person.date_of_birth, app.clock.today());
      });
      reply.header('etag', etag(body.version));
      // Special-category data goes back only to a key that may read it.
      if (mayRead(request.principal)) return body;
      request.personalDataShown = ['record'];
      return { personId: body.personId, recorded: true as const, version: body.version, updatedAt: body.updatedAt as string };
    },
  );
};

function mayRead(principal: Principal): boolean {
  return principal.kind === 'key' && principal.roles.some((role) => (READERS as readonly string[]).includes(role));
}

export default equalityMonitoringRoutes;
