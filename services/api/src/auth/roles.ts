/** The roles an API key can hold (API.md). */
export const ROLES = ['admin', 'assessor', 'team-manager', 'panel', 'finance', 'portal', 'integration', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Every role: for stateless calculations and reference data a portal needs too. */
export const ANY_ROLE: readonly Role[] = ROLES;
/** Roles that read a council's records; a portal reads only the people it created. */
export const READERS: readonly Role[] = ROLES;
/** Roles that read council-wide figures but not through a portal. */
export const STAFF: readonly Role[] = ['admin', 'assessor', 'team-manager', 'panel', 'finance', 'integration', 'auditor'];

/** Who may call a route. */
export type Access =
  /** No credentials (health, docs). */
  | { readonly kind: 'public' }
  /** Only the operator token from BOOTSTRAP_TOKEN. */
  | { readonly kind: 'operator' }
  /** An API key holding at least one of these roles (or, with allowOperator, the operator token). */
  | { readonly kind: 'roles'; readonly roles: readonly Role[]; readonly allowOperator?: boolean };

export const PUBLIC: Access = { kind: 'public' };
export const OPERATOR: Access = { kind: 'operator' };
/** An API key with any of `roles`. */
export function rolesAccess(...roles: readonly Role[]): Access {
  return { kind: 'roles', roles };
}

/** An authenticated caller. */
export type Principal =
  | {
      readonly kind: 'key';
      readonly keyId: string;
      readonly councilId: string;
      readonly roles: readonly Role[];
      /** Set for portal keys: they see only the people they created. */
      readonly portalKeyId: string | null;
      /**
       * The named person acting through the key (the Ras-Actor header), e.g. a record system's
       * user id. Recorded with every change as an audit label; separation of duties compares keys
       * (one key is one person whatever this says), and two keys naming the same person are one.
       */
      readonly actorName: string | null;
    }
  | {
      /** A bearer access token from the council's identity provider, verified. */
      readonly kind: 'token';
      /** The token's subject: the person, or for a client-credentials token the client. */
      readonly subject: string;
      /** A client-credentials token: a system acting for itself, which may name its user in Ras-Actor. */
      readonly isClient: boolean;
      readonly councilId: string;
      readonly roles: readonly Role[];
      readonly portalKeyId: null;
      /** The token's name claim for a person; Ras-Actor for a client. */
      readonly actorName: string | null;
    }
  | { readonly kind: 'operator' };

/** A caller acting within one council: through an API key or a verified token. */
export type CouncilPrincipal = Exclude<Principal, { kind: 'operator' }>;

/**
 * The actor recorded in the audit log: `key:<id>` for a key, `user:<subject>` for a person a token
 * names (verified, so separation of duties compares it alone), `client:<id>` for a system's token.
 */
export function actorOf(principal: Principal): string {
  if (principal.kind === 'operator') return 'operator';
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  return `${principal.isClient ? 'client' : 'user'}:${principal.subject}`;
}

/** The named person acting, when the caller gave one (Ras-Actor) or the token named them. */
export function actorNameOf(principal: Principal): string | null {
  return principal.kind === 'operator' ? null : principal.actorName;
}

/** The roles of a caller acting within a council; none for the operator. */
export function rolesOf(principal: Principal): readonly Role[] {
  return principal.kind === 'operator' ? [] : principal.roles;
}

/** The key a caller used, when it used one (records say which key created them). */
export function keyIdOf(principal: Principal): string | null {
  return principal.kind === 'key' ? principal.keyId : null;
}

/** What a request may see: its council, and for a portal key only the people that key created. */
export interface Scope {
  readonly councilId: string;
  readonly portalKeyId: string | null;
}
