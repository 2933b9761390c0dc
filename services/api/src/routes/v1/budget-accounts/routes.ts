import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { createWithWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findLedger } from '../../../repositories/budget-accounts.js';
import { findAccountBudget } from '../../../repositories/budgets.js';
import { toAccount } from '../../../representations/budget-accounts.js';
import { ActorHeader, IdempotencyHeaders, IdParams, problemResponses } from '../../../schemas/common.js';
import { recordTransaction } from '../../../workflows/record-transaction.js';
import { AccountResource, RecordTransactionBody, TransactionResource } from './schemas.js';

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
      // The ledger is read beside the budget rather than after it (one round trip, not two); it is
      // used only when the budget is one this key may see.
      const [budget, ledger] = await Promise.all([
        findAccountBudget(app.db, scope, request.params.id),
        findLedger(app.db, scope.councilId, request.params.id),
      ]);
      if (!budget) throw notFound('budget', request.params.id);
      return toAccount(budget, ledger, app.clock.today());
    },
  );

  app.post(
    '/budgets/:id/transactions',
    {
      config: {
        problems: [
          'INVALID_STATE',
          'SAME_ACTOR',
          'INVALID_INPUT',
          'DIRECT_PAYMENT_AGREEMENT_REQUIRED',
          'DIRECT_PAYMENTS_SUSPENDED',
          'RING_FENCED',
          'PERSON_ERASED',
        ],
        access: rolesAccess('finance', 'integration'),
      },
      schema: {
        operationId: 'recordTransaction',
        tags: ['money'],
        summary: 'Record money into or out of the budget account',
        description:
          'Amounts are positive whole pence. Entries are never edited or deleted: correct one with a reversal naming it. A council payment may not be recorded by the key that approved the plan at panel, whatever Ras-Actor says, nor by another key naming the same person in Ras-Actor (409 SAME_ACTOR), unless the council has set separationOfDuties to relaxed.',
        params: IdParams,
        headers: Type.Object({ ...IdempotencyHeaders.properties, ...ActorHeader }),
        body: RecordTransactionBody,
        response: { 201: TransactionResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const body = await recordTransaction(context, request.params.id, request.body);
        return { body, headers: { location: `/v1/budgets/${body.budgetId}/account` } };
      }),
  );
};

export default budgetAccountRoutes;
