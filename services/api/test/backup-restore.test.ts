import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { BOOTSTRAP_TOKEN, createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Backup and restore, tested (issue 32): a consistent backup of a running embedded service and a
// restore; PostgreSQL's pg_dump and pg_restore; each copy checked by verify:figures (100%).

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const scratch: string[] = [];
const folder = (prefix: string) => {
  const path = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(path);
  return path;
};
afterAll(() => {
  for (const path of scratch) rmSync(path, { recursive: true, force: true });
});

/** Runs `npm run verify:figures` (the built script) against a database, and what it printed. */
function verifyFigures(env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [dist('verify-figures.js')], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('the embedded database (PGlite)', () => {
  let t: TestApp;
  let budgetIds: string[];
  beforeAll(async () => {
    t = await createTestApp({ embedded: true });
    const council = await setUpCouncil(t);
    budgetIds = [];
    for (let i = 0; i < 2; i++) budgetIds.push((await agreedBudget(t, council, { weeklyContributionPence: 1_500 * i })).budgetId);
  });
  afterAll(() => t.close());

  it('backs up the running service with the operator token, and restores a copy every figure of which re-proves itself', async () => {
    expect((await t.call('GET', '/backup', { key: (await t.council()).adminKey })).statusCode).toBe(401);
    const backup = await t.call('GET', '/backup', { key: BOOTSTRAP_TOKEN });
    expect(backup.statusCode, backup.body).toBe(200);
    expect(backup.headers['content-type']).toBe('application/gzip');
    expect(backup.headers['content-disposition']).toMatch(/^attachment; filename="ras-backup-\d{4}-\d{2}-\d{2}\.tar\.gz"$/);
    // Written while the service carries on: a change after the backup is not in it.
    const file = join(folder('ras-backup-'), 'ras-backup.tar.gz');
    writeFileSync(file, backup.rawPayload);

    const restored = folder('ras-restored-');
    execFileSync(process.execPath, [dist('restore.js'), '--from', file, '--data-dir', restored], { encoding: 'utf8' });
    // Never over a database: a second restore into the same folder is refused.
    const again = spawnSync(process.execPath, [dist('restore.js'), '--from', file, '--data-dir', restored], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds a database/);

    const verified = verifyFigures({ DATABASE_URL: '', DATA_DIR: restored });
    expect(verified.status, verified.out).toBe(0);
    expect(verified.out).toMatch(/\(100\.00%\) match/);
    expect(verified.out).toMatch(/budget: [1-9]\d* of [1-9]\d* match/);

    const { openDatabase } = await import('../src/db/database.js');
    const copy = await openDatabase({ kind: 'pglite', dataDir: restored });
    try {
      const rows = await copy.db.selectFrom('budgets').select('id').where('id', 'in', budgetIds).execute();
      expect(rows.map((row) => row.id).sort()).toEqual([...budgetIds].sort());
    } finally {
      await copy.close();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('PostgreSQL (pg_dump and pg_restore)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ownDatabase: true });
    const council = await setUpCouncil(t);
    await agreedBudget(t, council, { weeklyContributionPence: 2_000 });
  });
  afterAll(() => t.close());

  it('answers /backup with where to look, and restores a pg_dump into a new database every figure of which re-proves itself', async () => {
    const refused = await t.call('GET', '/backup', { key: BOOTSTRAP_TOKEN });
    expect(refused.statusCode).toBe(409);
    expect(problemOf(refused).detail).toMatch(/pg_dump/);

    const source = new URL(process.env.DATABASE_URL as string);
    // The file's own database (ownDatabase), which DATABASE_URL does not name.
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.database.db);
    const sourceUrl = new URL(source);
    sourceUrl.pathname = `/${rows[0]?.name}`;
    const dump = join(folder('ras-pgdump-'), 'ras.dump');
    execFileSync('pg_dump', ['--format=custom', '--no-owner', '--file', dump, sourceUrl.toString()]);

    const copyName = `ras_restore_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: source.toString() });
    await admin.connect();
    try {
      await admin.query(`create database ${copyName}`);
      const copyUrl = new URL(source);
      copyUrl.pathname = `/${copyName}`;
      execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', copyUrl.toString(), dump]);
      const verified = verifyFigures({ DATABASE_URL: copyUrl.toString() });
      expect(verified.status, verified.out).toBe(0);
      expect(verified.out).toMatch(/\(100\.00%\) match/);
    } finally {
      await admin.query(`drop database if exists ${copyName} with (force)`);
      await admin.end();
    }
  });
});
