import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type Call, callersOf, type Recipe, type World, worldClock } from './helpers/every-operation.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// An erased person's record is closed for good (issue 31, item 1). The guard used to be a plugin
// that guessed from URL patterns and body field names which requests change a person; it is now
// in the workflows (the transition helper, and refuseErased where a record is created or money
// moves). So this walks every operation the OpenAPI document says can answer 409 PERSON_ERASED,
// prepares its request while everyone is still there, erases everyone, and makes the request: a
// workflow that forgot its guard answers something else, and the operation is named.

interface Operation {
  readonly operationId: string;
  readonly description?: string;
  readonly security?: unknown[];
  readonly responses: Record<string, { description?: string }>;
}

/** Requests that name a person only through a field the recipe leaves out, with it put in. */
const NAMING_THE_PERSON: Readonly<Record<string, (call: Call, world: World) => Call>> = {
  // A new person is part of someone else's record only as their carer.
  createPerson: (call, world) => ({ ...call, body: { ...(call.body as object), caresForPersonId: world.personId } }),
};

let t: TestApp;
let world: World;
let recipes: Record<string, Recipe>;
const declaring: string[] = [];
const answers = new Map<string, LightMyRequestResponse>();
/** The other changes, made against everyone erased too: none may answer PERSON_ERASED undeclared. */
const others = new Map<string, LightMyRequestResponse>();

beforeAll(async () => {
  const { clock, setToday } = worldClock();
  t = await createTestApp({ clock });
  ({ world, recipes } = await buildWorld(t, setToday));
  const document = t.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
  const prepared: { operationId: string; declares: boolean; key: string | null; call: Call }[] = [];
  const changes = Object.values(document.paths).flatMap((operations) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const declares = operation.responses['409']?.description?.includes('PERSON_ERASED') === true;
      return declares || (method !== 'get' && method !== 'head') ? [{ operation, declares }] : [];
    }),
  );
  // The declaring operations first: their requests must all be made. The other changes after,
  // each as its recipe can make it on the world as the first left it.
  for (const { operation, declares } of [...changes.filter((c) => c.declares), ...changes.filter((c) => !c.declares)]) {
    if (declares) declaring.push(operation.operationId);
    const recipe = recipes[operation.operationId];
    const [caller] = callersOf(operation);
    if (!recipe || !caller) continue;
    let call: Call;
    try {
      call = await recipe(caller);
    } catch (error) {
      if (declares) throw error;
      continue;
    }
    const named = NAMING_THE_PERSON[operation.operationId]?.(call, world) ?? call;
    prepared.push({ operationId: operation.operationId, declares, key: world.keyOf(caller), call: named });
  }
  // Erased as erasure leaves a person (erasure's own rules are data-protection.test.ts's).
  await sql`update people set erased_at = now() where council_id = ${world.council.id}`.execute(t.database.db);
  for (const { operationId, declares, key, call } of prepared) {
    (declares ? answers : others).set(
      operationId,
      await t.app.inject({
        method: call.method as 'GET',
        url: call.url,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...call.headers,
        },
        ...(call.body !== undefined ? { payload: JSON.stringify(call.body) } : {}),
      }),
    );
  }
}, 180_000);
afterAll(() => t.close());

describe('an erased person', () => {
  it('is refused by every operation that declares PERSON_ERASED, and each has a request to try', () => {
    // The guard reaches at least the person, their assessments, plans, budgets, money and reviews.
    expect(declaring.length).toBeGreaterThanOrEqual(30);
    expect(declaring.filter((operationId) => !answers.has(operationId))).toEqual([]);
    const notRefused = [...answers]
      .filter(([, answer]) => answer.statusCode !== 409 || answer.json().code !== 'PERSON_ERASED')
      .map(([operationId, answer]) => `${operationId}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
    expect(notRefused).toEqual([]);
  });

  it('is named by no other change: an operation that refuses them declares it', () => {
    expect(others.size).toBeGreaterThan(20);
    const undeclared = [...others].filter(([, answer]) => answer.statusCode === 409 && answer.json().code === 'PERSON_ERASED');
    expect(undeclared.map(([operationId]) => operationId)).toEqual([]);
  });
});
