import { instalmentsOwing, latestRunDate, MAX_RUN_DAYS_AHEAD, type SupportPlan, totalPaymentRun } from 'ras-core';
import type { Role } from '../auth/roles.js';
import { sameDecider } from '../auth/separation-of-duties.js';
import type { PaymentRun, PaymentRunHeld, PaymentRunItem } from '../db/schema.js';
import { payeeKey } from '../documents/payment-run-file.js';
import { AppError, type FieldProblem, unprocessable } from '../errors.js';
import { newId } from '../ids.js';
import { councilSettings } from '../repositories/councils.js';
import {
  budgetsOfCouncil,
  budgetsWithInstalmentsDue,
  councilPaymentsOf,
  findPaymentRun,
  insertCommissionedSpend,
  insertPaymentRun,
  insertRunItems,
  insertRunPayments,
  listRunItems,
  liveRuns,
  lockPaymentRuns,
  type NewRunItem,
  panelApproversOf,
  type RunBudget,
  runBudgets,
  runItemCounts,
  settleRunItems,
  updatePaymentRun,
  upratingBeingApplied,
} from '../repositories/payment-runs.js';
import { type AppliedRevision, appliedRevisionsOf } from '../repositories/plan-revisions.js';
import { providersOf } from '../repositories/providers.js';
import { paymentRunEvent } from '../representations/payment-runs.js';
import type { InTransaction, WorkflowContext } from './context.js';
import { type BudgetPayees, budgetPayees, instalmentShares, type RunPayee } from './payment-run-payees.js';
import { planInForce } from './plan-in-force.js';
import { stateMachine, transition } from './transition.js';

/** What a payment run is asked for. */
export interface PaymentRunRequest {
  /** Pay every council instalment due on or before this date. */
  readonly runDate: string;
  /** Budgets finance holds out of this run (for example, one waiting for its direct payment agreement). */
  readonly holdBudgetIds?: readonly string[] | undefined;
}

/** The reference of the council's own account for budgets it arranges, unless settings name it. */
const MANAGED_ACCOUNT_REFERENCE = 'MANAGED-BUDGETS';
/** Payments recorded in one transaction when a run is confirmed. */
const CONFIRM_BATCH = 1_000;

/** Where an instalment goes when no plan line the council pays for costs anything: the council's own account. */
function managedAccount(reference: string): RunPayee {
  return {
    kind: 'managed-account',
    reference,
    name: 'Budgets the council arranges',
    agreementId: null,
    providerId: null,
    managementOption: null,
  };
}

/** The providers the plans of these budgets name (now and before their revisions), from the register. */
function providerIdsOf(budgets: readonly RunBudget[], revisions: ReadonlyMap<string, readonly AppliedRevision[]>): string[] {
  const plans = budgets.flatMap((budget) => [budget.plan, ...(revisions.get(budget.budget_id) ?? []).map((revision) => revision.previous)]);
  return plans.flatMap((plan) => plan?.lines.flatMap((line) => (line.providerId ? [line.providerId] : [])) ?? []);
}

async function assertNoUprating(context: Pick<WorkflowContext, 'tx' | 'scope'>): Promise<void> {
  if (await upratingBeingApplied(context.tx, context.scope.councilId))
    throw new AppError(
      'UPRATING_IN_PROGRESS',
      'An uprating is being applied to the council’s budgets; run the payments when it has finished',
    );
}

/**
 * Prepares a council's payment run for a date: every council instalment due by then and not yet
 * paid, on every agreed budget still running, grouped by payee, with the control count and total.
 * Suspended direct payments and budgets finance holds are left out and counted. Nothing is paid
 * until the run is confirmed. A date with a prepared run answers that run (`created: false`).
 */
export async function createPaymentRun(
  context: WorkflowContext,
  request: PaymentRunRequest,
): Promise<{ run: PaymentRun; created: boolean }> {
  const { tx, scope, clock, changes, actor } = context;
  const latest = latestRunDate(clock.today());
  if (request.runDate > latest)
    throw unprocessable('INVALID_INPUT', `A payment run is prepared at most ${MAX_RUN_DAYS_AHEAD} days ahead`, [
      { pointer: '/runDate', detail: `must be on or before ${latest}` },
    ]);
  // One council's runs are prepared one at a time, so two requests for a date make one run.
  await lockPaymentRuns(tx, scope.councilId);
  await assertNoUprating(context);
  for (const run of await liveRuns(tx, scope.councilId, request.runDate)) {
    if (run.run_date === request.runDate) {
      if (run.status === 'confirmed')
        throw new AppError(
          'PAYMENT_RUN_CONFIRMED',
          `The payment run for ${request.runDate} was confirmed; its payments are on the ledger`,
          {
            errors: [{ pointer: '/runDate', detail: `has confirmed run ${run.id}` }],
            extensions: { existingId: run.id },
          },
        );
      // The same request again is the same run; other holds would pay (or hold) other budgets.
      if ([...(request.holdBudgetIds ?? [])].sort().join() !== run.hold_budget_ids.join())
        throw new AppError(
          'PAYMENT_RUN_OPEN',
          `The run for ${request.runDate} holds other budgets: cancel it and prepare it again with these`,
          {
            errors: [{ pointer: '/holdBudgetIds', detail: `differ from those of run ${run.id}` }],
            extensions: { existingId: run.id },
          },
        );
      return { run, created: false };
    }
    throw new AppError('PAYMENT_RUN_OPEN', `The payment run for ${run.run_date} is ${run.status}: confirm or cancel it first`, {
      errors: [{ pointer: '/runDate', detail: `run ${run.id} for ${run.run_date} is still open` }],
      extensions: { existingId: run.id },
    });
  }
  const hold = new Set(request.holdBudgetIds ?? []);
  const known = new Set(await budgetsOfCouncil(tx, scope.councilId, [...hold]));
  const unknown = [...hold].filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw unprocessable(
      'INVALID_INPUT',
      'Only the council’s own budgets can be held',
      unknown.map((id) => ({
        pointer: `/holdBudgetIds/${request.holdBudgetIds?.indexOf(id)}`,
        detail: `${id} is not a budget of the council`,
      })),
    );
  const candidates = await budgetsWithInstalmentsDue(tx, scope.councilId, request.runDate);
  const [budgets, ledgers, settings] = await Promise.all([
    runBudgets(tx, scope.councilId, candidates),
    councilPaymentsOf(tx, scope.councilId, candidates),
    councilSettings(tx, scope.councilId),
  ]);
  const revisions = await appliedRevisionsOf(tx, scope.councilId, candidates);
  const providers = await providersOf(tx, scope.councilId, providerIdsOf(budgets, revisions));
  const managed = managedAccount(settings.paymentFile?.managedAccountReference ?? MANAGED_ACCOUNT_REFERENCE);
  const held = { suspended: 0, onHold: 0, erased: 0 } satisfies PaymentRunHeld;
  const missing: FieldProblem[] = [];
  let missingAgreement = false;
  const items: NewRunItem[] = [];
  for (const budget of budgets) {
    const ledger = ledgers.get(budget.budget_id);
    if (!ledger) continue;
    const owing = instalmentsOwing(ledger.entries, ledger.instalments, request.runDate).filter(
      (instalment) => budget.end_date === null || instalment.dueDate <= budget.end_date,
    );
    if (owing.length === 0) continue;
    if (hold.has(budget.budget_id)) {
      held.onHold += owing.length;
      continue;
    }
    // An erased person's record is closed to every writer, the payment run included.
    if (budget.erased) {
      held.erased += owing.length;
      continue;
    }
    // Each instalment is paid by the plan in force on its date: a live plan's revision counts from its date.
    const payeesByPlan = new Map<SupportPlan | null, BudgetPayees>();
    const payeesOn = (date: string) => {
      const plan = budget.plan === null ? null : planInForce(budget.plan, revisions.get(budget.budget_id) ?? [], date);
      let found = payeesByPlan.get(plan);
      if (!found) {
        found = budgetPayees(budget, plan, providers, managed);
        payeesByPlan.set(plan, found);
      }
      return found;
    };
    const plans = owing.map((instalment) => payeesOn(instalment.dueDate));
    const gaps = [...new Set(plans)].flatMap((payees) => payees.missing);
    if (gaps.length > 0) {
      missing.push(...new Map(gaps.map((gap) => [gap.detail, gap])).values());
      missingAgreement ||= gaps.some((problem) => problem.detail.includes('needs its agreement'));
      continue;
    }
    if (plans.some((payees) => payees.suspended)) {
      held.suspended += owing.length;
      continue;
    }
    // Each instalment split between the payees of the plan's lines, one item per share.
    for (const [position, instalment] of owing.entries())
      instalmentShares(instalment.owingPence, plans[position] as BudgetPayees, managed).forEach((share, index) => {
        items.push({
          budget_id: budget.budget_id,
          person_id: budget.person_id,
          instalment_number: instalment.number,
          share: index,
          due_date: instalment.dueDate,
          amount_pence: share.amountPence,
          payee_kind: share.payee.kind,
          payee_reference: share.payee.reference,
          payee_name: share.payee.name,
          direct_payment_agreement_id: share.payee.agreementId,
          management_option: share.payee.managementOption,
          provider_id: share.payee.providerId,
          plan_lines: share.lines.length > 0 ? [...share.lines] : null,
        });
      });
  }
  if (missing.length > 0)
    throw unprocessable(
      missingAgreement ? 'DIRECT_PAYMENT_AGREEMENT_REQUIRED' : 'PROVIDER_REQUIRED',
      `${missing.length} plan line(s) pay someone the run cannot pay yet: record each agreement (createDirectPaymentAgreement) or provider (createProvider), or hold the budget out of the run (holdBudgetIds)`,
      missing.slice(0, 100),
    );
  const totals = totalPaymentRun(items.map((item) => ({ payeeKey: payeeKey(item), amountPence: item.amount_pence })));
  const run = await insertPaymentRun(tx, scope.councilId, {
    runDate: request.runDate,
    holdBudgetIds: [...hold],
    payments: totals.payments,
    payees: totals.payees.length,
    totalPence: totals.totalPence,
    held,
    createdBy: actor.actor,
  });
  await insertRunItems(tx, scope.councilId, run.id, items);
  changes.record({ action: 'payment-run.created', entityType: 'payment-run', entityId: run.id, after: paymentRunEvent(run) });
  return { run, created: true };
}

const FINANCE: readonly Role[] = ['finance', 'admin'];

/**
 * A payment run: prepared, then confirmed (started, its payments recorded in batches, finished)
 * or cancelled. Confirming or cancelling again answers the run as it is.
 */
export const PAYMENT_RUN = stateMachine({
  entity: 'payment-run',
  noun: 'payment run',
  lock: (context, id) => findPaymentRun(context.tx, context.scope.councilId, id, { forUpdate: true }),
  statusOf: (run: PaymentRun) => run.status,
  eventOf: paymentRunEvent,
  steps: {
    startConfirmation: {
      from: ['prepared', 'confirming'],
      done: ['confirmed'],
      to: 'confirming',
      roles: FINANCE,
      audit: 'payment-run.confirmation-started',
      refusal: () => 'The payment run was cancelled; prepare a new one',
    },
    // Finished once, by whichever confirmation gets there first.
    finishConfirmation: { from: ['confirming'], done: ['confirmed'], to: 'confirmed', roles: FINANCE, audit: 'payment-run.confirmed' },
    cancel: {
      from: ['prepared'],
      done: ['cancelled'],
      to: 'cancelled',
      roles: FINANCE,
      audit: 'payment-run.cancelled',
      refusal: (status) => `The payment run is ${status}: its payments are being or have been recorded, so it cannot be cancelled`,
    },
  },
});

/**
 * Confirms a run: each payment recorded as a `council-payment` naming its instalment, a batch of
 * {@link CONFIRM_BATCH} per transaction, each with its audit rows and events. Every payment is
 * checked again as it is recorded (the budget still running, direct payments not suspended, the
 * instalment still owing exactly that much); one that is not is skipped with the reason. A run
 * whose confirmation stopped part-way (a restart, a failed batch) carries on where it stopped when
 * confirmed again; confirming a confirmed run answers it as it is.
 */
export async function confirmPaymentRun(
  inTransaction: InTransaction,
  runId: string,
  /** Told, inside each batch's transaction, how many of the run's payments are settled (paid or skipped) of how many. */
  progress?: (settled: number, total: number) => void,
): Promise<PaymentRun> {
  const started = await inTransaction((context) =>
    transition(context, PAYMENT_RUN, 'startConfirmation', { id: runId, expectedVersion: null }, async (run, status) => {
      const { tx, scope, actor } = context;
      await assertNoUprating(context);
      if ((await councilSettings(tx, scope.councilId)).separationOfDuties === 'strict') {
        const clash = (await panelApproversOf(tx, scope.councilId, run.id)).find((approval) =>
          sameDecider({ actor: approval.decided_by, actorName: approval.actor_name }, actor),
        );
        if (clash)
          throw new AppError(
            'SAME_ACTOR',
            `This key approved the plan of budget ${clash.budget_id} at panel, so it may not also confirm the council's payments into it (settings.separationOfDuties)`,
          );
      }
      // Confirmed again after stopping part-way: it carries on, already recorded as started.
      if (run.status === 'confirming') return { after: run, record: false };
      const confirming = await updatePaymentRun(tx, scope.councilId, run.id, { status, confirmed_by: actor.actor });
      // Who started it, even if it stops part-way: an audit row, no event (consumers see each payment).
      return { after: confirming, event: false };
    }),
  );
  if (started.status === 'confirmed') return started;
  const counts = await inTransaction((context) => runItemCounts(context.tx, context.scope.councilId, runId));
  const total = counts.pending.payments + counts.paid.payments + counts.skipped.payments;
  let settled = total - counts.pending.payments;
  progress?.(settled, total);
  const batch = (context: WorkflowContext) =>
    confirmBatch(context, runId).then((items) => {
      settled += items;
      progress?.(settled, total);
      return items;
    });
  while ((await inTransaction(batch)) > 0);
  return inTransaction((context) =>
    transition(context, PAYMENT_RUN, 'finishConfirmation', { id: runId, expectedVersion: null }, async (run, status) => {
      const { tx, scope, clock } = context;
      const confirmed = await updatePaymentRun(tx, scope.councilId, run.id, { status, confirmed_at: clock.now() });
      const counts = await runItemCounts(tx, scope.councilId, run.id);
      return {
        after: confirmed,
        extra: { paidPayments: counts.paid.payments, paidPence: counts.paid.amountPence, skippedPayments: counts.skipped.payments },
      };
    }),
  );
}

/** Records the next batch of a confirming run's payments; the number of items settled (0 when none are left). */
async function confirmBatch(context: WorkflowContext, runId: string): Promise<number> {
  const { tx, scope, changes, actor } = context;
  const run = await findPaymentRun(tx, scope.councilId, runId, { forUpdate: true });
  if (run?.status !== 'confirming') return 0;
  await assertNoUprating(context);
  const fetched = await listRunItems(tx, scope.councilId, run.id, { status: 'pending', limit: CONFIRM_BATCH });
  if (fetched.length === 0) return 0;
  // An instalment's shares are paid together or not at all, so a full batch leaves its last
  // instalment to the next one (unless that instalment is all the batch holds).
  const groupOf = (item: PaymentRunItem) => `${item.budget_id}#${item.instalment_number}`;
  const last = fetched.at(-1) as PaymentRunItem;
  const whole = fetched.length < CONFIRM_BATCH ? fetched : fetched.filter((item) => groupOf(item) !== groupOf(last));
  const items = whole.length > 0 ? whole : fetched;
  const budgetIds = [...new Set(items.map((item) => item.budget_id))];
  // Locked in id order, as every other writer of a budget's ledger locks the budget first.
  const budgets = new Map((await runBudgets(tx, scope.councilId, budgetIds, true)).map((budget) => [budget.budget_id, budget]));
  const ledgers = await councilPaymentsOf(tx, scope.councilId, budgetIds);
  const payments: { id: string; budgetId: string; instalmentNumber: number; amountPence: number; occurredOn: string }[] = [];
  const spends: { id: string; budgetId: string; planLine: number; amountPence: number; occurredOn: string; description: string }[] = [];
  const groups = new Map<string, PaymentRunItem[]>();
  for (const item of items) groups.set(groupOf(item), [...(groups.get(groupOf(item)) ?? []), item]);
  /** Why an instalment's shares cannot be paid now, or null when they all can. */
  const refusal = (shares: readonly PaymentRunItem[]): string | null => {
    const first = shares[0] as PaymentRunItem;
    const budget = budgets.get(first.budget_id);
    if (!budget || (budget.status !== 'agreed' && budget.status !== 'ended')) return 'the budget is no longer agreed';
    if (budget.erased) return 'the person’s personal data was erased: their record is closed';
    if (budget.end_date !== null && first.due_date > budget.end_date) return `the budget ended on ${budget.end_date}`;
    if (
      shares.some(
        (item) =>
          item.direct_payment_agreement_id !== null && !budget.agreements.some((found) => found.id === item.direct_payment_agreement_id),
      )
    )
      return 'the budget no longer has an agreement a share is paid under';
    if (
      budget.agreements.some((found) => found.status === 'suspended' && budget.plan?.lines.some((line) => line.managedBy === found.option))
    )
      return 'direct payments on the budget are suspended';
    // Paid whole or not at all: a share paid against a part-paid instalment would split it wrongly.
    const ledger = ledgers.get(first.budget_id);
    const owing = ledger
      ? (instalmentsOwing(ledger.entries, ledger.instalments, first.due_date).find((i) => i.number === first.instalment_number)
          ?.owingPence ?? 0)
      : 0;
    const sum = shares.reduce((total, item) => total + item.amount_pence, 0);
    return owing === sum ? null : `instalment ${first.instalment_number} now owes ${owing} pence, not the ${sum} its shares add up to`;
  };
  type Settled = { budgetId: string; instalmentNumber: number; share: number; transactionId: string | null; skippedReason: string | null };
  const settled = [...groups.values()].flatMap((shares): Settled[] => {
    const reason = refusal(shares);
    if (reason !== null)
      return shares.map((item) => ({
        budgetId: item.budget_id,
        instalmentNumber: item.instalment_number,
        share: item.share,
        transactionId: null,
        skippedReason: reason,
      }));
    const budget = budgets.get((shares[0] as PaymentRunItem).budget_id) as RunBudget;
    // Paid on the run's date; on a budget that ended before it (an uprating replaced it), on its
    // last day, as no money moves on a budget after it ends.
    const occurredOn = budget.end_date !== null && budget.end_date < run.run_date ? budget.end_date : run.run_date;
    return shares.map((item) => {
      const payment = {
        id: newId(),
        budgetId: item.budget_id,
        instalmentNumber: item.instalment_number,
        amountPence: item.amount_pence,
        occurredOn,
      };
      payments.push(payment);
      // The council-arranged share is the council's commissioned spend on its lines, never the person's money.
      if (item.payee_kind === 'commissioned')
        for (const line of item.plan_lines ?? [])
          spends.push({
            id: newId(),
            budgetId: item.budget_id,
            planLine: line.index,
            amountPence: line.amountPence,
            occurredOn,
            description: `Commissioned from ${item.payee_name}`,
          });
      return {
        budgetId: item.budget_id,
        instalmentNumber: item.instalment_number,
        share: item.share,
        transactionId: payment.id,
        skippedReason: null,
      };
    });
  });
  await insertRunPayments(tx, scope.councilId, payments, `Payment run ${run.run_date}`, actor.actor);
  await insertCommissionedSpend(tx, scope.councilId, spends, actor.actor);
  await settleRunItems(tx, scope.councilId, run.id, settled);
  for (const payment of payments)
    changes.record({
      action: 'transaction.recorded',
      entityType: 'budget-transaction',
      entityId: payment.id,
      after: {
        id: payment.id,
        budgetId: payment.budgetId,
        kind: 'council-payment',
        funder: 'council',
        direction: 'in',
        amountPence: payment.amountPence,
        occurredOn: payment.occurredOn,
        instalmentNumber: payment.instalmentNumber,
        paymentRunId: run.id,
      },
    });
  for (const spend of spends)
    changes.record({
      action: 'transaction.recorded',
      entityType: 'budget-transaction',
      entityId: spend.id,
      after: {
        id: spend.id,
        budgetId: spend.budgetId,
        kind: 'spend',
        funder: 'council',
        direction: 'out',
        amountPence: spend.amountPence,
        occurredOn: spend.occurredOn,
        planLine: spend.planLine,
        managedBy: 'council-arranged',
        category: 'commissioned',
        paymentRunId: run.id,
      },
    });
  return items.length;
}

/** Cancels a prepared run: nothing was paid, and the date is free for a new run. */
export function cancelPaymentRun(context: WorkflowContext, runId: string): Promise<PaymentRun> {
  const { tx, scope, clock, actor } = context;
  return transition(context, PAYMENT_RUN, 'cancel', { id: runId, expectedVersion: null }, async (run, status) => ({
    after: await updatePaymentRun(tx, scope.councilId, run.id, { status, cancelled_by: actor.actor, cancelled_at: clock.now() }),
  }));
}
