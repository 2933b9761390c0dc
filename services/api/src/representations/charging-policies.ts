import type { PolicyInForce } from '../db/rows.js';
import { iso } from '../http/iso.js';

export function toChargingPolicy(policy: PolicyInForce) {
  return {
    id: policy.id,
    version: policy.version,
    shipped: policy.shipped,
    name: policy.name,
    effectiveFrom: policy.effectiveFrom,
    effectiveTo: policy.effectiveTo,
    basedOn: policy.basedOn,
    rules: policy.rules,
    createdAt: policy.createdAt === null ? null : iso(policy.createdAt),
  };
}
