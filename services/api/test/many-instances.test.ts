import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type ServiceProcess, startServiceProcess } from './helpers/service-process.js';
import { BOOTSTRAP_TOKEN } from './helpers/test-app.js';

// Three instances on one PostgreSQL database, with load spread across them as a load balancer
// would (issue 33): every event numbered once, every webhook delivery made once, every job run
// once, every scheduled run once; and when one instance is killed under load, nothing a client
// was told is written is lost (a client retries elsewhere with its Idempotency-Key, as it should).

const DATABASE_URL = process.env.DATABASE_URL;
const onPostgres = describe.skipIf(!DATABASE_URL);

let database: { url: string; drop: () => Promise<void> };
let instances: ServiceProcess[] = [];
let receiver: Server;
let hookUrl: string;
/** Every delivery the receiver took: the event ids, as they came. */
const delivered: string[] = [];

beforeAll(async () => {
  if (!DATABASE_URL) return;
  database = await freshPostgresDatabase(DATABASE_URL, 'ras_instances');
  receiver = createServer((request, response) => {
    delivered.push(String(request.headers['ras-event-id']));
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  if (!DATABASE_URL) return;
  await Promise.all(instances.map((instance) => instance.kill().catch(() => {})));
  receiver.close();
  await database.drop();
});

const start = () =>
  startServiceProcess({
    DATABASE_URL: database.url,
    BOOTSTRAP_TOKEN,
    SEED_DEMO: 'false',
    ALLOW_PRIVATE_WEBHOOKS: 'true',
    JOB_LEASE_SECONDS: '3',
    // Load shedding would send a request to another instance; here every answer is counted.
    MAX_EVENT_LOOP_DELAY_MS: '0',
  });

/** A client that sends each request to the next instance and, if that instance does not answer, to the next. */
function balancer(key: string) {
  let turn = 0;
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const idempotencyKey = randomUUID();
    for (let tries = 0; tries < 10; tries++) {
      const alive = instances.filter((instance) => instance.child.exitCode === null && instance.child.signalCode === null);
      const instance = alive[turn++ % alive.length] as ServiceProcess;
      try {
        const response = await fetch(`${instance.url}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey, ...init.headers },
        });
        if (response.status !== 503) return response;
      } catch {
        // The instance went away mid-request: the write may or may not have committed; the retry
        // with the same Idempotency-Key answers the first if it did, and writes it if not.
      }
    }
    throw new Error(`no instance answered ${path}`);
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (performance.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 500)}`);
    await wait(200);
  }
}

onPostgres('three instances on one database', () => {
  it('number every event once, deliver each once, run each job and each scheduled run once, and lose nothing when one is killed', {
    timeout: 300_000,
  }, async () => {
    instances = [await start()];
    const operator = balancer(BOOTSTRAP_TOKEN);
    const created = await operator('/v1/councils', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Three instances',
        settings: {
          clientGroups: ['older-people'],
          dataProtection: {
            controller: 'Three instances council',
            dpoContact: 'dpo@example.gov.uk',
            retention: { personRecordYears: 8, auditRecordYears: 10, statutoryMinimumYears: 8, scheduledErasure: true },
          },
        },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { council, adminKey } = (await created.json()) as { council: { id: string }; adminKey: { key: string } };
    instances.push(await start(), await start());
    const api = balancer(adminKey.key);
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    // What was recorded before the webhook existed is not sent to it (its cursor starts past it).
    const before = new Set(
      (await sql.query<{ id: string }>('select id from events where council_id = $1', [council.id])).rows.map((row) => row.id),
    );
    const hook = await api('/v1/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: hookUrl }),
    });
    expect(hook.status).toBe(201);

    const feed = async () => {
      const { rows } = await sql.query<{ id: string; seq: string | null; type: string }>(
        'select id, seq, type from events where council_id = $1',
        [council.id],
      );
      return rows;
    };
    const sent = (rows: readonly { id: string }[]) => rows.filter((row) => !before.has(row.id)).map((row) => row.id);
    try {
      const createPeople = (count: number, prefix: string) =>
        Promise.all(
          Array.from({ length: count }, (_, i) =>
            api('/v1/people', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ clientGroup: 'older-people', displayName: `${prefix} ${i}` }),
            }),
          ),
        );
      const importJob = async (prefix: string, rows: number) => {
        const file = [
          'system,externalId,clientGroup',
          ...Array.from({ length: rows }, (_, i) => `carefirst,${prefix}${i},older-people`),
        ].join('\n');
        const accepted = await api('/v1/imports/people', {
          method: 'POST',
          headers: { 'content-type': 'text/csv', prefer: 'respond-async' },
          body: file,
        });
        expect(accepted.status).toBe(202);
        return ((await accepted.json()) as { id: string }).id;
      };

      // 1. Steady load across the three: 150 people and three import jobs, queued on whichever instance.
      const steady = await createPeople(150, 'Steady');
      expect(steady.map((response) => response.status).filter((status) => status !== 201)).toEqual([]);
      await Promise.all([importJob('S1-', 1_000), importJob('S2-', 1_000), importJob('S3-', 1_000)]);
      const jobRows = () =>
        sql.query<{ id: string; status: string; attempts: number; locked_by: string | null }>(
          'select id, status, attempts from jobs where council_id = $1 and operation = $2',
          [council.id, 'importPeople'],
        );
      await until(
        'the steady jobs',
        jobRows,
        (result) => result.rows.length === 3 && result.rows.every((row) => row.status === 'succeeded'),
      );
      // Each run once, by one instance, first time.
      expect((await jobRows()).rows.map((row) => row.attempts)).toEqual([1, 1, 1]);
      // Every event numbered once and delivered once, to the one webhook, by three relays.
      const jobEnds = async () =>
        Number(
          (await sql.query<{ n: string }>("select count(*) as n from jobs where council_id = $1 and status = 'succeeded'", [council.id]))
            .rows[0]?.n,
        );
      let events = await feed();
      await until(
        'every event numbered and delivered',
        async () => {
          events = await feed();
          return events;
        },
        (rows) => rows.every((row) => row.seq !== null) && sent(rows).every((id) => delivered.includes(id)),
      );
      expect(new Set(events.map((event) => event.seq)).size).toBe(events.length);
      expect(events.filter((event) => event.type === 'person.created')).toHaveLength(150 + 3_000);
      expect(events.filter((event) => event.type === 'job.succeeded')).toHaveLength(await jobEnds());
      expect(delivered.length).toBe(new Set(delivered).size);
      expect(new Set(delivered)).toEqual(new Set(sent(events)));

      // 2. Scheduled work: three instances asked, one ran each period, and the council that asked
      // for the daily retention run has one such job today.
      const scheduled = await until(
        'the scheduled runs',
        () => sql.query<{ name: string; slot: string; instance: string }>('select name, slot, instance from scheduled_runs order by name'),
        (result) => result.rows.length >= 2,
      );
      // One row (one run, by one instance) for each period of each task.
      expect([...new Set(scheduled.rows.map((row) => row.name))]).toEqual(['housekeeping', 'retention']);
      expect(scheduled.rows.filter((row) => row.name === 'retention')).toHaveLength(1);
      const retention = await sql.query('select started_by, status from jobs where council_id = $1 and operation = $2', [
        council.id,
        'runRetentionErasure',
      ]);
      expect(retention.rows).toEqual([{ started_by: 'retention-job', status: expect.stringMatching(/^(queued|running|succeeded)$/) }]);

      // 3. Kill one instance under load: people being created and jobs running across all three.
      const jobIds = await Promise.all([importJob('K1-', 8_000), importJob('K2-', 8_000), importJob('K3-', 8_000)]);
      const underLoad = createPeople(300, 'Under load');
      // The instance killed is one holding a job part-way (a job's holder is named by its process id).
      const running = await until(
        'a job part-way',
        () =>
          sql.query<{ locked_by: string }>(
            "select locked_by from jobs where council_id = $1 and status = 'running' and progress_done > 0",
            [council.id],
          ),
        (result) => result.rows.length > 0,
        30_000,
      );
      const holder = instances.find((instance) => running.rows.some((row) => row.locked_by.startsWith(`${instance.child.pid}-`)));
      expect(holder).toBeDefined();
      await (holder as ServiceProcess).kill();
      const answers = await underLoad;
      // Every request was answered by an instance still alive: each person once, none lost.
      expect(answers.map((response) => response.status).filter((status) => status !== 201)).toEqual([]);
      const people = await sql.query<{ n: string }>(
        "select count(*) as n from people where council_id = $1 and display_name like 'Under load %'",
        [council.id],
      );
      expect(Number(people.rows[0]?.n)).toBe(300);
      // Every job ends, each row written once, though one instance died holding one or more.
      const ended = await until(
        'the jobs after the kill',
        jobRows,
        (result) => result.rows.length === 6 && result.rows.every((row) => row.status === 'succeeded'),
        120_000,
      );
      expect(ended.rows.filter((row) => jobIds.includes(row.id))).toHaveLength(3);
      const imported = await sql.query<{ n: string }>(
        "select count(*) as n from person_external_ids e join people p on p.id = e.person_id where p.council_id = $1 and e.value like 'K%'",
        [council.id],
      );
      expect(Number(imported.rows[0]?.n)).toBe(24_000);
      const after = await until('every event numbered after the kill', feed, (rows) => rows.every((row) => row.seq !== null));
      expect(new Set(after.map((event) => event.seq)).size).toBe(after.length);
      expect(new Set(after.map((event) => event.id)).size).toBe(after.length);
      expect(after.filter((event) => event.type === 'person.created')).toHaveLength(150 + 3_000 + 300 + 24_000);
      expect(after.filter((event) => event.type === 'job.succeeded')).toHaveLength(await jobEnds());
      // Every event reaches the webhook: deliveries the dead instance had claimed go out when its
      // lease lapses. A delivery it had sent and not yet recorded may go out a second time (at
      // least once, with the same Ras-Event-Id); no other is repeated.
      await until(
        'every event delivered after the kill',
        async () => new Set(delivered).size,
        (count) => count >= sent(after).length,
        120_000,
      );
      expect(new Set(delivered)).toEqual(new Set(sent(after)));
      expect(delivered.length - new Set(delivered).size).toBeLessThanOrEqual(200);
    } finally {
      await sql.end();
    }
  });
});
