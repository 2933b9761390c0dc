import type { Kysely, Transaction } from 'kysely';
import { type ChargingPolicyRules, SHIPPED_CHARGING_POLICIES, type ShippedChargingPolicy } from 'ras-core';
import type { ChargingPolicy, DB } from '../db/schema.js';
import { unprocessable } from '../errors.js';
import { chargingPolicyInForce } from '../repositories/charging-policies.js';
import { councilSettings } from '../repositories/councils.js';

/** A charging policy as the service uses it: a council's own, or one that ships. */
export interface PolicyInForce {
  readonly id: string;
  readonly version: number | null;
  readonly shipped: boolean;
  readonly name: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly basedOn: string | null;
  readonly rules: ChargingPolicyRules;
  readonly createdAt: Date | null;
}

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
