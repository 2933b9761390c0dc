import { assessCharge, type ChargingPolicyRules, RasError } from 'ras-core';
import { unprocessable } from '../errors.js';

/**
 * Refuses policy figures that cannot work together (capital limits the wrong way round, a £0
 * tariff step, a "first" disregard with no amount) before they are stored, naming the field: a
 * policy is only stored if ras-core can assess a charge under it.
 */
export function checkPolicyRules(rules: ChargingPolicyRules, pointer: string): void {
  for (const [kind, disregard] of Object.entries(rules.incomeDisregards)) {
    if (disregard?.rule === 'first' && disregard.weeklyPence === undefined)
      throw unprocessable('INVALID_INPUT', `A "first" disregard needs the weekly amount ignored`, [
        { pointer: `${pointer}/incomeDisregards/${kind}/weeklyPence`, detail: 'is required for rule first' },
      ]);
  }
  try {
    assessCharge(
      {
        household: 'single',
        ageBand: '25-to-pension-age',
        incomes: [],
        capitalPence: 0,
        weeklyHousingCostsPence: 0,
        weeklyCostOfCarePence: 0,
      },
      rules,
    );
  } catch (error) {
    if (!(error instanceof RasError)) throw error;
    throw unprocessable(
      'INVALID_INPUT',
      'The charging policy’s figures do not work together: see errors',
      error.problems.map((problem) => ({
        // ras-core names the capital thresholds at the top of its rules; here they sit under capital.
        pointer: problem.pointer.replace(/^\/rules\/(\w+CapitalLimitPence|tariff\w+)$/, '/rules/capital/$1').replace(/^\/rules/, pointer),
        detail: problem.detail,
      })),
    );
  }
}
