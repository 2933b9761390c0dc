import type { ManagementOption } from 'ras-core';

/** How a person's budget is managed overall, from the ways their plan lines are managed. */
export type ManagementMix = 'direct-payment-only' | 'part-direct-payment' | 'managed-personal-budget' | 'commissioned-support-only';

/** The statutory client-level-data delivery mechanisms (England). */
export type DeliveryMechanism = 'Direct Payment' | 'CASSR Managed Personal Budget' | 'CASSR Commissioned Support';

/**
 * Maps the five ways of managing money (seed 002) onto CLD delivery mechanisms: money paid to the
 * person, a nominated person or a trust is a direct payment; an individual service fund is a
 * council-managed personal budget; services the council arranges are commissioned support.
 */
export const DELIVERY_MECHANISM: Record<ManagementOption, DeliveryMechanism> = {
  'direct-payment': 'Direct Payment',
  'indirect-payment': 'Direct Payment',
  trust: 'Direct Payment',
  'individual-service-fund': 'CASSR Managed Personal Budget',
  'council-arranged': 'CASSR Commissioned Support',
};

/** Classifies a plan by its lines, as ASCOF 3D counts people. */
export function managementMix(options: readonly ManagementOption[]): ManagementMix {
  const mechanisms = options.map((option) => DELIVERY_MECHANISM[option]);
  const direct = mechanisms.filter((mechanism) => mechanism === 'Direct Payment').length;
  if (direct > 0 && direct === mechanisms.length) return 'direct-payment-only';
  if (direct > 0) return 'part-direct-payment';
  if (mechanisms.includes('CASSR Managed Personal Budget')) return 'managed-personal-budget';
  return 'commissioned-support-only';
}
