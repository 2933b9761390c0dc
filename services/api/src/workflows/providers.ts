import type { Provider } from '../db/schema.js';
import { AppError } from '../errors.js';
import { insertProvider, providerNamed } from '../repositories/providers.js';
import type { WorkflowContext } from './context.js';

/** A provider as the API takes it. */
export interface ProviderRequest {
  readonly name: string;
  readonly account: { readonly type: Provider['account_type']; readonly reference: string };
  readonly contact?: string | undefined;
}

/** Adds a provider to the council's register, once by name (409 with the one there already). */
export async function createProvider(context: WorkflowContext, request: ProviderRequest): Promise<Provider> {
  const { tx, scope, actor, changes } = context;
  const name = request.name.trim();
  const existing = await providerNamed(tx, scope.councilId, name);
  if (existing)
    throw new AppError('ALREADY_EXISTS', `The register already has ${existing.name}`, {
      errors: [{ pointer: '/name', detail: 'is a provider in the register already' }],
      extensions: { existingId: existing.id },
    });
  const row = await insertProvider(tx, scope.councilId, {
    name,
    account_type: request.account.type,
    account_reference: request.account.reference,
    contact: request.contact ?? null,
    created_by: actor.actor,
  });
  changes.record({ action: 'provider.created', entityType: 'provider', entityId: row.id, after: { id: row.id, name: row.name } });
  return row;
}
