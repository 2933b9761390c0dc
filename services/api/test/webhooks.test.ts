import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberEvents } from '../src/repositories/events.js';
import { WebhookSender } from '../src/webhooks/delivery.js';
import { WebhookRelay } from '../src/webhooks/relay.js';
import { isPublicAddress, TargetPolicy } from '../src/webhooks/target-policy.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { loopbackListener, storedWebhook } from './helpers/loopback-listener.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Webhooks as an attacker would use them (the IT health check of issue 12): a webhook aimed at the
// service's own network, the delivery log read as a port scanner, and one council's dead endpoint
// holding up every other council's deliveries. Every test here failed on the code before its fix
// (the comment on each says how).

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  // Webhooks here are held to the production rule: no private or loopback targets.
  // Its webhook relays serve every council in their database: on PostgreSQL, one of this file's own.
  t = await createTestApp({ allowPrivateWebhooks: false, ownDatabase: true });
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('webhook SSRF through IPv6 forms of private addresses (high 1)', () => {
  // Before: the guard knew only dotted ::ffff:a.b.c.d, and `new URL()` rewrites that to hex, so
  // every form below but the last was treated as public.
  const refused = [
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:7f00:1',
    '::127.0.0.1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    '::ffff:a9fe:a9fe',
    '::ffff:10.0.0.1',
    '::ffff:0:7f00:1',
    '2002:7f00:1::1',
    '2002:a9fe:a9fe::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '64:ff9b:1::a00:1',
    'fe80::1%eth0',
    'ff02::1',
    '2001:db8::1',
    '100.64.0.1',
    '192.0.2.10',
    '198.18.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '::1',
  ];
  it.each(refused)('classifies %s as not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  it.each(['8.8.8.8', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2606:4700:4700::1111'])(
    'classifies %s as public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses public addresses that are a cloud’s own services, and any the operator lists', () => {
    // Found in review: Azure's WireServer, 168.63.129.16, is a public address reachable only from
    // inside Azure.
    const policy = new TargetPolicy({ allowPrivate: false, blocked: ['8.8.4.0/24', '2606:4700::/32'] });
    for (const address of ['168.63.129.16', '::ffff:168.63.129.16', '8.8.4.4', '::ffff:808:404', '2606:4700:4700::1111'])
      expect(policy.allows(address), address).toBe(false);
    for (const address of ['8.8.8.8', '2001:4860:4860::8888']) expect(policy.allows(address), address).toBe(true);
    // The operator's list holds even where private addresses are allowed.
    const closed = new TargetPolicy({ allowPrivate: true, blocked: ['10.9.0.0/16'] });
    expect(closed.allows('10.1.2.3')).toBe(true);
    expect(closed.allows('10.9.2.3')).toBe(false);
    expect(closed.allows('168.63.129.16')).toBe(false);
  });

  it('refuses to create a webhook to any of them, with one message whatever the reason', async () => {
    for (const host of [
      '[::ffff:127.0.0.1]',
      '[0:0:0:0:0:ffff:7f00:1]',
      '[::127.0.0.1]',
      '[64:ff9b::7f00:1]',
      '[::ffff:a9fe:a9fe]',
      '[::ffff:10.0.0.1]',
    ]) {
      const response = await t.call('POST', '/v1/webhooks', { key: council.keys.admin, body: { url: `http://${host}:8080/hook` } });
      expect(response.statusCode, host).toBe(422);
      expect(problemOf(response).detail).toContain('does not resolve to a public address');
      expect(problemOf(response).detail).not.toMatch(/127\.0\.0\.1|10\.0\.0\.1|169\.254/);
    }
  });

  it('never delivers to a loopback listener, even for a webhook stored before the fix', async () => {
    const listener = await loopbackListener();
    try {
      const id = await storedWebhook(t.database.db, council.id, `http://[::ffff:7f00:1]:${listener.port}/hook`);
      await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'learning-disability' } });
      const relay = new WebhookRelay(t.database.db, { allowPrivateTargets: false, baseDelayMs: 10, maxDelayMs: 20 });
      await relay.tick();
      await relay.tick();
      await relay.stop();
      expect(listener.received).toEqual([]);
      // Every delivery attempted was refused. (How many two rounds attempt depends on how many
      // events the council already had, so on which tests ran before this one: only the attempted.)
      const errors = await t.database.db
        .selectFrom('webhook_deliveries')
        .select('last_error')
        .where('webhook_id', '=', id)
        .where('attempts', '>', 0)
        .execute();
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors.map((row) => row.last_error))).toEqual(new Set(['refused']));
      await t.database.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      await t.database.db.deleteFrom('webhooks').where('id', '=', id).execute();
    } finally {
      await listener.close();
    }
  });

  it('connects only to the address it checked: a name is resolved once (DNS rebinding)', async () => {
    // Before: the guard resolved the name and found a public address, then fetch resolved it
    // again, got loopback, and delivered to a listener there.
    const listener = await loopbackListener();
    try {
      const answers = [[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
      let calls = 0;
      const sender = new WebhookSender({
        allowPrivateTargets: false,
        resolveAll: async () => answers[Math.min(calls++, answers.length - 1)] as never,
      });
      const outcome = await sender.send(`http://rebinding.example:${listener.port}/hook`, {}, '{}', 1_000);
      sender.close();
      // The public address answered the only lookup; it is not reachable from here, so the
      // attempt fails, and nothing reached loopback.
      expect(outcome.delivered).toBe(false);
      expect(calls).toBe(1);
      expect(listener.received).toEqual([]);
      const privateFirst = new WebhookSender({ allowPrivateTargets: false, resolveAll: async () => [{ address: '127.0.0.1', family: 4 }] });
      expect(await privateFirst.send(`http://rebinding.example:${listener.port}/hook`, {}, '{}', 1_000)).toEqual({
        delivered: false,
        statusCode: null,
        error: 'refused',
      });
      privateFirst.close();
      expect(listener.received).toEqual([]);
    } finally {
      await listener.close();
    }
  });
});

describe('the delivery log as a port scanner (high 1)', () => {
  // Before: last_error held the network error's own words ("connect ECONNREFUSED 10.0.0.5:22",
  // "certificate has expired", "getaddrinfo ENOTFOUND …"), telling what listens where.
  it('records refused, timeout or HTTP <status> and nothing else', async () => {
    const sender = new WebhookSender({ allowPrivateTargets: true });
    const closed = await loopbackListener();
    const port = closed.port;
    await closed.close();
    expect(await sender.send(`http://127.0.0.1:${port}/`, {}, '{}', 2_000)).toEqual({
      delivered: false,
      statusCode: null,
      error: 'refused',
    });
    expect(await sender.send('http://no-such-host.invalid/', {}, '{}', 2_000)).toMatchObject({ error: 'refused' });
    const slow = await loopbackListener(() => {});
    expect(await sender.send(`http://127.0.0.1:${slow.port}/`, {}, '{}', 200)).toEqual({
      delivered: false,
      statusCode: null,
      error: 'timeout',
    });
    const failing = await loopbackListener((respond) => respond(503));
    expect(await sender.send(`http://127.0.0.1:${failing.port}/`, {}, '{}', 2_000)).toEqual({
      delivered: false,
      statusCode: 503,
      error: 'HTTP 503',
    });
    const ok = await loopbackListener((respond) => respond(204));
    expect(await sender.send(`http://127.0.0.1:${ok.port}/`, {}, '{"a":1}', 2_000)).toEqual({ delivered: true, statusCode: 204 });
    expect(ok.received).toEqual(['{"a":1}']);
    sender.close();
    await Promise.all([slow.close(), failing.close(), ok.close()]);
  });
});

describe("one council's dead webhook endpoint delaying every other council's deliveries (low 11)", () => {
  // Before: the relay claimed work globally in next-attempt order and waited for every attempt of
  // a round, so a backlog at one hanging endpoint filled the rounds and held up everyone else.
  it('gives each webhook its own place in the queue, and does not wait for a hanging endpoint', async () => {
    const hanging = await loopbackListener(() => {});
    const healthy = await loopbackListener();
    const [a, b] = [await t.council(), await t.council()];
    const hooks = [
      await storedWebhook(t.database.db, a.id, `http://127.0.0.1:${hanging.port}/hook`),
      await storedWebhook(t.database.db, b.id, `http://127.0.0.1:${healthy.port}/hook`),
    ];
    // An attempt at the hanging endpoint never ends on its own within the test: if the relay waited
    // for it, council B's delivery could not arrive at all.
    const relay = new WebhookRelay(t.database.db, {
      allowPrivateTargets: true,
      pollMs: 20,
      batchSize: 10,
      perWebhook: 5,
      timeoutMs: 600_000,
    });
    /** Resolves once `done` holds, checking every 20 ms (the test's own timeout bounds the wait). */
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    try {
      for (let i = 0; i < 30; i++) await t.call('POST', '/v1/people', { key: a.adminKey, body: { clientGroup: 'older-people' } });
      // The feed numbered as a running service's relay keeps it (every second), not the backlog
      // of every test file before this one sharing the database.
      await numberEvents(t.database.db);
      relay.start();
      // Council A's endpoint is now holding attempts open; council B's event comes after them all.
      await until(() => hanging.received.length > 0);
      await t.call('POST', '/v1/people', { key: b.adminKey, body: { clientGroup: 'older-people' } });
      await until(() => healthy.received.length > 0);
      // B's delivery came while every attempt at A's endpoint was still open: none has finished.
      const finished = await t.database.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('webhook_id', '=', hooks[0] as string)
        .where((eb) => eb.or([eb('status', '=', 'delivered'), eb('last_error', 'is not', null)]))
        .execute();
      expect(finished).toEqual([]);
      // At most five of A's deliveries were taken at once (perWebhook), however many queued.
      expect(hanging.received.length).toBeGreaterThan(0);
      expect(hanging.received.length).toBeLessThanOrEqual(5);
    } finally {
      await Promise.all([hanging.close(), healthy.close()]);
      await relay.stop();
      for (const id of hooks) {
        await t.database.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
        await t.database.db.deleteFrom('webhooks').where('id', '=', id).execute();
      }
    }
  }, 20_000);
});
