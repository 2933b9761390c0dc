import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type LogEvent, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import { copyPgliteTemplate, PGLITE_INITDB_PARAMETERS, PGLITE_START_PARAMETERS } from './pglite-template.js';
import type { DB } from './schema.js';
import { OID, parseDate, parseInt8 } from './type-parsers.js';

/** Where the data lives: a PostgreSQL server, or PGlite in a folder (or in memory for tests). */
export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number }
  | {
      readonly kind: 'pglite';
      readonly dataDir: string | null;
      /** A data directory dump (PGlite's `dumpDataDir`) to start an in-memory database from: the tests' migrated copy. */
      readonly loadDataDir?: Blob;
    };

/** How the database is opened besides where. */
export interface DatabaseOptions {
  /** Called with each statement's SQL as it completes: the tests count a request's statements with it. */
  readonly onQuery?: (sql: string) => void;
}

/** An open database: Kysely for queries, plus what the service needs to run it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseTarget['kind'];
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.int8) return parseInt8;
    if (oid === OID.date) return parseDate;
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the database the configuration points at. PGlite keeps its files in `dataDir/pgdata`
 * (or in memory when `dataDir` is `null`).
 */
export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  const { onQuery } = options;
  const log = onQuery
    ? (event: LogEvent) => {
        if (event.level === 'query') onQuery(event.query.sql);
      }
    : undefined;
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      types: pgTypes,
      // Fail fast when the server is away, rather than queueing requests behind a dead socket.
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      application_name: 'ras-api',
    });
    // A client losing its connection (a server restart) must not crash the process: the query
    // in progress fails (and the request answers 503), and the pool makes a new connection later.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  let dataDir: string | undefined;
  if (target.dataDir !== null) {
    dataDir = join(target.dataDir, 'pgdata');
    mkdirSync(target.dataDir, { recursive: true });
    // A first start copies the migrated template the build made, when there is one.
    if (!(await copyPgliteTemplate(dataDir))) mkdirSync(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(target.loadDataDir === undefined ? {} : { loadDataDir: target.loadDataDir }),
    initDbStartParams: [...PGLITE_INITDB_PARAMETERS],
    startParams: [...PGLITE_START_PARAMETERS],
    parsers: { [OID.int8]: parseInt8, [OID.date]: parseDate },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite), ...(log ? { log } : {}) });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
