import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ageBandOn, assessCharge, CARE_ACT_2014_RULES, calculateContribution, type FinancialCircumstances, underPointer } from 'ras-core';
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
import { policyInForce, policyTraceSource } from '../../../workflows/charging-policy.js';
import { FinancialAssessmentResource, RecordFinancialAssessmentBody } from './schemas.js';

function toFinancialAssessment(row: FinancialAssessment) {
  return {
    id: row.id,
    personId: row.person_id,
    effectiveFrom: row.effective_from,
    method: row.method,
    weeklyContributionPence: row.weekly_contribution_pence,
    calculation: row.calculation as never,
    chargingPolicy:
      row.charging_policy_id === null
        ? null
        : {
            id: row.charging_policy_id,
            version: row.charging_policy_version,
            name: (row.calculation as { policyName?: string } | null)?.policyName ?? '',
          },
    notes: row.notes,
    createdAt: iso(row.created_at),
  };
}

/** Financial assessments: a person's weekly contribution, with history; the one in force on a date is used. */
const financialAssessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people/:id/financial-assessments',
    {
      config: {
        problems: ['INVALID_INPUT', 'NO_CHARGING_POLICY'],
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
      const scope = scopeOf(request);
      const { effectiveFrom, weeklyContributionPence, calculate, circumstances, notes } = request.body;
      const sent = [
        ['/weeklyContributionPence', weeklyContributionPence],
        ['/circumstances', circumstances],
        ['/calculate', calculate],
      ].filter(([, value]) => value !== undefined);
      if (sent.length !== 1) {
        throw unprocessable('INVALID_INPUT', 'Send one of weeklyContributionPence, circumstances or calculate', [
          {
            pointer: (sent[1]?.[0] as string | undefined) ?? '/circumstances',
            detail: 'exactly one of weeklyContributionPence, circumstances and calculate is needed',
          },
        ]);
      }
      return createOnce(request, reply, async (tx, changes) => {
        const person = await findPerson(tx, scope, request.params.id);
        if (!person) throw notFound('person', request.params.id);
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
          createdBy: actorOf(request.principal),
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
