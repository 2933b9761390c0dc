import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
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
 * The issuers' key sets and discovery documents, cached per instance. A token signed with a key id
 * the cache does not hold refetches the key set (after `cooldownMs` since the last fetch), so a
 * provider's key rotation is picked up without a restart.
 */
export class IssuerKeys {
  private readonly keySets = new Map<string, KeySet>();
  private readonly discovered = new Map<string, { readonly jwksUri: string; readonly until: number }>();

  constructor(
    private readonly options: { readonly cooldownMs: number; readonly timeoutMs: number; readonly discoveryCacheMs: number } = {
      cooldownMs: 30_000,
      timeoutMs: 5_000,
      discoveryCacheMs: 3_600_000,
    },
  ) {}

  /** The key set URL: as configured, or from the issuer's OpenID Connect discovery document. */
  async jwksUriOf(trusted: TrustedIssuer): Promise<string> {
    if (trusted.jwksUri !== null) return trusted.jwksUri;
    const cached = this.discovered.get(trusted.issuer);
    if (cached && cached.until > Date.now()) return cached.jwksUri;
    const url = `${trusted.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs), redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = await response.json();
    } catch (error) {
      throw new ProviderUnreachable(`The identity provider's discovery document (${url}) could not be read: ${messageOf(error)}`);
    }
    // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was asked for.
    const jwksUri = textFieldOf(document, 'jwks_uri');
    if (textFieldOf(document, 'issuer') !== trusted.issuer || jwksUri === undefined) {
      throw new ProviderUnreachable(`The discovery document at ${url} does not describe the issuer ${trusted.issuer}`);
    }
    this.discovered.set(trusted.issuer, { jwksUri, until: Date.now() + this.options.discoveryCacheMs });
    return jwksUri;
  }

  keySet(jwksUri: string): KeySet {
    let keySet = this.keySets.get(jwksUri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: this.options.cooldownMs, timeoutDuration: this.options.timeoutMs });
      this.keySets.set(jwksUri, keySet);
    }
    return keySet;
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
    for (const role of roleMap[value] ?? []) {
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
  const keySet = keys.keySet(jwksUri);
  const algorithms = trusted.algorithms.filter((alg) => SIGNING_ALGORITHMS.some((allowed) => allowed === alg));
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header, input) => {
        try {
          return await keySet(header, input);
        } catch (error) {
          // A key id the provider does not publish is the token's fault; failing to fetch is not.
          if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
          if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) throw error;
          throw new ProviderUnreachable(`The identity provider's keys (${jwksUri}) could not be read: ${messageOf(error)}`);
        }
      },
      {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms,
        clockTolerance: trusted.clockToleranceSeconds,
        requiredClaims: ['exp'],
      },
    ));
  } catch (error) {
    throw refusal(error);
  }
  const clientId = [payload.client_id, payload.azp, payload.appid].find((value): value is string => typeof value === 'string');
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
  const subject = sub ?? clientId;
  if (subject === undefined) throw new TokenRefused('The access token names no subject (sub) and no client (client_id, azp)');
  const isClient = sub === null || sub === clientId || payload.idtyp === 'app';
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
