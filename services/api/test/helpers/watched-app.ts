import type { KyselyPlugin } from 'kysely';
import { type AppOptions, buildApp } from '../../src/app.js';
import { BOOTSTRAP_TOKEN, openTestDatabase, type TestApp } from './test-app.js';

/** Rows of a table belonging to a council. */
export async function countRows(
  db: TestApp['database']['db'],
  table: 'people' | 'person_external_ids',
  councilId: string,
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('council_id', '=', councilId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The service over a database watched (or sabotaged) by a Kysely plugin, with a council of its
 * own: for the tests that need to see or hold what the service asks the database.
 */
export async function appWatching(plugin: KyselyPlugin, config: Partial<AppOptions['config']> = {}) {
  const database = await openTestDatabase();
  const app = await buildApp({
    database: { ...database, db: database.db.withPlugin(plugin) },
    config: { bootstrapToken: BOOTSTRAP_TOKEN, ...config },
  });
  const created = await app.inject({
    method: 'POST',
    url: '/v1/councils',
    headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    payload: { name: `Watched ${Date.now()}` },
  });
  return {
    app,
    database,
    councilId: created.json().council.id as string,
    adminKey: created.json().adminKey.key as string,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
