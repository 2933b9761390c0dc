import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { WebhookRelay } from '../src/webhooks/relay.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Webhooks as a partner runs them: a new secret while the old one still verifies, one lost
// delivery sent again, everything sent again from a sequence number, a pause and a resume.
// The service's clock is the real one: a rotation's grace period is measured against the time a
// delivery is signed at.

let t: TestApp;
let council: SetUpCouncil;
let relay: WebhookRelay;

/** What reached the receiver: each delivery's event and headers, and its body. */
const received: { eventId: string; seq: number; headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const event = JSON.parse(body);
    received.push({ eventId: event.id, seq: event.seq, headers: request.headers, body });
    response.writeHead(204).end();
  });
});

const verifies = (secret: string, delivery: (typeof received)[number]) => {
  try {
    new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

async function drain(until: () => boolean): Promise<void> {
  for (let round = 0; round < 200 && !until(); round++) {
    await relay.tick();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const newPerson = () => t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'older-people' } });

let webhookId = '';
let firstSecret = '';

beforeAll(async () => {
  t = await createTestApp({ ownDatabase: true, clock: systemClock });
  council = await setUpCouncil(t);
  relay = new WebhookRelay(t.database.db, { allowPrivateTargets: true, baseDelayMs: 10, maxDelayMs: 20 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const created = await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url, eventTypes: ['person.created'] } });
  expect(created.statusCode, created.body).toBe(201);
  webhookId = created.json().id;
  firstSecret = created.json().secret;
  for (let i = 0; i < 3; i++) expect((await newPerson()).statusCode).toBe(201);
  await drain(() => received.length >= 3);
  expect(received).toHaveLength(3);
});
afterAll(async () => {
  await relay.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

describe('rotateWebhookSecret', () => {
  it('signs with the new secret and the old one until the grace period ends, then with the new one only', async () => {
    const read = await t.call('GET', `/v1/webhooks/${webhookId}`, { key: council.keys.admin });
    const unversioned = await t.call('POST', `/v1/webhooks/${webhookId}/secret-rotation`, { key: council.keys.admin, body: {} });
    expect(unversioned.statusCode).toBe(428);
    const rotated = await t.call('POST', `/v1/webhooks/${webhookId}/secret-rotation`, {
      key: council.keys.admin,
      headers: { 'if-match': read.headers.etag as string },
      body: { previousSecretValidForHours: 24 },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret, previousSecretExpiresAt, secretRotatedAt } = rotated.json();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(firstSecret);
    expect(Date.parse(previousSecretExpiresAt) - Date.parse(secretRotatedAt)).toBe(24 * 3_600_000);
    // The secret is shown once: never in a read.
    expect((await t.call('GET', `/v1/webhooks/${webhookId}`, { key: council.keys.admin })).body).not.toContain(secret);

    expect((await newPerson()).statusCode).toBe(201);
    await drain(() => received.length >= 4);
    const during = received[3];
    if (!during) throw new Error('no delivery after the rotation');
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A receiver still on the old secret, and one already on the new, both verify it.
    expect(verifies(firstSecret, during)).toBe(true);
    expect(verifies(secret, during)).toBe(true);

    // Ending the grace period at once (0 hours): only the newest secret signs.
    // A retry of the first rotation (its answer lost) is refused, not rotated again.
    const retried = await t.call('POST', `/v1/webhooks/${webhookId}/secret-rotation`, {
      key: council.keys.admin,
      headers: { 'if-match': read.headers.etag as string },
      body: { previousSecretValidForHours: 24 },
    });
    expect(retried.statusCode).toBe(412);
    const again = await t.call('POST', `/v1/webhooks/${webhookId}/secret-rotation`, {
      key: council.keys.admin,
      headers: { 'if-match': rotated.headers.etag as string },
      body: { previousSecretValidForHours: 0 },
    });
    expect(again.json().previousSecretExpiresAt).toBeNull();
    expect((await newPerson()).statusCode).toBe(201);
    await drain(() => received.length >= 5);
    const after = received[4];
    if (!after) throw new Error('no delivery after the second rotation');
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(again.json().secret, after)).toBe(true);
    expect(verifies(secret, after)).toBe(false);
    firstSecret = again.json().secret;
  });
});

describe('redeliverWebhookDelivery and replayWebhook', () => {
  it('sends one delivery again, counted, with the same webhook-id', async () => {
    const log = (await t.call('GET', `/v1/webhooks/${webhookId}/deliveries`, { key: council.keys.admin })).json().items;
    const first = log[0];
    expect(first.status).toBe('delivered');
    const sent = await t.call('POST', `/v1/webhooks/${webhookId}/deliveries/${first.id}/redelivery`, { key: council.keys.admin });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ id: first.id, status: 'pending', sentAgain: 1, attempts: 0 });
    const before = received.length;
    await drain(() => received.length > before);
    expect(received.at(-1)?.eventId).toBe(first.eventId);
    expect(received.at(-1)?.headers['webhook-id']).toBe(first.eventId);
    const unknown = await t.call('POST', `/v1/webhooks/${webhookId}/deliveries/01900000-0000-7000-8000-000000000000/redelivery`, {
      key: council.keys.admin,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('sends every event of its types again from a sequence number', async () => {
    const seqs = [...new Set(received.map((delivery) => delivery.seq))].sort((a, b) => a - b);
    const from = seqs[1] as number;
    const replay = await t.call('POST', `/v1/webhooks/${webhookId}/replay`, { key: council.keys.admin, body: { fromSeq: from } });
    expect(replay.statusCode, replay.body).toBe(200);
    const expected = seqs.filter((seq) => seq >= from);
    expect(replay.json()).toEqual({ queued: expected.length, fromSeq: from, throughSeq: expected.at(-1), more: false });
    const before = received.length;
    await drain(() => received.length >= before + expected.length);
    // Attempts run side by side, so they may arrive in any order (each carries its seq).
    expect(
      received
        .slice(before)
        .map((delivery) => delivery.seq)
        .sort((a, b) => a - b),
    ).toEqual(expected);
    // Each is signed with the current secret.
    expect(received.slice(before).every((delivery) => verifies(firstSecret, delivery))).toBe(true);
  });

  it('keeps each council to its own webhooks', async () => {
    const other = await setUpCouncil(t);
    for (const [url, body] of [
      [`/v1/webhooks/${webhookId}/replay`, { fromSeq: 1 }],
      [`/v1/webhooks/${webhookId}/secret-rotation`, { previousSecretValidForHours: 1 }],
    ] as const) {
      const refused = await t.call('POST', url, { key: other.keys.admin, headers: { 'if-match': '"1"' }, body });
      expect(refused.statusCode, url).toBe(404);
    }
    expect(
      problemOf(await t.call('POST', `/v1/webhooks/${webhookId}/replay`, { key: council.keys.admin, body: { fromSeq: 0 } })).errors,
    ).toEqual([{ pointer: '/fromSeq', detail: expect.any(String) }]);
  });
});

describe('pausing and resuming (updateWebhook)', () => {
  it('holds deliveries while paused and sends them on resuming', async () => {
    const read = await t.call('GET', `/v1/webhooks/${webhookId}`, { key: council.keys.admin });
    const paused = await t.call('PATCH', `/v1/webhooks/${webhookId}`, {
      key: council.keys.admin,
      headers: { 'if-match': read.headers.etag as string },
      body: { status: 'paused' },
    });
    expect(paused.json().status).toBe('paused');
    const before = received.length;
    expect((await newPerson()).statusCode).toBe(201);
    for (let i = 0; i < 5; i++) await relay.tick();
    expect(received).toHaveLength(before);
    const resumed = await t.call('PATCH', `/v1/webhooks/${webhookId}`, {
      key: council.keys.admin,
      headers: { 'if-match': paused.headers.etag as string },
      body: { status: 'active' },
    });
    expect(resumed.json().status).toBe('active');
    await drain(() => received.length > before);
    expect(received).toHaveLength(before + 1);
  });
});
