import { ConfigError, loadConfig } from './config.js';
import { lockDataDirOrExit } from './db/data-dir-lock.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest, migrationLevel } from './db/migrate.js';

/** `npm run migrate`: applies pending migrations to the configured database and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
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
