import { ageBandOn, assessCharge, CARE_ACT_2014_RULES, calculateContribution, type FinancialCircumstances, underPointer } from 'ras-core';
import type { FinancialAssessment } from '../db/schema.js';
import { notFound, unprocessable } from '../errors.js';
import { insertFinancialAssessment } from '../repositories/financial-assessments.js';
import { findPerson } from '../repositories/people.js';
import { policyInForce, policyTraceSource } from './charging-policy.js';
import type { WorkflowContext } from './context.js';
import { refuseErased } from './transition.js';

/** What a financial assessment is recorded with: one of an entered charge, circumstances, or a calculation's inputs. */
export interface FinancialAssessmentInput {
  readonly effectiveFrom: string;
  readonly weeklyContributionPence?: number | undefined;
  readonly calculate?: (Parameters<typeof calculateContribution>[0] & { rules?: Parameters<typeof calculateContribution>[1] }) | undefined;
  readonly circumstances?: (Omit<FinancialCircumstances, 'ageBand'> & { ageBand?: FinancialCircumstances['ageBand'] }) | undefined;
  readonly notes?: string | undefined;
}

/**
 * Records a person's financial assessment: the weekly charge entered, or worked out under the
 * charging policy in force on its date (its id and version kept on the result). Earlier
 * assessments are kept; the latest in force on a date applies on that date.
 */
export async function recordFinancialAssessment(
  context: WorkflowContext,
  personId: string,
  input: FinancialAssessmentInput,
): Promise<FinancialAssessment> {
  const { tx, scope, changes } = context;
  const { effectiveFrom, weeklyContributionPence, calculate, circumstances, notes } = input;
  await refuseErased(context, personId);
  const person = await findPerson(tx, scope, personId);
  if (!person) throw notFound('person', personId);
  let weekly = weeklyContributionPence ?? 0;
  let calculation: { inputs: unknown; result: unknown; policyName?: string } | null = null;
  let policy: { id: string; version: number | null } | null = null;
  if (calculate) {
    const { rules, ...inputs } = calculate;
    const result = underPointer('/calculate', () => calculateContribution(inputs, rules ?? CARE_ACT_2014_RULES));
    weekly = result.weeklyContributionPence;
    calculation = { inputs: calculate, result };
  }
  if (circumstances) {
    const inForce = await policyInForce(tx, scope.councilId, effectiveFrom, '/effectiveFrom');
    const dateOfBirth = person.person.date_of_birth;
    if (circumstances.ageBand === undefined && dateOfBirth === null)
      throw unprocessable('INVALID_INPUT', 'The person has no date of birth, so their MIG age band is needed', [
        { pointer: '/circumstances/ageBand', detail: 'is required when the person has no date of birth' },
      ]);
    const full: FinancialCircumstances = {
      ...circumstances,
      ageBand: circumstances.ageBand ?? ageBandOn(dateOfBirth as string, effectiveFrom),
    };
    const result = underPointer('/circumstances', () => assessCharge(full, inForce.rules, policyTraceSource(inForce)));
    weekly = result.weeklyContributionPence;
    calculation = { inputs: full, result, policyName: inForce.name };
    policy = { id: inForce.id, version: inForce.version };
  }
  const row = await insertFinancialAssessment(tx, scope.councilId, {
    personId: person.person.id,
    effectiveFrom,
    method: weeklyContributionPence === undefined ? 'calculated' : 'entered',
    weeklyContributionPence: weekly,
    calculation,
    chargingPolicy: policy,
    notes: notes ?? null,
    createdBy: context.actor.actor,
  });
  changes.record({
    action: 'financial-assessment.recorded',
    entityType: 'financial-assessment',
    entityId: row.id,
    after: {
      id: row.id,
      personId: row.person_id,
      effectiveFrom,
      method: row.method,
      weeklyContributionPence: weekly,
      ...(policy ? { chargingPolicyId: policy.id, chargingPolicyVersion: policy.version } : {}),
    },
  });
  return row;
}
