import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { arbitraryFor, malformed } from './helpers/schema-arbitrary.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// Every operation in the OpenAPI document, driven with schema-derived and malformed requests:
// no 5xx, every error is problem+json, and the database's invariants hold afterwards.
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 40);

let t: TestApp;
let council: SetUpCouncil;
const ids: string[] = [];

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly body?: Record<string, unknown>;
  readonly query?: Record<string, unknown>;
}

function operations(openapi: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const result: Operation[] = [];
  for (const [path, methods] of Object.entries(openapi.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!operation.operationId || operation.operationId === 'createCouncil') continue;
      const body = (operation.requestBody as { content?: Record<string, { schema: Record<string, unknown> }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      const parameters = (
        (operation.parameters as { in: string; name: string; schema: Record<string, unknown>; required?: boolean }[] | undefined) ?? []
      ).filter((p) => p.in === 'query');
      const query = parameters.length
        ? {
            type: 'object',
            properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
            required: parameters.filter((p) => p.required).map((p) => p.name),
          }
        : undefined;
      result.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId as string,
        ...(body ? { body } : {}),
        ...(query ? { query } : {}),
      });
    }
  }
  return result;
}

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
  const { personId, assessmentId } = await agreedPerson(t, council);
  const { budgetId, planId } = await agreedBudget(t, council);
  ids.push(personId, assessmentId, budgetId, planId, council.questionnaireId, council.schemeId);
});
afterAll(() => t.close());

describe('fuzzing every operation', () => {
  it('never answers 5xx, always answers errors as problem+json, and leaves the data consistent', async () => {
    const openapi = (await t.call('GET', '/openapi.json')).json();
    const list = operations(openapi);
    expect(list.length).toBeGreaterThan(40);
    const keys = Object.values(council.keys);
    let requests = 0;
    for (const operation of list) {
      const body = operation.body
        ? fc.oneof(arbitraryFor(operation.body), malformed(arbitraryFor(operation.body)))
        : fc.constant(undefined);
      const query = operation.query ? fc.oneof(arbitraryFor(operation.query), malformed(arbitraryFor(operation.query))) : fc.constant({});
      const id = fc.oneof(fc.constantFrom(...ids), fc.uuid(), fc.constantFrom('not-a-uuid', '%00', '..', '1'));
      await fc.assert(
        fc.asyncProperty(body, query, id, fc.constantFrom(...keys), async (payload, params, someId, key) => {
          const path = operation.path.replaceAll(/\{[^}]+\}/g, () => encodeURIComponent(someId));
          const search = new URLSearchParams();
          if (params && typeof params === 'object' && !Array.isArray(params)) {
            for (const [name, value] of Object.entries(params))
              search.append(name, typeof value === 'string' ? value : JSON.stringify(value));
          }
          const response = await t.app.inject({
            method: operation.method as 'GET',
            url: `${path}${search.size ? `?${search}` : ''}`,
            headers: {
              authorization: `Bearer ${key}`,
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
              'if-match': '"1"',
            },
            ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
          });
          requests++;
          if (response.statusCode >= 500)
            throw new Error(`${operation.operationId} → ${response.statusCode}: ${response.body.slice(0, 300)}`);
          if (response.statusCode >= 400)
            expect(response.headers['content-type'], operation.operationId).toContain('application/problem+json');
        }),
        { numRuns: RUNS_PER_OPERATION, seed: 20261124 },
      );
    }
    expect(requests).toBeGreaterThan(1000);

    const db = t.database.db;
    // No budget without an agreed, eligible assessment.
    const orphanBudgets = await db
      .selectFrom('budgets as b')
      .innerJoin('assessments as a', 'a.id', 'b.assessment_id')
      .select('b.id')
      .where((eb) => eb.or([eb('a.status', '!=', 'agreed'), eb(sql<string>`(a.eligibility->>'eligible')`, '!=', 'true')]))
      .execute();
    expect(orphanBudgets).toEqual([]);
    // Every person's external ids, assessments and budgets belong to the same council as the person.
    const crossCouncil = await db
      .selectFrom('assessments as a')
      .innerJoin('people as p', 'p.id', 'a.person_id')
      .select('a.id')
      .whereRef('a.council_id', '!=', 'p.council_id')
      .execute();
    expect(crossCouncil).toEqual([]);
    // Events are gap-free per council.
    const gaps = await db
      .selectFrom('councils as c')
      .select([
        'c.id',
        'c.event_seq',
        (eb) =>
          eb
            .selectFrom('events as e')
            .whereRef('e.council_id', '=', 'c.id')
            .select((e) => e.fn.countAll<number>().as('n'))
            .as('events'),
      ])
      .execute();
    for (const row of gaps) expect(Number(row.events), row.id).toBe(Number(row.event_seq));
    // The money in every agreement adds up, and every instalment schedule sums to what it schedules.
    const schedules = await db
      .selectFrom('payment_agreements as a')
      .innerJoin('payment_instalments as i', 'i.agreement_id', 'a.id')
      .select([
        'a.id',
        'a.collection',
        'a.net_annual_pence',
        'a.gross_annual_pence',
        (eb) => eb.fn.sum<number>('i.amount_pence').as('scheduled'),
      ])
      .groupBy(['a.id', 'a.collection', 'a.net_annual_pence', 'a.gross_annual_pence'])
      .execute();
    for (const row of schedules)
      expect(Number(row.scheduled)).toBe(row.collection === 'net' ? row.net_annual_pence : row.gross_annual_pence);
  });
});
