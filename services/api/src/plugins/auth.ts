import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { parseApiKey, secretMatches, textsMatch, tokensMatch } from '../auth/api-key.js';
import { type Access, actorNameOf, actorOf, type Principal, PUBLIC, type Role, type Scope } from '../auth/roles.js';
import { makeRoom } from '../bounded-map.js';
import type { ChangeContext } from '../db/changes.js';
import { AppError } from '../errors.js';
import { hasControlCharacter } from '../http/control-characters.js';
import { FixedWindows } from '../http/fixed-windows.js';
import { findKeyToAuthenticate } from '../repositories/councils.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every route must say. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The authenticated caller (routes with public access have none). */
    principal: Principal;
  }
  interface FastifyInstance {
    /** Forgets a cached key at once (revocation on this instance). */
    forgetApiKey(id: string): void;
  }
}

interface CachedKey {
  readonly councilId: string;
  readonly roles: readonly Role[];
  readonly secretHash: Buffer;
  /**
   * The secret last checked against the hash, for as long as the entry lives: a repeat request
   * is then one constant-time comparison instead of a SHA-256 (a measurable share of a hot
   * calculation). Memory only; the database keeps hashes alone.
   */
  verifiedSecret: string | null;
  readonly revoked: boolean;
  readonly expiresAt: number;
}

/**
 * Verified keys are cached briefly so a hot endpoint does not read the key table on every
 * request. Revocation clears this instance's entry at once; other instances notice within
 * this many milliseconds.
 */
export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
/** How long a key id that does not exist is remembered as such. */
const MISSING_KEY_CACHE_MS = 5_000;
/** How long a key whose secret verified counts as known to this instance. */
const VERIFIED_KEY_MS = 3_600_000;

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The header naming the person acting through a key. */
export const ACTOR_HEADER = 'ras-actor';

/** The Ras-Actor header, checked: text of 1 to 200 characters without control characters. */
function namedActor(request: FastifyRequest): string | null | AppError {
  const given = request.headers[ACTOR_HEADER];
  if (given === undefined) return null;
  const name = typeof given === 'string' ? given.trim() : '';
  if (name === '' || name.length > 200 || hasControlCharacter(name)) {
    return new AppError('VALIDATION_FAILED', 'Ras-Actor names the person acting through the key', {
      errors: [{ pointer: `/headers/${ACTOR_HEADER}`, detail: 'must be text of 1 to 200 characters, once' }],
    });
  }
  return name;
}

const unauthenticated = (detail: string) =>
  new AppError('UNAUTHENTICATED', detail, { headers: { 'www-authenticate': 'Bearer realm="ras"' } });

/** The audit context of a request: its council, its actor and its id. */
export function changeContext(request: FastifyRequest): ChangeContext {
  const principal = request.principal;
  return {
    councilId: principal.kind === 'key' ? principal.councilId : null,
    actor: actorOf(principal),
    actorName: actorNameOf(principal),
    requestId: request.id,
  };
}

/** What a key-authenticated request may see. */
export function scopeOf(request: FastifyRequest): Scope {
  const principal = request.principal;
  if (principal.kind !== 'key') throw new Error('route needs an API key');
  return { councilId: principal.councilId, portalKeyId: principal.portalKeyId };
}

/** The council of a key-authenticated request. */
export function councilOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal.kind !== 'key') throw new Error('route needs an API key');
  return principal.councilId;
}

export default fp(
  async function auth(app: FastifyInstance, options: { bootstrapToken: string | null; failedAuthPerMinute: number }) {
    const cache = new Map<string, CachedKey>();
    /** Key ids that do not exist, and until when that answer holds: a flood of bad keys is not a flood of queries. */
    const missing = new Map<string, number>();
    const failures = new FixedWindows(60_000, 100_000);
    /** Key ids whose secret verified on this instance lately: still checked from an address refused for failures. */
    const verified = new Map<string, number>();
    const knownGood = (id: string) => (verified.get(id) ?? 0) > Date.now();
    /**
     * Bumped by every revocation on this instance. A lookup that was in flight when its key was
     * revoked may have read the row before the revocation committed, so its answer is not cached.
     */
    let revisions = 0;
    const revokedAt = new Map<string, number>();
    app.decorateRequest('principal', null, []);
    app.decorate('forgetApiKey', (id: string) => {
      revisions += 1;
      makeRoom(revokedAt, KEY_CACHE_MAX);
      revokedAt.set(id, revisions);
      cache.delete(id);
    });

    /** The cached key when it is fresh, without a promise: the hot path of every request. */
    function cachedKey(id: string): CachedKey | undefined {
      const cached = cache.get(id);
      return cached && cached.expiresAt > Date.now() ? cached : undefined;
    }

    function knownMissing(id: string): boolean {
      const until = missing.get(id);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      missing.delete(id);
      return false;
    }

    async function loadKey(id: string): Promise<CachedKey | null> {
      const started = revisions;
      const row = await findKeyToAuthenticate(app.db, id);
      const now = Date.now();
      if (!row) {
        makeRoom(missing, KEY_CACHE_MAX);
        missing.set(id, now + MISSING_KEY_CACHE_MS);
        return null;
      }
      const entry: CachedKey = {
        councilId: row.council_id,
        roles: row.roles as Role[],
        secretHash: Buffer.from(row.secret_hash, 'hex'),
        verifiedSecret: null,
        revoked: row.revoked_at !== null,
        expiresAt: now + KEY_CACHE_MS,
      };
      if ((revokedAt.get(id) ?? -1) > started) return entry;
      makeRoom(cache, KEY_CACHE_MAX);
      cache.set(id, entry);
      return entry;
    }

    // Secure by default: a route that does not say who may call it does not start, except the
    // documentation pages, which are public.
    app.addHook('onRoute', (route) => {
      if (route.config?.access) return;
      if (route.url === '/docs' || route.url.startsWith('/docs/')) {
        route.config = { ...route.config, access: PUBLIC };
        return;
      }
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`);
    });

    /** Who the request is from, or the error that refuses it; throws nothing. */
    function authenticate(
      request: FastifyRequest,
      access: Extract<Access, { kind: 'roles' }>,
      key: CachedKey | null,
      { id, secret }: { id: string; secret: string },
    ): AppError | null {
      if (!key) return failed(request, 'The API key is not valid');
      if (key.verifiedSecret === null || !textsMatch(secret, key.verifiedSecret)) {
        if (!secretMatches(secret, key.secretHash)) return failed(request, 'The API key is not valid');
        key.verifiedSecret = secret;
        makeRoom(verified, KEY_CACHE_MAX);
        verified.set(id, Date.now() + VERIFIED_KEY_MS);
      }
      if (key.revoked) return failed(request, 'The API key has been revoked');
      if (!access.roles.some((role) => key.roles.includes(role))) {
        return new AppError(
          'FORBIDDEN',
          `This operation needs one of the roles: ${access.roles.join(', ')}; the key has ${key.roles.join(', ')}`,
        );
      }
      const actorName = namedActor(request);
      if (actorName instanceof AppError) return actorName;
      request.principal = {
        kind: 'key',
        keyId: id,
        councilId: key.councilId,
        roles: key.roles,
        portalKeyId: key.roles.includes('portal') ? id : null,
        actorName,
      };
      return null;
    }

    /** A failed authentication: counted against the client's address, answered 401. */
    function failed(request: FastifyRequest, detail: string): AppError {
      if (options.failedAuthPerMinute > 0) failures.hit(request.ip);
      return unauthenticated(detail);
    }

    /** 429 when the client's address has failed authentication too often this minute. */
    function tooManyFailures(request: FastifyRequest): AppError | null {
      if (options.failedAuthPerMinute <= 0) return null;
      const { count, resetSeconds } = failures.peek(request.ip);
      if (count < options.failedAuthPerMinute) return null;
      return new AppError('RATE_LIMITED', `Too many failed authentications from this address; retry after ${resetSeconds} s`, {
        headers: { 'retry-after': String(resetSeconds) },
      });
    }

    // A callback hook rather than an async one: a key found in the cache is checked without a
    // promise, which on a hot calculation endpoint is a measurable share of each request.
    app.addHook('onRequest', (request, _reply, done) => {
      const access = request.routeOptions.config.access;
      // Only the not-found handler has no access rule; it answers 404 whatever the credentials.
      if (access === undefined || access.kind === 'public') return done();
      const presented = bearer(request);
      if (presented === null) return done(unauthenticated('Send an API key as `Authorization: Bearer <key>`'));
      if (access.kind === 'operator' || (access.allowOperator && options.bootstrapToken !== null && !presented.startsWith('ras_'))) {
        if (options.bootstrapToken === null)
          return done(new AppError('FORBIDDEN', 'Creating councils is switched off: the service was started without BOOTSTRAP_TOKEN'));
        const blocked = tooManyFailures(request);
        if (blocked) return done(blocked);
        if (!tokensMatch(presented, options.bootstrapToken)) return done(failed(request, 'The operator token is not valid'));
        request.principal = { kind: 'operator' };
        return done();
      }
      const parsed = parseApiKey(presented);
      if (!parsed) return done(failed(request, 'The API key is not valid'));
      const cached = cachedKey(parsed.id);
      const blocked = tooManyFailures(request);
      // While an address is refused for failures, a key this instance has verified before is still
      // checked, so a caller behind the same NAT or proxy as a flood keeps working; a failure from
      // that address then answers 429, and a key id never verified here is refused without a query.
      const finish = (error: AppError | null) => done(blocked && error?.code === 'UNAUTHENTICATED' ? blocked : (error ?? undefined));
      if (cached) return finish(authenticate(request, access, cached, parsed));
      if (blocked && !knownGood(parsed.id)) return done(blocked);
      if (knownMissing(parsed.id)) return finish(failed(request, 'The API key is not valid'));
      loadKey(parsed.id).then(
        (key) => finish(authenticate(request, access, key, parsed)),
        (error: Error) => done(error),
      );
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
