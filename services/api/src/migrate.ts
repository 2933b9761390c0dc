import { ConfigError, loadConfig } from './config.js';
import { lockDataDirOrExit } from './db/data-dir-lock.js';
import { openDatabase } from './db/database.js';
import { databaseIsCurrent, migrateToLatest, migrationLevel } from './db/migrate.js';

/** The exit status of `--check` when migrations are pending: the database is behind this version. */
const BEHIND = 3;

/**
 * `npm run migrate`: applies pending migrations to the configured database and exits. With
 * `--check` it changes nothing and exits 3 while the database is behind this version (a
 * Kubernetes init container waits on it until the migration Job has run).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (process.argv.includes('--check')) {
    const database = await openDatabase(
      config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
    );
    try {
      const current = await databaseIsCurrent(database.db);
      process.stdout.write(`Database is at migration ${await migrationLevel(database.db)}${current ? '' : ': behind this version'}\n`);
      if (!current) process.exitCode = BEHIND;
    } finally {
      await database.close();
    }
    return;
  }
  const lock = config.databaseUrl ? null : lockDataDirOrExit(config.dataDir);
  const database = await openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
  try {
    const applied = await migrateToLatest(database.db);
    for (const migration of applied) process.stdout.write(`${migration.status}: ${migration.migrationName}\n`);
    process.stdout.write(`Database is at migration ${await migrationLevel(database.db)}\n`);
  } finally {
    await database.close();
    lock?.release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
