import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { createRemoteJWKSet, customFetch, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
import { textFieldOf } from '../field-of.js';
import { ROLES, type Role } from './roles.js';

// OAuth 2.0 bearer access tokens from a council's own identity provider (Microsoft Entra ID or any
// OpenID Connect provider), verified against the issuer's published keys. Pure verification: which
// council trusts which issuer is read by the auth plugin and handed in as a TrustedIssuer.

/** Signature algorithms a council may allow: asymmetric only, so a public key can never sign. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
/** Roles a token can map to: a portal is always an API key, because a portal key sees only the people it created. */
export const TOKEN_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'portal');

/** What a council trusts: one issuer and audience, and how the token's claims become roles. */
export interface TrustedIssuer {
  readonly councilId: string;
  readonly issuer: string;
  readonly audience: string;
  /** Null: found from the issuer's discovery document. */
  readonly jwksUri: string | null;
  /** The claim carrying the provider's roles (Entra app roles arrive in `roles`). */
  readonly rolesClaim: string;
  /** The claim carrying the person's name, recorded with what they do. */
  readonly nameClaim: string;
  /** Each of the provider's role values, and the service's roles it grants. */
  readonly roleMap: Readonly<Record<string, readonly string[]>>;
  readonly algorithms: readonly string[];
  /** How far the provider's clock may be from ours, for `exp` and `nbf`. */
  readonly clockToleranceSeconds: number;
}

/** Who a verified token says is acting. */
export interface VerifiedIdentity {
  /** The token's subject: a person, or for a client-credentials token the client. */
  readonly subject: string;
  /** True for a client-credentials token: a system acting for itself, which may name its user in Ras-Actor. */
  readonly isClient: boolean;
  readonly name: string | null;
  readonly roles: readonly Role[];
  /** The provider's own role values, for a refusal that says what the token held. */
  readonly providerRoles: readonly string[];
}

/** A token that fails a check: 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750). */
export class TokenRefused extends Error {}
/** The issuer's keys or discovery document could not be fetched: 503, not the caller's fault. */
export class ProviderUnreachable extends Error {}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer credential is shaped like a JWT (API keys start `ras_` and have no dots). */
export function looksLikeJwt(credential: string): boolean {
  return JWT_SHAPE.test(credential);
}

/** The issuer and audiences a token claims, unverified: only to find which council's keys to verify it with. */
export function claimedIssuer(token: string): { issuer: string; audiences: readonly string[] } {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    throw new TokenRefused('The access token is not a well-formed JWT');
  }
  if (typeof payload.iss !== 'string' || payload.iss === '') throw new TokenRefused('The access token names no issuer (iss)');
  const aud = payload.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  return { issuer: payload.iss, audiences };
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Where the service may connect on the way out (the webhook target policy, webhooks/target-policy.ts):
 * identity providers' addresses are held to the same rule, so a council's admin cannot make the
 * service fetch from the network it runs in.
 */
export interface OutboundPolicy {
  /** Whether an address written in a URL may be connected to. */
  allows(address: string): boolean;
  /** A DNS lookup that hands sockets only addresses the policy allows (checked at connection time). */
  lookup(): LookupFunction;
}

/** How long a provider that could not be reached is answered 503 from memory before it is tried again. */
const UNREACHABLE_MS = 10_000;

/**
 * The issuers' key sets and discovery documents, cached per instance. A token signed with a key id
 * the cache does not hold refetches the key set (after `cooldownMs` since the last fetch), so a
 * provider's key rotation is picked up without a restart. Every fetch goes through the outbound
 * policy; one discovery fetch per issuer is in flight at a time, and a provider that failed is
 * not asked again for ten seconds, so a flood of tokens is not a flood of fetches.
 */
export class IssuerKeys {
  private readonly keySets = new Map<string, KeySet>();
  private readonly discovered = new Map<string, { readonly jwksUri: string; readonly until: number }>();
  private readonly discovering = new Map<string, Promise<string>>();
  private readonly unreachable = new Map<string, { readonly until: number; readonly reason: string }>();
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly options: { readonly cooldownMs: number; readonly timeoutMs: number; readonly discoveryCacheMs: number } = {
      cooldownMs: 30_000,
      timeoutMs: 5_000,
      discoveryCacheMs: 3_600_000,
    },
  ) {
    const lookup = policy.lookup();
    this.http = new HttpAgent({ keepAlive: true, maxSockets: 4, lookup });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: 4, lookup });
  }

  /**
   * A GET through the outbound policy, as a fetch Response (what jose's customFetch takes): no
   * redirects, a bounded body, given up after the timeout.
   */
  private get = (url: string, init: { signal?: AbortSignal | null } = {}): Promise<Response> => {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const https = target.protocol === 'https:';
    if ((!https && target.protocol !== 'http:') || (isIP(host) && !this.policy.allows(host))) {
      return Promise.reject(new Error('the address is not one the service may call'));
    }
    const signal = init.signal ?? AbortSignal.timeout(this.options.timeoutMs);
    return new Promise((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(
        target,
        { method: 'GET', headers: { accept: 'application/json' }, signal, agent: https ? this.https : this.http },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > 1_048_576) request.destroy(new Error('the answer is over 1 MB'));
            else chunks.push(chunk);
          });
          response.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 502 })));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  };

  /** Refuses at once while `url` is remembered as unreachable; remembers it when `work` fails to reach it. */
  private async reaching<T>(url: string, work: () => Promise<T>): Promise<T> {
    const down = this.unreachable.get(url);
    if (down && down.until > Date.now()) throw new ProviderUnreachable(down.reason);
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProviderUnreachable) {
        if (this.unreachable.size > 1_000) this.unreachable.clear();
        this.unreachable.set(url, { until: Date.now() + UNREACHABLE_MS, reason: error.message });
      }
      throw error;
    }
  }

  /** The key set URL: as configured, or from the issuer's OpenID Connect discovery document. */
  async jwksUriOf(trusted: TrustedIssuer): Promise<string> {
    if (trusted.jwksUri !== null) return trusted.jwksUri;
    const cached = this.discovered.get(trusted.issuer);
    if (cached && cached.until > Date.now()) return cached.jwksUri;
    let pending = this.discovering.get(trusted.issuer);
    if (!pending) {
      pending = this.reaching(trusted.issuer, () => this.discover(trusted.issuer)).finally(() => this.discovering.delete(trusted.issuer));
      this.discovering.set(trusted.issuer, pending);
    }
    return pending;
  }

  private async discover(issuer: string): Promise<string> {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await this.get(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = await response.json();
    } catch (error) {
      throw new ProviderUnreachable(`The identity provider's discovery document (${url}) could not be read: ${messageOf(error)}`);
    }
    // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was asked for.
    const jwksUri = textFieldOf(document, 'jwks_uri');
    if (textFieldOf(document, 'issuer') !== issuer || jwksUri === undefined || !isTrustableUrl(jwksUri)) {
      throw new ProviderUnreachable(`The discovery document at ${url} does not describe the issuer ${issuer} with an https jwks_uri`);
    }
    if (this.discovered.size > 1_000) this.discovered.clear();
    this.discovered.set(issuer, { jwksUri, until: Date.now() + this.options.discoveryCacheMs });
    return jwksUri;
  }

  keySet(jwksUri: string): KeySet {
    let keySet = this.keySets.get(jwksUri);
    if (!keySet) {
      if (this.keySets.size > 1_000) this.keySets.clear();
      keySet = createRemoteJWKSet(new URL(jwksUri), {
        cooldownDuration: this.options.cooldownMs,
        timeoutDuration: this.options.timeoutMs,
        [customFetch]: (url, init) => this.get(url, init),
      });
      this.keySets.set(jwksUri, keySet);
    }
    return keySet;
  }

  /** Resolves a token's key, remembering a key set that cannot be fetched (see {@link reaching}). */
  resolveKey(jwksUri: string, ...args: Parameters<KeySet>): ReturnType<KeySet> {
    const keySet = this.keySet(jwksUri);
    return this.reaching(jwksUri, async () => {
      try {
        return await keySet(...args);
      } catch (error) {
        // A key id the provider does not publish is the token's fault; failing to fetch is not.
        if (
          error instanceof errors.JWKSNoMatchingKey ||
          error instanceof errors.JWKSMultipleMatchingKeys ||
          error instanceof errors.JOSEAlgNotAllowed ||
          error instanceof errors.JOSENotSupported
        ) {
          throw error;
        }
        throw new ProviderUnreachable(`The identity provider's keys (${jwksUri}) could not be read: ${messageOf(error)}`);
      }
    });
  }
}

/** Text a claim holds: a list, or space-separated words (as `scp` and `scope` are). */
function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((word) => word !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** The service's roles the provider's values grant, through the council's map. */
export function mapRoles(providerRoles: readonly string[], roleMap: TrustedIssuer['roleMap']): Role[] {
  const granted = new Set<Role>();
  for (const value of providerRoles) {
    // Own properties only: a provider role named `constructor` maps to nothing.
    for (const role of Object.hasOwn(roleMap, value) ? (roleMap[value] ?? []) : []) {
      const known = TOKEN_ROLES.find((candidate) => candidate === role);
      if (known) granted.add(known);
    }
  }
  return TOKEN_ROLES.filter((role) => granted.has(role));
}

/** Why jose refused a token, in words a council's IT team can act on. */
function refusal(error: unknown): Error {
  if (error instanceof ProviderUnreachable || error instanceof TokenRefused) return error;
  if (error instanceof errors.JWTExpired) return new TokenRefused('The access token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (claim === 'nbf') return new TokenRefused('The access token is not valid yet (nbf)');
    if (claim === 'aud') return new TokenRefused('The access token is for another audience (aud)');
    if (claim === 'iss') return new TokenRefused('The access token is from another issuer (iss)');
    return new TokenRefused(`The access token's ${claim} claim is missing or wrong`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new TokenRefused('The access token is signed with an algorithm this council does not allow');
  if (error instanceof errors.JWKSNoMatchingKey)
    return new TokenRefused("No key the issuer publishes matches the access token's key id (kid)");
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRefused("The access token's signature does not verify");
  if (error instanceof errors.JOSEError) return new TokenRefused(`The access token is not valid (${error.code})`);
  return new TokenRefused('The access token is not valid');
}

/**
 * Verifies a token against the council's issuer: signature with a published key and an allowed
 * asymmetric algorithm (never `none`, never HMAC), issuer, audience, expiry and not-before within
 * the council's clock tolerance. Throws TokenRefused or ProviderUnreachable.
 */
export async function verifyAccessToken(token: string, trusted: TrustedIssuer, keys: IssuerKeys): Promise<VerifiedIdentity> {
  const jwksUri = await keys.jwksUriOf(trusted);
  const algorithms = trusted.algorithms.filter((alg) => SIGNING_ALGORITHMS.some((allowed) => allowed === alg));
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, (header, input) => keys.resolveKey(jwksUri, header, input), {
      issuer: trusted.issuer,
      audience: trusted.audience,
      algorithms,
      clockTolerance: trusted.clockToleranceSeconds,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw refusal(error);
  }
  const clientId = [payload.client_id, payload.azp, payload.appid].find((value): value is string => typeof value === 'string');
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
  const subject = sub ?? clientId;
  if (subject === undefined) throw new TokenRefused('The access token names no subject (sub) and no client (client_id, azp)');
  // A client-credentials token: no subject of its own, or the client as subject (RFC 9068), or
  // Entra ID's app-only token, whose subject is the service principal's own object id and which
  // carries no delegated scopes (`idtyp` says so only when that optional claim is configured).
  const appOnly = payload.idtyp === 'app' || (typeof payload.oid === 'string' && payload.oid === sub && payload.scp === undefined);
  const isClient = sub === null || sub === clientId || appOnly;
  const named = payload[trusted.nameClaim];
  const providerRoles = claimValues(payload[trusted.rolesClaim]);
  return {
    subject,
    isClient,
    name: typeof named === 'string' && named.trim() !== '' ? named.trim().slice(0, 200) : null,
    roles: mapRoles(providerRoles, trusted.roleMap),
    providerRoles,
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether an issuer or key set address may be trusted: https, or plain http on this machine's
 * loopback (a provider started beside the service, as the test suite does). Keys fetched over
 * plain http from elsewhere could be swapped on the way.
 */
export function isTrustableUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}
