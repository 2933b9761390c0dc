import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { ReadRouter } from '../src/db/replica.js';
import { openTestDatabase } from './helpers/test-app.js';

// The replica itself is proven by `npm run replica:check` (a real standby built with
// pg_basebackup); here, what the router does when there is none fit to use.
describe('the read router (DATABASE_REPLICA_URL)', () => {
  it('reads from the primary without a replica', async () => {
    const database = await openTestDatabase();
    const router = new ReadRouter(database.db, null);
    expect(await router.reader()).toBe(database.db);
    expect(router.state).toMatchObject({ using: 'primary', reason: 'no DATABASE_REPLICA_URL' });
    await database.close();
  });

  it('falls back to the primary when the replica cannot be reached', async () => {
    const database = await openTestDatabase();
    const unreachable = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:9/none' });
    const router = new ReadRouter(database.db, unreachable);
    expect(await router.reader()).toBe(database.db);
    expect(router.state.using).toBe('primary');
    expect(router.state.reason).toMatch(/^the replica cannot be reached/);
    await router.close();
    await database.close();
  });

  it.skipIf(!process.env.DATABASE_URL)('falls back to the primary when the "replica" is not a standby', async () => {
    const database = await openTestDatabase();
    const notStandby = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL as string });
    const router = new ReadRouter(database.db, notStandby);
    expect(await router.reader()).toBe(database.db);
    expect(router.state).toMatchObject({ using: 'primary', reason: 'DATABASE_REPLICA_URL is not a standby' });
    await router.close();
    await database.close();
  });
});
