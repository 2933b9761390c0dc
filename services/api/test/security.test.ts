import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { BOOTSTRAP_TOKEN, createTestApp, openTestDatabase, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let a: SetUpCouncil;
let b: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  [a, b] = await Promise.all([setUpCouncil(t), setUpCouncil(t)]);
});
afterAll(() => t.close());

describe('object-level authorisation (OWASP API1)', () => {
  it('answers 404 to another council for every GET route with an id in the OpenAPI document', async () => {
    const { personId, assessmentId } = await agreedPerson(t, a);
    const budget = (await t.call('POST', '/v1/budgets', { key: a.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })).json();
    const ids: Record<string, string> = {
      '/v1/people/{id}': personId,
      '/v1/people/{id}/financial-assessments': personId,
      '/v1/assessments/{id}': assessmentId,
      '/v1/budgets/{id}': budget.id,
      '/v1/budgets/{id}/account': budget.id,
      '/v1/questionnaires/{id}': a.questionnaireId,
      '/v1/allocation-schemes/{id}': a.schemeId,
      '/v1/allocation-schemes/{id}/description': a.schemeId,
    };
    const openapi = (await t.call('GET', '/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const withIds = Object.keys(openapi.paths).filter((path) => path.includes('{id}') && openapi.paths[path]?.get);
    for (const path of Object.keys(ids)) expect(withIds).toContain(path);
    for (const [path, id] of Object.entries(ids)) {
      const url = path.replace('{id}', id);
      expect((await t.call('GET', url, { key: a.keys.admin })).statusCode, `${url} for its own council`).toBe(200);
      const other = await t.call('GET', url, { key: b.keys.admin });
      expect(other.statusCode, `${url} for another council`).toBe(404);
      expect(problemOf(other).detail).not.toContain(a.id);
    }
  });
});

describe('authentication and roles (OWASP API2, API5)', () => {
  it('refuses every /v1 route without a key, and role by role where it must', async () => {
    const openapi = (await t.call('GET', '/openapi.json')).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const [path, operations] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Public routes declare `security: []`.
        if (!operation.security || operation.security.length === 0) continue;
        const url = path.replaceAll(/\{[^}]+\}/g, '01a20000-0000-7000-8000-000000000000');
        const response = await t.call(method.toUpperCase(), url, method === 'get' || method === 'delete' ? {} : { body: {} });
        expect(response.statusCode, `${method} ${path}`).toBe(401);
      }
    }
    const matrix: [string, string, keyof SetUpCouncil['keys'], number][] = [
      ['POST', '/v1/questionnaires', 'assessor', 403],
      ['POST', '/v1/allocation-schemes', 'finance', 403],
      ['POST', '/v1/api-keys', 'auditor', 403],
      ['POST', '/v1/calibrations', 'portal', 403],
      ['GET', '/v1/reports/summary?from=2026-01-01&to=2026-12-31', 'portal', 403],
      ['GET', '/v1/exports/people', 'assessor', 403],
      ['GET', '/v1/events', 'finance', 403],
    ];
    for (const [method, url, role, status] of matrix) {
      expect(
        (await t.call(method, url, { key: a.keys[role], body: method === 'POST' ? {} : undefined })).statusCode,
        `${role} ${method} ${url}`,
      ).toBe(status);
    }
  });
});

describe('mass assignment (OWASP API3)', () => {
  it('refuses fields the server owns', async () => {
    for (const [url, body] of [
      ['/v1/people', { clientGroup: 'x', councilId: b.id }],
      ['/v1/people', { clientGroup: 'x', createdByKeyId: 'someone' }],
      ['/v1/assessments', { personId: a.id, questionnaireId: a.questionnaireId, completedWith: ['self'], status: 'agreed' }],
      ['/v1/budgets', { assessmentId: a.id, startDate: '2026-05-01', rasAnnualPence: 1 }],
    ] as const) {
      const response = await t.call('POST', url, { key: a.keys.admin, body });
      expect(response.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(problemOf(response).errors?.some((error) => error.detail === 'is not a known field')).toBe(true);
    }
  });
});

describe('resource limits (OWASP API4)', () => {
  it('limits requests per key with 429 and Retry-After', async () => {
    const limited = await createTestApp({ rateLimitPerMinute: 5 });
    try {
      const council = await setUpCouncilIn(limited);
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 7; i++) {
        const response = await limited.call('GET', '/v1/api-keys', { key: council });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) retryAfter = response.headers['retry-after'] as string;
      }
      expect(statuses.slice(0, 5).every((status) => status === 200)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect((await limited.call('GET', '/health')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('bounds strings and arrays', async () => {
    const long = await t.call('POST', '/v1/people', { key: a.keys.admin, body: { clientGroup: 'x'.repeat(101) } });
    expect(problemOf(long).errors?.[0]?.pointer).toBe('/clientGroup');
    const many = await t.call('POST', '/v1/calculations/budget', {
      key: a.keys.admin,
      body: {
        schemeId: a.schemeId,
        answers: {},
        fundingStreams: Array.from({ length: 21 }, (_, i) => ({ key: `s${i}`, mode: 'added', annualPence: 1 })),
      },
    });
    expect(problemOf(many).errors?.[0]?.pointer).toBe('/fundingStreams');
  });
});

async function setUpCouncilIn(app: TestApp): Promise<string> {
  const response = await app.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Limited' } });
  return response.json().adminKey.key;
}

describe('server-side request forgery (OWASP API7)', () => {
  it('refuses webhooks to private and loopback addresses unless the operator allows them', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({ database, config: { bootstrapToken: BOOTSTRAP_TOKEN } });
    try {
      const council = (
        await app.inject({
          method: 'POST',
          url: '/v1/councils',
          headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
          payload: { name: 'SSRF' },
        })
      ).json();
      for (const url of [
        'http://127.0.0.1:8080/x',
        'http://localhost/x',
        'http://169.254.169.254/latest/meta-data',
        'http://10.1.2.3/x',
        'http://[::1]/x',
      ]) {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/webhooks',
          headers: { authorization: `Bearer ${council.adminKey.key}` },
          payload: { url },
        });
        expect(response.statusCode, url).toBe(422);
      }
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('security misconfiguration and information exposure (OWASP API8)', () => {
  it('never shows a stack trace, SQL or internals in an error, and answers 503 when the database is away', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({ database, config: { bootstrapToken: BOOTSTRAP_TOKEN } });
    const council = (
      await app.inject({
        method: 'POST',
        url: '/v1/councils',
        headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
        payload: { name: 'Fragile' },
      })
    ).json();
    await database.close();
    const response = await app.inject({ method: 'GET', url: '/v1/people', headers: { authorization: `Bearer ${council.adminKey.key}` } });
    expect(response.statusCode).toBeGreaterThanOrEqual(500);
    const body = response.body;
    expect(body).not.toMatch(/at .*\.(js|ts):\d+|select |from "|PGlite|pg-pool|ECONN/i);
    expect(problemOf(response).code).toMatch(/INTERNAL|SERVICE_UNAVAILABLE/);
    await app.close();
  });

  it('keeps personal details and keys out of the logs', async () => {
    // The service's own logger (as server.ts builds it), writing to a sink the test reads.
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write: (chunk, _encoding, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const database = await openTestDatabase();
    const app = await buildApp({ database, config: { bootstrapToken: BOOTSTRAP_TOKEN }, logger });
    try {
      const council = (
        await app.inject({
          method: 'POST',
          url: '/v1/councils',
          headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
          payload: { name: 'Logged' },
        })
      ).json();
      await app.inject({
        method: 'POST',
        url: '/v1/people',
        headers: { authorization: `Bearer ${council.adminKey.key}`, 'content-type': 'application/json' },
        payload: { clientGroup: 'x', displayName: 'Margaret Jones', dateOfBirth: '1941-03-04', externalIds: { carefirst: '100234' } },
      });
      await app.inject({
        method: 'GET',
        url: '/v1/people?externalId=carefirst:100234',
        headers: { authorization: `Bearer ${council.adminKey.key}` },
      });
      const log = lines.join('\n');
      expect(log).toContain('request completed');
      expect(log).toContain('"statusCode":201');
      expect(log).not.toContain(council.adminKey.key);
      expect(log).not.toContain(BOOTSTRAP_TOKEN);
      expect(log).not.toContain('Margaret Jones');
      expect(log).not.toContain('1941-03-04');
      expect(log).not.toContain('100234');
      expect(log).toContain('[redacted]');
    } finally {
      await app.close();
      await database.close();
    }
  });
});
