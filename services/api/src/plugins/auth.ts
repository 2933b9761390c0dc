import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { parseApiKey, secretMatches, tokensMatch } from '../auth/api-key.js';
import { type Access, actorOf, type Principal, PUBLIC, type Role, type Scope } from '../auth/roles.js';
import type { ChangeContext } from '../db/changes.js';
import { AppError } from '../errors.js';

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
  readonly secretHash: string;
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

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? (match[1] as string) : null;
}

const unauthenticated = (detail: string) =>
  new AppError('UNAUTHENTICATED', detail, { headers: { 'www-authenticate': 'Bearer realm="ras"' } });

/** The audit context of a request: its council, its actor and its id. */
export function changeContext(request: FastifyRequest): ChangeContext {
  const principal = request.principal;
  return { councilId: principal.kind === 'key' ? principal.councilId : null, actor: actorOf(principal), requestId: request.id };
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
  async function auth(app: FastifyInstance, options: { bootstrapToken: string | null }) {
    const cache = new Map<string, CachedKey>();
    app.decorateRequest('principal', null as never);
    app.decorate('forgetApiKey', (id: string) => {
      cache.delete(id);
    });

    async function loadKey(id: string): Promise<CachedKey | null> {
      const now = Date.now();
      const cached = cache.get(id);
      if (cached && cached.expiresAt > now) return cached;
      const row = await app.db
        .selectFrom('api_keys')
        .select(['council_id', 'roles', 'secret_hash', 'revoked_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return null;
      const entry: CachedKey = {
        councilId: row.council_id,
        roles: row.roles as Role[],
        secretHash: row.secret_hash,
        revoked: row.revoked_at !== null,
        expiresAt: now + KEY_CACHE_MS,
      };
      if (cache.size >= KEY_CACHE_MAX) cache.delete(cache.keys().next().value as string);
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

    app.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config.access;
      // Only the not-found handler has no access rule; it answers 404 whatever the credentials.
      if (access === undefined || access.kind === 'public') return;
      const presented = bearer(request);
      if (presented === null) throw unauthenticated('Send an API key as `Authorization: Bearer <key>`');
      if (access.kind === 'operator') {
        if (options.bootstrapToken === null)
          throw new AppError('FORBIDDEN', 'Creating councils is switched off: the service was started without BOOTSTRAP_TOKEN');
        if (!tokensMatch(presented, options.bootstrapToken)) throw unauthenticated('The operator token is not valid');
        request.principal = { kind: 'operator' };
        return;
      }
      if (access.allowOperator && options.bootstrapToken !== null && tokensMatch(presented, options.bootstrapToken)) {
        request.principal = { kind: 'operator' };
        return;
      }
      const parsed = parseApiKey(presented);
      const key = parsed ? await loadKey(parsed.id) : null;
      if (!parsed || !key || !secretMatches(parsed.secret, key.secretHash)) throw unauthenticated('The API key is not valid');
      if (key.revoked) throw unauthenticated('The API key has been revoked');
      if (!access.roles.some((role) => key.roles.includes(role))) {
        throw new AppError(
          'FORBIDDEN',
          `This operation needs one of the roles: ${access.roles.join(', ')}; the key has ${key.roles.join(', ')}`,
        );
      }
      request.principal = {
        kind: 'key',
        keyId: parsed.id,
        councilId: key.councilId,
        roles: key.roles,
        portalKeyId: key.roles.includes('portal') ? parsed.id : null,
      };
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
