import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AppOptions, buildApp } from '../src/app.js';
import { newId } from '../src/ids.js';
import { createLogger, redactUrl } from '../src/logger.js';
import { loggableError } from '../src/plugins/problem-details.js';
import { numberEvents } from '../src/repositories/events.js';
import { WebhookSender } from '../src/webhooks/delivery.js';
import { WebhookRelay } from '../src/webhooks/relay.js';
import { isPublicAddress, TargetPolicy } from '../src/webhooks/target-policy.js';
import { IMPORT_BATCH } from '../src/workflows/import-people.js';
import { agreedPerson, directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN, withRegisteredProviders } from './helpers/plan.js';
import { BOOTSTRAP_TOKEN, createTestApp, openTestDatabase, problemOf, type TestApp } from './helpers/test-app.js';

// Regression tests for the IT health check of issue 12: one describe per attack, each named after
// it. Every test here failed on the code before the fix (the comment on each says how).

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  // Webhooks here are held to the production rule: no private or loopback targets.
  // Its webhook relays serve every council in their database: on PostgreSQL, one of this file's own.
  t = await createTestApp({ allowPrivateWebhooks: false, ownDatabase: true });
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

/** A listener on loopback that counts what reaches it. */
async function loopbackListener(handler?: (respond: (status: number) => void) => void) {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(body);
      const respond = (status: number) => response.writeHead(status).end();
      if (handler) handler(respond);
      else respond(200);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received,
    // Connections a test left hanging are cut, so closing never waits on them.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A webhook written straight into the database, past the checks createWebhook makes (as one stored before a fix). */
async function storedWebhook(councilId: string, url: string): Promise<string> {
  const id = newId();
  await t.database.db
    .insertInto('webhooks')
    .values({
      id,
      council_id: councilId,
      url,
      description: null,
      event_types: null,
      secret: 'whsec_test',
      status: 'active',
      paused_reason: null,
      cursor: 0,
    })
    .execute();
  return id;
}

/** Rows of a table belonging to a council. */
async function countRows(db: TestApp['database']['db'], table: 'people' | 'person_external_ids', councilId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('council_id', '=', councilId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The service over a database watched (or sabotaged) by a Kysely plugin, with a council of its
 * own: for the tests that need to see or hold what the service asks the database.
 */
async function appWatching(plugin: KyselyPlugin, config: Partial<AppOptions['config']> = {}) {
  const database = await openTestDatabase();
  const app = await buildApp({
    database: { ...database, db: database.db.withPlugin(plugin) },
    config: { bootstrapToken: BOOTSTRAP_TOKEN, ...config },
  });
  const created = await app.inject({
    method: 'POST',
    url: '/v1/councils',
    headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    payload: { name: `Watched ${Date.now()}` },
  });
  return {
    app,
    database,
    councilId: created.json().council.id as string,
    adminKey: created.json().adminKey.key as string,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

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
      const id = await storedWebhook(council.id, `http://[::ffff:7f00:1]:${listener.port}/hook`);
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

describe('input the schema let through, answered with 500 (medium 6)', () => {
  // Before: each of these reached PostgreSQL and failed there, as a 500.
  it('refuses a NUL character in a string with 400 naming the field', async () => {
    const response = await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'learning\u0000disability' } });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors).toEqual([
      { pointer: '/clientGroup', detail: 'must not contain control characters (such as NUL) or unpaired surrogates' },
    ]);
  });

  it('refuses a NUL character in a map key with 400 naming it', async () => {
    const response = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'learning-disability', externalIds: { 'care\u0000first': '1' } },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/externalIds/care\u0000first');
  });

  it('refuses a lone surrogate, which PostgreSQL’s jsonb cannot hold, with 400 naming the field', async () => {
    // Found by the fuzz test once it learnt these input classes: the agent's JSON reached jsonb as a 500.
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': 'application/json' },
      payload: '{"clientGroup":"x","agent":{"name":"A","relationship":"\\ud800"}}',
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/agent/relationship');
    const paired = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'older-people', displayName: 'Zoë 😀' },
    });
    expect(paired.statusCode).toBe(201);
  });

  it('refuses a DEL sent raw, which JSON allows unescaped', async () => {
    // Found in review: only escaped control characters were looked for.
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': 'application/json' },
      // The JavaScript escape puts the DEL character itself into the body, not a JSON escape.
      payload: '{"clientGroup":"x\u007fy"}',
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/clientGroup');
  });

  it('refuses other control characters and a NUL in the query string', async () => {
    const bell = await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'x\u0007' } });
    expect(problemOf(bell).errors?.[0]?.pointer).toBe('/clientGroup');
    const query = await t.call('GET', '/v1/people?externalId=carefirst:%00', { key: council.keys.admin });
    expect(query.statusCode).toBe(400);
    expect(problemOf(query).errors?.[0]?.pointer).toBe('/query/externalId');
    // Tabs and line breaks are text, not control: a reason may have paragraphs.
    const tabbed = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'older-people', displayName: 'a\tb' },
    });
    expect(tabbed.statusCode).toBe(201);
  });

  it.each([
    ['year 0', '0000-01-01'],
    ['year 10000', '10000-01-01'],
    ['before 1900', '1899-12-31'],
  ])('refuses a date of birth in %s with 400 naming the field', async (_name, date) => {
    const response = await t.call('POST', '/v1/people', { key: council.keys.admin, body: { clientGroup: 'x', dateOfBirth: date } });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]).toEqual({
      pointer: '/dateOfBirth',
      detail: 'must be a real date from 1900-01-01 to 2199-12-31, written YYYY-MM-DD',
    });
  });

  it.each([
    ['year 0', '0000-01-01T00:00:00Z'],
    ['an RFC 9557 suffix', '2026-01-01T00:00:00Z[Europe/London]'],
  ])('refuses a timestamp with %s with 400', async (_name, since) => {
    const response = await t.call('GET', `/v1/exports/people?since=${encodeURIComponent(since)}`, { key: council.keys.admin });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/query/since');
  });

  it.each([
    ['after=99999999999999999999', '/v1/events?after=99999999999999999999', '/query/after'],
    ['after=1e3', '/v1/events?after=1e3', '/query/after'],
    ['pageSize=1.5', '/v1/people?pageSize=1.5', '/query/pageSize'],
    ['pageSize=0x10', '/v1/people?pageSize=0x10', '/query/pageSize'],
  ])('refuses %s with 400 naming the parameter', async (_name, url, pointer) => {
    const response = await t.call('GET', url, { key: council.keys.admin });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe(pointer);
  });

  it('keeps the rejected value out of the error log', async () => {
    // Before: a date PostgreSQL refused was logged in the 500's error message.
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await createTestApp({ logger: createLogger('info', sink) });
    try {
      const admin = (await logged.council()).adminKey;
      await logged.call('POST', '/v1/people', { key: admin, body: { clientGroup: 'x', dateOfBirth: '0000-02-29' } });
      await logged.call('GET', '/v1/people?externalId=carefirst:100234', { key: admin });
      const log = lines.join('\n');
      expect(log).not.toContain('0000-02-29');
      expect(log).not.toContain('100234');
      expect(log).toContain('externalId=[redacted]');
    } finally {
      await logged.close();
    }
    const error = Object.assign(new Error('invalid input syntax for type date: "1941-03-04"'), { code: '22007' });
    expect(JSON.stringify(loggableError(error))).not.toContain('1941-03-04');
    const duplicate = Object.assign(new Error('duplicate key'), { detail: 'Key (system, value)=(carefirst, 100234) already exists.' });
    expect(JSON.stringify(loggableError(duplicate))).not.toContain('100234');
  });
});

describe('record-system ids in request logs (low 7)', () => {
  // Before: the request URL was logged whole.
  it('redacts the values of personal query filters and nothing else', () => {
    expect(redactUrl('/v1/people?externalId=carefirst:100234&pageSize=5')).toBe('/v1/people?externalId=[redacted]&pageSize=5');
    expect(redactUrl('/v1/people?externalid=x&clientGroup=older-people')).toBe('/v1/people?externalid=[redacted]&clientGroup=older-people');
    expect(redactUrl('/v1/people')).toBe('/v1/people');
  });
});

describe('answers that were not problem+json, and input read wrongly (low 9)', () => {
  let address: string;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    address = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });

  // Before: Node's and Fastify's own JSON bodies ({"error": …}) as application/json.
  it('answers a URL path segment too long with 414 problem+json', async () => {
    const response = await fetch(`${address}/v1/people/${'a'.repeat(300)}`);
    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json()).code).toBe('URI_TOO_LONG');
  });

  it('answers headers too large with 431 problem+json', async () => {
    const socket = connect(Number(new URL(address).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    await once(socket, 'close');
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(text).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).code).toBe('HEADERS_TOO_LARGE');
  });

  it('refuses a body sent with Content-Encoding: gzip with 415, since it would be read as plain', async () => {
    const response = await t.call('POST', '/v1/people', {
      key: council.keys.admin,
      body: { clientGroup: 'x' },
      headers: { 'content-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(415);
    expect(problemOf(response).code).toBe('UNSUPPORTED_CONTENT_ENCODING');
    const file = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/people',
      headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': 'text/csv', 'content-encoding': 'gzip' },
      payload: 'system,externalId,clientGroup\ncarefirst,1,older-people\n',
    });
    expect(file.statusCode).toBe(415);
    // A request without a body is not refused for the header.
    expect((await t.call('GET', '/v1/people', { key: council.keys.admin, headers: { 'content-encoding': 'gzip' } })).statusCode).toBe(200);
  });

  it('refuses a transaction dated before its budget starts with 422 naming occurredOn', async () => {
    const { budgetId } = await agreedBudget(t, council);
    const response = await t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
      key: council.keys.finance,
      body: { kind: 'spend', amountPence: 100, occurredOn: '2026-04-30' },
    });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/occurredOn');
    const onTheDay = await t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
      key: council.keys.finance,
      body: { kind: 'spend', amountPence: 100, occurredOn: '2026-05-01' },
    });
    expect(onTheDay.statusCode).toBe(201);
  });
});

describe('two processes on one embedded data directory (high 2)', () => {
  // Before: the second `npm start` on the same DATA_DIR started and served, and one instance's
  // acknowledged writes were gone after a restart.
  const server = fileURLToPath(new URL('../dist/server.js', import.meta.url));
  const migrate = fileURLToPath(new URL('../dist/migrate.js', import.meta.url));
  const environment = (dataDir: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SEED_DEMO: 'false' };
    delete env.DATABASE_URL;
    return env;
  };
  /** Starts the service and resolves when it listens, or rejects with how it exited. */
  function start(dataDir: string): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, [server], { env: environment(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout?.on('data', (chunk) => {
        out += chunk;
        if (out.includes('listening on')) resolve({ child, exited });
      });
      child.stderr?.on('data', (chunk) => {
        err += chunk;
      });
      void exited.then((code) => reject(Object.assign(new Error(err), { code })));
    });
  }
  function run(file: string, dataDir: string): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [file], { env: environment(dataDir), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  }

  it('refuses a second service or migration on a directory in use, naming the process, and takes over a stale lock', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ras-lock-'));
    const first = await start(dataDir);
    try {
      const pid = first.child.pid as number;
      const second = await start(dataDir).then(
        () => ({ code: 0, message: 'it started' }),
        (error: Error & { code: number }) => ({ code: error.code, message: error.message }),
      );
      expect(second.code).toBe(75);
      expect(second.message).toContain(`pid ${pid}`);
      expect(second.message).toContain(dataDir);
      const migration = await run(migrate, dataDir);
      expect(migration.code).toBe(75);
      expect(migration.stderr).toContain(`pid ${pid}`);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    // kill -9 leaves the lock behind; its process is gone, so the next start takes it over.
    expect(existsSync(join(dataDir, 'ras.lock'))).toBe(true);
    const again = await start(dataDir);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(existsSync(join(dataDir, 'ras.lock'))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});

describe('two processes taking one stale data-directory lock at once (high 2, review)', () => {
  // Before: a lock written after it was created could be read empty and deleted, and two
  // processes finding one stale lock could each delete the other's new one: in a review, more
  // than one of three processes started together held the lock in 95 of 150 runs.
  const lock = fileURLToPath(new URL('../dist/db/data-dir-lock.js', import.meta.url));
  // A holder keeps the lock until every contender has answered (a holder that exited early would
  // rightly hand the lock to a slow starter), then is stopped.
  const take = (dataDir: string) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { lockDataDir } from ${JSON.stringify(lock)};
         try { lockDataDir(process.argv[1]); process.stdout.write('held'); setInterval(() => {}, 1000); }
         catch (error) { process.stdout.write(error.name); }`,
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const outcome = new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out === 'held' || out.endsWith('Error')) resolve(out);
      });
      child.once('exit', () => resolve(out));
    });
    return {
      outcome,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  };

  it('lets exactly one of four processes take over a stale lock, round after round', async () => {
    for (let round = 0; round < 8; round++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'ras-lock-race-'));
      writeFileSync(
        join(dataDir, 'ras.lock'),
        JSON.stringify({ pid: 2 ** 22 + 17, hostname: hostname(), command: 'gone', startedAt: 'x' }),
      );
      const contenders = [take(dataDir), take(dataDir), take(dataDir), take(dataDir)];
      const outcomes = await Promise.all(contenders.map((contender) => contender.outcome));
      await Promise.all(contenders.map((contender) => contender.stop()));
      expect(
        outcomes.filter((outcome) => outcome === 'held'),
        `round ${round}: ${outcomes.join(', ')}`,
      ).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'DataDirInUseError')).toHaveLength(3);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('rate limits spent by someone without the secret (medium 3)', () => {
  // Before: requests were counted per key id before the secret was checked, so 1,300 requests
  // with a forged secret locked the real key out for a minute.
  it('counts only verified requests against a key, and refuses an address that keeps failing', async () => {
    const limited = await createTestApp({ rateLimitPerMinute: 5, failedAuthPerMinute: 3 });
    try {
      const { adminKey } = await limited.council();
      const forged = `${adminKey.slice(0, -43)}${'A'.repeat(43)}`;
      const attacker = (key: string) =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/api-keys',
          remoteAddress: '203.0.113.9',
          headers: { authorization: `Bearer ${key}` },
        });
      const owner = () =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/api-keys',
          remoteAddress: '198.51.100.7',
          headers: { authorization: `Bearer ${adminKey}` },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await attacker(forged)).statusCode);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
      // The key's own allowance is untouched: five requests, then its own limit.
      const mine: number[] = [];
      for (let i = 0; i < 6; i++) mine.push((await owner()).statusCode);
      expect(mine).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it('keeps a key the instance knows working from an address that is being refused (one NAT, one proxy)', async () => {
    // Found in review: with the flood and the key's owner behind one address, the owner was
    // refused as soon as the key dropped out of the five-second cache.
    const limited = await createTestApp({ failedAuthPerMinute: 3 });
    const from = (key: string) =>
      limited.app.inject({ method: 'GET', url: '/v1/api-keys', remoteAddress: '192.0.2.44', headers: { authorization: `Bearer ${key}` } });
    try {
      const { adminKey } = await limited.council();
      const neverUsed = await limited.key(adminKey, ['auditor']);
      expect((await from(adminKey)).statusCode).toBe(200);
      for (let i = 0; i < 10; i++) await from(`ras_${'0'.repeat(32)}_${'C'.repeat(43)}`);
      expect((await from(adminKey)).statusCode).toBe(200);
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10_000 });
      // Out of the cache now, but verified here before: checked, and let through.
      expect((await from(adminKey)).statusCode).toBe(200);
      // A wrong secret for it, and a key this instance has never verified, are refused without a query.
      expect((await from(`${adminKey.slice(0, -43)}${'D'.repeat(43)}`)).statusCode).toBe(429);
      expect((await from(neverUsed)).statusCode).toBe(429);
    } finally {
      vi.useRealTimers();
      await limited.close();
    }
  });

  it('forgets the oldest window when full, never every window at once', async () => {
    const { FixedWindows } = await import('../src/http/fixed-windows.js');
    const windows = new FixedWindows(60_000, 3);
    for (let i = 0; i < 5; i++) windows.hit('busy', 1_000);
    windows.hit('a', 2_000);
    windows.hit('b', 3_000);
    expect(windows.peek('busy', 4_000).count).toBe(5);
    windows.hit('c', 4_000);
    // Before: the table was cleared, so 'a' and 'b' (and every limited caller) started again.
    expect(windows.size).toBe(3);
    expect(windows.peek('a', 4_000).count).toBe(1);
    expect(windows.peek('busy', 4_000).count).toBe(0);
  });

  it('answers a flood of unknown keys from memory, not with a query each', async () => {
    let keyQueries = 0;
    const watched = await appWatching(
      {
        transformQuery: (args) => {
          const node = args.node as { kind: string; from?: { froms: { table: { identifier: { name: string } } }[] } };
          if (node.kind === 'SelectQueryNode' && node.from?.froms[0]?.table?.identifier?.name === 'api_keys') keyQueries += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      },
      { failedAuthPerMinute: 1_000 },
    );
    try {
      const before = keyQueries;
      const unknown = `ras_0123456789abcdef0123456789abcdef_${'B'.repeat(43)}`;
      for (let i = 0; i < 50; i++) {
        const response = await watched.app.inject({ method: 'GET', url: '/v1/people', headers: { authorization: `Bearer ${unknown}` } });
        expect(response.statusCode).toBe(401);
      }
      expect(keyQueries - before).toBe(1);
    } finally {
      await watched.close();
    }
  });
});

describe('locking the council out by revoking its last admin key (low 8)', () => {
  // Before: the revocation went through, and nobody could ever create a key for the council again.
  it('refuses to revoke the last active admin key with 409, and allows it once there is another', async () => {
    const own = await t.council();
    const keys = (await t.call('GET', '/v1/api-keys', { key: own.adminKey })).json().items as { id: string }[];
    const first = keys[0]?.id as string;
    const alone = await t.call('DELETE', `/v1/api-keys/${first}`, { key: own.adminKey });
    expect(alone.statusCode).toBe(409);
    expect(problemOf(alone).code).toBe('LAST_ADMIN_KEY');
    const second = await t.key(own.adminKey, ['admin', 'auditor'], 'Second admin');
    expect((await t.call('DELETE', `/v1/api-keys/${first}`, { key: second })).statusCode).toBe(204);
    const secondId = (
      (await t.call('GET', '/v1/api-keys', { key: second })).json().items as { id: string; revokedAt: string | null }[]
    ).find((key) => key.revokedAt === null)?.id as string;
    expect(problemOf(await t.call('DELETE', `/v1/api-keys/${secondId}`, { key: second })).code).toBe('LAST_ADMIN_KEY');
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a revocation racing a key lookup (low 11)', () => {
  // Before: a lookup that read the key just before the revocation committed put it back in the
  // cache, and the revoked key worked for five more seconds. (PostgreSQL only: the lookup is held
  // between reading the row and caching it, which needs a second connection for the revocation.)
  it('does not cache what a lookup read before a revocation on this instance', async () => {
    let gate: Promise<void> | null = null;
    let reached: () => void = () => {};
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let targetHash = '';
    const watched = await appWatching({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        // The auth lookup reads the hash without the id; the revocation reads the whole row.
        const row = args.result.rows[0] as { secret_hash?: string; id?: string } | undefined;
        if (gate && row?.secret_hash === targetHash && row.id === undefined) {
          reached();
          await gate;
        }
        return args.result;
      },
    });
    const call = (key: string, method = 'GET', url = '/v1/people') =>
      watched.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${key}` } });
    try {
      const made = await watched.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: { authorization: `Bearer ${watched.adminKey}` },
        payload: { name: 'doomed', roles: ['assessor'] },
      });
      const doomed = made.json() as { id: string; key: string };
      targetHash = createHash('sha256').update(doomed.key.slice(-43)).digest('hex');
      let open: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const inFlight = call(doomed.key);
      await atGate;
      expect((await call(watched.adminKey, 'DELETE', `/v1/api-keys/${doomed.id}`)).statusCode).toBe(204);
      gate = null;
      open();
      await inFlight;
      expect((await call(doomed.key)).statusCode).toBe(401);
    } finally {
      await watched.close();
    }
  });
});

describe('importPeople above about 7,000 rows (medium 4)', () => {
  // Before: one audit insert for every row passed PostgreSQL's 65,535 parameters, and the import
  // answered 500; the README promised 50,000 rows.
  const file = (rows: number, bad: number | null = null) =>
    [
      'system,externalId,clientGroup,displayName,dateOfBirth',
      ...Array.from({ length: rows }, (_, i) =>
        i === bad ? `carefirst,B${i},older-people,Bad Row,1941-02-30` : `carefirst,B${i},older-people,Person ${i},1941-03-04`,
      ),
    ].join('\n');
  const post = (body: string, mode: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/imports/people?mode=${mode}`,
      headers: { authorization: `Bearer ${council.keys.admin}`, 'content-type': 'text/csv' },
      payload: body,
    });
  const people = () => countRows(t.database.db, 'people', council.id);

  it('imports 50,000 rows all-or-nothing, writes nothing when one is bad, and re-imports them unchanged', async () => {
    const before = await people();
    const refused = await post(file(50_000, 49_999), 'all-or-nothing');
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused).errors).toEqual([
      { line: 50001, pointer: '/line/50001/dateOfBirth', detail: expect.stringContaining('real date') },
    ]);
    expect(await people()).toBe(before);

    const imported = await post(file(50_000), 'all-or-nothing');
    expect(imported.statusCode, imported.body.slice(0, 300)).toBe(200);
    expect(imported.json()).toMatchObject({ total: 50_000, created: 50_000, updated: 0, unchanged: 0, failed: 0 });
    expect(await people()).toBe(before + 50_000);
    const audited = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('council_id', '=', council.id)
      .where('action', '=', 'person.created')
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBeGreaterThanOrEqual(50_000);

    const again = await post(file(50_000).replace('Person 7,', 'Person Seven,'), 'best-effort');
    expect(again.json()).toMatchObject({ total: 50_000, created: 0, updated: 1, unchanged: 49_999, failed: 0 });
  }, 180_000);

  it('keeps an import all-or-nothing when the database fails in a late batch', async () => {
    // Found in review: the test above refuses a bad row before anything is written, so it would
    // pass even if every batch committed on its own. Here the third batch's insert fails.
    let peopleInserts = 0;
    const watched = await appWatching({
      transformQuery: (args) => {
        const node = args.node as { kind: string; sqlFragments?: readonly string[] };
        const text = node.kind === 'RawNode' ? (node.sqlFragments ?? []).join('') : '';
        if (/insert into people\b/.test(text) && ++peopleInserts === 3) throw new Error('the database failed');
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    try {
      const response = await watched.app.inject({
        method: 'POST',
        url: '/v1/imports/people?mode=all-or-nothing',
        headers: { authorization: `Bearer ${watched.adminKey}`, 'content-type': 'text/csv' },
        payload: file(2 * IMPORT_BATCH + 10),
      });
      expect(response.statusCode).toBe(500);
      expect(peopleInserts).toBe(3);
      expect(await countRows(watched.database.db, 'people', watched.councilId)).toBe(0);
      expect(await countRows(watched.database.db, 'person_external_ids', watched.councilId)).toBe(0);
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('imports the good rows best-effort and reports the bad one by its line', async () => {
    const report = (await post(file(8_000, 10).replaceAll('carefirst,B', 'mosaic,M'), 'best-effort')).json();
    expect(report).toMatchObject({ total: 8_000, created: 7_999, failed: 1 });
    expect(report.errors).toEqual([{ line: 12, pointer: '/line/12/dateOfBirth', detail: expect.stringContaining('real date') }]);
    const renamed = (
      await post(file(8_000, 10).replaceAll('carefirst,B', 'mosaic,M').replaceAll('Person', 'Renamed'), 'best-effort')
    ).json();
    expect(renamed).toMatchObject({ total: 8_000, created: 0, updated: 7_999, unchanged: 0, failed: 1 });
    const sample = await t.database.db
      .selectFrom('people')
      .innerJoin('person_external_ids as e', 'e.person_id', 'people.id')
      .select('display_name')
      .where('e.system', '=', 'mosaic')
      .where('e.value', '=', 'M7999')
      .executeTakeFirstOrThrow();
    expect(sample.display_name).toBe('Renamed 7999');
  }, 60_000);
});

describe('one key deciding every stage of a plan (medium 5, separation of duties)', () => {
  // Before: one key holding assessor, team-manager and panel took a plan through every stage
  // and recorded its payment.
  async function readyPlan(on: SetUpCouncil, writer: string) {
    const { assessmentId, personId } = await agreedPerson(t, on);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: on.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const budget = await t.call('POST', '/v1/budgets', { key: on.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    const plan = await t.call('POST', '/v1/support-plans', {
      key: writer,
      body: { budgetId: budget.json().id, ...(await withRegisteredProviders(t, on, PLAN)) },
    });
    const submitted = await t.call('POST', `/v1/support-plans/${plan.json().id}/submit`, {
      key: writer,
      headers: { 'if-match': plan.headers.etag as string },
    });
    return { budgetId: budget.json().id as string, planId: plan.json().id as string, submitted };
  }
  const decide = (planId: string, previous: { headers: Record<string, unknown> }, key: string, body: object, actor?: string) =>
    t.call('POST', `/v1/support-plans/${planId}/decisions`, {
      key,
      headers: { 'if-match': previous.headers.etag as string, ...(actor ? { 'ras-actor': actor } : {}) },
      body: { outcome: 'approve', reasons: 'ok', ...body },
    });

  it('lets the coordinator who wrote the plan agree it, and refuses the same key at the next stage with 409 SAME_ACTOR', async () => {
    const everything = await t.key(council.keys.admin, ['assessor', 'team-manager', 'panel', 'finance'], 'Does it all');
    const { planId, submitted } = await readyPlan(council, everything);
    const coordinator = await decide(planId, submitted, everything, { stage: 'coordinator' });
    expect(coordinator.statusCode, coordinator.body).toBe(200);
    const manager = await decide(planId, coordinator, everything, { stage: 'team-manager' });
    expect(manager.statusCode).toBe(409);
    expect(problemOf(manager).code).toBe('SAME_ACTOR');
    expect((await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' })).statusCode).toBe(200);
  });

  it('refuses the same named person through two keys, and records the name on the decision', async () => {
    const { planId, submitted } = await readyPlan(council, council.keys.assessor);
    const coordinator = await decide(planId, submitted, council.keys.assessor, { stage: 'coordinator' }, 'carefirst:jsmith');
    expect(coordinator.json().decisions[0]).toMatchObject({ stage: 'coordinator', actorName: 'carefirst:jsmith' });
    const same = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'carefirst:jsmith');
    expect(problemOf(same).code).toBe('SAME_ACTOR');
    const other = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'carefirst:apatel');
    expect(other.statusCode).toBe(200);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('actor_name')
      .where('entity_id', '=', planId)
      .where('action', '=', 'support-plan.stage-approved')
      .orderBy('at')
      .execute();
    expect(audit.map((row) => row.actor_name)).toEqual(['carefirst:jsmith', 'carefirst:apatel']);
  });

  it('refuses one key the next stage, a payment and a payment run whatever name it types in Ras-Actor (issue 28)', async () => {
    // Found by issue 28's penetration test: names decided when both calls gave one, so a key
    // holding several roles decided the coordinator stage as "alice" and the manager stage as
    // "bob", and approved at panel as one name and paid as another.
    const bridge = await t.key(council.keys.admin, ['assessor', 'team-manager', 'panel'], 'CareFirst bridge');
    const { planId, submitted } = await readyPlan(council, council.keys.assessor);
    const coordinator = await decide(planId, submitted, bridge, { stage: 'coordinator' }, 'alice');
    expect(coordinator.statusCode, coordinator.body).toBe(200);
    const manager = await decide(planId, coordinator, bridge, { stage: 'team-manager' }, 'bob');
    expect(manager.statusCode).toBe(409);
    expect(problemOf(manager).code).toBe('SAME_ACTOR');
    // The name stays an audit label: another key under the same name is still the same person.
    const sameName = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'ALICE');
    expect(problemOf(sameName).code).toBe('SAME_ACTOR');
    expect((await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' }, 'carol')).statusCode).toBe(200);

    const panelAndFinance = await t.key(council.keys.admin, ['panel', 'finance'], 'Panel chair who also pays');
    const ready = await readyPlan(council, council.keys.assessor);
    const first = await decide(ready.planId, ready.submitted, council.keys.assessor, { stage: 'coordinator' });
    const second = await decide(ready.planId, first, council.keys.teamManager, { stage: 'team-manager' });
    const approved = await decide(ready.planId, second, panelAndFinance, { stage: 'panel', startDate: '2026-05-01' }, 'alice');
    expect(approved.statusCode, approved.body).toBe(200);
    await directPaymentAgreement(t, council, ready.budgetId);
    const paid = await t.call('POST', `/v1/budgets/${ready.budgetId}/transactions`, {
      key: panelAndFinance,
      headers: { 'ras-actor': 'bob' },
      body: { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 1, occurredOn: '2026-05-01' },
    });
    expect(problemOf(paid).code).toBe('SAME_ACTOR');
    const run = await t.call('POST', '/v1/payment-runs', { key: council.keys.finance, body: { runDate: '2026-05-01' } });
    expect(run.statusCode, run.body).toBe(201);
    const confirmed = await t.call('POST', `/v1/payment-runs/${run.json().id}/confirm`, {
      key: panelAndFinance,
      headers: { 'ras-actor': 'bob' },
    });
    expect(confirmed.statusCode).toBe(409);
    expect(problemOf(confirmed).code).toBe('SAME_ACTOR');
    const cancelled = await t.call('POST', `/v1/payment-runs/${run.json().id}/cancel`, { key: council.keys.finance });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
  });

  it('refuses a council payment recorded by the key that approved the plan at panel', async () => {
    const panelAndFinance = await t.key(council.keys.admin, ['panel', 'finance'], 'Panel chair who also pays');
    const { budgetId, planId, submitted } = await readyPlan(council, council.keys.assessor);
    const coordinator = await decide(planId, submitted, council.keys.assessor, { stage: 'coordinator' });
    const manager = await decide(planId, coordinator, council.keys.teamManager, { stage: 'team-manager' });
    const panel = await decide(planId, manager, panelAndFinance, { stage: 'panel', startDate: '2026-05-01' });
    expect(panel.statusCode, panel.body).toBe(200);
    await directPaymentAgreement(t, council, budgetId);
    const pay = (key: string) =>
      t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
        key,
        body: { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 1, occurredOn: '2026-05-01' },
      });
    const refused = await pay(panelAndFinance);
    expect(refused.statusCode).toBe(409);
    expect(problemOf(refused).code).toBe('SAME_ACTOR');
    expect((await pay(council.keys.finance)).statusCode).toBe(201);
  });

  it('allows one key through every stage when the council relaxes the rule for a small team', async () => {
    const small = await setUpCouncil(t, { separationOfDuties: 'relaxed' });
    const everything = await t.key(small.keys.admin, ['assessor', 'team-manager', 'panel'], 'Small team');
    const { planId, submitted } = await readyPlan(small, everything);
    const coordinator = await decide(planId, submitted, everything, { stage: 'coordinator' });
    const manager = await decide(planId, coordinator, everything, { stage: 'team-manager' });
    const panel = await decide(planId, manager, everything, { stage: 'panel', startDate: '2026-05-01' });
    expect(panel.json()).toMatchObject({ status: 'approved' });
  });

  it('refuses a Ras-Actor header that is empty or too long with 400', async () => {
    for (const actor of ['x'.repeat(201), ' ', '']) {
      const response = await t.call('GET', '/v1/people', { key: council.keys.admin, headers: { 'ras-actor': actor } });
      expect(response.statusCode, JSON.stringify(actor)).toBe(400);
      expect(problemOf(response).errors?.[0]?.pointer).toBe('/headers/ras-actor');
    }
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
      await storedWebhook(a.id, `http://127.0.0.1:${hanging.port}/hook`),
      await storedWebhook(b.id, `http://127.0.0.1:${healthy.port}/hook`),
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
