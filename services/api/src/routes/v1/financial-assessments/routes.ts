import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CARE_ACT_2014_RULES, calculateContribution, underPointer } from 'ras-core';
import { Type } from 'typebox';
import { actorOf, rolesAccess, STAFF } from '../../../auth/roles.js';
import type { FinancialAssessment } from '../../../db/schema.js';
import { notFound, unprocessable } from '../../../errors.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { insertFinancialAssessment, listFinancialAssessments } from '../../../repositories/financial-assessments.js';
import { findPerson } from '../../../repositories/people.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { FinancialAssessmentResource, RecordFinancialAssessmentBody } from './schemas.js';

function toFinancialAssessment(row: FinancialAssessment) {
  return {
    id: row.id,
    personId: row.person_id,
    effectiveFrom: row.effective_from,
    method: row.method,
    weeklyContributionPence: row.weekly_contribution_pence,
    calculation: row.calculation as never,
    notes: row.notes,
    createdAt: iso(row.created_at),
  };
}

/** Financial assessments: a person's weekly contribution, with history; the one in force on a date is used. */
const financialAssessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people/:id/financial-assessments',
    {
      config: { problems: ['INVALID_INPUT'], access: rolesAccess('finance', 'assessor', 'admin', 'integration') },
      schema: {
        operationId: 'recordFinancialAssessment',
        tags: ['money'],
        summary: 'Record a financial assessment (entered, or computed by the Care Act calculator)',
        description: 'Earlier assessments are kept; the one with the latest effectiveFrom on or before a date is in force on that date.',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: RecordFinancialAssessmentBody,
        response: { 201: FinancialAssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { effectiveFrom, weeklyContributionPence, calculate, notes } = request.body;
      if ((weeklyContributionPence === undefined) === (calculate === undefined)) {
        throw unprocessable('INVALID_INPUT', 'Send either weeklyContributionPence or calculate, not both or neither', [
          {
            pointer: weeklyContributionPence === undefined ? '/weeklyContributionPence' : '/calculate',
            detail: 'exactly one of weeklyContributionPence and calculate is needed',
          },
        ]);
      }
      let weekly = weeklyContributionPence ?? 0;
      let calculation: { inputs: unknown; result: unknown } | null = null;
      if (calculate) {
        const { rules, ...inputs } = calculate;
        const result = underPointer('/calculate', () => calculateContribution(inputs, rules ?? CARE_ACT_2014_RULES));
        weekly = result.weeklyContributionPence;
        calculation = { inputs: calculate, result };
      }
      return createOnce(request, reply, async (tx, changes) => {
        const person = await findPerson(tx, scope, request.params.id);
        if (!person) throw notFound('person', request.params.id);
        const row = await insertFinancialAssessment(tx, scope.councilId, {
          personId: person.person.id,
          effectiveFrom,
          method: calculate ? 'calculated' : 'entered',
          weeklyContributionPence: weekly,
          calculation,
          notes: notes ?? null,
          createdBy: actorOf(request.principal),
        });
        changes.record({
          action: 'financial-assessment.recorded',
          entityType: 'financial-assessment',
          entityId: row.id,
          after: { id: row.id, personId: row.person_id, effectiveFrom, method: row.method, weeklyContributionPence: weekly },
        });
        return {
          body: toFinancialAssessment(row),
          headers: { location: `/v1/people/${person.person.id}/financial-assessments/${row.id}` },
        };
      });
    },
  );

  app.get(
    '/people/:id/financial-assessments',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'listFinancialAssessments',
        tags: ['money'],
        summary: 'A person’s financial assessments, oldest effective date first',
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(FinancialAssessmentResource), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const person = await findPerson(app.db, scope, request.params.id);
      if (!person) throw notFound('person', request.params.id);
      const page = pageRequest(request.query);
      const rows = await listFinancialAssessments(app.db, scope.councilId, person.person.id, page.after, page.size + 1);
      return toPage(rows, page, toFinancialAssessment);
    },
  );
};

export default financialAssessmentRoutes;
