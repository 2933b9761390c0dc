import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { assertKnownEventTypes } from '../../../events/catalogue.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { isWebLink, WEB_LINK_DETAIL } from '../../../http/web-link.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { findWebhook, listDeliveries, listWebhooks } from '../../../repositories/webhooks.js';
import { toDelivery, toWebhook } from '../../../representations/webhooks.js';
import {
  Id,
  IdempotencyHeaders,
  IdParams,
  IfMatchHeaders,
  Nullable,
  Page,
  PageQuery,
  problemResponses,
  Text,
  Timestamp,
} from '../../../schemas/common.js';
import { SIGNATURE_HEADER } from '../../../webhooks/signature.js';
import type { TargetPolicy } from '../../../webhooks/target-policy.js';
import {
  createWebhook,
  deleteWebhook,
  MAX_PREVIOUS_SECRET_HOURS,
  REPLAY_LIMIT,
  redeliverWebhookDelivery,
  replayWebhook,
  rotateWebhookSecret,
  updateWebhookSettings,
  WEBHOOK,
} from '../../../workflows/webhooks.js';

const Url = Type.String({ format: 'uri', maxLength: 2000, description: 'An http(s) URL that accepts POSTed JSON' });
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  description: 'Only these event types (default: all); each must be one listEventTypes names (422 otherwise)',
});

const WebhookResource = Type.Object(
  {
    id: Id,
    url: Type.String(),
    description: Nullable(Type.String()),
    eventTypes: Nullable(Type.Array(Type.String())),
    status: Type.Enum(['active', 'paused']),
    pausedReason: Nullable(Type.String()),
    cursor: Type.Integer({ description: 'The last event seq queued for delivery' }),
    secretRotatedAt: Nullable(Timestamp),
    previousSecretExpiresAt: Type.Union([Timestamp, Type.Null()], {
      description: 'Until when the secret the last rotation replaced still signs each delivery beside the new one',
    }),
    version: Type.Integer(),
    createdAt: Timestamp,
  },
  { title: 'Webhook' },
);

const DeliveryResource = Type.Object(
  {
    id: Id,
    eventId: Id,
    eventSeq: Type.Integer(),
    status: Type.Enum(['pending', 'delivered']),
    attempts: Type.Integer(),
    sentAgain: Type.Integer({ description: 'Times it was sent again on request (redeliverWebhookDelivery, replayWebhook)' }),
    nextAttemptAt: Nullable(Timestamp),
    lastStatusCode: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    deliveredAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { title: 'WebhookDelivery' },
);

async function checkUrl(url: string, pointer: string, policy: TargetPolicy): Promise<void> {
  if (!isWebLink(url)) throw unprocessable('INVALID_INPUT', 'A webhook URL is http or https', [{ pointer, detail: WEB_LINK_DETAIL }]);
  const refused = await policy.refusedUrl(url);
  if (refused)
    throw unprocessable('INVALID_INPUT', `The webhook URL cannot be used: ${refused}`, [
      { pointer, detail: 'must reach a public address' },
    ]);
}

/** Who may manage webhooks: the state machine's own table. */
const ACCESS = rolesAccess(...WEBHOOK.steps.update.roles);

/** Webhooks: signed deliveries of the council's events, at least once, retried for over a day. */
const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/webhooks',
    {
      config: { problems: ['INVALID_INPUT'], access: ACCESS },
      schema: {
        operationId: 'createWebhook',
        tags: ['integration'],
        summary: 'Subscribe a URL to the council’s events',
        description: `Each delivery is a POST of one event (the listEvents item shape) signed as Standard Webhooks (standardwebhooks.com) specify: webhook-id (the event id, the same on every retry), webhook-timestamp (unix seconds) and webhook-signature (v1,<base64 HMAC-SHA256 of "id.timestamp.body" keyed with the base64 part of the secret after whsec_>), so any Standard Webhooks library verifies it; also Ras-Event-Id, Ras-Event-Type and the deprecated ${SIGNATURE_HEADER}. Any 2xx acknowledges; anything else is retried with exponential backoff for over 24 hours, after which the webhook pauses (events keep queuing). Starts with events after the current one. The secret is shown once.`,
        headers: IdempotencyHeaders,
        body: Type.Object(
          { url: Url, eventTypes: Type.Optional(EventTypes), description: Type.Optional(Text(500)) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...WebhookResource.properties,
            secret: Type.String({ description: 'Shown once: verify signatures with it' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      await checkUrl(request.body.url, '/url', app.webhookTargets);
      assertKnownEventTypes(request.body.eventTypes, '/eventTypes');
      return createWithWorkflow(request, reply, async (context) => {
        const { row, secret } = await createWebhook(context, request.body);
        return { body: { ...toWebhook(row), secret }, headers: { location: `/v1/webhooks/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.get(
    '/webhooks',
    {
      config: { access: ACCESS },
      schema: {
        operationId: 'listWebhooks',
        tags: ['integration'],
        summary: 'The council’s webhooks, oldest first',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(WebhookResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      return toPage(await listWebhooks(app.db, councilOf(request), page.after, page.size + 1), page, toWebhook);
    },
  );

  app.get(
    '/webhooks/:id',
    {
      config: { access: ACCESS },
      schema: {
        operationId: 'getWebhook',
        tags: ['integration'],
        summary: 'Get a webhook',
        params: IdParams,
        response: { 200: WebhookResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const row = await findWebhook(app.db, councilOf(request), request.params.id);
      if (!row) throw notFound('webhook', request.params.id);
      reply.header('etag', etag(row.version));
      return toWebhook(row);
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      config: { problems: ['INVALID_INPUT'], access: ACCESS },
      schema: {
        operationId: 'updateWebhook',
        tags: ['integration'],
        summary: 'Change a webhook, or pause and resume it',
        description: 'Resuming (status active) delivers everything that queued while it was paused.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            eventTypes: Type.Optional(Nullable(EventTypes)),
            description: Type.Optional(Nullable(Text(500))),
            status: Type.Optional(Type.Enum(['active', 'paused'])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: WebhookResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const body = request.body;
      if (body.url !== undefined) await checkUrl(body.url, '/url', app.webhookTargets);
      assertKnownEventTypes(body.eventTypes, '/eventTypes');
      const row = await runWorkflow(request, (context) => updateWebhookSettings(context, request.params.id, expected, body));
      reply.header('etag', etag(row.version));
      return toWebhook(row);
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      config: { access: ACCESS },
      schema: {
        operationId: 'deleteWebhook',
        tags: ['integration'],
        summary: 'Stop and remove a webhook (its delivery log is kept)',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await runWorkflow(request, (context) => deleteWebhook(context, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { access: ACCESS },
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['integration'],
        summary: 'The delivery log of a webhook, oldest first',
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(DeliveryResource), ...problemResponses },
      },
    },
    async (request) => {
      const councilId = councilOf(request);
      const webhook = await findWebhook(app.db, councilId, request.params.id);
      if (!webhook) throw notFound('webhook', request.params.id);
      const page = pageRequest(request.query);
      return toPage(await listDeliveries(app.db, councilId, webhook.id, page.after, page.size + 1), page, toDelivery);
    },
  );

  app.post(
    '/webhooks/:id/secret-rotation',
    {
      config: { problems: ['INVALID_INPUT'], access: ACCESS },
      schema: {
        operationId: 'rotateWebhookSecret',
        tags: ['integration'],
        summary: 'Give a webhook a new signing secret, the old one signing beside it for a while',
        description: `The new secret is shown once. Until previousSecretExpiresAt (previousSecretValidForHours, default 24, at most ${MAX_PREVIOUS_SECRET_HOURS}; 0 ends the old secret at once) every delivery's webhook-signature carries two signatures, space separated as Standard Webhooks allows: the new secret's and the old one's, so the receiver verifies with either while it changes over. The deprecated ${SIGNATURE_HEADER} is signed with the new secret only. Needs If-Match, so a retry after a lost answer cannot rotate twice.`,
        params: IdParams,
        headers: IfMatchHeaders,
        body: Type.Object(
          {
            previousSecretValidForHours: Type.Optional(
              Type.Integer({
                minimum: 0,
                maximum: MAX_PREVIOUS_SECRET_HOURS,
                default: 24,
                description: 'How long the replaced secret goes on signing',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            ...WebhookResource.properties,
            secret: Type.String({ description: 'Shown once: verify signatures with it' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      // If-Match: a retried rotation whose answer was lost is refused (412), rather than rotating
      // again and ending the grace of the secret the receiver still checks.
      const expected = requireIfMatch(request);
      const hours = request.body.previousSecretValidForHours ?? 24;
      const { row, secret } = await runWorkflow(request, (context) => rotateWebhookSecret(context, request.params.id, expected, hours));
      reply.header('etag', etag(row.version));
      return { ...toWebhook(row), secret };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redelivery',
    {
      config: { access: ACCESS },
      schema: {
        operationId: 'redeliverWebhookDelivery',
        tags: ['integration'],
        summary: 'Send one delivery again',
        description:
          'Makes the delivery due at once with its attempts counted afresh, whether it was delivered or is still being retried: for a receiver that lost it, or has fixed what refused it. The event is the same (the same webhook-id), so a receiver that had it already can tell. A paused webhook sends it when resumed.',
        params: Type.Object({ id: Id, deliveryId: Id }),
        response: { 200: DeliveryResource, ...problemResponses },
      },
    },
    async (request) =>
      toDelivery(await runWorkflow(request, (context) => redeliverWebhookDelivery(context, request.params.id, request.params.deliveryId))),
  );

  app.post(
    '/webhooks/:id/replay',
    {
      config: { access: ACCESS },
      schema: {
        operationId: 'replayWebhook',
        tags: ['integration'],
        summary: 'Send every event again from a sequence number',
        description: `Queues again each event of the webhook's types from fromSeq to the last it has reached (its cursor), oldest first: those it was sent before are sent again, those it never had (before it existed, or filtered out since) are sent for the first time. At most ${REPLAY_LIMIT} events a call: when more is true, call again from throughSeq + 1.`,
        params: IdParams,
        body: Type.Object(
          { fromSeq: Type.Integer({ minimum: 1, description: 'The first event seq to send again' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              queued: Type.Integer({ minimum: 0, description: 'Events queued to send' }),
              fromSeq: Type.Integer(),
              throughSeq: Type.Union([Type.Integer(), Type.Null()], { description: 'The last event seq queued; null when none was' }),
              more: Type.Boolean({ description: 'More events wait past throughSeq: call again from throughSeq + 1' }),
            },
            { title: 'WebhookReplay' },
          ),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { queued, throughSeq, more } = await runWorkflow(request, (context) =>
        replayWebhook(context, request.params.id, request.body.fromSeq),
      );
      return { queued, fromSeq: request.body.fromSeq, throughSeq, more };
    },
  );
};

export default webhookRoutes;
