import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../src/errors.js';
import { dereferenced } from './helpers/openapi.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// The contract integrators generate code from (issue 13): named components, enums with types,
// real descriptions, every problem an operation answers, shared headers and parameters, and
// examples from the demo council that match the schemas they illustrate.

type Media = { schema?: Record<string, unknown>; example?: unknown };
type Response = { description: string; content?: Record<string, Media>; headers?: Record<string, unknown> };
type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: Record<string, unknown>[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
};
type Document = {
  info: { contact?: unknown };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

let t: TestApp;
let document: Document;
const operations: [string, Operation][] = [];

beforeAll(async () => {
  t = await createTestApp();
  document = (await t.call('GET', '/openapi.json')).json();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.push([`${method.toUpperCase()} ${path}`, operation]);
  }
});
afterAll(() => t.close());

function walk(value: unknown, visit: (schema: Record<string, unknown>, where: string) => void, where = ''): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, visit, `${where}/${i}`);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  visit(value as Record<string, unknown>, where);
  for (const [key, item] of Object.entries(value)) if (key !== 'example' && key !== 'examples') walk(item, visit, `${where}/${key}`);
}

describe('the OpenAPI document', () => {
  it('names the resources and request bodies as components and refers to them', () => {
    const names = Object.keys(document.components.schemas);
    for (const name of ['Person', 'Assessment', 'Budget', 'SupportPlan', 'Review', 'Transaction', 'BudgetAccount', 'Appeal', 'Problem']) {
      expect(names).toContain(name);
    }
    for (const [where, operation] of operations) {
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        if (media.schema?.type !== 'string') expect(media.schema?.$ref, `${where} request`).toMatch(/^#\/components\/schemas\//);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type.includes('json') && !type.includes('ndjson') && !type.includes('problem')) {
            expect(media.schema?.$ref, `${where} ${status}`).toMatch(/^#\/components\/schemas\//);
          }
        }
      }
    }
  });

  it('writes closed sets as an enum with a type, never a union of constants', () => {
    walk(document, (schema, where) => {
      if (Array.isArray(schema.enum)) expect(schema.type, where).toBeDefined();
      for (const key of ['anyOf', 'oneOf'] as const) {
        const members = schema[key] as Record<string, unknown>[] | undefined;
        if (members)
          expect(
            members.every((member) => 'enum' in member || 'const' in member),
            where,
          ).toBe(false);
      }
    });
  });

  it('describes every response, and declares every problem with its codes as application/problem+json', () => {
    for (const [where, operation] of operations) {
      expect(
        Object.keys(operation.responses).filter((status) => /X/i.test(status)),
        where,
      ).toEqual([]);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${where} ${status}`).not.toMatch(/^(Default Response)?$/);
        if (Number(status) < 400) continue;
        const schema = response.content?.['application/problem+json']?.schema as { allOf: Record<string, unknown>[] };
        expect(schema, `${where} ${status}`).toBeDefined();
        const codes = (schema.allOf[1] as { properties: { code: { enum: string[] } } }).properties.code.enum;
        for (const code of codes)
          expect(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status, `${where} ${code}`).toBe(Number(status));
      }
      expect(operation.responses['500'], where).toBeDefined();
    }
  });

  it('declares ETag, Location and rate-limit headers, and shares Idempotency-Key and If-Match', () => {
    const byId = Object.fromEntries(operations.map(([, operation]) => [operation.operationId, operation]));
    const created = byId.createBudget as Operation;
    expect(Object.keys(created.responses['201']?.headers ?? {})).toEqual(
      expect.arrayContaining(['Location', 'ETag', 'Idempotent-Replayed', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
    );
    expect(created.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(byId.moderateAssessment?.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    // Required where the service requires it (428 without), so generated clients make callers send it.
    expect(
      (document as unknown as { components: { parameters: Record<string, { required: boolean }> } }).components.parameters.IfMatch
        ?.required,
    ).toBe(true);
    // setIdentityProvider's first PUT needs none: its own, optional.
    expect(byId.setIdentityProvider?.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', required: false }));
    expect(Object.keys(byId.createBudget?.responses['429']?.headers ?? {})).toContain('Retry-After');
    expect(Object.keys(byId.getReadiness?.responses['503']?.headers ?? {})).toContain('Retry-After');
    // ETag where a versioned resource answers, not where `version` is the service's own.
    expect(Object.keys(byId.getBudget?.responses['200']?.headers ?? {})).toContain('ETag');
    expect(Object.keys(byId.getVersion?.responses['200']?.headers ?? {})).not.toContain('ETag');
    expect(byId.getHealth?.security).toEqual([]);
    expect(byId.getBudget?.security).toEqual([{ apiKey: [] }, { accessToken: [] }]);
    expect(document.info.contact).toBeDefined();
  });

  it('carries an example request and answer for every operation, each valid against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const plain = dereferenced(document);
    let checked = 0;
    for (const [where] of operations) {
      const resolved = plain.paths[where.split(' ')[1] as string]?.[where.split(' ')[0]?.toLowerCase() as string] as Operation;
      const examples: [string, Media][] = [
        ...Object.entries(resolved.requestBody?.content ?? {}).map(([type, media]) => [`request ${type}`, media] as [string, Media]),
        ...Object.entries(resolved.responses)
          .filter(([status]) => status.startsWith('2'))
          .flatMap(([status, response]) =>
            Object.entries(response.content ?? {}).map(([type, media]) => [`${status} ${type}`, media] as [string, Media]),
          ),
      ];
      if (resolved.requestBody) {
        expect(
          examples.some(([label, media]) => label.startsWith('request') && media.example !== undefined),
          `${where} request example`,
        ).toBe(true);
      }
      if (!resolved.responses['204']) {
        expect(
          examples.some(([label, media]) => !label.startsWith('request') && media.example !== undefined),
          `${where} answer example`,
        ).toBe(true);
      }
      for (const [label, media] of examples) {
        if (media.example === undefined || media.schema === undefined) continue;
        const validate = ajv.compile(media.schema);
        expect(validate(media.example) ? [] : validate.errors, `${where} ${label} example`).toEqual([]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(operations.length);
  });
});

describe('the OpenAPI 3.0.3 rendition', () => {
  it('is served with the address it was fetched at, and written the 3.0 way: no null type, nullable instead', async () => {
    const answer = await t.call('GET', '/openapi-3.0.json', { headers: { host: 'ras.example.gov.uk' } });
    expect(answer.statusCode).toBe(200);
    const rendition = answer.json();
    expect(rendition.openapi).toBe('3.0.3');
    expect(rendition.servers).toEqual([{ url: 'http://ras.example.gov.uk', description: 'The RAS service' }]);
    expect(Object.keys(rendition.paths)).toEqual(Object.keys(document.paths));
    let nullTypes = 0;
    let nullables = 0;
    walk(rendition, (schema) => {
      if (schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null')) || 'const' in schema) nullTypes++;
      if (schema.nullable === true) nullables++;
    });
    expect(nullTypes).toBe(0);
    expect(nullables).toBeGreaterThan(100);
    // A nullable reference to an object keeps the reference; a nullable closed set is written out with null.
    const monitoring = rendition.components.schemas.EqualityMonitoring.properties;
    expect(monitoring.sex).toMatchObject({ nullable: true, type: 'string' });
    expect(monitoring.sex.enum).toContain(null);
    expect(rendition.info.license).toEqual({ name: 'Apache-2.0' });
  });
});
