import { migrations } from '@ras/migrations';
import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import type { DB } from './schema.js';

function migrator(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
}

/**
 * Brings the database up to the latest migration. Safe to run on every start and from several
 * instances at once: Kysely takes a lock while it migrates.
 *
 * @returns the migrations that ran now
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResult[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error;
  return results ?? [];
}

/** The name of the newest migration applied, or `null` on an empty database. */
export async function migrationLevel(db: Kysely<DB>): Promise<string | null> {
  const all = await migrator(db).getMigrations();
  const applied = all.filter((migration) => migration.executedAt !== undefined);
  return applied.at(-1)?.name ?? null;
}
