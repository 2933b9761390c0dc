import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import { EVENT_CATALOGUE, EVENT_TYPES } from '../../../events/catalogue.js';
import { toEvent } from '../../../events/representation.js';
import { councilOf } from '../../../plugins/auth.js';
import { listEventsAfter, numberEvents } from '../../../repositories/events.js';
import { Id, Nullable, problemResponses, Timestamp } from '../../../schemas/common.js';

export const EventResource = Type.Object({
  id: Id,
  seq: Type.Integer({
    description: 'Position in the council’s event stream: gap-free, and no event is ever numbered below one already in the feed',
  }),
  type: Type.String({ description: 'e.g. budget.agreed' }),
  entityType: Type.String(),
  entityId: Id,
  occurredAt: Timestamp,
  data: Type.Unknown(),
});

const EventTypeResource = Type.Object({
  type: Type.String({ description: 'e.g. budget.agreed' }),
  entityType: Type.String(),
  description: Type.String(),
  payloadSchema: Type.Unknown({ description: 'The JSON Schema of the event’s data' }),
});

/** The event feed: every state change in the council, in order, never skipping one. */
const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/event-types',
    {
      config: { access: rolesAccess('integration', 'admin', 'auditor') },
      schema: {
        operationId: 'listEventTypes',
        tags: ['integration'],
        summary: 'Every event type the feed and webhooks carry, with the JSON Schema of its data',
        description: 'A fixed catalogue answered whole (a few dozen entries), so not paged.',
        response: { 200: Type.Object({ items: Type.Array(EventTypeResource) }), ...problemResponses },
      },
    },
    async () => ({
      items: EVENT_TYPES.map((type) => {
        const { entityType, description, payload } = EVENT_CATALOGUE[type];
        return { type, entityType, description, payloadSchema: payload };
      }),
    }),
  );

  app.get(
    '/events',
    {
      config: { access: rolesAccess('integration', 'admin', 'auditor') },
      schema: {
        operationId: 'listEvents',
        tags: ['integration'],
        summary: 'Events after a sequence number, oldest first',
        description:
          'A feed, not a paged list: it pages by sequence number rather than pageToken, because a reader keeps its place across days. Poll with after=<nextAfter> from the last answer (pageSize as for lists); nextPageToken is non-null when more events are waiting now. Sequence numbers are per council, gap-free and in commit order: an event is numbered just after its transaction commits (at the latest when this feed is read), so no event ever appears below a number already read and a reader never misses one.',
        querystring: Type.Object(
          {
            after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Return events with seq above this' })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            type: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, description: 'Only these event types' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(EventResource),
            nextAfter: Type.Integer({ description: 'Pass as after= next time' }),
            nextPageToken: Nullable(Type.String({ description: 'Set when more events are waiting now' })),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const after = request.query.after ?? 0;
      const size = request.query.pageSize ?? 100;
      const councilId = councilOf(request);
      // A reader need not wait for the relay's next round: what has committed is numbered now.
      await numberEvents(app.db);
      const rows = await listEventsAfter(app.db, councilId, after, size + 1, request.query.type);
      const items = rows.slice(0, size).map(toEvent);
      const nextAfter = items.at(-1)?.seq ?? after;
      return { items, nextAfter, nextPageToken: rows.length > size ? String(nextAfter) : null };
    },
  );
};

export default eventRoutes;
