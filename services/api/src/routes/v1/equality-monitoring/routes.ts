import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Principal, rolesAccess, rolesOf } from '../../../auth/roles.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { runWorkflow } from '../../../http/write.js';
import { isOneOf } from '../../../one-of.js';
import { toEqualityMonitoring } from '../../../representations/equality-monitoring.js';
import { IdParams, IfMatchHeaders, problemResponses } from '../../../schemas/common.js';
import { readEqualityMonitoring, recordEqualityMonitoring } from '../../../workflows/equality-monitoring.js';
import { EqualityMonitoringResource, RecordEqualityMonitoringBody, RecordedEqualityMonitoring } from './schemas.js';

/** The roles that may read equality monitoring (a portal only for the people it created). */
const READERS = ['admin', 'auditor', 'portal'] as const;

const SPECIAL_CATEGORY =
  'Special-category data under UK GDPR (Article 9): read only by admin and auditor keys, and by a portal key for the people it created; every read and write is audited, and no event or webhook carries it.';

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
      const { person, row } = await runWorkflow(request, (context) => readEqualityMonitoring(context, request.params.id));
      const body = toEqualityMonitoring(person.person.id, row, person.person.date_of_birth, app.clock.today());
      reply.header('etag', etag(body.version));
      return body;
    },
  );

  app.patch(
    '/people/:id/equality-monitoring',
    {
      config: { problems: ['PERSON_ERASED'], access: rolesAccess('admin', 'assessor', 'integration', 'portal') },
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
      const expected = requireIfMatch(request);
      const { person, row } = await runWorkflow(request, (context) =>
        recordEqualityMonitoring(context, request.params.id, expected, request.body),
      );
      const body = toEqualityMonitoring(person.person.id, row, person.person.date_of_birth, app.clock.today());
      reply.header('etag', etag(body.version));
      // Special-category data goes back only to a key that may read it.
      if (mayRead(request.principal)) return body;
      request.personalDataShown = ['record'];
      return { personId: body.personId, recorded: true as const, version: body.version, updatedAt: body.updatedAt as string };
    },
  );
};

function mayRead(principal: Principal): boolean {
  return rolesOf(principal).some((role) => isOneOf(READERS, role));
}

export default equalityMonitoringRoutes;
