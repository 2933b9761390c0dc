import { divide } from './money.js';
import type { ManagementOption } from './support-plan.js';

/**
 * How a person's support is managed overall. `commissioned-support-only` is for people without a
 * personal budget: reports count it (as 0 here) because ASCOF 3D's denominator includes them.
 */
export type ManagementMix = 'direct-payment-only' | 'part-direct-payment' | 'managed-personal-budget' | 'commissioned-support-only';

/** The statutory client-level-data delivery mechanisms (England). */
export type DeliveryMechanism = 'Direct Payment' | 'CASSR Managed Personal Budget' | 'CASSR Commissioned Support';

/**
 * Maps the five ways of managing a personal budget (seed 002) onto CLD delivery mechanisms. Money
 * paid to the person, a nominated person or a trust is a direct payment. Everything else here sits
 * under a personal budget the RAS set, so it is a council-managed personal budget, whether an
 * individual service fund or services the council arranges: "CASSR Commissioned Support" is for
 * people without a personal budget, whom this service never holds.
 */
export const DELIVERY_MECHANISM: Readonly<Record<ManagementOption, DeliveryMechanism>> = {
  'direct-payment': 'Direct Payment',
  'indirect-payment': 'Direct Payment',
  trust: 'Direct Payment',
  'individual-service-fund': 'CASSR Managed Personal Budget',
  'council-arranged': 'CASSR Managed Personal Budget',
};

/**
 * Classifies a person by their plan's lines, as ASCOF 3D counts people. With a personal budget,
 * a person with no lines yet still has a council-managed personal budget.
 */
export function managementMix(options: readonly ManagementOption[]): Exclude<ManagementMix, 'commissioned-support-only'> {
  const mechanisms = options.map((option) => DELIVERY_MECHANISM[option]);
  const direct = mechanisms.filter((mechanism) => mechanism === 'Direct Payment').length;
  if (direct > 0 && direct === mechanisms.length) return 'direct-payment-only';
  if (direct > 0) return 'part-direct-payment';
  return 'managed-personal-budget';
}

/**
 * A share in tenths of a percent, half up, as councils report it: `null` when there is no whole.
 *
 * @example
 * ```ts
 * percentShare(2, 3); // 66.7
 * ```
 */
export function percentShare(part: number, whole: number): number | null {
  return whole === 0 ? null : divide(part * 1000, whole, 'half-up') / 10;
}

/** One part of ASCOF 3D: who counts, out of whom, and the share. */
export interface AscofPart {
  readonly definition: string;
  readonly numerator: number;
  readonly denominator: number;
  readonly percent: number | null;
}

/**
 * ASCOF 3D (formerly 1C) from the people counted by management mix. Part 1a: the share of people
 * receiving long-term community support who receive self-directed support (a direct payment, part
 * direct payment or council-managed personal budget). Part 2a: the share who receive direct
 * payments (wholly or in part).
 *
 * @param mixes - people counted by {@link managementMix}
 * @returns both parts with their numerators, denominators and shares
 * @example
 * ```ts
 * // Six on direct payments and four whose plans are all council-arranged:
 * const a = ascofSelfDirectedSupport({ 'direct-payment-only': 6, 'part-direct-payment': 0,
 *   'managed-personal-budget': 4, 'commissioned-support-only': 0 });
 * a.part1a.percent; // 100
 * a.part2a.percent; // 60
 * ```
 */
export function ascofSelfDirectedSupport(mixes: Readonly<Record<ManagementMix, number>>): {
  readonly part1a: AscofPart;
  readonly part2a: AscofPart;
} {
  const direct = mixes['direct-payment-only'] + mixes['part-direct-payment'];
  const selfDirected = direct + mixes['managed-personal-budget'];
  const total = selfDirected + mixes['commissioned-support-only'];
  return {
    part1a: {
      definition:
        'ASCOF 3D part 1a: (direct payment only + part direct payment + council-managed personal budget) ÷ everyone receiving long-term community support',
      numerator: selfDirected,
      denominator: total,
      percent: percentShare(selfDirected, total),
    },
    part2a: {
      definition: 'ASCOF 3D part 2a: (direct payment only + part direct payment) ÷ everyone receiving long-term community support',
      numerator: direct,
      denominator: total,
      percent: percentShare(direct, total),
    },
  };
}
