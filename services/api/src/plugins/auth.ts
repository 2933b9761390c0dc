import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  claimedIssuer,
  IssuerKeys,
  looksLikeJwt,
  ProviderUnreachable,
  TokenRefused,
  type TrustedIssuer,
  type VerifiedIdentity,
  verifyAccessToken,
} from '../auth/access-token.js';
import { parseApiKey, secretMatches, textsMatch, tokensMatch } from '../auth/api-key.js';
import { type Access, actorNameOf, actorOf, type Principal, PUBLIC, type Role, type Scope } from '../auth/roles.js';
import { makeRoom } from '../bounded-map.js';
import type { ChangeContext } from '../db/changes.js';
import { AppError } from '../errors.js';
import { hasControlCharacter } from '../http/control-characters.js';
import { FixedWindows } from '../http/fixed-windows.js';
import { findKeyToAuthenticate } from '../repositories/councils.js';
import { findTrustedIssuers } from '../repositories/identity-providers.js';

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
    /** Forgets which councils trust an issuer at once (their settings changed on this instance). */
    forgetIdentityProvider(issuer: string): void;
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
  /** During a rotation, the replaced secret's hash and until when (epoch ms) it still works. */
  readonly previousHash: Buffer | null;
  readonly previousUntil: number;
  readonly revoked: boolean;
  /** When the key itself stops working (epoch ms); null: never. */
  readonly keyExpiresAt: number | null;
  /** When this cache entry goes stale. */
  readonly expiresAt: number;
}

/** The councils trusting one issuer, as cached. */
interface CachedIssuer {
  readonly trusted: readonly TrustedIssuer[];
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

/**
 * A quoted-string of an auth-param (RFC 9110): quotes and backslashes escaped, and only visible
 * ASCII, which is all error_description may hold (RFC 6750, section 3).
 */
const quoted = (text: string) =>
  `"${text
    .replace(/[‘’]/g, "'")
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** 401 without credentials: the challenge names no error (RFC 6750, section 3.1). */
const unauthenticated = (detail: string) =>
  new AppError('UNAUTHENTICATED', detail, { headers: { 'www-authenticate': 'Bearer realm="ras"' } });

/** 401 for credentials that fail a check: `error="invalid_token"` and why (RFC 6750, section 3.1). */
const invalidToken = (detail: string) =>
  new AppError('UNAUTHENTICATED', detail, {
    headers: { 'www-authenticate': `Bearer realm="ras", error="invalid_token", error_description=${quoted(detail)}` },
  });

/** 403 for credentials without a role the operation needs: `error="insufficient_scope"`. */
const insufficientRoles = (detail: string) =>
  new AppError('FORBIDDEN', detail, {
    headers: { 'www-authenticate': `Bearer realm="ras", error="insufficient_scope", error_description=${quoted(detail)}` },
  });

/** The audit context of a request: its council, its actor and its id. */
export function changeContext(request: FastifyRequest): ChangeContext {
  const principal = request.principal;
  return {
    councilId: principal.kind === 'operator' ? null : principal.councilId,
    actor: actorOf(principal),
    actorName: actorNameOf(principal),
    requestId: request.id,
  };
}

/** What a request acting within a council (by key or token) may see. */
export function scopeOf(request: FastifyRequest): Scope {
  const principal = request.principal;
  if (principal.kind === 'operator') throw new Error('route needs a council credential');
  return { councilId: principal.councilId, portalKeyId: principal.portalKeyId };
}

/** The council of a request acting within one (by key or token). */
export function councilOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal.kind === 'operator') throw new Error('route needs a council credential');
  return principal.councilId;
}

export interface AuthOptions {
  readonly bootstrapToken: string | null;
  readonly failedAuthPerMinute: number;
  /** How long after fetching an issuer's keys an unknown key id may fetch them again (jose's cooldown). */
  readonly jwksCooldownMs?: number;
  /** How long fetching an issuer's discovery document or keys may take before it counts as unreachable. */
  readonly identityProviderTimeoutMs?: number;
}

export default fp(
  async function auth(app: FastifyInstance, options: AuthOptions) {
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
        previousHash: row.previous_secret_hash === null ? null : Buffer.from(row.previous_secret_hash, 'hex'),
        previousUntil: row.previous_secret_expires_at?.getTime() ?? 0,
        revoked: row.revoked_at !== null,
        keyExpiresAt: row.expires_at?.getTime() ?? null,
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
        if (secretMatches(secret, key.secretHash)) {
          key.verifiedSecret = secret;
        } else if (key.previousHash === null || !secretMatches(secret, key.previousHash)) {
          return failed(request, 'The API key is not valid');
        } else if (key.previousUntil <= app.clock.now().getTime()) {
          // The secret a rotation replaced, past its change-over: never cached, so it stops on time.
          return failed(request, 'The API key’s secret was replaced by a rotation and its change-over has ended');
        }
        makeRoom(verified, KEY_CACHE_MAX);
        verified.set(id, Date.now() + VERIFIED_KEY_MS);
      }
      if (key.revoked) return failed(request, 'The API key has been revoked');
      // Expiry and change-over are dates an admin set: measured on the service's one clock.
      if (key.keyExpiresAt !== null && key.keyExpiresAt <= app.clock.now().getTime()) return failed(request, 'The API key has expired');
      if (!access.roles.some((role) => key.roles.includes(role))) {
        return insufficientRoles(`This operation needs one of the roles: ${access.roles.join(', ')}; the key has ${key.roles.join(', ')}`);
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
      return invalidToken(detail);
    }

    // Identity providers' addresses obey the same outbound rule as webhooks (ALLOW_PRIVATE_WEBHOOKS).
    const issuerKeys = new IssuerKeys(app.webhookTargets, {
      cooldownMs: options.jwksCooldownMs ?? 30_000,
      timeoutMs: options.identityProviderTimeoutMs ?? 5_000,
      discoveryCacheMs: 3_600_000,
    });
    /** The councils trusting each issuer, cached like keys; an issuer no council trusts is cached as such. */
    const issuers = new Map<string, CachedIssuer>();
    app.decorate('forgetIdentityProvider', (issuer: string) => {
      issuers.delete(issuer);
    });

    async function trustedBy(issuer: string): Promise<readonly TrustedIssuer[]> {
      const cached = issuers.get(issuer);
      if (cached && cached.expiresAt > Date.now()) return cached.trusted;
      const trusted = await findTrustedIssuers(app.db, issuer);
      makeRoom(issuers, KEY_CACHE_MAX);
      issuers.set(issuer, { trusted, expiresAt: Date.now() + KEY_CACHE_MS });
      return trusted;
    }

    /**
     * Who a bearer access token says is acting, or the error that refuses it: 401 for a token that
     * fails a check, 403 for one whose roles map to none this operation needs, 503 when the
     * council's identity provider cannot be reached (API keys are unaffected).
     */
    async function authenticateToken(
      request: FastifyRequest,
      access: Extract<Access, { kind: 'roles' }>,
      token: string,
    ): Promise<AppError | null> {
      let identity: VerifiedIdentity;
      let councilId: string;
      try {
        const claimed = claimedIssuer(token);
        const candidates = await trustedBy(claimed.issuer);
        if (candidates.length === 0) return failed(request, 'No council trusts the access token’s issuer (iss)');
        // One issuer may serve several councils (a shared provider), each with its own audience.
        const trusted = candidates.find((candidate) => claimed.audiences.includes(candidate.audience)) ?? candidates[0];
        if (!trusted) return failed(request, 'No council trusts the access token’s issuer (iss)');
        identity = await verifyAccessToken(token, trusted, issuerKeys);
        councilId = trusted.councilId;
      } catch (error) {
        if (error instanceof TokenRefused) return failed(request, error.message);
        if (error instanceof ProviderUnreachable) {
          // What was asked and what answered go to the log only: the answer must not tell a caller
          // what the service can reach.
          request.log.warn({ err: error }, 'identity provider unreachable');
          return new AppError(
            'SERVICE_UNAVAILABLE',
            'The council’s identity provider could not be reached to verify the token; API keys still work',
          );
        }
        throw error;
      }
      if (identity.roles.length === 0) {
        return insufficientRoles(
          `The token’s ${identity.providerRoles.length === 0 ? 'roles claim is empty' : `roles (${identity.providerRoles.join(', ')}) map`} to none of this service’s roles: ask the council’s admin to map them (PUT /v1/identity-provider)`,
        );
      }
      if (!access.roles.some((role) => identity.roles.includes(role))) {
        return insufficientRoles(
          `This operation needs one of the roles: ${access.roles.join(', ')}; the token grants ${identity.roles.join(', ')}`,
        );
      }
      // A person's token names them; only a system acting for itself may name its user, as a key does.
      let actorName = identity.name;
      if (identity.isClient) {
        const named = namedActor(request);
        if (named instanceof AppError) return named;
        actorName = named ?? identity.name;
      } else if (request.headers[ACTOR_HEADER] !== undefined) {
        return new AppError(
          'VALIDATION_FAILED',
          'A person’s access token names who is acting; Ras-Actor is for API keys and client-credentials tokens',
          {
            errors: [{ pointer: `/headers/${ACTOR_HEADER}`, detail: 'must not be sent with a person’s access token' }],
          },
        );
      }
      request.principal = {
        kind: 'token',
        subject: identity.subject,
        isClient: identity.isClient,
        councilId,
        roles: identity.roles,
        portalKeyId: null,
        actorName,
      };
      return null;
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
      if (presented === null) return done(unauthenticated('Send an API key or an access token as `Authorization: Bearer <credential>`'));
      if (access.kind === 'roles' && looksLikeJwt(presented)) {
        const blocked = tooManyFailures(request);
        if (blocked) return done(blocked);
        authenticateToken(request, access, presented).then(
          (error) => done(error ?? undefined),
          (error: Error) => done(error),
        );
        return;
      }
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
