import type { Kysely, Transaction } from 'kysely';
import { type ChargingPolicyRules, SHIPPED_CHARGING_POLICIES, type ShippedChargingPolicy } from 'ras-core';
import type { PolicyInForce } from '../db/rows.js';
import type { ChargingPolicy, DB } from '../db/schema.js';
import { AppError, unprocessable } from '../errors.js';
import { isUuid } from '../ids.js';
import {
  chargingPolicyInForce,
  findChargingPolicy,
  insertChargingPolicy,
  lockChargingPolicies,
  overlappingChargingPolicy,
} from '../repositories/charging-policies.js';
import { councilSettings } from '../repositories/councils.js';
import { checkPolicyRules } from '../schemas/charging-policy-checks.js';
import type { WorkflowContext } from './context.js';

export type { PolicyInForce };

const SHIPPED_NAMES: Record<ShippedChargingPolicy, string> = {
  'england-2025-26': 'England 2025/26 (shipped)',
  'wales-2025-26': 'Wales 2025/26 (shipped)',
};

export function isShippedPolicy(key: string): key is ShippedChargingPolicy {
  return Object.hasOwn(SHIPPED_CHARGING_POLICIES, key);
}

export function shippedPolicy(key: ShippedChargingPolicy): PolicyInForce {
  const shipped = SHIPPED_CHARGING_POLICIES[key];
  return {
    id: key,
    version: null,
    shipped: true,
    name: SHIPPED_NAMES[key],
    effectiveFrom: shipped.effectiveFrom,
    effectiveTo: null,
    basedOn: null,
    rules: shipped.rules,
    createdAt: null,
  };
}

/** The policy as the trace names it: `charging policy england-2025-26`, or a council's by name and version. */
export function policyTraceSource(policy: PolicyInForce): string {
  return policy.shipped ? `charging policy ${policy.id}` : `charging policy "${policy.name}" v${policy.version}`;
}

export function councilPolicy(row: ChargingPolicy): PolicyInForce {
  return {
    id: row.id,
    version: row.version,
    shipped: false,
    name: row.name,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    basedOn: row.based_on,
    rules: row.rules,
    createdAt: row.created_at,
  };
}

/**
 * The charging policy in force for the council on a date: its own latest to start by then (unless
 * that one has ended), else the shipped policy for its nation once that is in force.
 *
 * @throws AppError NO_CHARGING_POLICY naming `pointer` when none is
 */
export async function policyInForce(
  db: Kysely<DB> | Transaction<DB>,
  councilId: string,
  date: string,
  pointer: string,
): Promise<PolicyInForce> {
  const own = await chargingPolicyInForce(db, councilId, date);
  if (own !== undefined && own !== 'ended') return councilPolicy(own);
  if (own === undefined) {
    const { nation } = await councilSettings(db, councilId);
    const shipped = shippedPolicy(nation === 'wales' ? 'wales-2025-26' : 'england-2025-26');
    if (shipped.effectiveFrom <= date) return shipped;
  }
  throw unprocessable(
    'NO_CHARGING_POLICY',
    `No charging policy is in force on ${date}: the council's last one has ended, or it is before any policy`,
    [{ pointer, detail: `has no charging policy in force; add one with createChargingPolicy` }],
  );
}

/** What a charging policy is created with: a shipped or council policy to start from (with changes), or whole rules. */
export interface ChargingPolicyInput {
  readonly name: string;
  readonly effectiveFrom: string;
  readonly effectiveTo?: string | undefined;
  readonly basedOn?: string | undefined;
  readonly changes?: Partial<ChargingPolicyRules> | undefined;
  readonly rules?: ChargingPolicyRules | undefined;
}

/**
 * Adds a council charging policy in force between its dates, refusing one whose dates clash with
 * another of the council's (409 naming it). Its rules are checked by working out a charge with them.
 */
export async function createChargingPolicy(context: WorkflowContext, input: ChargingPolicyInput): Promise<ChargingPolicy> {
  const { tx, scope } = context;
  const { name, effectiveFrom, effectiveTo, basedOn, changes, rules } = input;
  let base: ChargingPolicyRules | undefined = rules;
  if (basedOn !== undefined) {
    const source = isShippedPolicy(basedOn) ? shippedPolicy(basedOn) : await councilPolicyById(tx, scope.councilId, basedOn);
    if (!source)
      throw unprocessable('INVALID_INPUT', `There is no charging policy ${basedOn} to start from`, [
        { pointer: '/basedOn', detail: 'is neither a shipped policy nor one of the council’s' },
      ]);
    base = { ...source.rules, ...changes };
  }
  const merged = base as ChargingPolicyRules;
  checkPolicyRules(merged, basedOn === undefined ? '/rules' : '/changes');
  await lockChargingPolicies(tx, scope.councilId);
  const clash = await overlappingChargingPolicy(tx, scope.councilId, effectiveFrom, effectiveTo ?? null);
  if (clash)
    throw new AppError(
      'CHARGING_POLICY_OVERLAP',
      `Charging policy version ${clash.version} (${clash.name}) is in force from ${clash.effective_from}${clash.effective_to ? ` to ${clash.effective_to}` : ''}, which these dates clash with`,
      {
        errors: [{ pointer: '/effectiveFrom', detail: `clashes with version ${clash.version} from ${clash.effective_from}` }],
        extensions: { existingId: clash.id },
      },
    );
  const row = await insertChargingPolicy(tx, scope.councilId, {
    name,
    effectiveFrom,
    effectiveTo: effectiveTo ?? null,
    basedOn: basedOn ?? null,
    rules: merged,
    createdBy: context.actor.actor,
  });
  context.changes.record({
    action: 'charging-policy.created',
    entityType: 'charging-policy',
    entityId: row.id,
    after: { id: row.id, version: row.version, name: row.name, effectiveFrom: row.effective_from, nation: row.nation },
  });
  return row;
}

/** A council policy by id, as in force (undefined for an id that is not one of the council's). */
export async function councilPolicyById(db: Kysely<DB>, councilId: string, id: string): Promise<PolicyInForce | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await findChargingPolicy(db, councilId, id);
  return row && councilPolicy(row);
}
