import { isTrustableUrl } from '../auth/access-token.js';
import type { IdentityProvider } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import {
  deleteIdentityProvider,
  findIdentityProviderForUpdate,
  findIssuerAudienceClash,
  type IdentityProviderInput,
  insertIdentityProvider,
  updateIdentityProvider,
} from '../repositories/identity-providers.js';
import { toIdentityProvider } from '../representations/councils.js';
import type { WorkflowContext } from './context.js';

function assertTrustable(pointer: string, url: string | null): void {
  if (url === null || isTrustableUrl(url)) return;
  throw new AppError('INVALID_INPUT', 'The identity provider’s addresses must be https (plain http only on loopback)', {
    errors: [{ pointer, detail: 'must be an https URL without credentials or fragment' }],
  });
}

/**
 * Sets which OpenID Connect issuer's access tokens the council trusts, and how their role claim
 * maps to the service's roles. One issuer and audience belong to one council: a token's claims
 * name the council it acts in.
 */
export async function setIdentityProvider(
  context: WorkflowContext,
  input: IdentityProviderInput,
  expectedVersion: number | null,
): Promise<{ row: IdentityProvider; before: IdentityProvider | undefined }> {
  const { tx, scope, changes, clock } = context;
  assertTrustable('/issuer', input.issuer);
  assertTrustable('/jwksUri', input.jwksUri);
  if (await findIssuerAudienceClash(tx, scope.councilId, input.issuer, input.audience)) {
    throw new AppError(
      'ALREADY_EXISTS',
      // Says nothing of which council, or whether one does: only that this pair cannot be used.
      'This issuer and audience cannot be trusted for this council: use the audience of the council’s own app registration',
      { errors: [{ pointer: '/audience', detail: 'cannot be used with this issuer' }] },
    );
  }
  const before = await findIdentityProviderForUpdate(tx, scope.councilId);
  if (before && expectedVersion === null) {
    throw new AppError(
      'PRECONDITION_REQUIRED',
      'The council has identity provider settings: send If-Match with the ETag from your last read',
    );
  }
  if (before && expectedVersion !== null && before.version !== expectedVersion) {
    throw new AppError('PRECONDITION_FAILED', `The identity provider settings are at version ${before.version}, not ${expectedVersion}`);
  }
  const now = clock.now();
  const row = before
    ? await updateIdentityProvider(tx, scope.councilId, input, now)
    : await insertIdentityProvider(tx, scope.councilId, input, now);
  changes.record({
    action: 'identity-provider.set',
    entityType: 'identity-provider',
    entityId: scope.councilId,
    ...(before ? { before: toIdentityProvider(before) } : {}),
    after: toIdentityProvider(row),
  });
  return { row, before };
}

/** Stops trusting the council's identity provider: its tokens are refused, API keys carry on. Returns the issuer. */
export async function removeIdentityProvider(context: WorkflowContext): Promise<string> {
  const { tx, scope, changes } = context;
  const before = await deleteIdentityProvider(tx, scope.councilId);
  if (!before) throw notFound('identity provider', scope.councilId);
  changes.record({
    action: 'identity-provider.removed',
    entityType: 'identity-provider',
    entityId: scope.councilId,
    before: toIdentityProvider(before),
    // Nothing is left after: the event says which provider is no longer trusted.
    event: toIdentityProvider(before),
  });
  return before.issuer;
}
