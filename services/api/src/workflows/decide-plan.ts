import { nextPlanStage, PLAN_STAGE_ROLES, panelApproval } from 'ras-core';
import type { Role } from '../auth/roles.js';
import { assertSeparateStage } from '../auth/separation-of-duties.js';
import type { PlanDecision, PlanStage, SupportPlanRow } from '../db/schema.js';
import { AppError, invalidState, unprocessable } from '../errors.js';
import { findBudget } from '../repositories/budgets.js';
import { councilSettings } from '../repositories/councils.js';
import { financialAssessmentInForce } from '../repositories/financial-assessments.js';
import { findPlanContext, insertDecision, updatePlan } from '../repositories/support-plans.js';
import { assess } from '../representations/support-plans.js';
import { agreeBudget } from './agree-budget.js';
import type { WorkflowContext } from './context.js';
import { setPanelAmount } from './set-panel-amount.js';
import { SUPPORT_PLAN } from './support-plans.js';
import { transition } from './transition.js';

/** A decision at one stage of a submitted plan. */
export interface PlanDecisionRequest {
  readonly stage: PlanStage;
  readonly outcome: PlanDecision['outcome'];
  readonly reasons: string;
  readonly startDate?: string | undefined;
  readonly exceptionReason?: string | undefined;
  /** For a panel approval past failing checklist items: the reason for each, by item key. */
  readonly checklistReasons?: Readonly<Record<string, string | undefined>> | undefined;
  /** For a panel approval of a referred budget: the annual amount the panel sets outside the RAS, with its reasons. */
  readonly panelAmount?: { readonly annualPence: number; readonly reasons: string } | undefined;
}

/** Throws 403 unless the key holds the role the stage needs (ras-core's decision chain). */
export function assertMayDecide(roles: readonly Role[], stage: PlanStage): void {
  const role = PLAN_STAGE_ROLES[stage];
  if (!roles.includes(role)) throw new AppError('FORBIDDEN', `A ${stage} decision needs the role ${role}`);
}

/**
 * Decides a submitted plan at its current stage. The chain (coordinator → team manager → Risk
 * Enablement Panel when a risk is open → Resource Allocation Panel) is ras-core's. Panel approval
 * needs a start date, an exception reason for a plan over budget and a reason for every other
 * failing checklist item, recorded on the decision; it agrees the budget in the same transaction.
 */
export async function decidePlan(
  context: WorkflowContext,
  planId: string,
  expectedVersion: number,
  request: PlanDecisionRequest,
): Promise<SupportPlanRow> {
  const { tx, scope, clock, actor } = context;
  const { stage, outcome, reasons, startDate, exceptionReason } = request;
  const target = { id: planId, expectedVersion };
  const step = (before: SupportPlanRow) =>
    outcome === 'return'
      ? 'return'
      : outcome === 'reject'
        ? 'reject'
        : nextPlanStage(stage, before.plan) === 'approved'
          ? 'approve'
          : 'advance';
  const after = await transition(context, SUPPORT_PLAN, step, target, async (before) => {
    if (before.stage !== stage) throw invalidState(`The plan is waiting for the ${before.stage} decision, not ${stage}`);
    const plan = before.plan;
    let planContext = await findPlanContext(tx, scope.councilId, before);
    if ((await councilSettings(tx, scope.councilId)).separationOfDuties === 'strict') {
      assertSeparateStage(
        actor,
        stage,
        planContext.decisions.map((decision) => ({ stage: decision.stage, actor: decision.decided_by, actorName: decision.actor_name })),
      );
    }
    let exception: { reason: string; overBudgetPence: number } | null = null;
    let checklistReasons: Readonly<Record<string, string>> | null = null;
    const next = outcome === 'approve' ? nextPlanStage(stage, plan) : null;
    if (request.checklistReasons !== undefined && next !== 'approved')
      throw unprocessable('INVALID_INPUT', 'Checklist reasons go with a panel approval', [
        { pointer: '/checklistReasons', detail: 'applies only to approval at panel' },
      ]);
    if (request.panelAmount !== undefined && next !== 'approved')
      throw unprocessable('INVALID_INPUT', 'The panel sets an amount outside the RAS when it approves the plan', [
        { pointer: '/panelAmount', detail: 'applies only to approval at panel' },
      ]);
    if (next === 'approved') {
      if (startDate === undefined)
        throw unprocessable('INVALID_INPUT', 'Panel approval needs the date the budget starts', [
          { pointer: '/startDate', detail: 'is required to approve at panel' },
        ]);
      if (request.panelAmount !== undefined) {
        // Outside the RAS only where the RAS referred the case (above the ceiling or the top band, below the floor)
        // or the coordinator said the needs do not fit the questionnaire. The plan is then costed
        // against the panel's amount.
        const { budget } = planContext;
        const referrals = budget.calculation.referrals ?? (budget.calculation.referral ? [budget.calculation.referral] : []);
        if (referrals.length === 0)
          throw unprocessable('INVALID_INPUT', 'The budget was not referred to the panel, so it stays the RAS amount', [
            {
              pointer: '/panelAmount',
              detail:
                'applies only to a referred budget (above the ceiling, above the top band, below the floor, or needs outside the questionnaire)',
            },
          ]);
        const locked = await findBudget(tx, { councilId: scope.councilId, portalKeyId: null }, budget.id, { forUpdate: true });
        if (!locked) throw new Error(`plan ${before.id} has lost its budget`);
        planContext = { ...planContext, budget: await setPanelAmount(context, locked, request.panelAmount, { planDecision: true }) };
      }
      // Nobody eligible gets £0: a budget referred below the floor is agreed at the panel's amount.
      const referred = planContext.budget.calculation.referrals ?? [];
      if (
        request.panelAmount === undefined &&
        planContext.budget.panel_annual_pence === null &&
        referred.some((referral) => referral.reason === 'below-floor')
      )
        throw unprocessable(
          'INVALID_INPUT',
          'The budget was referred below the scheme’s floor: the panel sets the amount the worker proposes',
          [{ pointer: '/panelAmount', detail: 'is required: nobody eligible gets £0' }],
        );
      // The checklist as it stands on the start date the panel agrees: the financial assessment
      // must be in force then, not only on the date the indicative budget was set for.
      const financial = await financialAssessmentInForce(tx, scope.councilId, before.person_id, startDate);
      const { costing, checklist } = assess(plan, { ...planContext, financialAssessmentDone: financial !== undefined });
      if (!costing.withinBudget && !exceptionReason?.trim()) {
        throw unprocessable(
          'INVALID_INPUT',
          `The plan is ${-costing.headroomPence} pence over budget: approve it only as an exception, with exceptionReason`,
          [{ pointer: '/exceptionReason', detail: 'is required to approve a plan over budget' }],
        );
      }
      if (!costing.withinBudget) exception = { reason: exceptionReason as string, overBudgetPence: -costing.headroomPence };
      const riskPanel = planContext.decisions.filter((d) => d.stage === 'risk-enablement' && d.outcome === 'approve').at(-1);
      const given = Object.fromEntries(
        Object.entries(request.checklistReasons ?? {}).flatMap(([key, value]) => (value ? [[key, value]] : [])),
      );
      const approval = panelApproval(checklist, given, {
        ...(exception ? { exceptionReason: exception.reason } : {}),
        ...(riskPanel ? { riskEnablementReasons: riskPanel.reasons } : {}),
      });
      const problems = [
        ...approval.missing.map((item) => ({
          pointer: `/checklistReasons/${item.key}`,
          detail: `is required: the checklist item fails (${item.detail})`,
        })),
        ...approval.unknown.map((key) => ({ pointer: `/checklistReasons/${key}`, detail: 'is not a failing checklist item' })),
      ];
      if (problems.length > 0)
        throw unprocessable(
          'INVALID_INPUT',
          'The panel approves past a failing checklist item only with a reason for each: see errors',
          problems,
        );
      checklistReasons = Object.keys(approval.reasons).length > 0 ? approval.reasons : null;
    }
    const decision = await insertDecision(tx, scope.councilId, {
      planId: before.id,
      stage,
      outcome,
      reasons,
      planVersion: before.version,
      decidedBy: actor.actor,
      actorName: actor.actorName,
      checklistReasons,
    });
    const decidedAt = clock.now();
    const change =
      outcome === 'return'
        ? { status: 'returned' as const, stage: null, decided_at: decidedAt }
        : outcome === 'reject'
          ? { status: 'rejected' as const, stage: null, decided_at: decidedAt }
          : next === 'approved'
            ? {
                status: 'approved' as const,
                stage: null,
                decided_at: decidedAt,
                exception: exception === null ? null : JSON.stringify(exception),
              }
            : { stage: next as PlanStage };
    return {
      after: await updatePlan(tx, scope.councilId, before.id, change, clock.now()),
      extra: { decision: { id: decision.id, stage, outcome, checklistReasons }, exception },
    };
  });
  // The budget is agreed once the plan's approval is recorded, in the same transaction.
  if (after.status === 'approved') await agreeBudget(context, after, startDate as string);
  return after;
}
