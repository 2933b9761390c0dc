import { createServer } from 'node:net';
import { importJWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { loopbackListener } from './helpers/loopback-listener.js';
import { type OpenIdProvider, signingKey, startOpenIdProvider } from './helpers/openid-provider.js';
import { PLAN, withRegisteredProviders } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Identity from a council's own identity provider (issue 32): OAuth 2.0 access tokens verified
// against a real OpenID Connect provider the suite starts (oidc-provider), not a mock.

const ROLE_MAP = {
  'RAS.Assessor': ['assessor'],
  'RAS.TeamManager': ['team-manager'],
  'RAS.Panel': ['panel'],
  'RAS.Integration': ['integration', 'assessor'],
  'RAS.Admin': ['admin'],
};
const DIRECTORY = {
  clients: { carefirst: { roles: ['RAS.Integration'] }, 'no-roles-app': { roles: ['Mail.Send'] } },
  people: {
    alice: { name: 'Alice Smith', roles: ['RAS.Assessor', 'RAS.TeamManager', 'RAS.Panel'] },
    bob: { name: 'Bob Jones', roles: ['RAS.Assessor', 'RAS.TeamManager', 'RAS.Panel'] },
    // A namesake of alice: a different verified person with the same display name.
    alice2: { name: 'Alice Smith', roles: ['RAS.Assessor', 'RAS.TeamManager', 'RAS.Panel'] },
    reader: { name: 'Pat Reader', roles: ['Directory.Read'] },
  },
};

// The service's clock, which key expiry and change-overs are measured on; a test moves it and puts it back.
// Tokens' exp and nbf are checked against real time, as the provider sets them.
const NOON = Date.parse('2026-12-07T12:00:00Z');
let now = NOON;
const clock = { now: () => new Date(now), today: () => new Date(now).toISOString().slice(0, 10) };
const later = (hours: number) => {
  now = NOON + hours * 3_600_000;
};
afterEach(() => later(0));

let t: TestApp;
let a: SetUpCouncil;
let b: SetUpCouncil;
let providerA: OpenIdProvider;
let providerB: OpenIdProvider;

async function trust(council: SetUpCouncil, provider: OpenIdProvider, extra: Record<string, unknown> = {}) {
  const response = await t.call('PUT', '/v1/identity-provider', {
    key: council.keys.admin,
    body: { issuer: provider.issuer, audience: provider.audience, roleMap: ROLE_MAP, clockToleranceSeconds: 30, ...extra },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response;
}

/** A token signed with one of a provider's keys, with any claims: what the provider would never issue. */
async function forged(key: { privateJwk: object; kid: string }, claims: Record<string, unknown>, alg = 'RS256') {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'alice', name: 'Alice Smith', roles: ['RAS.Assessor'], iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
    .sign(await importJWK(key.privateJwk, alg));
}

/** Who the audit record of a created entity names as acting. */
const recordedActor = (entityId: string) =>
  t.database.db.selectFrom('audit_log').select(['actor', 'actor_name']).where('entity_id', '=', entityId).executeTakeFirstOrThrow();

const people = (token: string, headers: Record<string, string> = {}) =>
  t.call('POST', '/v1/people', { key: token, body: { clientGroup: 'learning-disability' }, headers });

function challenge(response: { headers: Record<string, unknown> }): string {
  return String(response.headers['www-authenticate'] ?? '');
}

beforeAll(async () => {
  t = await createTestApp({ clock, identityProviders: { jwksCooldownMs: 0, timeoutMs: 2_000 } });
  a = await setUpCouncil(t);
  b = await setUpCouncil(t);
  providerA = await startOpenIdProvider({ audience: 'api://ras-council-a', directory: DIRECTORY, keys: [await signingKey('a-1')] });
  providerB = await startOpenIdProvider({ audience: 'api://ras-council-b', directory: DIRECTORY, keys: [await signingKey('b-1')] });
  await trust(a, providerA);
  await trust(b, providerB);
});
afterAll(async () => {
  await t.close();
  await providerA?.close();
  await providerB?.close();
});

describe('setting the council’s identity provider', () => {
  it('reads back what was set, and changes it only with If-Match', async () => {
    const read = await t.call('GET', '/v1/identity-provider', { key: a.keys.admin });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      issuer: providerA.issuer,
      audience: 'api://ras-council-a',
      rolesClaim: 'roles',
      algorithms: ['RS256'],
    });
    const body = { issuer: providerA.issuer, audience: providerA.audience, roleMap: ROLE_MAP, clockToleranceSeconds: 30 };
    const blind = await t.call('PUT', '/v1/identity-provider', { key: a.keys.admin, body });
    expect(blind.statusCode).toBe(428);
    const changed = await t.call('PUT', '/v1/identity-provider', {
      key: a.keys.admin,
      body,
      headers: { 'if-match': read.headers.etag as string },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().version).toBe(read.json().version + 1);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('council_id', '=', a.id)
      .where('entity_type', '=', 'identity-provider')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['identity-provider.set', 'identity-provider.set']);
  });

  it('refuses a plain-http issuer off loopback, a portal role, and another council’s issuer and audience', async () => {
    const c = await setUpCouncil(t);
    const put = (body: Record<string, unknown>) =>
      t.call('PUT', '/v1/identity-provider', {
        key: c.keys.admin,
        body: { issuer: providerA.issuer, audience: 'api://c', roleMap: ROLE_MAP, ...body },
      });
    const insecure = await put({ issuer: 'http://login.example.org/tenant/v2.0' });
    expect(insecure.statusCode).toBe(422);
    expect(problemOf(insecure).errors?.[0]?.pointer).toBe('/issuer');
    const portal = await put({ roleMap: { 'RAS.Portal': ['portal'] } });
    expect(portal.statusCode).toBe(400);
    const clash = await put({ audience: providerA.audience });
    expect(clash.statusCode).toBe(409);
    expect(problemOf(clash).errors?.[0]?.pointer).toBe('/audience');
    expect((await t.call('PUT', '/v1/identity-provider', { key: c.keys.assessor, body: {} })).statusCode).toBe(403);
  });
});

describe('valid tokens from the provider', () => {
  it('acts as the person a token names: their subject and name on the audit record and in the access log', async () => {
    const token = await providerA.personToken('alice');
    const created = await people(token);
    expect(created.statusCode, created.body).toBe(201);
    const personId = created.json().id as string;
    expect(await recordedActor(personId)).toEqual({ actor: 'user:alice', actor_name: 'Alice Smith' });
    expect((await t.call('GET', `/v1/people/${personId}`, { key: token })).statusCode).toBe(200);
    const log = await t.call('GET', `/v1/access-log?personId=${personId}`, { key: a.keys.admin });
    expect(log.json().items.at(-1)).toMatchObject({ subject: 'alice', actorName: 'Alice Smith', keyId: null, operationId: 'getPerson' });
  });

  it('serves a record system with a client-credentials token, which may name its user in Ras-Actor', async () => {
    const token = await providerA.clientToken('carefirst');
    const created = await people(token, { 'ras-actor': 'carefirst:jsmith' });
    expect(created.statusCode, created.body).toBe(201);
    expect(await recordedActor(created.json().id)).toEqual({ actor: 'client:carefirst', actor_name: 'carefirst:jsmith' });
    // Integration maps to integration and assessor, never admin.
    expect((await t.call('GET', '/v1/api-keys', { key: token })).statusCode).toBe(403);
  });

  it('refuses Ras-Actor with a person’s token: the token already names them', async () => {
    const response = await people(await providerA.personToken('bob'), { 'ras-actor': 'someone-else' });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/headers/ras-actor');
  });

  it('answers 403 with insufficient_scope when the roles map to none of ours, or not to the operation’s', async () => {
    const reader = await people(await providerA.personToken('reader'));
    expect(reader.statusCode).toBe(403);
    expect(problemOf(reader).detail).toMatch(/Directory\.Read.*map to none/);
    expect(challenge(reader)).toContain('error="insufficient_scope"');
    const app = await people(await providerA.clientToken('no-roles-app'));
    expect(app.statusCode).toBe(403);
    const notAdmin = await t.call('GET', '/v1/api-keys', { key: await providerA.personToken('alice') });
    expect(notAdmin.statusCode).toBe(403);
  });

  it('lets two verified people behind one record system decide two stages, and refuses one person two', async () => {
    const alice = await providerA.personToken('alice');
    const bob = await providerA.personToken('bob');
    const namesake = await providerA.personToken('alice2');
    const { assessmentId, personId } = await agreedPerson(t, a);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: a.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const budget = await t.call('POST', '/v1/budgets', { key: a.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    const plan = await t.call('POST', '/v1/support-plans', {
      key: alice,
      body: { budgetId: budget.json().id, ...(await withRegisteredProviders(t, a, PLAN)) },
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const url = `/v1/support-plans/${plan.json().id}`;
    let last = await t.call('POST', `${url}/submit`, { key: alice, headers: { 'if-match': plan.headers.etag as string } });
    const decide = (token: string, stage: string, extra: object = {}) =>
      t.call('POST', `${url}/decisions`, {
        key: token,
        headers: { 'if-match': last.headers.etag as string },
        body: { stage, outcome: 'approve', reasons: 'ok', ...extra },
      });
    last = await decide(alice, 'coordinator');
    expect(last.statusCode, last.body).toBe(200);
    const again = await decide(alice, 'team-manager');
    expect(problemOf(again).code).toBe('SAME_ACTOR');
    // Same display name, different verified subject: a different person.
    last = await decide(namesake, 'team-manager');
    expect(last.statusCode, last.body).toBe(200);
    last = await decide(bob, 'panel', { startDate: '2026-05-01' });
    expect(last.statusCode, last.body).toBe(200);
    expect(last.json().decisions.map((d: { actorName: string }) => d.actorName)).toEqual(['Alice Smith', 'Alice Smith', 'Bob Jones']);
  });
});

describe('tokens that fail a check: 401 with WWW-Authenticate naming the error (RFC 6750)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const aud = 'api://ras-council-a';

  async function refused(token: string, reason: RegExp) {
    const response = await people(token);
    expect(response.statusCode, response.body).toBe(401);
    expect(problemOf(response).detail).toMatch(reason);
    expect(challenge(response)).toMatch(/^Bearer realm="ras", error="invalid_token", error_description=".+"$/);
  }

  it('accepts a token the provider’s own key signed with the right claims (the forgeries below differ in one thing)', async () => {
    const key = providerA.keys[0]!;
    expect((await people(await forged(key, { iss: providerA.issuer, aud }))).statusCode).toBe(201);
  });

  it('refuses an expired token, and one not valid yet, beyond the council’s clock tolerance', async () => {
    const key = providerA.keys[0]!;
    await refused(await forged(key, { iss: providerA.issuer, aud, iat: now() - 600, exp: now() - 120 }), /expired/);
    await refused(await forged(key, { iss: providerA.issuer, aud, nbf: now() + 120 }), /not valid yet/);
    // Within the 30 s tolerance, a provider's clock a little ahead or behind is not a refusal.
    expect((await people(await forged(key, { iss: providerA.issuer, aud, iat: now() - 600, exp: now() - 10 }))).statusCode).toBe(201);
    expect((await people(await forged(key, { iss: providerA.issuer, aud, nbf: now() + 10 }))).statusCode).toBe(201);
    await refused(await forged(key, { iss: providerA.issuer, aud, exp: undefined }), /exp/);
  });

  it('refuses another audience, an issuer no council trusts, alg none and HS256 signed with the public key', async () => {
    const key = providerA.keys[0]!;
    await refused(await forged(key, { iss: providerA.issuer, aud: 'api://something-else' }), /audience/);
    await refused(await forged(key, { iss: 'https://login.example.org/elsewhere/v2.0', aud }), /No council trusts/);
    const claims = Buffer.from(
      JSON.stringify({ iss: providerA.issuer, aud, sub: 'alice', roles: ['RAS.Assessor'], exp: now() + 300 }),
    ).toString('base64url');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${claims}.`;
    await refused(unsigned, /not valid|algorithm/);
    // The key confusion attack: the public key's bytes used as an HMAC secret.
    const publicBytes = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const hmac = await new SignJWT({ iss: providerA.issuer, aud, sub: 'alice', roles: ['RAS.Assessor'], exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .sign(publicBytes);
    await refused(hmac, /algorithm/);
    await refused('eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', /well-formed|issuer/);
  });

  it('refuses a key the provider does not publish, after fetching its keys again', async () => {
    const stranger = await signingKey('not-published');
    const before = providerA.jwksFetches;
    await refused(await forged(stranger, { iss: providerA.issuer, aud }), /key id/);
    expect(providerA.jwksFetches).toBeGreaterThan(before);
  });

  it('follows a provider key rotation without a restart, and refuses the old key once it is withdrawn', async () => {
    const old = providerA.keys[0]!;
    const next = await signingKey('a-2');
    await providerA.rotate([next, old]);
    const fresh = await providerA.personToken('alice');
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe('a-2');
    expect((await people(fresh)).statusCode).toBe(201);
    expect((await people(await forged(old, { iss: providerA.issuer, aud }))).statusCode).toBe(201);
    await providerA.rotate([next]);
    // A key id seen before stays cached until the key set is fetched again: a new unknown kid fetches it.
    await refused(await forged(await signingKey('a-3'), { iss: providerA.issuer, aud }), /key id/);
    await refused(await forged(old, { iss: providerA.issuer, aud }), /key id|signature/);
  });
});

describe('councils apart', () => {
  it('acts in the council whose issuer signed the token, never another’s', async () => {
    const inA = await people(await providerA.personToken('alice'));
    expect(inA.statusCode).toBe(201);
    const tokenB = await providerB.personToken('alice');
    const inB = await people(tokenB);
    expect(inB.statusCode).toBe(201);
    expect((await t.call('GET', `/v1/people/${inA.json().id}`, { key: tokenB })).statusCode).toBe(404);
    expect((await t.call('GET', `/v1/people/${inB.json().id}`, { key: tokenB })).statusCode).toBe(200);
    const rows = await t.database.db
      .selectFrom('people')
      .select(['id', 'council_id'])
      .where('id', 'in', [inA.json().id, inB.json().id])
      .execute();
    expect(new Map(rows.map((row) => [row.id, row.council_id]))).toEqual(
      new Map([
        [inA.json().id, a.id],
        [inB.json().id, b.id],
      ]),
    );
  });

  it('refuses a token claiming council B’s issuer but signed with council A’s provider key', async () => {
    const response = await people(await forged(providerA.keys[0]!, { iss: providerB.issuer, aud: providerB.audience }));
    expect(response.statusCode).toBe(401);
    expect(challenge(response)).toContain('error="invalid_token"');
  });
});

describe('an identity provider that cannot be reached', () => {
  it('answers 503 to its tokens while the council’s API keys carry on', async () => {
    const c = await setUpCouncil(t);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const issuer = `http://127.0.0.1:${port}`;
    const set = await t.call('PUT', '/v1/identity-provider', {
      key: c.keys.admin,
      body: { issuer, audience: 'api://c', roleMap: ROLE_MAP },
    });
    expect(set.statusCode, set.body).toBe(201);
    const signer = await signingKey('c-1');
    const response = await people(await forged(signer, { iss: issuer, aud: 'api://c' }));
    expect(response.statusCode, response.body).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    // What the service tried to reach, and what answered, stay in its log.
    expect(problemOf(response).detail).not.toContain('127.0.0.1');
    expect((await people(c.keys.assessor)).statusCode).toBe(201);
  });

  it('asks a failing provider once, not once a token: one fetch in flight, a failure remembered', async () => {
    const c = await setUpCouncil(t);
    const failing = await loopbackListener((respond) => respond(500));
    try {
      const issuer = `http://127.0.0.1:${failing.port}`;
      await t.call('PUT', '/v1/identity-provider', { key: c.keys.admin, body: { issuer, audience: 'api://failing', roleMap: ROLE_MAP } });
      const signer = await signingKey('f-1');
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () => people(await forged(signer, { iss: issuer, aud: 'api://failing' }))),
      );
      expect(answers.map((answer) => answer.statusCode)).toEqual(Array(8).fill(503));
      expect((await people(await forged(signer, { iss: issuer, aud: 'api://failing' }))).statusCode).toBe(503);
      expect(failing.received).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });
});

describe('what a council may point the service at', () => {
  it('refuses an identity provider on a private or internal address when private targets are not allowed', async () => {
    const strict = await createTestApp({ allowPrivateWebhooks: false });
    try {
      const admin = (await strict.council()).adminKey;
      for (const [field, body] of [
        ['/issuer', { issuer: 'https://10.0.0.5/tenant/v2.0' }],
        ['/issuer', { issuer: 'https://localhost/tenant/v2.0' }],
        ['/jwksUri', { issuer: 'https://1.1.1.1/tenant', jwksUri: 'https://169.254.169.254/keys' }],
      ] as const) {
        const response = await strict.call('PUT', '/v1/identity-provider', {
          key: admin,
          body: { audience: 'api://x', roleMap: ROLE_MAP, ...body },
        });
        expect(response.statusCode, response.body).toBe(422);
        expect(problemOf(response).errors?.[0]?.pointer).toBe(field);
      }
    } finally {
      await strict.close();
    }
  });

  it('maps a provider role named after an object property to nothing (403, not 500)', async () => {
    const response = await people(
      await forged(providerA.keys[0]!, { iss: providerA.issuer, aud: 'api://ras-council-a', roles: ['constructor', 'toString'] }),
    );
    expect(response.statusCode).toBe(403);
  });

  it('takes an Entra ID app-only token (its subject the service principal, no scp) as a system, which may name its user', async () => {
    const token = await forged(providerA.keys[0]!, {
      iss: providerA.issuer,
      aud: 'api://ras-council-a',
      sub: 'service-principal-oid',
      oid: 'service-principal-oid',
      azp: 'carefirst-app-id',
      name: undefined,
      roles: ['RAS.Integration'],
    });
    const created = await people(token, { 'ras-actor': 'carefirst:apatel' });
    expect(created.statusCode, created.body).toBe(201);
    expect(await recordedActor(created.json().id)).toEqual({ actor: 'client:service-principal-oid', actor_name: 'carefirst:apatel' });
  });
});

describe('API keys: expiry and rotation with two live secrets', () => {
  it('refuses a key after its expiry', async () => {
    const soon = new Date(NOON + 3_600_000).toISOString();
    const created = await t.call('POST', '/v1/api-keys', {
      key: a.keys.admin,
      body: { name: 'short-lived', roles: ['assessor'], expiresAt: soon },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().expiresAt).toBe(soon);
    expect((await people(created.json().key)).statusCode).toBe(201);
    later(2);
    const expired = await people(created.json().key);
    expect(expired.statusCode).toBe(401);
    expect(problemOf(expired).detail).toMatch(/expired/);
    const past = await t.call('POST', '/v1/api-keys', {
      key: a.keys.admin,
      body: { name: 'past', roles: ['assessor'], expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(422);
  });

  it('revokes an expired admin key even when only one other admin key is active', async () => {
    const c = await setUpCouncil(t);
    const soon = new Date(NOON + 3_600_000).toISOString();
    const spare = await t.call('POST', '/v1/api-keys', {
      key: c.keys.admin,
      body: { name: 'temporary admin', roles: ['admin'], expiresAt: soon },
    });
    later(2);
    expect((await t.call('DELETE', `/v1/api-keys/${spare.json().id}`, { key: c.keys.admin })).statusCode).toBe(204);
    // The last active one is still kept.
    const own = (await t.call('GET', '/v1/api-keys', { key: c.keys.admin }))
      .json()
      .items.find((k: { name: string; roles: string[] }) => k.name !== 'temporary admin' && k.roles.includes('admin'));
    expect((await t.call('DELETE', `/v1/api-keys/${own.id}`, { key: c.keys.admin })).statusCode).toBe(409);
  });

  it('rotates a key: both secrets work during the change-over, then only the new one', async () => {
    const created = await t.call('POST', '/v1/api-keys', { key: a.keys.admin, body: { name: 'record system', roles: ['assessor'] } });
    const old = created.json().key as string;
    const rotated = await t.call('POST', `/v1/api-keys/${created.json().id}/rotation`, {
      key: a.keys.admin,
      body: { previousSecretValidForHours: 1 },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json().key as string;
    expect(fresh).not.toBe(old);
    expect(rotated.json().id).toBe(created.json().id);
    expect((await people(old)).statusCode).toBe(201);
    expect((await people(fresh)).statusCode).toBe(201);
    // Past the hour's change-over only the new secret works.
    later(2);
    expect((await people(old)).statusCode).toBe(401);
    expect((await people(fresh)).statusCode).toBe(201);
    later(0);
    // A second rotation with no overlap: the secret before is refused at once.
    const again = await t.call('POST', `/v1/api-keys/${created.json().id}/rotation`, {
      key: a.keys.admin,
      body: { previousSecretValidForHours: 0 },
    });
    expect(again.statusCode).toBe(200);
    expect((await people(again.json().key)).statusCode).toBe(201);
    expect((await people(fresh)).statusCode).toBe(401);
    expect((await people(old)).statusCode).toBe(401);
    const listed = await t.call('GET', '/v1/api-keys', { key: a.keys.admin });
    const summary = listed.json().items.find((k: { id: string }) => k.id === created.json().id);
    expect(summary.rotatedAt).not.toBeNull();
    expect(summary).not.toHaveProperty('key');
  });
});
