import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// HTTP that proxies and clients expect (issue 32): compression, 304 for a kept answer, load
// shedding with Retry-After, and problem types that resolve to a page.

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('compression', () => {
  it('compresses JSON over 1 KB with gzip or brotli as the client accepts, and leaves small answers alone', async () => {
    const plain = await t.call('GET', '/openapi.json');
    const gzip = await t.call('GET', '/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    expect(gzip.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
    const brotli = await t.call('GET', '/openapi.json', { headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.rawPayload).toString()).toBe(plain.body);
    const small = await t.call('GET', '/health', { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
  });

  it('compresses CSV, NDJSON and HTML answers too', async () => {
    for (let i = 0; i < 12; i++) await agreedPerson(t, council);
    const csv = await t.call('GET', '/v1/exports/people?format=csv', { key: council.keys.admin, headers: { 'accept-encoding': 'gzip' } });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(csv.rawPayload).toString().split('\n')[0]).toMatch(/^id,/);
    const ndjson = await t.call('GET', '/v1/exports/people?format=ndjson', {
      key: council.keys.admin,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(ndjson.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(ndjson.rawPayload).toString().split('\n')[0] ?? '')).toHaveProperty('id');
    const html = await t.call('GET', '/problems/not-found', { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    expect(html.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(html.rawPayload).toString()).toContain('<h1>Not found</h1>');
  });
});

describe('conditional requests', () => {
  it('answers 304 without a body when If-None-Match names the ETag, and 200 otherwise', async () => {
    const first = await t.call('GET', '/v1/council', { key: council.keys.admin });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"\d+"$/);
    for (const header of [etag, `W/${etag}`, `"0", ${etag}`, '*']) {
      const again = await t.call('GET', '/v1/council', { key: council.keys.admin, headers: { 'if-none-match': header } });
      expect(again.statusCode, header).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
    }
    const changed = await t.call('GET', '/v1/council', { key: council.keys.admin, headers: { 'if-none-match': '"999999"' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().id).toBe(council.id);
    // A credential is checked first: a kept answer is never confirmed to someone who may not read it.
    expect((await t.call('GET', '/v1/council', { headers: { 'if-none-match': etag } })).statusCode).toBe(401);
  });

  it('answers 304 for a budget read through its ETag, and 200 once it has changed', async () => {
    const { assessmentId } = await agreedPerson(t, council);
    const created = await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    const url = `/v1/budgets/${created.json().id}`;
    const read = await t.call('GET', url, { key: council.keys.assessor });
    const kept = await t.call('GET', url, { key: council.keys.assessor, headers: { 'if-none-match': read.headers.etag as string } });
    expect(kept.statusCode).toBe(304);
  });
});

describe('problem types', () => {
  it('resolves a problem’s type to a page describing it, HTML for a browser and JSON for a program', async () => {
    const missing = await t.call('GET', '/v1/people/00000000-0000-7000-8000-000000000000', { key: council.keys.admin });
    const { type, code } = problemOf(missing);
    expect(type).toBe('/problems/not-found');
    const page = await t.call('GET', type, { headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain(code);
    const json = await t.call('GET', '/problems/precondition-failed', { headers: { accept: 'application/json' } });
    expect(json.json()).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412, type: '/problems/precondition-failed' });
    expect(json.json().whatToDo).toMatch(/ETag/);
    expect((await t.call('GET', '/problems/no-such-problem')).statusCode).toBe(404);
    expect((await t.call('GET', '/problems/NOT_FOUND')).statusCode).toBe(404);
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop lags, keeps /health answering, and recovers', async () => {
    const shedding = await createTestApp({ maxEventLoopDelayMs: 100 });
    try {
      const admin = (await shedding.council()).adminKey;
      let shed: Awaited<ReturnType<TestApp['call']>> | undefined;
      let health: Awaited<ReturnType<TestApp['call']>> | undefined;
      for (let attempt = 0; attempt < 10 && !shed; attempt++) {
        const until = Date.now() + 700;
        while (Date.now() < until) {} // the event loop blocked, as by a runaway calculation
        await new Promise((resolve) => setTimeout(resolve, 20));
        const answer = await shedding.call('GET', '/v1/council', { key: admin });
        if (answer.statusCode === 503) {
          shed = answer;
          health = await shedding.call('GET', '/health');
        }
      }
      expect(shed?.statusCode).toBe(503);
      expect(shed?.headers['retry-after']).toBe('5');
      expect(problemOf(shed as Awaited<ReturnType<TestApp['call']>>).detail).toMatch(/overloaded/);
      expect(health?.statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await shedding.call('GET', '/v1/council', { key: admin })).statusCode).toBe(200);
    } finally {
      await shedding.close();
    }
  });
});
