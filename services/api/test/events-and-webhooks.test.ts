import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookRelay } from '../src/webhooks/relay.js';
import { verifyDelivery } from '../src/webhooks/signature.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;

/** What an off-the-shelf Standard Webhooks verifier makes of a delivery. */
function verifiesAsStandardWebhook(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** A webhook receiver that can be told to fail, and remembers what it got. */
class Receiver {
  readonly received: { id: string; type: string; seq: number; signatureValid: boolean; standardValid: boolean; webhookId: string }[] = [];
  /** The webhook-id of every attempt, failed ones included. */
  readonly attemptIds: string[] = [];
  failing = false;
  secret = '';
  readonly #server: Server = createServer((request, response) => this.#handle(request, response));

  #handle(request: IncomingMessage, response: ServerResponse): void {
    {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        this.attemptIds.push(String(request.headers['webhook-id']));
        if (this.failing) {
          response.writeHead(503).end();
          return;
        }
        const event = JSON.parse(body);
        const signature = String(request.headers['ras-signature']);
        this.received.push({
          id: event.id,
          type: event.type,
          seq: event.seq,
          signatureValid: verifyDelivery(this.secret, signature, body),
          standardValid: verifiesAsStandardWebhook(this.secret, body, request.headers),
          webhookId: String(request.headers['webhook-id']),
        });
        response.writeHead(204).end();
      });
    }
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

async function makeEvents(council: SetUpCouncil, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'older-people' } });
}

async function drain(relays: readonly WebhookRelay[], until: () => boolean, rounds = 200): Promise<void> {
  for (let round = 0; round < rounds && !until(); round++) {
    await Promise.all(relays.map((relay) => relay.tick()));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  // The relays here serve every council in their database: on PostgreSQL, a database of this
  // file's own, so the other files' webhooks (and theirs, this file's) are out of each other's way.
  t = await createTestApp({ ownDatabase: true });
});
afterAll(() => t.close());

describe('listEvents', () => {
  it('pages through a council’s events in order from a cursor, and filters by type', async () => {
    const council = await setUpCouncil(t);
    const key = await t.key(council.keys.admin, ['integration']);
    await makeEvents(council, 3);
    const all = (await t.call('GET', '/v1/events?after=0&pageSize=500', { key })).json();
    const seqs = all.items.map((event: { seq: number }) => event.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const firstPage = (await t.call('GET', '/v1/events?after=0&pageSize=2', { key })).json();
    expect(firstPage.nextAfter).toBe(2);
    expect(firstPage.nextPageToken).toBe('2');
    const rest = (await t.call(`GET`, `/v1/events?after=${firstPage.nextAfter}&pageSize=500`, { key })).json();
    expect([...firstPage.items, ...rest.items].map((e: { id: string }) => e.id)).toEqual(all.items.map((e: { id: string }) => e.id));
    const people = (await t.call('GET', '/v1/events?type=person.created', { key })).json();
    expect(people.items).toHaveLength(3);
    const other = await setUpCouncil(t);
    const theirs = (await t.call('GET', '/v1/events', { key: await t.key(other.keys.admin, ['integration']) })).json();
    expect(theirs.items.map((e: { id: string }) => e.id)).not.toContain(all.items[0].id);
    expect((await t.call('GET', '/v1/events', { key: council.keys.portal })).statusCode).toBe(403);
  });
});

describe('webhooks', () => {
  it('delivers every event once, signed, in spite of a receiver that is down for a while', async () => {
    const council = await setUpCouncil(t);
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      const created = await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url, eventTypes: ['person.created'] } });
      expect(created.statusCode, created.body).toBe(201);
      receiver.secret = created.json().secret;
      receiver.failing = true;
      await makeEvents(council, 5);
      const relay = new WebhookRelay(t.database.db, { allowPrivateTargets: true, baseDelayMs: 30, maxDelayMs: 100 });
      for (let i = 0; i < 5; i++) await relay.tick();
      expect(receiver.received).toHaveLength(0);
      receiver.failing = false;
      await drain([relay], () => receiver.received.length >= 5);
      expect(receiver.received).toHaveLength(5);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(5);
      expect(receiver.received.every((r) => r.signatureValid && r.type === 'person.created')).toBe(true);
      // Standard Webhooks: the standardwebhooks package verifies every delivery, its webhook-id
      // is the event id, and every retry of an event carried that same id.
      expect(receiver.received.every((r) => r.standardValid && r.webhookId === r.id)).toBe(true);
      expect(receiver.attemptIds.length).toBeGreaterThan(5);
      expect(new Set(receiver.attemptIds)).toEqual(new Set(receiver.received.map((r) => r.id)));
      expect(verifiesAsStandardWebhook(receiver.secret, '{"tampered":true}', { 'webhook-id': receiver.received[0]!.id })).toBe(false);
      const log = (await t.call('GET', `/v1/webhooks/${created.json().id}/deliveries`, { key: council.keys.admin })).json().items;
      expect(log).toHaveLength(5);
      expect(log.every((d: { status: string; attempts: number }) => d.status === 'delivered' && d.attempts > 1)).toBe(true);
    } finally {
      await receiver.stop();
    }
  });

  it('does not double-deliver when two service instances relay at once', async () => {
    const council = await setUpCouncil(t);
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      receiver.secret = (await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url } })).json().secret;
      await makeEvents(council, 20);
      const relays = [
        new WebhookRelay(t.database.db, { allowPrivateTargets: true, batchSize: 5 }),
        new WebhookRelay(t.database.db, { allowPrivateTargets: true, batchSize: 5 }),
      ];
      await drain(relays, () => receiver.received.length >= 20);
      await Promise.all(relays.map((relay) => relay.tick()));
      expect(receiver.received).toHaveLength(20);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(20);
    } finally {
      await receiver.stop();
    }
  });

  it('fans out to a webhook behind fifty others with nothing new (national scale)', async () => {
    // Before: each round took the first 50 webhooks by id whether or not they had new events, so
    // the 51st never received anything once 50 earlier ones existed.
    const quiet = await setUpCouncil(t);
    const idle = new Receiver();
    const idleUrl = await idle.start();
    const busy = await setUpCouncil(t);
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      for (let i = 0; i < 50; i++) {
        const made = await t.call('POST', '/v1/webhooks', { key: quiet.keys.admin, body: { url: `${idleUrl}?hook=${i}` } });
        expect(made.statusCode, made.body).toBe(201);
      }
      const relay = new WebhookRelay(t.database.db, { allowPrivateTargets: true });
      await relay.tick();
      receiver.secret = (await t.call('POST', '/v1/webhooks', { key: busy.keys.admin, body: { url } })).json().secret;
      await makeEvents(busy, 3);
      await drain([relay], () => receiver.received.length >= 3);
      expect(receiver.received).toHaveLength(3);
      expect(idle.received).toHaveLength(0);
      for (const hook of (await t.call('GET', '/v1/webhooks?pageSize=200', { key: quiet.keys.admin })).json().items)
        await t.call('DELETE', `/v1/webhooks/${hook.id}`, { key: quiet.keys.admin });
    } finally {
      await receiver.stop();
      await idle.stop();
    }
  });

  it('pauses a webhook that keeps failing, keeps queuing, and catches up when resumed', async () => {
    const council = await setUpCouncil(t);
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      const created = await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url } });
      receiver.secret = created.json().secret;
      receiver.failing = true;
      await makeEvents(council, 2);
      const relay = new WebhookRelay(t.database.db, { allowPrivateTargets: true, baseDelayMs: 10, maxDelayMs: 20, pauseAfterMs: 100 });
      const webhookUrl = `/v1/webhooks/${created.json().id}`;
      for (let i = 0; i < 50; i++) {
        await relay.tick();
        if ((await t.call('GET', webhookUrl, { key: council.keys.admin })).json().status === 'paused') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const paused = await t.call('GET', webhookUrl, { key: council.keys.admin });
      expect(paused.json().status).toBe('paused');
      expect(paused.json().pausedReason).toContain('failed since');
      await makeEvents(council, 1);
      receiver.failing = false;
      for (let i = 0; i < 3; i++) await relay.tick();
      expect(receiver.received).toHaveLength(0);
      const resumed = await t.call('PATCH', webhookUrl, {
        key: council.keys.admin,
        headers: { 'if-match': paused.headers.etag as string },
        body: { status: 'active' },
      });
      expect(resumed.statusCode).toBe(200);
      await drain([relay], () => receiver.received.length >= 3);
      expect(receiver.received.map((r) => r.type)).toEqual(['person.created', 'person.created', 'person.created']);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses a URL that is not http(s) and hides other councils’ webhooks', async () => {
    const council = await setUpCouncil(t);
    expect((await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url: 'ftp://example.org/x' } })).statusCode).toBe(422);
    const created = (await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url: 'https://example.org/hook' } })).json();
    const other = await setUpCouncil(t);
    expect((await t.call('GET', `/v1/webhooks/${created.id}`, { key: other.keys.admin })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/v1/webhooks/${created.id}`, { key: council.keys.admin })).statusCode).toBe(204);
    expect((await t.call('GET', `/v1/webhooks/${created.id}`, { key: council.keys.admin })).statusCode).toBe(404);
  });
});

describe('the event catalogue', () => {
  it('lists every event a journey records, each payload fitting its schema, and refuses a webhook for an unknown type', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c, { weeklyContributionPence: 1_000 });
    await t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
      key: c.keys.finance,
      body: { kind: 'council-payment', amountPence: 10_000, occurredOn: '2026-05-01' },
    });
    const integration = await t.key(c.keys.admin, ['integration']);
    const catalogue = (await t.call('GET', '/v1/event-types', { key: integration })).json().items as {
      type: string;
      payloadSchema: object;
    }[];
    const schemas = new Map(catalogue.map((entry) => [entry.type, entry.payloadSchema]));
    const events = (await t.call('GET', '/v1/events?pageSize=500', { key: integration })).json().items as { type: string; data: unknown }[];
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([
        'council.created',
        'api-key.created',
        'questionnaire.created',
        'allocation-scheme.created',
        'person.created',
        'assessment.created',
        'assessment.submitted',
        'assessment.agreed',
        'financial-assessment.recorded',
        'budget.created',
        'support-plan.created',
        'support-plan.submitted',
        'support-plan.stage-approved',
        'support-plan.approved',
        'budget.agreed',
        'payment-agreement.created',
        'provider.created',
        'direct-payment-agreement.created',
        'review.scheduled',
        'transaction.recorded',
      ]),
    );
    for (const event of events) {
      const schema = schemas.get(event.type);
      expect(schema, event.type).toBeDefined();
      expect(Value.Check(schema as never, event.data), `${event.type}: ${JSON.stringify(event.data)}`).toBe(true);
    }
    const refused = await t.call('POST', '/v1/webhooks', {
      key: integration,
      body: { url: 'https://example.org/hook', eventTypes: ['budget.agreed', 'budget.aggreed'] },
    });
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused).errors).toEqual([{ pointer: '/eventTypes/1', detail: expect.stringContaining('budget.aggreed') }]);
  });
});
