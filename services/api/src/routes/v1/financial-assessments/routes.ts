import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { listFinancialAssessments } from '../../../repositories/financial-assessments.js';
import { findPerson } from '../../../repositories/people.js';
import { toFinancialAssessment } from '../../../representations/financial-assessments.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { recordFinancialAssessment } from '../../../workflows/financial-assessments.js';
import { FinancialAssessmentResource, RecordFinancialAssessmentBody } from './schemas.js';

/** Financial assessments: a person's weekly contribution, with history; the one in force on a date is used. */
const financialAssessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people/:id/financial-assessments',
    {
      config: {
        problems: ['INVALID_INPUT', 'NO_CHARGING_POLICY', 'PERSON_ERASED'],
        access: rolesAccess('finance', 'assessor', 'admin', 'integration'),
      },
      schema: {
        operationId: 'recordFinancialAssessment',
        tags: ['money'],
        summary: 'Record a financial assessment (entered, or worked out under the charging policy in force)',
        description:
          'With circumstances, the weekly charge is worked out under the council’s charging policy in force on effectiveFrom (its own, else the shipped policy for its nation; 422 NO_CHARGING_POLICY when none is), and the policy’s id and version are kept on the result. Earlier assessments are kept; the one with the latest effectiveFrom on or before a date is in force on that date.',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: RecordFinancialAssessmentBody,
        response: { 201: FinancialAssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { weeklyContributionPence, calculate, circumstances } = request.body;
      const given: [string, unknown][] = [
        ['/weeklyContributionPence', weeklyContributionPence],
        ['/circumstances', circumstances],
        ['/calculate', calculate],
      ];
      const sent = given.filter(([, value]) => value !== undefined);
      if (sent.length !== 1) {
        throw unprocessable('INVALID_INPUT', 'Send one of weeklyContributionPence, circumstances or calculate', [
          {
            pointer: sent[1]?.[0] ?? '/circumstances',
            detail: 'exactly one of weeklyContributionPence, circumstances and calculate is needed',
          },
        ]);
      }
      return createWithWorkflow(request, reply, async (context) => {
        const row = await recordFinancialAssessment(context, request.params.id, request.body);
        return {
          body: toFinancialAssessment(row),
          headers: { location: `/v1/people/${row.person_id}/financial-assessments/${row.id}` },
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
