import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { fixedClock } from '../../src/clock.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { JobRunnerOptions } from '../../src/jobs/runner.js';
import type { Tracing } from '../../src/observability/tracing.js';
import { problemCodes } from '../../src/openapi/problems.js';
import { CompiledRules } from '../../src/repositories/compiled-rules.js';
import { verifyStoredFigures } from '../../src/workflows/verify-figures.js';
import { eventsNotMatchingTheirSchemas } from './event-schemas.js';
import { freshPostgresDatabase } from './service-process.js';

export const BOOTSTRAP_TOKEN = 'test-operator-token-0123456789abcdef';

/** The day every test app's clock stands on, unless a test gives its own. */
export const TEST_TODAY = '2026-12-07';

/** The statements run while {@link statementsOf} is counting, in order. */
let statements: string[] | undefined;

/**
 * The statements the database ran while `work` ran (one request, say): for tests that bound how
 * many statements an operation makes. Counts on the databases {@link openTestDatabase} opened.
 */
export async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  statements = [];
  try {
    await work();
    return statements;
  } finally {
    statements = undefined;
  }
}

/**
 * The database the suite runs on: PGlite in memory by default, or the PostgreSQL server named by
 * DATABASE_URL (CI runs both). Tests never assume an empty database: each makes its own council.
 */
export async function openTestDatabase(options: { own?: boolean; embedded?: boolean } = {}): Promise<Database> {
  const url = options.embedded ? undefined : process.env.DATABASE_URL;
  if (url && options.own) return ownPostgresDatabase(url);
  const database = await openDatabase(url ? { kind: 'postgres', url, poolSize: 5 } : { kind: 'pglite', dataDir: null, ...migratedDump() }, {
    onQuery: (statement) => statements?.push(statement),
  });
  // Nothing to do when the suite's set-up migrated already (test/global-setup.ts).
  await migrateToLatest(database.db);
  return database;
}

/**
 * A database of the file's own on the PostgreSQL server, migrated, and dropped when closed: for a
 * file whose webhook relays serve every council in the database they are given, so that another
 * file's relays never claim its deliveries, nor its relays another file's.
 */
async function ownPostgresDatabase(sharedUrl: string): Promise<Database> {
  const own = await freshPostgresDatabase(sharedUrl, 'ras_test_own');
  const database = await openDatabase({ kind: 'postgres', url: own.url, poolSize: 5 });
  await migrateToLatest(database.db);
  return {
    ...database,
    async close() {
      await database.close();
      await own.drop();
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated PGlite data directory the suite's set-up dumped, or `null` on PostgreSQL. */
    pgliteDump: string | null;
  }
}

let dump: Blob | undefined;

/** The migrated database every in-memory PGlite of this worker starts from, read once. */
function migratedDump(): { loadDataDir?: Blob } {
  const file = inject('pgliteDump');
  if (!file) return {};
  dump ??= new Blob([readFileSync(file)]);
  return { loadDataDir: dump };
}

/** A council made for one test file, with its admin key. */
export interface TestCouncil {
  readonly id: string;
  readonly adminKey: string;
}

/** A running app over a test database, with helpers to call it. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: Database;
  /** Calls the API with a bearer key and a JSON body. */
  call(
    method: string,
    url: string,
    options?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Creates a council through the API (with settings, if given) and returns its admin key. */
  council(name?: string, settings?: Record<string, unknown>): Promise<TestCouncil>;
  /** Creates an API key with roles in a council. */
  key(adminKey: string, roles: readonly string[], name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(
  options: {
    bootstrapToken?: string | null;
    rateLimitPerMinute?: number;
    /** Load shedding: 503 while the event loop lags past this (off by default in tests). */
    maxEventLoopDelayMs?: number;
    /** The bearer token /metrics asks for. */
    metricsToken?: string;
    /** OpenTelemetry tracing (observability/tracing.ts). */
    tracing?: Tracing;
    failedAuthPerMinute?: number;
    allowPrivateWebhooks?: boolean;
    logger?: FastifyBaseLogger;
    /** Stop the service's clock on a date, so "due" and "overdue" are worked out by hand. */
    clock?: Clock;
    /** On PostgreSQL, a database of the file's own rather than the suite's shared one. */
    ownDatabase?: boolean;
    /** Embedded PGlite whatever DATABASE_URL says (what only PGlite does: its backup). */
    embedded?: boolean;
    /** How soon an unknown key id refetches an issuer's keys, and how long a fetch may take. */
    identityProviders?: { jwksCooldownMs?: number; timeoutMs?: number };
    /** The job runner's options (default: a queue of the app's own, woken by the jobs it queues, no polling). */
    jobs?: Partial<JobRunnerOptions>;
  } = {},
): Promise<TestApp> {
  const database = await openTestDatabase({ own: options.ownDatabase ?? false, embedded: options.embedded ?? false });
  const app = await buildApp({
    database,
    config: {
      bootstrapToken: options.bootstrapToken === undefined ? BOOTSTRAP_TOKEN : options.bootstrapToken,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
      failedAuthPerMinute: options.failedAuthPerMinute ?? 0,
      // The tests' webhook receivers listen on 127.0.0.1.
      allowPrivateWebhooks: options.allowPrivateWebhooks ?? true,
      maxEventLoopDelayMs: options.maxEventLoopDelayMs ?? 0,
      metricsToken: options.metricsToken ?? null,
    },
    ...(options.tracing ? { tracing: options.tracing } : {}),
    // A fixed day unless the test brings its own clock: what is due, overdue or in force never
    // depends on the day the suite runs (records the database stamps itself still carry the real time).
    clock: options.clock ?? fixedClock(TEST_TODAY),
    // TEST_LOG=1 shows the service's log, e.g. the error behind a 500.
    logger: options.logger ?? process.env.TEST_LOG === '1',
    ...(options.identityProviders ? { identityProviders: options.identityProviders } : {}),
    // A queue of the app's own: another file's app on the shared database never runs its jobs
    // (under that app's clock), nor it theirs. The three-instance test shares one queue.
    jobs: { queue: `test-${randomUUID()}`, pollMs: 0, ...options.jobs },
  });
  const undeclared = watchUndeclaredProblems(app);
  await app.ready();
  const call: TestApp['call'] = (method, url, { key, body, headers } = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  let councils = 0;
  const made: string[] = [];
  return {
    app,
    database,
    call,
    async council(name, settings) {
      councils += 1;
      const response = await call('POST', '/v1/councils', {
        key: BOOTSTRAP_TOKEN,
        body: { name: name ?? `Test council ${councils} ${Date.now()}`, ...(settings ? { settings } : {}) },
      });
      if (response.statusCode !== 201) throw new Error(`createCouncil failed: ${response.statusCode} ${response.body}`);
      const body = response.json() as { council: { id: string }; adminKey: { key: string } };
      made.push(body.council.id);
      return { id: body.council.id, adminKey: body.adminKey.key };
    },
    async key(adminKey, roles, name = roles.join('+')) {
      const response = await call('POST', '/v1/api-keys', { key: adminKey, body: { name, roles } });
      if (response.statusCode !== 201) throw new Error(`createApiKey failed: ${response.statusCode} ${response.body}`);
      return (response.json() as { key: string }).key;
    },
    async close() {
      // Every figure the file stored must re-prove itself (verify:figures). In-memory PGlite holds
      // only this file's records; on a shared PostgreSQL database, only the councils it made.
      const shared = Boolean(process.env.DATABASE_URL) && !options.ownDatabase && !options.embedded;
      let differing: string[] = [];
      let unlikeTheirSchema: string[] = [];
      try {
        if (!shared || made.length > 0) {
          const summary = await verifyStoredFigures(database.db, new CompiledRules(database.db), shared ? made : undefined);
          if (process.env.VERIFY_FIGURES_LOG) appendFileSync(process.env.VERIFY_FIGURES_LOG, `${JSON.stringify(summary)}\n`);
          differing = summary.differing.map((v) => `${v.kind} ${v.id}: ${v.differences.join('; ')}`);
          // Every event the file's tests produced, whatever produced it, matches its listEventTypes schema.
          unlikeTheirSchema = await eventsNotMatchingTheirSchemas(database.db, shared ? made : undefined);
        }
      } finally {
        await app.close();
        await database.close();
      }
      if (differing.length > 0) throw new Error(`Stored figures that do not re-prove themselves:\n${differing.join('\n')}`);
      if (unlikeTheirSchema.length > 0)
        throw new Error(`Events that do not match their listEventTypes schema:\n${unlikeTheirSchema.join('\n')}`);
      if (undeclared.size > 0) {
        throw new Error(
          `Routes answered problems their declaration (config.problems, see openapi/problems.ts) does not list:\n${[...undeclared].join('\n')}`,
        );
      }
    },
  };
}

/**
 * Every problem a route answers must be one the OpenAPI document declares for it: the whole suite
 * checks the declarations. Collects each undeclared `operationId status code` (and, with
 * RECORD_PROBLEMS=file, appends every problem answered to that file).
 */
function watchUndeclaredProblems(app: FastifyInstance): Set<string> {
  const undeclared = new Set<string>();
  const record = process.env.RECORD_PROBLEMS;
  app.addHook('onSend', async (request, reply, payload) => {
    const operationId = request.routeOptions.schema?.operationId;
    if (!operationId || reply.statusCode < 400 || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type')).startsWith('application/problem+json')) return payload;
    const { code } = JSON.parse(payload) as { code: string };
    const line = `${operationId} ${reply.statusCode} ${code}`;
    if (record) appendFileSync(record, `${line}\n`);
    const declared = problemCodes(request.routeOptions as Parameters<typeof problemCodes>[0]) as string[];
    if (!declared.includes(code)) undeclared.add(line);
    return payload;
  });
  return undeclared;
}

/** Parses a problem+json answer and checks its shape. */
export function problemOf(response: LightMyRequestResponse): {
  code: string;
  status: number;
  detail: string;
  title: string;
  type: string;
  errors?: { pointer: string; detail: string }[];
} {
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${response.headers['content-type']}: ${response.body}`);
  }
  return response.json();
}
