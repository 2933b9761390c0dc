import type { FundingStream } from 'ras-core';
import type { Budget } from '../db/schema.js';
import { notFound, unprocessable } from '../errors.js';
import { findSchemeInForce } from '../repositories/allocation-schemes.js';
import { findAssessment } from '../repositories/assessments.js';
import { insertBudget } from '../repositories/budgets.js';
import { financialAssessmentInForce } from '../repositories/financial-assessments.js';
import { findPerson } from '../repositories/people.js';
import { budgetEvent } from '../representations/budgets.js';
import { calculateBudget } from './calculate-budget.js';
import type { WorkflowContext } from './context.js';
import { refuseErased } from './transition.js';

/** What an indicative budget is made from. */
export interface IndicativeBudgetRequest {
  readonly assessmentId: string;
  readonly startDate: string;
  readonly weeksAtHome?: number | undefined;
  readonly fundingStreams?: readonly FundingStream[] | undefined;
  readonly weeklyContributionPence?: number | undefined;
  /** The coordinator's reason the needs do not fit the questionnaire: the case goes to the panel. */
  readonly outsideQuestionnaire?: string | undefined;
  readonly contributionCollection: 'net' | 'gross' | null;
}

/**
 * Sets the indicative budget for an agreed, eligible assessment under the scheme in force on the
 * start date for the person's client group and the assessment's questionnaire.
 */
export async function createIndicativeBudget(
  { tx, changes, rules, scope }: Pick<WorkflowContext, 'tx' | 'changes' | 'rules' | 'scope'>,
  request: IndicativeBudgetRequest,
): Promise<Budget> {
  await refuseErased({ tx, scope }, request.assessmentId);
  const assessment = await findAssessment(tx, scope, request.assessmentId, { forUpdate: true });
  if (!assessment)
    throw unprocessable('INVALID_INPUT', 'The assessment does not exist', [
      { pointer: '/assessmentId', detail: 'is not an assessment you can see' },
    ]);
  if (assessment.status !== 'agreed') {
    throw unprocessable(
      'ASSESSMENT_NOT_AGREED',
      `The assessment is ${assessment.status}: a care coordinator must agree it before a budget is set`,
      [{ pointer: '/assessmentId', detail: `is ${assessment.status}, not agreed` }],
    );
  }
  const eligibility = assessment.eligibility;
  if (!eligibility?.eligible) {
    throw unprocessable('NOT_ELIGIBLE', 'The person was found not eligible at moderation: they get information and advice, not a budget', [
      { pointer: '/assessmentId', detail: 'the person is not eligible' },
    ]);
  }
  const person = await findPerson(tx, scope, assessment.person_id);
  if (!person) throw notFound('person', assessment.person_id);
  const clientGroup = person.person.client_group;
  const schemeRow = await findSchemeInForce(tx, scope.councilId, clientGroup, request.startDate, assessment.questionnaire_id);
  if (!schemeRow) {
    throw unprocessable(
      'NO_SCHEME_IN_FORCE',
      `No allocation scheme for client group "${clientGroup}" using this assessment’s questionnaire is in force on ${request.startDate}`,
      [{ pointer: '/startDate', detail: `no scheme for "${clientGroup}" is in force on this date` }],
    );
  }
  const scheme = await rules.scheme(scope.councilId, schemeRow.id, tx);
  const questionnaire = await rules.questionnaire(scope.councilId, assessment.questionnaire_id, tx);
  if (!scheme || !questionnaire) throw new Error('rules vanished');
  // The contribution is the one given, else the financial assessment in force on the start date.
  const weeklyContributionPence =
    request.weeklyContributionPence ??
    (await financialAssessmentInForce(tx, scope.councilId, assessment.person_id, request.startDate))?.weekly_contribution_pence;
  const calculation = calculateBudget(questionnaire, scheme, {
    answers: assessment.answers,
    weeksAtHome: request.weeksAtHome,
    fundingStreams: request.fundingStreams,
    weeklyContributionPence,
    outsideQuestionnaire: request.outsideQuestionnaire,
  });
  const row = await insertBudget(tx, scope.councilId, {
    personId: assessment.person_id,
    assessmentId: request.assessmentId,
    schemeId: schemeRow.id,
    startDate: request.startDate,
    calculation,
    contributionCollection: request.contributionCollection,
  });
  changes.record({ action: 'budget.created', entityType: 'budget', entityId: row.id, after: budgetEvent(row) });
  return row;
}
