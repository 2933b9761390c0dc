import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';
import { appWatching } from './helpers/watched-app.js';

// API keys under attack (the IT health check of issue 12): rate limits spent by someone without
// the secret, the council locked out by revoking its last admin key, and a revocation racing a
// lookup. Every test here failed on the code before its fix (the comment on each says how).

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('rate limits spent by someone without the secret (medium 3)', () => {
  // Before: requests were counted per key id before the secret was checked, so 1,300 requests
  // with a forged secret locked the real key out for a minute.
  it('counts only verified requests against a key, and refuses an address that keeps failing', async () => {
    const limited = await createTestApp({ rateLimitPerMinute: 5, failedAuthPerMinute: 3 });
    try {
      const { adminKey } = await limited.council();
      const forged = `${adminKey.slice(0, -43)}${'A'.repeat(43)}`;
      const attacker = (key: string) =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/api-keys',
          remoteAddress: '203.0.113.9',
          headers: { authorization: `Bearer ${key}` },
        });
      const owner = () =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/api-keys',
          remoteAddress: '198.51.100.7',
          headers: { authorization: `Bearer ${adminKey}` },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await attacker(forged)).statusCode);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
      // The key's own allowance is untouched: five requests, then its own limit.
      const mine: number[] = [];
      for (let i = 0; i < 6; i++) mine.push((await owner()).statusCode);
      expect(mine).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it('keeps a key the instance knows working from an address that is being refused (one NAT, one proxy)', async () => {
    // Found in review: with the flood and the key's owner behind one address, the owner was
    // refused as soon as the key dropped out of the five-second cache.
    const limited = await createTestApp({ failedAuthPerMinute: 3 });
    const from = (key: string) =>
      limited.app.inject({ method: 'GET', url: '/v1/api-keys', remoteAddress: '192.0.2.44', headers: { authorization: `Bearer ${key}` } });
    try {
      const { adminKey } = await limited.council();
      const neverUsed = await limited.key(adminKey, ['auditor']);
      expect((await from(adminKey)).statusCode).toBe(200);
      for (let i = 0; i < 10; i++) await from(`ras_${'0'.repeat(32)}_${'C'.repeat(43)}`);
      expect((await from(adminKey)).statusCode).toBe(200);
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10_000 });
      // Out of the cache now, but verified here before: checked, and let through.
      expect((await from(adminKey)).statusCode).toBe(200);
      // A wrong secret for it, and a key this instance has never verified, are refused without a query.
      expect((await from(`${adminKey.slice(0, -43)}${'D'.repeat(43)}`)).statusCode).toBe(429);
      expect((await from(neverUsed)).statusCode).toBe(429);
    } finally {
      vi.useRealTimers();
      await limited.close();
    }
  });

  it('forgets the oldest window when full, never every window at once', async () => {
    const { FixedWindows } = await import('../src/http/fixed-windows.js');
    const windows = new FixedWindows(60_000, 3);
    for (let i = 0; i < 5; i++) windows.hit('busy', 1_000);
    windows.hit('a', 2_000);
    windows.hit('b', 3_000);
    expect(windows.peek('busy', 4_000).count).toBe(5);
    windows.hit('c', 4_000);
    // Before: the table was cleared, so 'a' and 'b' (and every limited caller) started again.
    expect(windows.size).toBe(3);
    expect(windows.peek('a', 4_000).count).toBe(1);
    expect(windows.peek('busy', 4_000).count).toBe(0);
  });

  it('answers a flood of unknown keys from memory, not with a query each', async () => {
    let keyQueries = 0;
    const watched = await appWatching(
      {
        transformQuery: (args) => {
          const node = args.node as { kind: string; from?: { froms: { table: { identifier: { name: string } } }[] } };
          if (node.kind === 'SelectQueryNode' && node.from?.froms[0]?.table?.identifier?.name === 'api_keys') keyQueries += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      },
      { failedAuthPerMinute: 1_000 },
    );
    try {
      const before = keyQueries;
      const unknown = `ras_0123456789abcdef0123456789abcdef_${'B'.repeat(43)}`;
      for (let i = 0; i < 50; i++) {
        const response = await watched.app.inject({ method: 'GET', url: '/v1/people', headers: { authorization: `Bearer ${unknown}` } });
        expect(response.statusCode).toBe(401);
      }
      expect(keyQueries - before).toBe(1);
    } finally {
      await watched.close();
    }
  });
});

describe('locking the council out by revoking its last admin key (low 8)', () => {
  // Before: the revocation went through, and nobody could ever create a key for the council again.
  it('refuses to revoke the last active admin key with 409, and allows it once there is another', async () => {
    const own = await t.council();
    const keys = (await t.call('GET', '/v1/api-keys', { key: own.adminKey })).json().items as { id: string }[];
    const first = keys[0]?.id as string;
    const alone = await t.call('DELETE', `/v1/api-keys/${first}`, { key: own.adminKey });
    expect(alone.statusCode).toBe(409);
    expect(problemOf(alone).code).toBe('LAST_ADMIN_KEY');
    const second = await t.key(own.adminKey, ['admin', 'auditor'], 'Second admin');
    expect((await t.call('DELETE', `/v1/api-keys/${first}`, { key: second })).statusCode).toBe(204);
    const secondId = (
      (await t.call('GET', '/v1/api-keys', { key: second })).json().items as { id: string; revokedAt: string | null }[]
    ).find((key) => key.revokedAt === null)?.id as string;
    expect(problemOf(await t.call('DELETE', `/v1/api-keys/${secondId}`, { key: second })).code).toBe('LAST_ADMIN_KEY');
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a revocation racing a key lookup (low 11)', () => {
  // Before: a lookup that read the key just before the revocation committed put it back in the
  // cache, and the revoked key worked for five more seconds. (PostgreSQL only: the lookup is held
  // between reading the row and caching it, which needs a second connection for the revocation.)
  it('does not cache what a lookup read before a revocation on this instance', async () => {
    let gate: Promise<void> | null = null;
    let reached: () => void = () => {};
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let targetHash = '';
    const watched = await appWatching({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        // The auth lookup reads the hash without the id; the revocation reads the whole row.
        const row = args.result.rows[0] as { secret_hash?: string; id?: string } | undefined;
        if (gate && row?.secret_hash === targetHash && row.id === undefined) {
          reached();
          await gate;
        }
        return args.result;
      },
    });
    const call = (key: string, method = 'GET', url = '/v1/people') =>
      watched.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${key}` } });
    try {
      const made = await watched.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: { authorization: `Bearer ${watched.adminKey}` },
        payload: { name: 'doomed', roles: ['assessor'] },
      });
      const doomed = made.json() as { id: string; key: string };
      targetHash = createHash('sha256').update(doomed.key.slice(-43)).digest('hex');
      let open: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const inFlight = call(doomed.key);
      await atGate;
      expect((await call(watched.adminKey, 'DELETE', `/v1/api-keys/${doomed.id}`)).statusCode).toBe(204);
      gate = null;
      open();
      await inFlight;
      expect((await call(doomed.key)).statusCode).toBe(401);
    } finally {
      await watched.close();
    }
  });
});
