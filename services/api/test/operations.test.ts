import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let adminKey: string;

beforeAll(async () => {
  t = await createTestApp();
  adminKey = (await t.council()).adminKey;
});
afterAll(() => t.close());

describe('operations endpoints', () => {
  it('reports health, readiness and the migration level without credentials', async () => {
    expect((await t.call('GET', '/health')).json()).toEqual({ status: 'ok' });
    const ready = await t.call('GET', '/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().database).toBe(t.database.kind);
    const version = (await t.call('GET', '/version')).json();
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.migration).toMatch(/^\d{12}_/);
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const docs = await t.call('GET', '/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
    const openapi = (await t.call('GET', '/openapi.json')).json();
    expect(openapi.openapi).toBe('3.1.0');
    const operationIds = Object.values(openapi.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((path) =>
      Object.values(path).map((operation) => operation.operationId),
    );
    for (const id of [
      'createCouncil',
      'createApiKey',
      'revokeApiKey',
      'calculateBudget',
      'createBudget',
      'moderateAssessment',
      'describeAllocationScheme',
    ]) {
      expect(operationIds).toContain(id);
    }
  });

  it('answers unknown routes with problem+json 404', async () => {
    const response = await t.call('GET', '/v1/nowhere', { key: adminKey });
    expect(response.statusCode).toBe(404);
    expect(problemOf(response)).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('refuses malformed JSON, a wrong content type and an oversized body with problem+json', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/calculations/contribution',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      payload: '{"weeklyIncomePence": 1',
    });
    expect(malformed.statusCode).toBe(400);
    expect(problemOf(malformed).code).toBe('MALFORMED_JSON');

    const empty = await t.app.inject({
      method: 'POST',
      url: '/v1/calculations/contribution',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      payload: '',
    });
    expect(problemOf(empty)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/v1/calculations/contribution',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(problemOf(wrongType).code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await t.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ clientGroup: 'x'.repeat(2_000_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(problemOf(huge).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('names every offending field of a bad body', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: adminKey,
      body: { weeklyIncomePence: -1, capitalPence: 1.5, weeklyHousingCostsPence: '100', surprise: true },
    });
    expect(response.statusCode).toBe(400);
    const pointers = problemOf(response).errors?.map((error) => error.pointer) ?? [];
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/weeklyIncomePence',
        '/capitalPence',
        '/weeklyHousingCostsPence',
        '/surprise',
        '/weeklyDisabilityRelatedExpenditurePence',
        '/weeklyMinimumIncomeGuaranteePence',
        '/weeklyCostOfCarePence',
      ]),
    );
  });

  it('sets security headers and a request id on every answer', async () => {
    const response = await t.call('GET', '/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['x-request-id']).toBe('trace-123');
  });
});
