import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SupportPlan } from 'ras-core';
import { Type } from 'typebox';
import { actorNameOf, actorOf, READERS, rolesAccess } from '../../../auth/roles.js';
import { assertNotPanelApprover } from '../../../auth/separation-of-duties.js';
import type { BudgetTransaction, TransactionKind } from '../../../db/schema.js';
import { invalidState, notFound, unprocessable } from '../../../errors.js';
import { iso } from '../../../http/iso.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { summariseAccount } from '../../../rules/budget-account.js';
import { ActorHeader, IdempotencyHeaders, IdParams, problemResponses } from '../../../schemas/common.js';
import { findBudget } from '../budgets/repository.js';
import { councilSettings } from '../support-plans/approval.js';
import { listDecisions, listPlans } from '../support-plans/repository.js';
import { findAgreement, findTransaction, insertTransaction, listTransactions } from './repository.js';
import { AccountResource, RecordTransactionBody, TransactionResource } from './schemas.js';

/** Which way each kind moves money; adjustments say so themselves, reversals mirror their entry. */
const DIRECTION: Record<Exclude<TransactionKind, 'adjustment' | 'reversal'>, 1 | -1> = {
  'council-payment': 1,
  contribution: 1,
  refund: 1,
  spend: -1,
  clawback: -1,
  'contribution-refund': -1,
};

export function toTransaction(row: BudgetTransaction, reversedBy: string | null = null) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    kind: row.kind,
    direction: row.direction === 1 ? ('in' as const) : ('out' as const),
    amountPence: row.amount_pence,
    occurredOn: row.occurred_on,
    category: row.category,
    planLine: row.plan_line,
    managedBy: row.managed_by,
    instalmentNumber: row.instalment_number,
    reversesTransactionId: row.reverses_id,
    reversedBy,
    description: row.description,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

const today = () => new Date().toISOString().slice(0, 10);

/** The budget account: an append-only ledger of money in and out, with the payment schedule. */
const budgetAccountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/budgets/:id/account',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getBudgetAccount',
        tags: ['money'],
        summary: 'The budget account: payment agreement, schedule, every transaction and the balance',
        params: IdParams,
        response: { 200: AccountResource, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const budget = await findBudget(app.db, scope, request.params.id);
      if (!budget) throw notFound('budget', request.params.id);
      const [agreement, entries] = await Promise.all([
        findAgreement(app.db, scope.councilId, budget.id),
        listTransactions(app.db, scope.councilId, budget.id),
      ]);
      const summary = summariseAccount(entries, agreement?.instalments ?? [], today());
      const reversedBy = new Map(entries.flatMap((entry) => (entry.reverses_id ? [[entry.reverses_id, entry.id] as const] : [])));
      const a = agreement?.agreement;
      return {
        budgetId: budget.id,
        status: budget.status,
        agreement: a
          ? {
              id: a.id,
              startDate: a.start_date,
              frequency: a.frequency,
              collection: a.collection,
              weeklyContributionPence: a.weekly_contribution_pence,
              grossAnnualPence: a.gross_annual_pence,
              contributionAnnualPence: a.contribution_annual_pence,
              netAnnualPence: a.net_annual_pence,
              financialAssessmentId: a.financial_assessment_id,
            }
          : null,
        ...summary,
        transactions: entries.map((entry) => toTransaction(entry, reversedBy.get(entry.id) ?? null)),
      };
    },
  );

  app.post(
    '/budgets/:id/transactions',
    {
      config: { access: rolesAccess('finance', 'integration') },
      schema: {
        operationId: 'recordTransaction',
        tags: ['money'],
        summary: 'Record money into or out of the budget account',
        description:
          'Amounts are positive whole pence. Entries are never edited or deleted: correct one with a reversal naming it. A council payment may not be recorded by the person (named in Ras-Actor, or else the key) who approved the plan at panel (409 SAME_ACTOR), unless the council has set separationOfDuties to relaxed.',
        params: IdParams,
        headers: Type.Object({ ...IdempotencyHeaders.properties, ...ActorHeader }),
        body: RecordTransactionBody,
        response: { 201: TransactionResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const body = request.body as typeof request.body & { kind: TransactionKind };
      const problems: { pointer: string; detail: string }[] = [];
      if (body.kind !== 'reversal' && body.amountPence === undefined) problems.push({ pointer: '/amountPence', detail: 'is required' });
      if (body.kind === 'adjustment' && body.direction === undefined)
        problems.push({ pointer: '/direction', detail: 'is required for an adjustment: in or out' });
      if (body.kind !== 'adjustment' && body.direction !== undefined)
        problems.push({ pointer: '/direction', detail: 'applies only to adjustments' });
      if (body.kind === 'adjustment' && body.description === undefined)
        problems.push({ pointer: '/description', detail: 'is required for an adjustment: say why' });
      if (body.kind === 'reversal' && body.reversesTransactionId === undefined)
        problems.push({ pointer: '/reversesTransactionId', detail: 'is required for a reversal' });
      if (body.kind !== 'reversal' && body.reversesTransactionId !== undefined)
        problems.push({ pointer: '/reversesTransactionId', detail: 'applies only to reversals' });
      if (body.kind !== 'spend' && body.kind !== 'refund' && body.planLine !== undefined)
        problems.push({ pointer: '/planLine', detail: 'applies only to spend and refunds' });
      if (body.kind !== 'council-payment' && body.instalmentNumber !== undefined)
        problems.push({ pointer: '/instalmentNumber', detail: 'applies only to council payments' });
      if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'The transaction does not fit its kind: see errors', problems);

      return createOnce(request, reply, async (tx, changes) => {
        const budget = await findBudget(tx, scope, request.params.id, { forUpdate: true });
        if (!budget) throw notFound('budget', request.params.id);
        if (budget.status === 'indicative' || budget.status === 'superseded')
          throw invalidState(`Money moves only on an agreed budget; this one is ${budget.status}`);
        if (body.occurredOn < budget.start_date)
          throw unprocessable('INVALID_INPUT', `The budget starts on ${budget.start_date}; money cannot move on it before then`, [
            { pointer: '/occurredOn', detail: `must be on or after the budget’s start date, ${budget.start_date}` },
          ]);
        if (body.kind === 'council-payment' && (await councilSettings(tx, scope.councilId)).separationOfDuties === 'strict') {
          const [approved] = await listPlans(
            tx,
            { councilId: scope.councilId, portalKeyId: null },
            { budgetId: budget.id, status: 'approved' },
            null,
            1,
          );
          const decisions = approved ? await listDecisions(tx, scope.councilId, [approved.id]) : [];
          const panel = decisions.filter((decision) => decision.stage === 'panel' && decision.outcome === 'approve').at(-1);
          assertNotPanelApprover(
            { actor: actorOf(request.principal), actorName: actorNameOf(request.principal) },
            panel && { actor: panel.decided_by, actorName: panel.actor_name },
          );
        }
        let direction: 1 | -1;
        let amount = body.amountPence as number;
        let managedBy: string | null = null;
        if (body.kind === 'reversal') {
          const original = await findTransaction(tx, scope.councilId, budget.id, body.reversesTransactionId as string);
          if (!original)
            throw unprocessable('INVALID_INPUT', 'There is no such entry on this budget', [
              { pointer: '/reversesTransactionId', detail: 'is not an entry of this budget' },
            ]);
          if (original.kind === 'reversal')
            throw unprocessable('INVALID_INPUT', 'A reversal cannot be reversed; record the entry again', [
              { pointer: '/reversesTransactionId', detail: 'is itself a reversal' },
            ]);
          const already = (await listTransactions(tx, scope.councilId, budget.id)).some((entry) => entry.reverses_id === original.id);
          if (already) throw invalidState('That entry has already been reversed');
          if (body.amountPence !== undefined && body.amountPence !== original.amount_pence) {
            throw unprocessable('INVALID_INPUT', 'A reversal moves exactly the amount of the entry it reverses', [
              { pointer: '/amountPence', detail: `must be ${original.amount_pence} or left out` },
            ]);
          }
          amount = original.amount_pence;
          direction = original.direction === 1 ? -1 : 1;
        } else if (body.kind === 'adjustment') {
          direction = body.direction === 'in' ? 1 : -1;
        } else {
          direction = DIRECTION[body.kind];
        }
        if (body.planLine !== undefined) {
          const [plan] = await listPlans(
            tx,
            { councilId: scope.councilId, portalKeyId: null },
            { budgetId: budget.id, status: 'approved' },
            null,
            1,
          );
          const line = (plan?.plan as SupportPlan | undefined)?.lines[body.planLine];
          if (!line)
            throw unprocessable('INVALID_INPUT', 'The approved plan has no such line', [
              { pointer: '/planLine', detail: 'is not a line of the approved plan' },
            ]);
          managedBy = line.managedBy;
        }
        if (body.instalmentNumber !== undefined) {
          const agreement = await findAgreement(tx, scope.councilId, budget.id);
          const instalment = agreement?.instalments.find((candidate) => candidate.number === body.instalmentNumber);
          if (!instalment)
            throw unprocessable('INVALID_INPUT', 'The payment schedule has no such instalment', [
              { pointer: '/instalmentNumber', detail: 'is not in the schedule' },
            ]);
          if (instalment.amount_pence !== amount) {
            throw unprocessable('INVALID_INPUT', `Instalment ${instalment.number} is ${instalment.amount_pence} pence`, [
              { pointer: '/amountPence', detail: `must be ${instalment.amount_pence} for instalment ${instalment.number}` },
            ]);
          }
          const summary = summariseAccount(await listTransactions(tx, scope.councilId, budget.id), agreement?.instalments ?? [], today());
          if (summary.schedule.find((entry) => entry.number === instalment.number)?.status === 'paid')
            throw invalidState(`Instalment ${instalment.number} is already paid`);
        }
        const row = await insertTransaction(tx, scope.councilId, {
          budgetId: budget.id,
          kind: body.kind,
          direction,
          amountPence: amount,
          occurredOn: body.occurredOn,
          category: body.category ?? null,
          planLine: body.planLine ?? null,
          managedBy,
          instalmentNumber: body.instalmentNumber ?? null,
          description: body.description ?? null,
          reversesId: body.reversesTransactionId ?? null,
          createdBy: actorOf(request.principal),
        });
        const resource = toTransaction(row);
        changes.record({ action: 'transaction.recorded', entityType: 'budget-transaction', entityId: row.id, after: resource });
        return { body: resource, headers: { location: `/v1/budgets/${budget.id}/account` } };
      });
    },
  );
};

export default budgetAccountRoutes;
