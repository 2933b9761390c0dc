import type { Kysely, Transaction } from 'kysely';
import { COUNCIL_FUNDER, costSupportPlan, type PlanLine } from 'ras-core';
import type { Budget, DB } from '../db/schema.js';
import { type FieldProblem, unprocessable } from '../errors.js';
import { providersOf } from '../repositories/providers.js';

/**
 * Checks who pays for and who provides each line of a plan: a line's funding stream must be one
 * of the budget's streams whose money comes through the council (only that money is in the
 * account to ring-fence), and a provider it names must be in the council's register.
 */
export async function assertPlanLines(
  db: Kysely<DB> | Transaction<DB>,
  councilId: string,
  lines: readonly PlanLine[],
  budget: Pick<Budget, 'calculation' | 'total_annual_pence'>,
): Promise<void> {
  const streams = new Set(
    (budget.calculation.streams ?? []).filter((stream) => stream.paysThroughCouncil !== false).map((stream) => stream.key),
  );
  const providers = await providersOf(
    db,
    councilId,
    lines.flatMap((line) => (line.providerId ? [line.providerId] : [])),
  );
  const problems: FieldProblem[] = [];
  lines.forEach((line, index) => {
    if (line.fundedBy !== undefined && line.fundedBy !== COUNCIL_FUNDER && !streams.has(line.fundedBy))
      problems.push({
        pointer: `/lines/${index}/fundedBy`,
        detail:
          streams.size === 0
            ? 'the budget has no funding stream paid through the council: leave it out (the council pays)'
            : `must be "council" or one of the budget's streams: ${[...streams].map((key) => `"${key}"`).join(', ')}`,
      });
    if (line.providerId !== undefined && !providers.has(line.providerId))
      problems.push({ pointer: `/lines/${index}/providerId`, detail: 'is not a provider in the council’s register' });
  });
  // A stream's lines spend only its money: together they may not cost more than it pays.
  if (problems.length === 0 && streams.size > 0) {
    const costing = costSupportPlan(
      { lines, contingency: { amountPence: 0, plan: '', emergencyCover: '' } },
      {
        totalAnnualPence: budget.total_annual_pence,
        weeksCovered: budget.calculation.weeksCovered,
        weeksPerYear: budget.calculation.weeksPerYear,
      },
    );
    for (const stream of budget.calculation.streams ?? []) {
      const cost = costing.byFunder[stream.key] ?? 0;
      if (cost > stream.annualPence)
        problems.push({
          pointer: `/lines/${lines.findIndex((line) => line.fundedBy === stream.key)}/fundedBy`,
          detail: `the ${stream.key} stream's lines cost ${cost} pence, more than the ${stream.annualPence} it pays`,
        });
    }
  }
  if (problems.length > 0)
    throw unprocessable('INVALID_INPUT', 'A plan line’s funder or provider does not fit the budget: see errors', problems);
}
