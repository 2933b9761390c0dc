import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_DATA_READS } from '../src/plugins/access-log.js';
import {
  buildWorld,
  type Caller,
  callersOf,
  EQUALITY_MARKERS,
  PLANTED,
  type Recipe,
  ROLES,
  type World,
  worldClock,
} from './helpers/every-operation.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// Privacy that holds on every answer (issue 28, items 2 and 3). Every operation in the OpenAPI
// document is called by every caller allowed to call it, in a council where one person's data is
// planted with distinctive values. Each answer is read for what it shows of a person:
//   - special-category data (equality monitoring answers; self-assessment answers) may go only to
//     a role that may read it (the roles of getEqualityMonitoring and of getAssessment);
//   - every answer that shows a person's data is in the access log, for that request, under every
//     kind it showed (record, special-category, money).
// Found by the review: a PATCH of one equality field answered an assessor or integration
// key with religion, sexual orientation, ethnicity and sex, and logged nothing; createUpratingRun
// and createAuditSample answered with people's figures unlogged; the export with equality answers
// was logged without special-category; the event feed was logged as money only.

type Kind = 'record' | 'special-category' | 'money';

const EQUALITY_FIELDS = new Set(['sex', 'ethnicity', 'ethnicGroup', 'religion', 'sexualOrientation', 'primarySupportReason']);
const NEEDS_FIELDS = new Set(['answers', 'submittedAnswers']);
/** Fields that name a person or one of their records (when they hold a value, not a schema). */
const LINK_FIELDS = new Set([
  'personId',
  'budgetId',
  'assessmentId',
  'planId',
  'agreementId',
  'reviewId',
  'appealId',
  'displayName',
  'dateOfBirth',
]);
/**
 * Operations that show a person's id and are not reads of their record, with why. The test
 * fails if any other operation answers with a person's data unlogged.
 */
const NAMES_NO_ONE: Readonly<Record<string, string>> = {
  listAccessLog:
    'the access log holds whose record was read and when, never what was read; reading it is the DPO’s audit, and logging it would log the log',
};

interface Document {
  paths: Record<
    string,
    Record<string, { operationId: string; description?: string; security?: unknown[]; responses: Record<string, Response> }>
  >;
  components: { schemas: Record<string, Schema> };
}
interface Response {
  content?: Record<string, { schema?: Schema }>;
}
interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: Schema | boolean;
}

/** Every field name a response schema can carry, through references and either-or branches. */
function fieldsOf(schema: Schema | undefined, document: Document, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return found;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() as string;
    if (seen.has(name)) return found;
    seen.add(name);
    return fieldsOf(document.components.schemas[name], document, seen, found);
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) fieldsOf(branch, document, seen, found);
  if (schema.items) fieldsOf(schema.items, document, seen, found);
  for (const [name, inner] of Object.entries(schema.properties ?? {})) {
    found.add(name);
    fieldsOf(inner, document, seen, found);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    fieldsOf(schema.additionalProperties, document, seen, found);
  return found;
}

interface Answer {
  readonly operationId: string;
  readonly caller: Caller;
  readonly requestId: string;
  readonly response: LightMyRequestResponse;
}

/** What an answer shows of a person, read from the answer itself. */
function shown(answer: LightMyRequestResponse, world: World): { kinds: Set<Kind>; equality: boolean; needs: boolean } {
  const type = String(answer.headers['content-type'] ?? '');
  const text = answer.body;
  const lower = text.toLowerCase();
  let link = false;
  let pence = false;
  let equality = false;
  let needs = false;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        const present = inner !== null && inner !== undefined && inner !== '';
        if (LINK_FIELDS.has(key) && typeof inner === 'string' && inner !== '') link = true;
        if (/Pence$/.test(key) && typeof inner === 'number') pence = true;
        if (EQUALITY_FIELDS.has(key) && present) equality = true;
        if (NEEDS_FIELDS.has(key) && inner !== null && typeof inner === 'object' && Object.keys(inner).length > 0) needs = true;
        visit(inner);
      }
  };
  if (type.startsWith('application/json')) visit(JSON.parse(text));
  else if (type.startsWith('application/x-ndjson')) for (const line of text.split('\n').filter(Boolean)) visit(JSON.parse(line));
  else if (type.startsWith('text/csv')) {
    const [header = '', ...rows] = text.split(/\r?\n/).filter(Boolean);
    const columns = header.split(',');
    if (rows.length > 0) {
      link ||= columns.some((column) => LINK_FIELDS.has(column) || column === 'id');
      pence ||= columns.some((column) => /Pence|amount/i.test(column));
    }
  } else pence ||= text.includes('£');
  // Whatever the format: a person's id, the planted name or record-system id, the planted answers.
  link ||= [...world.people].some((id) => text.includes(id)) || text.includes(PLANTED.displayName) || text.includes(PLANTED.carefirst);
  equality ||= EQUALITY_MARKERS.some((marker) => lower.includes(marker));
  const kinds = new Set<Kind>();
  if (link) kinds.add('record');
  if (link && (equality || needs)) kinds.add('special-category');
  if (link && pence) kinds.add('money');
  return { kinds, equality: link && equality, needs: link && needs };
}

let t: TestApp;
let world: World;
let recipes: Record<string, Recipe>;
let document: Document;
const answers: Answer[] = [];
/** Recipes that could not make their request (what they needed first failed). */
const unprepared: string[] = [];

beforeAll(async () => {
  const { clock, setToday } = worldClock();
  t = await createTestApp({ clock });
  ({ world, recipes } = await buildWorld(t, setToday));
  document = t.app.swagger() as unknown as Document;
  let n = 0;
  for (const operations of Object.values(document.paths))
    for (const operation of Object.values(operations)) {
      const recipe = recipes[operation.operationId];
      if (!recipe) continue;
      for (const caller of callersOf(operation)) {
        let call: Awaited<ReturnType<Recipe>>;
        try {
          call = await recipe(caller);
        } catch (error) {
          unprepared.push(`${operation.operationId} as ${caller}: ${(error as Error).message.slice(0, 400)}`);
          continue;
        }
        const unset = Object.entries(call.headers ?? {}).filter(([, value]) => value === undefined);
        if (unset.length > 0) {
          unprepared.push(`${operation.operationId} as ${caller}: no ${unset.map(([name]) => name).join(', ')} to send`);
          continue;
        }
        const requestId = `pd-${++n}`;
        const key = world.keyOf(caller);
        const response = await t.app.inject({
          method: call.method as 'GET',
          url: call.url,
          headers: {
            'x-request-id': requestId,
            ...(key ? { authorization: `Bearer ${key}` } : {}),
            ...(call.payload !== undefined
              ? { 'content-type': call.contentType ?? 'text/plain' }
              : call.body !== undefined
                ? { 'content-type': 'application/json' }
                : {}),
            ...call.headers,
          },
          ...(call.payload !== undefined
            ? { payload: call.payload }
            : call.body !== undefined
              ? { payload: JSON.stringify(call.body) }
              : {}),
        });
        await call.after?.(response);
        answers.push({ operationId: operation.operationId, caller, requestId, response });
      }
    }
  await t.app.accessLog.flush();
}, 120_000);
afterAll(() => t.close());

describe('every answer, for every caller', () => {
  it('has a recipe for every operation in the document, and every call succeeds', () => {
    const operations = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId),
    );
    expect(operations.filter((operationId) => !recipes[operationId])).toEqual([]);
    expect(unprepared).toEqual([]);
    const failed = answers
      .filter((answer) => answer.response.statusCode >= 300)
      .map((answer) => `${answer.operationId} as ${answer.caller}: ${answer.response.statusCode} ${answer.response.body.slice(0, 300)}`);
    expect(failed).toEqual([]);
    // Every role was tried where it may call.
    expect(new Set(answers.map((answer) => answer.caller))).toEqual(new Set([...ROLES, 'operator', 'anyone']));
  });

  it('carries special-category data only to a role that may read it', () => {
    const readersOf = (operationId: string) => {
      for (const operations of Object.values(document.paths))
        for (const operation of Object.values(operations)) if (operation.operationId === operationId) return new Set(callersOf(operation));
      throw new Error(operationId);
    };
    const equalityReaders = readersOf('getEqualityMonitoring');
    const needsReaders = readersOf('getAssessment');
    const leaks: string[] = [];
    for (const answer of answers) {
      if (answer.response.statusCode >= 300) continue;
      const { equality, needs } = shown(answer.response, world);
      if (equality && !equalityReaders.has(answer.caller))
        leaks.push(`${answer.operationId} gave ${answer.caller} equality monitoring answers`);
      if (needs && !needsReaders.has(answer.caller)) leaks.push(`${answer.operationId} gave ${answer.caller} self-assessment answers`);
    }
    expect(leaks).toEqual([]);
    // The regression itself: an assessor and an integration key record the answers and get a receipt.
    for (const caller of ['assessor', 'integration'] as const) {
      const answer = answers.find((a) => a.operationId === 'recordEqualityMonitoring' && a.caller === caller) as Answer;
      expect(Object.keys(answer.response.json()).sort()).toEqual(['personId', 'recorded', 'updatedAt', 'version']);
    }
  });

  it('logs every answer that shows a person’s data, when it goes out, under every kind it showed', async () => {
    const { rows } = await sql<{ request_id: string; operation_id: string; what: string[] }>`
      select request_id, operation_id, what from access_log
       where council_id = ${world.council.id} and request_id = any(${answers.map((answer) => answer.requestId)}::text[])`.execute(
      t.database.db,
    );
    const logged = new Map<string, { operationIds: Set<string>; what: Set<string> }>();
    for (const row of rows) {
      const entry = logged.get(row.request_id) ?? { operationIds: new Set(), what: new Set() };
      entry.operationIds.add(row.operation_id);
      for (const kind of row.what) entry.what.add(kind);
      logged.set(row.request_id, entry);
    }
    const missing: string[] = [];
    for (const answer of answers) {
      if (answer.response.statusCode >= 300) continue;
      const { kinds } = shown(answer.response, world);
      if (kinds.size === 0 || answer.operationId in NAMES_NO_ONE) continue;
      const entry = logged.get(answer.requestId);
      const wanted = [...kinds].sort().join(',');
      if (answer.caller === 'anyone' || answer.caller === 'operator')
        missing.push(`${answer.operationId} showed ${wanted} to ${answer.caller}`);
      else if (!entry) missing.push(`${answer.operationId} as ${answer.caller} showed ${wanted}, not logged`);
      else if ([...kinds].some((kind) => !entry.what.has(kind)) || !entry.operationIds.has(answer.operationId))
        missing.push(`${answer.operationId} as ${answer.caller} showed ${wanted}, logged as ${[...entry.what].sort().join(',')}`);
    }
    expect(missing).toEqual([]);
  });

  it('reaches every operation whose answer, by its OpenAPI response schema, can name a person, with an answer that does', () => {
    const canName = new Set<string>();
    for (const operations of Object.values(document.paths))
      for (const operation of Object.values(operations)) {
        const fields = new Set<string>();
        for (const [status, response] of Object.entries(operation.responses))
          if (status.startsWith('2'))
            for (const content of Object.values(response.content ?? {})) fieldsOf(content.schema, document, new Set(), fields);
        if ([...fields].some((field) => LINK_FIELDS.has(field))) canName.add(operation.operationId);
      }
    for (const operationId of Object.keys(NAMES_NO_ONE)) canName.delete(operationId);
    const named = new Set(answers.filter((answer) => shown(answer.response, world).kinds.size > 0).map((answer) => answer.operationId));
    expect([...canName].filter((operationId) => !named.has(operationId))).toEqual([]);
    // And every operation that answered with a person's data is in the catalogue the DPIA pack lists.
    expect([...named].filter((operationId) => !(operationId in PERSONAL_DATA_READS) && !(operationId in NAMES_NO_ONE))).toEqual([]);
  });
});
