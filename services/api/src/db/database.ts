import { existsSync, mkdirSync, readdirSync } from 'node:fs';
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
  /** The PostgreSQL pool's use (connections open, idle, and queries waiting for one); null on PGlite's one connection. */
  connections(): { readonly total: number; readonly idle: number; readonly waiting: number; readonly max: number } | null;
  /**
   * PGlite only: a consistent copy of the whole data directory, as a gzipped tarball that
   * `loadDataDir` (npm run restore) starts a database from. Taken in PGlite's queue, between
   * statements, so no transaction is half in it. PostgreSQL is backed up with its own tools.
   */
  dumpDataDir?(): Promise<Blob>;
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
      connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }),
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
    connections: () => null,
    dumpDataDir: async () => {
      // Pages written out first, so a restore has little log to replay. The copy is taken between
      // statements and, like a storage snapshot, holds every transaction committed before it.
      await pglite.query('checkpoint');
      return pglite.dumpDataDir('gzip');
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/**
 * Makes `dataDir` the embedded database a backup (`dumpDataDir`, GET /backup) was taken of. The
 * folder must hold no database yet: a restore never overwrites data.
 *
 * @throws Error when `dataDir` already holds a database
 */
export async function restorePgliteDataDir(dataDir: string, dump: Blob): Promise<void> {
  const pgdata = join(dataDir, 'pgdata');
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
    throw new Error(`${dataDir} already holds a database: restore into an empty folder, then point DATA_DIR at it`);
  }
  mkdirSync(pgdata, { recursive: true });
  const pglite = await PGlite.create({
    dataDir: pgdata,
    loadDataDir: dump,
    initDbStartParams: [...PGLITE_INITDB_PARAMETERS],
    startParams: [...PGLITE_START_PARAMETERS],
  });
  await pglite.query('select 1');
  await pglite.close();
}
