import { DEFAULT_INTERIM_MAX_WEEKS, dayBefore, interimAmount, RasError, reconcileInterim } from 'ras-core';
import type { Role } from '../auth/roles.js';
import type { InterimBudget } from '../db/schema.js';
import { AppError, invalidState, unprocessable } from '../errors.js';
import { insertTransaction } from '../repositories/budget-accounts.js';
import { findBudget, listBudgets } from '../repositories/budgets.js';
import { councilSettings } from '../repositories/councils.js';
import {
  activeInterimFor,
  findInterimBudget,
  insertInterimBudget,
  insertInterimPayment,
  interimPayments,
  markCarried,
  updateInterimBudget,
} from '../repositories/interim-budgets.js';
import { toTransaction } from '../representations/budget-accounts.js';
import { interimEvent } from '../representations/interim-budgets.js';
import type { WorkflowContext } from './context.js';
import { namedPerson } from './named-records.js';
import { refuseErased, stateMachine, transition } from './transition.js';

/** ras-core's refusal of a period, as the API's 422 naming the field. */
function amountOf(weeklyPence: number, startDate: string, endDate: string, maxWeeks: number) {
  try {
    return interimAmount(weeklyPence, startDate, endDate, maxWeeks);
  } catch (error) {
    if (error instanceof RasError) throw unprocessable('INVALID_INPUT', 'Interim support is time-limited: see errors', error.problems);
    throw error;
  }
}

const COORDINATORS: readonly Role[] = ['assessor', 'admin', 'team-manager'];
const FINANCE: readonly Role[] = ['finance', 'admin'];
const stillRunning = (status: string) => `The interim budget is ${status}`;

/**
 * Interim support: paid while it runs, reviewed to run on or to end, and reconciled into the
 * person's agreed budget (once, whether it ran on or ended).
 */
export const INTERIM_BUDGET = {
  ...stateMachine({
    entity: 'interim-budget',
    noun: 'interim budget',
    lock: (context, id) => findInterimBudget(context.tx, context.scope, id, { forUpdate: true }),
    statusOf: (row: InterimBudget) => row.status,
    eventOf: interimEvent,
    personOf: (row: InterimBudget) => row.person_id,
    steps: {
      pay: { from: ['active'], to: null, roles: FINANCE, audit: 'interim-budget.paid', refusal: stillRunning },
      extend: { from: ['active'], to: 'active', roles: COORDINATORS, audit: 'interim-budget.extended', refusal: stillRunning },
      end: { from: ['active'], to: 'ended', roles: COORDINATORS, audit: 'interim-budget.ended', refusal: stillRunning },
      reconcile: {
        from: ['active', 'ended'],
        to: 'reconciled',
        roles: FINANCE,
        audit: 'interim-budget.reconciled',
        refusal: (_status, row) => `The interim budget was reconciled into budget ${row.reconciled_into}`,
      },
    },
  }),
  /** Who may set interim support up. */
  setUpBy: COORDINATORS,
};

/**
 * Interim support in a crisis, before a plan is agreed: a weekly amount from a start date to an
 * end date inside the council's limit (settings.interimMaxWeeks, default 12 weeks), reviewed on
 * its end date or sooner. One at a time for a person, and not while a budget is agreed for them.
 */
export async function createInterimBudget(
  context: WorkflowContext,
  request: { personId: string; weeklyPence: number; startDate: string; endDate: string; reason: string; reviewOn?: string | undefined },
): Promise<InterimBudget> {
  const { tx, scope, actor, changes } = context;
  const person = await namedPerson(context, request.personId);
  const maxWeeks = (await councilSettings(tx, scope.councilId)).interimMaxWeeks ?? DEFAULT_INTERIM_MAX_WEEKS;
  const amount = amountOf(request.weeklyPence, request.startDate, request.endDate, maxWeeks);
  if (request.reviewOn !== undefined && (request.reviewOn < request.startDate || request.reviewOn > request.endDate))
    throw unprocessable('INVALID_INPUT', 'The review falls while the interim support runs', [
      { pointer: '/reviewOn', detail: `must be from ${request.startDate} to ${request.endDate}` },
    ]);
  const running = await activeInterimFor(tx, scope.councilId, person.person.id);
  if (running)
    throw new AppError('ALREADY_EXISTS', 'The person has interim support running: review it to extend it', {
      extensions: { existingId: running.id },
    });
  const agreed = (
    await listBudgets(tx, { councilId: scope.councilId, portalKeyId: null }, { personId: person.person.id, status: 'agreed' }, null, 50)
  ).find((budget) => budget.start_date <= request.startDate && (budget.end_date === null || budget.end_date >= request.startDate));
  if (agreed) throw invalidState(`Budget ${agreed.id} is agreed and running on ${request.startDate}: its contingency is for a crisis`);
  const row = await insertInterimBudget(tx, scope.councilId, {
    person_id: person.person.id,
    reason: request.reason,
    weekly_pence: request.weeklyPence,
    start_date: request.startDate,
    end_date: request.endDate,
    total_pence: amount.totalPence,
    review_on: request.reviewOn ?? request.endDate,
    created_by: actor.actor,
  });
  changes.record({ action: 'interim-budget.created', entityType: 'interim-budget', entityId: row.id, after: interimEvent(row) });
  return row;
}

/** A payment of interim support: inside its dates, and never more in all than its total. */
export async function recordInterimPayment(
  context: WorkflowContext,
  id: string,
  request: { amountPence: number; paidOn: string; payeeReference?: string | undefined },
) {
  const { tx, scope, actor } = context;
  return transition(context, INTERIM_BUDGET, 'pay', { id, expectedVersion: null }, async (interim) => {
    if (request.paidOn < interim.start_date || request.paidOn > interim.end_date)
      throw unprocessable('INVALID_INPUT', 'Interim money is paid while the interim support runs', [
        { pointer: '/paidOn', detail: `must be from ${interim.start_date} to ${interim.end_date}` },
      ]);
    const agreed = (
      await listBudgets(tx, { councilId: scope.councilId, portalKeyId: null }, { personId: interim.person_id, status: 'agreed' }, null, 50)
    ).find((budget) => budget.start_date <= request.paidOn && (budget.end_date === null || budget.end_date >= request.paidOn));
    if (agreed)
      throw unprocessable(
        'INVALID_INPUT',
        `Budget ${agreed.id} runs from ${agreed.start_date}: its instalments pay from then, so reconcile the interim support into it`,
        [{ pointer: '/paidOn', detail: `must be before ${agreed.start_date}, when the agreed budget starts` }],
      );
    const paid = (await interimPayments(tx, scope.councilId, interim.id)).reduce((sum, payment) => sum + payment.amount_pence, 0);
    if (paid + request.amountPence > interim.total_pence)
      throw unprocessable('INVALID_INPUT', `The interim budget is ${interim.total_pence} pence, ${paid} already paid`, [
        { pointer: '/amountPence', detail: `must be at most ${interim.total_pence - paid}` },
      ]);
    const payment = await insertInterimPayment(tx, scope.councilId, {
      interim_id: interim.id,
      amount_pence: request.amountPence,
      paid_on: request.paidOn,
      payee_reference: request.payeeReference ?? null,
      created_by: actor.actor,
    });
    return { after: interim, extra: { paymentId: payment.id, amountPence: payment.amount_pence, paidOn: payment.paid_on } };
  });
}

/** The review: the interim support goes on to a new end date (inside the limit from its start), or ends. */
export async function reviewInterimBudget(
  context: WorkflowContext,
  id: string,
  request: { outcome: 'continue' | 'end'; notes: string; endDate?: string | undefined; reviewedOn: string },
): Promise<InterimBudget> {
  const { tx, scope, actor } = context;
  const endDate = request.outcome === 'end' ? (request.endDate ?? request.reviewedOn) : request.endDate;
  if (endDate === undefined)
    throw unprocessable('INVALID_INPUT', 'Say until when the interim support goes on', [
      { pointer: '/endDate', detail: 'is required to continue' },
    ]);
  return transition(
    context,
    INTERIM_BUDGET,
    request.outcome === 'end' ? 'end' : 'extend',
    { id, expectedVersion: null },
    async (before, status) => {
      const maxWeeks = (await councilSettings(tx, scope.councilId)).interimMaxWeeks ?? DEFAULT_INTERIM_MAX_WEEKS;
      const amount = amountOf(before.weekly_pence, before.start_date, endDate, maxWeeks);
      const paid = (await interimPayments(tx, scope.councilId, before.id)).reduce((sum, payment) => sum + payment.amount_pence, 0);
      if (amount.totalPence < paid)
        throw unprocessable('INVALID_INPUT', `${paid} pence was already paid: the interim support cannot end before that is covered`, [
          { pointer: '/endDate', detail: 'is too early for what was paid' },
        ]);
      const after = await updateInterimBudget(tx, scope.councilId, before.id, {
        updatedAt: context.clock.now(),
        status,
        end_date: endDate,
        total_pence: amount.totalPence,
        review_on: request.outcome === 'continue' ? endDate : before.review_on,
        reviews: [
          ...before.reviews,
          { reviewedOn: request.reviewedOn, outcome: request.outcome, notes: request.notes, endDate, reviewedBy: actor.actor },
        ],
      });
      return { after };
    },
  );
}

/**
 * Reconciles interim support into the person's agreed budget: what was paid on or after the
 * budget's start counts as the council's payments into that budget (so its instalments owe that
 * much less and nothing is paid twice); what was paid before stays the interim budget's. The
 * interim support ends the day before the budget starts, if it ran on.
 */
export async function reconcileInterimBudget(context: WorkflowContext, id: string, budgetId: string): Promise<InterimBudget> {
  const { tx, scope, actor, changes } = context;
  await refuseErased(context, budgetId);
  return transition(context, INTERIM_BUDGET, 'reconcile', { id, expectedVersion: null }, async (before, status) => {
    const budget = await findBudget(tx, scope, budgetId, { forUpdate: true });
    if (!budget || budget.person_id !== before.person_id)
      throw unprocessable('INVALID_INPUT', 'The budget is not the person’s', [
        { pointer: '/budgetId', detail: 'is not a budget of this person you can see' },
      ]);
    if (budget.status !== 'agreed') throw invalidState(`Interim support is reconciled into an agreed budget; this one is ${budget.status}`);
    const payments = await interimPayments(tx, scope.councilId, before.id);
    const result = reconcileInterim(
      payments.map((payment) => ({ id: payment.id, amountPence: payment.amount_pence, paidOn: payment.paid_on })),
      budget.start_date,
    );
    const carried = [];
    for (const payment of result.carried) {
      const row = await insertTransaction(tx, scope.councilId, {
        budgetId: budget.id,
        kind: 'council-payment',
        direction: 1,
        amountPence: payment.amountPence,
        occurredOn: payment.paidOn,
        category: null,
        planLine: null,
        managedBy: null,
        instalmentNumber: null,
        funder: 'council',
        description: `Interim support paid on ${payment.paidOn}, carried into the budget`,
        reversesId: null,
        createdBy: actor.actor,
      });
      changes.record({ action: 'transaction.recorded', entityType: 'budget-transaction', entityId: row.id, after: toTransaction(row) });
      carried.push({ id: payment.id, transactionId: row.id });
    }
    await markCarried(tx, scope.councilId, carried);
    const endDate = before.end_date >= budget.start_date ? dayBefore(budget.start_date) : before.end_date;
    const after = await updateInterimBudget(tx, scope.councilId, before.id, {
      updatedAt: context.clock.now(),
      status,
      // biome-ignore lint/complexity/useMathMinMax: ISO dates are text; Math.max would make them NaN.
      end_date: endDate < before.start_date ? before.start_date : endDate,
      reconciled_into: budget.id,
      reconciliation: {
        budgetId: budget.id,
        carriedPence: result.carriedPence,
        keptPence: result.keptPence,
        payments: carried.map((c) => c.id),
      },
    });
    return { after, extra: { budgetId: budget.id, carriedPence: result.carriedPence, keptPence: result.keptPence } };
  });
}
