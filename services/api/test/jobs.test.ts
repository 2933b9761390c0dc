import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { claimNextJob, insertJob } from '../src/repositories/jobs.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Long work as jobs (issue 33): Prefer: respond-async answers 202 with a job to poll; the job
// ends with the answer the operation would have given, or its problem, and an event.

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

const file = (prefix: string, rows: number, bad: number | null = null) =>
  [
    'system,externalId,clientGroup,displayName,dateOfBirth',
    ...Array.from({ length: rows }, (_, i) =>
      i === bad ? `carefirst,${prefix}${i},older-people,Bad Row,1941-02-30` : `carefirst,${prefix}${i},older-people,Person ${i},1941-03-04`,
    ),
  ].join('\n');

const importFile = (body: string, headers: Record<string, string> = {}, mode = 'best-effort', key = council.keys.admin) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/imports/people?mode=${mode}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv', ...headers },
    payload: body,
  });

/** Polls a job until it has ended, as a client would (the runner works in the background). */
async function ended(location: string, key = council.keys.admin) {
  for (let i = 0; i < 600; i++) {
    const job = await t.call('GET', location, { key });
    expect(job.statusCode, job.body).toBe(200);
    if (!['queued', 'running'].includes(job.json().status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${location} did not end`);
}

describe('Prefer: respond-async', () => {
  it('answers an import 202 with the job, runs it, and ends it with the report the operation gives and a job.succeeded event', async () => {
    const accepted = await importFile(file('J', 2_500, 7), { prefer: 'respond-async, wait=5' });
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(accepted.headers['preference-applied']).toBe('respond-async');
    const location = accepted.headers.location as string;
    expect(location).toBe(`/v1/jobs/${accepted.json().id}`);
    expect(accepted.json()).toMatchObject({
      operation: 'importPeople',
      status: 'queued',
      input: { mode: 'best-effort', rows: 2_500, failedRows: 1 },
      progress: { done: 0, total: 2_499 },
      startedBy: { actor: expect.stringMatching(/^key:/) },
    });

    const job = (await ended(location)).json();
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: { done: 2_499, total: 2_499, percent: 100 },
      attempts: 1,
      problem: null,
      result: { mode: 'best-effort', total: 2_500, created: 2_499, updated: 0, unchanged: 0, failed: 1 },
    });
    expect(job.result.errors).toEqual([{ line: 9, pointer: '/line/9/dateOfBirth', detail: expect.stringContaining('real date') }]);
    expect(job.finishedAt).not.toBeNull();
    // The rows it was sent are not kept once it has ended.
    const stored = await t.database.db.selectFrom('jobs').select('payload').where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(stored.payload).toBeNull();

    const events = (await t.call('GET', '/v1/events?type=job.succeeded&pageSize=500', { key: council.keys.admin })).json().items;
    expect(events.filter((event: { data: { id: string } }) => event.data.id === job.id)).toEqual([
      expect.objectContaining({
        type: 'job.succeeded',
        data: expect.objectContaining({ id: job.id, operation: 'importPeople', status: 'succeeded' }),
      }),
    ]);

    // Without the header the operation answers as it always has.
    const direct = await importFile(file('J', 10));
    expect(direct.statusCode).toBe(200);
    expect(direct.json()).toMatchObject({ total: 10, created: 1, unchanged: 9 });
  });

  it('still refuses a bad all-or-nothing file at once, and ends a job whose work is refused with the problem', async () => {
    const refused = await importFile(file('K', 5, 2), { prefer: 'respond-async' }, 'all-or-nothing');
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused).code).toBe('INVALID_INPUT');

    // A desktop exercise with overlapping proposed bands is refused by ras-core while the job runs.
    const accepted = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      headers: { prefer: 'respond-async' },
      body: {
        cases: [{ ref: 'P1', points: 10, currentAnnualPence: 100_000 }],
        topSlicePercent: 0,
        proposed: {
          method: {
            type: 'banded',
            bands: [
              { fromPoints: 0, toPoints: 10, annualPence: 100 },
              { fromPoints: 5, toPoints: 20, annualPence: 200 },
            ],
          },
        },
      },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = (await ended(accepted.headers.location as string, council.keys.finance)).json();
    expect(job.status).toBe('failed');
    expect(job.problem).toMatchObject({
      status: 422,
      code: 'INVALID_SCHEME',
      errors: [expect.objectContaining({ pointer: '/proposed/method/bands/1/fromPoints' })],
    });
  });

  it('runs a desktop exercise as a job, with the exercise at links.result', async () => {
    const cases = Array.from({ length: 40 }, (_, i) => ({ ref: `C${i}`, points: 10 + i, currentAnnualPence: 100_000 * (10 + i) }));
    const accepted = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      headers: { prefer: 'respond-async', 'idempotency-key': 'calibration-job-1' },
      body: { cases, topSlicePercent: 5 },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    // A retry with the same Idempotency-Key answers the same job, not a second one.
    const retried = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      headers: { prefer: 'respond-async', 'idempotency-key': 'calibration-job-1' },
      body: { cases, topSlicePercent: 5 },
    });
    expect(retried.json().id).toBe(accepted.json().id);
    const job = (await ended(accepted.headers.location as string, council.keys.finance)).json();
    expect(job.status).toBe('succeeded');
    expect(job.links.result).toBe(`/v1/calibrations/${job.result.id}`);
    const calibration = await t.call('GET', job.links.result, { key: council.keys.finance });
    expect(calibration.statusCode).toBe(200);
    expect(calibration.json().caseCount).toBe(40);
  });

  it('collects a subject access export as a job, read at its result address and logged as a read of the person', async () => {
    const person = (await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'older-people' } })).json();
    const accepted = await t.call('GET', `/v1/people/${person.id}/record`, {
      key: council.keys.auditor,
      headers: { prefer: 'respond-async' },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = (await ended(accepted.headers.location as string, council.keys.auditor)).json();
    expect(job).toMatchObject({ status: 'succeeded', result: null, links: { result: `/v1/jobs/${job.id}/result` } });
    const record = await t.call('GET', job.links.result, { key: council.keys.auditor });
    expect(record.statusCode, record.body).toBe(200);
    expect(record.json()).toMatchObject({ personId: person.id, sections: { person: expect.objectContaining({ id: person.id }) } });
    await t.app.accessLog.flush();
    const logged = await t.database.db
      .selectFrom('access_log')
      .select(['operation_id', 'person_id'])
      .where('council_id', '=', council.id)
      .where('operation_id', '=', 'getJobResult')
      .execute();
    expect(logged).toEqual([{ operation_id: 'getJobResult', person_id: person.id }]);
    // A finance key may follow its own jobs, not read a person's whole record.
    expect((await t.call('GET', job.links.result, { key: council.keys.finance })).statusCode).toBe(403);
  });

  it('ignores the preference on an operation that does not take it (RFC 7240)', async () => {
    const created = await t.call('POST', '/v1/people', {
      key: council.keys.assessor,
      headers: { prefer: 'respond-async' },
      body: { clientGroup: 'older-people' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['preference-applied']).toBeUndefined();
  });
});

describe('following and cancelling jobs', () => {
  /** Queues an import with this app's runner held back, so the test decides what happens to it. */
  async function heldImport(prefix: string, rows: number) {
    await t.app.jobs.stop();
    const accepted = await importFile(file(prefix, rows), { prefer: 'respond-async' });
    expect(accepted.statusCode, accepted.body).toBe(202);
    return accepted.json().id as string;
  }

  it('shows a job only in its own council: another council’s id is 404, to get and to cancel', async () => {
    const id = await heldImport('L', 3);
    t.app.jobs.start();
    const other = await setUpCouncil(t);
    expect((await t.call('GET', `/v1/jobs/${id}`, { key: other.keys.admin })).statusCode).toBe(404);
    expect((await t.call('POST', `/v1/jobs/${id}/cancel`, { key: other.keys.admin })).statusCode).toBe(404);
    expect((await t.call('GET', '/v1/jobs', { key: other.keys.admin })).json().items).toEqual([]);
    // An auditor sees it, and may not stop it: only whoever started it, or an admin.
    expect((await t.call('GET', `/v1/jobs/${id}`, { key: council.keys.auditor })).statusCode).toBe(200);
    expect((await t.call('POST', `/v1/jobs/${id}/cancel`, { key: council.keys.auditor })).statusCode).toBe(404);
    // A key that did not start it, and is neither admin nor auditor, does not see it either.
    expect((await t.call('GET', `/v1/jobs/${id}`, { key: council.keys.finance })).statusCode).toBe(404);
    await ended(`/v1/jobs/${id}`);
    const listed = (await t.call('GET', '/v1/jobs?operation=importPeople&status=succeeded', { key: council.keys.auditor })).json();
    expect(listed.items.map((job: { id: string }) => job.id)).toContain(id);
  });

  it('cancels a waiting job at once, and refuses to cancel one that has ended', async () => {
    const id = await heldImport('M', 3);
    const cancelled = await t.call('POST', `/v1/jobs/${id}/cancel`, { key: council.keys.admin });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', progress: { done: 0 } });
    t.app.jobs.start();
    const again = await t.call('POST', `/v1/jobs/${id}/cancel`, { key: council.keys.admin });
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('INVALID_STATE');
    // It never ran: none of its people exist.
    const made = await t.database.db
      .selectFrom('person_external_ids as e')
      .innerJoin('people as p', 'p.id', 'e.person_id')
      .select('e.value')
      .where('p.council_id', '=', council.id)
      .where('e.value', '=', 'M0')
      .execute();
    expect(made).toEqual([]);
  });

  it('stops a running import at its next slice, keeping what it wrote; refuses 409 to stop a running uprating, naming why', async () => {
    const id = await heldImport('N', 2_500);
    // Another instance claims it, is asked to stop, and dies before its lease runs out.
    const claimed = await claimNextJob(t.database.db, {
      queue: t.app.jobs.queue,
      instance: 'elsewhere',
      leaseMs: 60_000,
      maxAttempts: 3,
      now: new Date(),
    });
    expect(claimed?.id).toBe(id);
    const asked = await t.call('POST', `/v1/jobs/${id}/cancel`, { key: council.keys.admin });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'running', cancelRequested: true });
    await t.database.db.updateTable('jobs').set({ locked_until: sql<Date>`now() - interval '1 second'` }).where('id', '=', id).execute();
    t.app.jobs.start();
    const job = (await ended(`/v1/jobs/${id}`)).json();
    expect(job).toMatchObject({ status: 'cancelled', attempts: 2, result: { created: 0 } });

    // Nor can an all-or-nothing import: it is one transaction.
    await t.app.jobs.stop();
    const whole = await importFile(file('W', 5), { prefer: 'respond-async' }, 'all-or-nothing');
    expect(whole.statusCode, whole.body).toBe(202);
    await claimNextJob(t.database.db, { queue: t.app.jobs.queue, instance: 'elsewhere', leaseMs: 60_000, maxAttempts: 3, now: new Date() });
    const wholeRefused = await t.call('POST', `/v1/jobs/${whole.json().id}/cancel`, { key: council.keys.admin });
    expect(wholeRefused.statusCode).toBe(409);
    expect(problemOf(wholeRefused)).toMatchObject({ code: 'JOB_NOT_CANCELLABLE', detail: expect.stringContaining('all-or-nothing') });
    await t.database.db
      .updateTable('jobs')
      .set({ locked_until: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', whole.json().id)
      .execute();
    t.app.jobs.start();
    expect((await ended(`/v1/jobs/${whole.json().id}`)).json()).toMatchObject({ status: 'succeeded', result: { created: 5 } });

    // A run that does not exist is refused at once, not queued.
    const missing = await t.call('POST', '/v1/uprating-runs/00000000-0000-7000-8000-000000000000/apply', {
      key: council.keys.finance,
      headers: { prefer: 'respond-async' },
    });
    expect(missing.statusCode).toBe(404);
    // An uprating applied in one transaction cannot stop part-way once an instance has it. This
    // one is queued as a job directly, naming a run that went (so it fails as the operation would).
    await t.app.jobs.stop();
    const financeKeyId = (await t.call('GET', '/v1/api-keys', { key: council.keys.admin }))
      .json()
      .items.find((k: { roles: string[] }) => k.roles.includes('finance') && k.roles.length === 1).id as string;
    const queued = await insertJob(t.database.db, {
      id: newId(),
      councilId: council.id,
      operation: 'applyUpratingRun',
      queue: t.app.jobs.queue,
      input: { upratingRunId: '00000000-0000-7000-8000-000000000000' },
      startedBy: `key:${financeKeyId}`,
      startedByName: null,
      roles: ['finance'],
      requestId: null,
      now: new Date(),
    });
    const accepted = { json: () => ({ id: queued?.id as string }) };
    await claimNextJob(t.database.db, { queue: t.app.jobs.queue, instance: 'elsewhere', leaseMs: 60_000, maxAttempts: 3, now: new Date() });
    const refused = await t.call('POST', `/v1/jobs/${accepted.json().id}/cancel`, { key: council.keys.finance });
    expect(refused.statusCode).toBe(409);
    expect(problemOf(refused)).toMatchObject({ code: 'JOB_NOT_CANCELLABLE', detail: expect.stringContaining('one transaction') });
    await t.database.db
      .updateTable('jobs')
      .set({ locked_until: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', accepted.json().id)
      .execute();
    t.app.jobs.start();
    const uprating = (await ended(`/v1/jobs/${accepted.json().id}`, council.keys.finance)).json();
    expect(uprating).toMatchObject({ status: 'failed', attempts: 2, problem: { status: 404, code: 'NOT_FOUND' } });
  });
});
