import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { costSupportPlan } from 'ras-core';
import { Type } from 'typebox';
import { READERS, rolesAccess, STAFF } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findBudget } from '../../../repositories/budgets.js';
import { findProvider, fundLedger, fundsHeldBy, listProviders } from '../../../repositories/providers.js';
import { listPlans } from '../../../repositories/support-plans.js';
import { toProvider, toProviderWithFunds } from '../../../representations/providers.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { createProvider } from '../../../workflows/providers.js';
import {
  CreateProviderBody,
  FundStatementResource,
  ProviderResource,
  ProviderWithFundsResource,
  StatementParams,
  StatementQuery,
} from './schemas.js';

/** The provider register: who holds individual service funds and is paid them, and their statements. */
const providerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/providers',
    {
      config: { problems: ['INVALID_INPUT', 'ALREADY_EXISTS'], access: rolesAccess('finance', 'admin') },
      schema: {
        operationId: 'createProvider',
        tags: ['money'],
        summary: 'Add a provider to the register, with the account the payment run pays it',
        description:
          'A plan line names a provider by providerId. An individual-service-fund line must, for the payment run to pay the fund’s share to the provider; a council-arranged line may, so the commissioned spend names it. A second provider with the same name is 409 ALREADY_EXISTS with existingId.',
        headers: IdempotencyHeaders,
        body: CreateProviderBody,
        response: { 201: ProviderResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const row = await createProvider(context, request.body);
        return { body: toProvider(row), headers: { location: `/v1/providers/${row.id}` } };
      }),
  );

  app.get(
    '/providers',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'listProviders',
        tags: ['money'],
        summary: 'The council’s provider register, by name',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(ProviderResource), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const page = pageRequest(request.query);
      const rows = await listProviders(app.db, scope.councilId, page.after, page.size + 1);
      return toPage(rows, page, (row) => toProvider(row));
    },
  );

  app.get(
    '/providers/:id',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getProvider',
        tags: ['money'],
        summary: 'A provider, with the people it holds individual service funds for',
        params: IdParams,
        response: { 200: ProviderWithFundsResource, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const row = await findProvider(app.db, scope.councilId, request.params.id);
      if (!row) throw notFound('provider', request.params.id);
      return toProviderWithFunds(row, await fundsHeldBy(app.db, scope.councilId, row.id));
    },
  );

  app.get(
    '/providers/:id/individual-service-funds/:budgetId/statement',
    {
      config: { problems: ['INVALID_INPUT'], access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getIndividualServiceFundStatement',
        tags: ['money'],
        summary: 'The statement of an individual service fund for the person: what the provider was paid and spent on the fund’s lines',
        description:
          'From the ledger: the payment run’s payments to the provider for the budget, and spend and refunds recorded against the approved plan’s individual-service-fund lines naming the provider (reversed entries left out), for the period from–to (both optional, inclusive), with the balance before and after. A portal key sees only its own people’s. A budget whose approved plan has no fund with this provider is 404.',
        params: StatementParams,
        querystring: StatementQuery,
        response: { 200: FundStatementResource, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { id, budgetId } = request.params;
      const { from, to } = request.query;
      if (from !== undefined && to !== undefined && to < from)
        throw unprocessable('INVALID_INPUT', 'The period ends before it starts', [
          { pointer: '/query/to', detail: `must be on or after ${from}` },
        ]);
      const [provider, budget] = await Promise.all([findProvider(app.db, scope.councilId, id), findBudget(app.db, scope, budgetId)]);
      if (!provider) throw notFound('provider', id);
      if (!budget) throw notFound('budget', budgetId);
      const [plan] = await listPlans(app.db, { councilId: scope.councilId, portalKeyId: null }, { budgetId, status: 'approved' }, null, 1);
      const lines = (plan?.plan.lines ?? []).flatMap((line, index) =>
        line.managedBy === 'individual-service-fund' && line.providerId === provider.id ? [index] : [],
      );
      if (!plan || lines.length === 0) throw notFound('individual service fund', `${provider.id}/${budgetId}`);
      const costing = costSupportPlan(plan.plan, {
        totalAnnualPence: budget.total_annual_pence,
        weeksCovered: budget.calculation.weeksCovered,
        weeksPerYear: budget.calculation.weeksPerYear,
      });
      const signed = (entry: { kind: string; amount_pence: number }) => (entry.kind === 'spend' ? -entry.amount_pence : entry.amount_pence);
      let opening = 0;
      let paidIn = 0;
      let spent = 0;
      const entries = [];
      for (const entry of await fundLedger(app.db, scope.councilId, provider.id, budgetId, lines)) {
        if (from !== undefined && entry.occurred_on < from) {
          opening += signed(entry);
          continue;
        }
        if (to !== undefined && entry.occurred_on > to) continue;
        if (entry.kind === 'council-payment') paidIn += entry.amount_pence;
        else spent -= signed(entry);
        entries.push({
          id: entry.id,
          kind: entry.kind,
          occurredOn: entry.occurred_on,
          amountPence: entry.amount_pence,
          planLine: entry.plan_line,
          description: entry.description,
        });
      }
      return {
        provider: { id: provider.id, name: provider.name },
        budgetId,
        personId: budget.person_id,
        period: { from: from ?? null, to: to ?? null },
        lines: lines.map((index) => ({
          index,
          description: plan.plan.lines[index]?.description ?? '',
          annualCostPence: costing.lines[index]?.annualCostPence ?? 0,
        })),
        openingBalancePence: opening,
        paidInPence: paidIn,
        spentPence: spent,
        closingBalancePence: opening + paidIn - spent,
        entries,
      };
    },
  );
};

export default providerRoutes;
