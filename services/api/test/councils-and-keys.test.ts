import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredIdempotencyKeys } from '../src/db/idempotency-repository.js';
import { BOOTSTRAP_TOKEN, createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('createCouncil', () => {
  it('creates a council and a first admin key that works, shown once', async () => {
    const response = await t.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Wrexham test' } });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.council.name).toBe('Wrexham test');
    expect(body.adminKey.key).toMatch(/^ras_[0-9a-f]{32}_/);
    expect(body.adminKey.roles).toEqual(['admin']);
    const keys = await t.call('GET', '/v1/api-keys', { key: body.adminKey.key });
    expect(keys.statusCode).toBe(200);
    expect(keys.body).not.toContain(body.adminKey.key);
    expect(keys.json().items).toHaveLength(1);
  });

  it('needs the operator token', async () => {
    const { adminKey } = await t.council();
    const withKey = await t.call('POST', '/v1/councils', { key: adminKey, body: { name: 'x' } });
    expect(withKey.statusCode).toBe(401);
    const without = await t.call('POST', '/v1/councils', { body: { name: 'x' } });
    expect(without.statusCode).toBe(401);
    expect(without.headers['www-authenticate']).toContain('Bearer');
  });

  it('is switched off without BOOTSTRAP_TOKEN', async () => {
    const off = await createTestApp({ bootstrapToken: null });
    try {
      const response = await off.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'x' } });
      expect(response.statusCode).toBe(403);
      expect(problemOf(response).detail).toContain('BOOTSTRAP_TOKEN');
    } finally {
      await off.close();
    }
  });

  it('replays a retried creation with the same Idempotency-Key and refuses a different body', async () => {
    const headers = { 'idempotency-key': `council-${Date.now()}` };
    const first = await t.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Retry borough' }, headers });
    const again = await t.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Retry borough' }, headers });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().council.id).toBe(first.json().council.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const different = await t.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Another borough' }, headers });
    expect(different.statusCode).toBe(422);
    expect(problemOf(different).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('Idempotency-Key lifetime', () => {
  it('lets an expired key be used again, and purges expired keys', async () => {
    const headers = { 'idempotency-key': `expiring-${Date.now()}` };
    const first = await t.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Old borough' }, headers });
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('key', '=', headers['idempotency-key'])
      .execute();
    const again = await t.call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'New borough' }, headers });
    expect(again.statusCode).toBe(201);
    expect(again.json().council.id).not.toBe(first.json().council.id);
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('key', '=', headers['idempotency-key'])
      .execute();
    expect(await purgeExpiredIdempotencyKeys(t.database.db)).toBeGreaterThanOrEqual(1);
    const left = await t.database.db.selectFrom('idempotency_keys').select('key').where('key', '=', headers['idempotency-key']).execute();
    expect(left).toEqual([]);
  });
});

describe('API keys', () => {
  it('creates keys with roles, enforces roles, and revokes', async () => {
    const { adminKey } = await t.council();
    const created = await t.call('POST', '/v1/api-keys', { key: adminKey, body: { name: 'Finance team', roles: ['finance'] } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    expect(created.json().roles).toEqual(['finance']);

    // A finance key cannot create keys or questionnaires.
    const forbidden = await t.call('POST', '/v1/api-keys', { key, body: { name: 'x', roles: ['admin'] } });
    expect(forbidden.statusCode).toBe(403);
    expect(problemOf(forbidden).code).toBe('FORBIDDEN');
    // …but can run stateless calculations.
    const calc = await t.call('POST', '/v1/calculations/clawback', {
      key,
      body: { annualPence: 100, councilPaidPence: 100, spentPence: 100, clawback: { type: 'percent', percent: 20 } },
    });
    expect(calc.statusCode).toBe(200);

    const revoked = await t.call('DELETE', `/v1/api-keys/${id}`, { key: adminKey });
    expect(revoked.statusCode).toBe(204);
    const after = await t.call('POST', '/v1/calculations/clawback', {
      key,
      body: { annualPence: 100, councilPaidPence: 100, spentPence: 100, clawback: { type: 'percent', percent: 20 } },
    });
    expect(after.statusCode).toBe(401);
    expect(problemOf(after).detail).toContain('revoked');
    const listed = (await t.call('GET', '/v1/api-keys', { key: adminKey })).json().items.find((item: { id: string }) => item.id === id);
    expect(listed.revokedAt).not.toBeNull();
  });

  it('refuses a portal key that also holds staff roles, unknown roles and unknown fields', async () => {
    const { adminKey } = await t
      .call('POST', '/v1/councils', { key: BOOTSTRAP_TOKEN, body: { name: 'Roles borough' } })
      .then((r) => ({ adminKey: r.json().adminKey.key as string }));
    const mixed = await t.call('POST', '/v1/api-keys', { key: adminKey, body: { name: 'x', roles: ['portal', 'admin'] } });
    expect(mixed.statusCode).toBe(422);
    expect(problemOf(mixed).errors?.[0]?.pointer).toBe('/roles');
    const unknown = await t.call('POST', '/v1/api-keys', { key: adminKey, body: { name: 'x', roles: ['superuser'] } });
    expect(unknown.statusCode).toBe(400);
    const extra = await t.call('POST', '/v1/api-keys', { key: adminKey, body: { name: 'x', roles: ['admin'], councilId: 'someone-else' } });
    expect(extra.statusCode).toBe(400);
    expect(problemOf(extra).errors).toContainEqual({ pointer: '/councilId', detail: 'is not a known field' });
  });

  it('never lets one council revoke or see another council’s keys', async () => {
    const a = await t.council();
    const b = await t.council();
    const keyOfB = (await t.call('POST', '/v1/api-keys', { key: b.adminKey, body: { name: 'b', roles: ['assessor'] } })).json();
    const attempt = await t.call('DELETE', `/v1/api-keys/${keyOfB.id}`, { key: a.adminKey });
    expect(attempt.statusCode).toBe(404);
    const listA = (await t.call('GET', '/v1/api-keys', { key: a.adminKey })).json();
    expect(listA.items.map((item: { id: string }) => item.id)).not.toContain(keyOfB.id);
  });

  it('refuses garbage and tampered keys alike', async () => {
    const { adminKey } = await t.council();
    // Another id with the right secret, the right id with another secret, and no key shape at all.
    const idEnd = 'ras_'.length + 31;
    const otherId = `${adminKey.slice(0, idEnd)}${adminKey[idEnd] === 'f' ? 'e' : 'f'}${adminKey.slice(idEnd + 1)}`;
    const otherSecret = `${adminKey.slice(0, -4)}${adminKey.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    // The real key is used first, so a wrong secret meets a key this instance has just verified.
    expect((await t.call('GET', '/v1/api-keys', { key: adminKey })).statusCode).toBe(200);
    for (const key of ['nonsense', otherSecret, otherId]) {
      const response = await t.call('GET', '/v1/api-keys', { key });
      expect(response.statusCode).toBe(401);
    }
    expect((await t.call('GET', '/v1/api-keys', { key: adminKey })).statusCode).toBe(200);
  });

  it('pages through keys with opaque tokens', async () => {
    const { adminKey } = await t.council();
    for (let i = 0; i < 4; i++) await t.key(adminKey, ['auditor'], `auditor ${i}`);
    const first = (await t.call('GET', '/v1/api-keys?pageSize=2', { key: adminKey })).json();
    expect(first.items).toHaveLength(2);
    const second = (await t.call('GET', `/v1/api-keys?pageSize=2&pageToken=${first.nextPageToken}`, { key: adminKey })).json();
    const third = (await t.call('GET', `/v1/api-keys?pageSize=2&pageToken=${second.nextPageToken}`, { key: adminKey })).json();
    const names = [...first.items, ...second.items, ...third.items].map((item: { name: string }) => item.name);
    expect(names).toEqual(['First admin key', 'auditor 0', 'auditor 1', 'auditor 2', 'auditor 3']);
    expect(third.nextPageToken).toBeNull();
    const bad = await t.call('GET', '/v1/api-keys?pageToken=garbage', { key: adminKey });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe('INVALID_PAGE_TOKEN');
  });
});
