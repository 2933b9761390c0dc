import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { migrations } from '@ras/migrations';
import { Kysely } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

/**
 * PostgreSQL settings for the embedded database. `shared_buffers` defaults to 128 MB, all of it
 * held in the process's WebAssembly heap; 16 MB takes an idle instance from about 410 MB resident
 * to under 300 MB (BENCHMARKS.md, issue 16). PGlite reads its files through the operating
 * system, which caches them, so a demo council or the test suite does not notice. PGlite's
 * own `initialMemory` is already at its floor (128 MB, which its build requires), so it is left.
 */
export const PGLITE_SETTINGS: readonly string[] = ['shared_buffers=16MB'];

/**
 * A data directory with every migration applied, made once by `npm run build` (or `npm run
 * pglite:template`): a first start copies it instead of running PostgreSQL's initdb and the
 * migrations, which took about 4 s and left the initdb heap behind (820 MB resident after a first
 * start). It lives beside the build, in `services/api/dist`, and is never committed.
 */
const TEMPLATE = fileURLToPath(new URL('../../dist/pglite-template/', import.meta.url));
const TEMPLATE_DATA = join(TEMPLATE, 'pgdata');
const TEMPLATE_MIGRATIONS = join(TEMPLATE, 'migrations.json');

/** The migrations the template holds, or `null` when there is none. */
function templateMigrations(): string[] | null {
  if (!existsSync(join(TEMPLATE_DATA, 'PG_VERSION')) || !existsSync(TEMPLATE_MIGRATIONS)) return null;
  try {
    return JSON.parse(readFileSync(TEMPLATE_MIGRATIONS, 'utf8')) as string[];
  } catch {
    return null;
  }
}

/** Whether the template holds exactly the migrations this build has. */
export function pgliteTemplateIsCurrent(): boolean {
  const held = templateMigrations();
  const known = Object.keys(migrations);
  return held !== null && held.length === known.length && held.every((name, i) => name === known[i]);
}

/** Makes the template (when it is missing or out of date): a fresh database, migrated. */
export async function writePgliteTemplate(): Promise<boolean> {
  if (pgliteTemplateIsCurrent()) return false;
  // Built beside the template and renamed into place, so a build stopped half-way leaves none.
  const building = `${TEMPLATE.replace(/\/$/, '')}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const pglite = await PGlite.create({ dataDir: join(building, 'pgdata'), postgresqlconf: [...PGLITE_SETTINGS] });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  await db.destroy();
  await pglite.close();
  writeFileSync(join(building, 'migrations.json'), JSON.stringify(Object.keys(migrations)));
  rmSync(TEMPLATE, { recursive: true, force: true });
  renameSync(building, TEMPLATE);
  return true;
}

/**
 * Fills an empty PGlite data directory from the template, when the template holds no migration
 * this build does not know (any newer ones are applied by the usual migration on start).
 *
 * @returns whether it did: `false` for a directory that already holds a database, or no template
 */
export async function copyPgliteTemplate(dataDir: string): Promise<boolean> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
  const held = templateMigrations();
  const known = new Set(Object.keys(migrations));
  if (held === null || !held.every((name) => known.has(name))) return false;
  // Copied beside the directory and renamed into place: a start stopped half-way through the copy
  // leaves an empty directory, which the next start fills again, never half a database.
  const copying = `${dataDir.replace(/\/$/, '')}.copying`;
  await rm(copying, { recursive: true, force: true });
  await cp(TEMPLATE_DATA, copying, { recursive: true });
  await rm(dataDir, { recursive: true, force: true });
  await rename(copying, dataDir);
  return true;
}
