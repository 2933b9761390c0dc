import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { migrations } from '@ras/migrations';
import { Kysely } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

/**
 * How the embedded PostgreSQL starts: PGlite's own parameters, with `shared_buffers` at 16 MB.
 * Its default of 128 MB sits in the process's WebAssembly heap; 16 MB takes an idle instance from
 * about 410 MB resident to under 300 MB (BENCHMARKS.md, issue 16). PGlite reads its files through
 * the operating system, which caches them, so a demo council or the test suite does not notice.
 * Given as start parameters, not as `postgresqlconf`, which would replace the data directory's
 * whole postgresql.conf (its time zone and locale settings with it). PGlite's `initialMemory` is
 * already at the floor its build requires (128 MB), so it is left.
 */
export const PGLITE_START_PARAMETERS: readonly string[] = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * How PGlite's initdb makes a new database: write-ahead log segments of 1 MB rather than 16. A
 * new data directory is then 30 MB rather than 40, which a first start copies and each test file
 * loads; the log itself is as safe (PostgreSQL allows 1 to 1,024 MB).
 */
export const PGLITE_INITDB_PARAMETERS: readonly string[] = ['--wal-segsize=1'];

/**
 * A data directory with every migration applied, made once by `npm run build`: a first start
 * copies it instead of running PostgreSQL's initdb and the migrations, which took about 4 s and
 * left the initdb heap behind (820 MB resident after a first start). It lives beside the build,
 * in `services/api/dist`, and is never committed. Its manifest names the PGlite release and
 * initdb parameters that made it and the migrations it holds; a template made otherwise is not used.
 */
const TEMPLATE = fileURLToPath(new URL('../../dist/pglite-template/', import.meta.url));
const TEMPLATE_DATA = join(TEMPLATE, 'pgdata');
const TEMPLATE_MANIFEST = join(TEMPLATE, 'manifest.json');

interface Manifest {
  readonly pglite: string;
  readonly initdb: readonly string[];
  readonly migrations: readonly string[];
}

/** The installed PGlite's version (its package does not export package.json, so it is found beside its entry point). */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The template's manifest, or `null` when there is no usable template. */
function templateManifest(): Manifest | null {
  if (!existsSync(join(TEMPLATE_DATA, 'PG_VERSION')) || !existsSync(TEMPLATE_MANIFEST)) return null;
  try {
    const manifest = JSON.parse(readFileSync(TEMPLATE_MANIFEST, 'utf8')) as Manifest;
    const sameInitdb = JSON.stringify(manifest.initdb) === JSON.stringify(PGLITE_INITDB_PARAMETERS);
    return manifest.pglite === pgliteVersion() && sameInitdb && Array.isArray(manifest.migrations) ? manifest : null;
  } catch {
    return null;
  }
}

/** Whether the template was made by this PGlite and holds exactly the migrations this build has. */
export function pgliteTemplateIsCurrent(): boolean {
  const held = templateManifest()?.migrations;
  const known = Object.keys(migrations);
  return held !== undefined && held.length === known.length && held.every((name, i) => name === known[i]);
}

/** Makes the template (when it is missing or out of date): a fresh database, migrated. */
export async function writePgliteTemplate(): Promise<boolean> {
  if (pgliteTemplateIsCurrent()) return false;
  // Built beside the template and renamed into place, so a build stopped half-way leaves none.
  const building = `${TEMPLATE.replace(/\/$/, '')}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const pglite = await PGlite.create({
    dataDir: join(building, 'pgdata'),
    initDbStartParams: [...PGLITE_INITDB_PARAMETERS],
    startParams: [...PGLITE_START_PARAMETERS],
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  await db.destroy();
  await pglite.close();
  // PostgreSQL writes its files for its own user only; the service may run as another (the
  // container's `node` user copying what the build's root made), and copies them before use.
  readableByAll(building);
  const manifest: Manifest = { pglite: pgliteVersion(), initdb: PGLITE_INITDB_PARAMETERS, migrations: Object.keys(migrations) };
  writeFileSync(join(building, 'manifest.json'), JSON.stringify(manifest));
  rmSync(TEMPLATE, { recursive: true, force: true });
  renameSync(building, TEMPLATE);
  return true;
}

function readableByAll(path: string): void {
  const directory = statSync(path).isDirectory();
  chmodSync(path, directory ? 0o755 : 0o644);
  if (directory) for (const entry of readdirSync(path)) readableByAll(join(path, entry));
}

/**
 * Fills an empty PGlite data directory from the template, when there is one from this PGlite
 * holding no migration this build does not know (newer ones are applied by the usual migration on
 * start). Anything that goes wrong while copying leaves the directory empty, and PGlite then
 * makes the database itself, as it would with no template.
 *
 * @returns whether it did: `false` for a directory that already holds a database, or no template
 */
export async function copyPgliteTemplate(dataDir: string): Promise<boolean> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
  const held = templateManifest()?.migrations;
  const known = new Set(Object.keys(migrations));
  if (held === undefined || !held.every((name) => known.has(name))) return false;
  // Copied beside the directory and renamed into place: a start stopped half-way through the copy
  // leaves an empty directory, which the next start fills again, never half a database.
  const copying = `${dataDir.replace(/\/$/, '')}.copying`;
  try {
    await rm(copying, { recursive: true, force: true });
    await copyTree(TEMPLATE_DATA, copying);
    await rm(dataDir, { recursive: true, force: true });
    await rename(copying, dataDir);
    return true;
  } catch {
    await rm(copying, { recursive: true, force: true }).catch(() => {});
    return false;
  }
}

/**
 * Copies a directory tree with every file copied at once on libuv's threads: about 0.1–0.35 s for
 * the template's 1,149 files, where `fs.promises.cp`, which walks the tree one step at a time,
 * took about 1 s, and `cpSync` would hold up the modules loading meanwhile.
 */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? copyTree(join(from, entry.name), join(to, entry.name)) : copyFile(join(from, entry.name), join(to, entry.name)),
    ),
  );
}
