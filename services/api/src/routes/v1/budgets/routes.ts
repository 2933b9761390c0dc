import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import type { Budget } from '../../../db/schema.js';
import { notFound, unprocessable } from '../../../errors.js';
import { etag } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { type CalculatedBudget, calculateBudget } from '../../../rules/calculate-budget.js';
import { Id, IdParams, IdempotencyHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { findSchemeInForce } from '../allocation-schemes/repository.js';
import { findAssessment } from '../assessments/repository.js';
import { financialAssessmentInForce } from '../financial-assessments/repository.js';
import { findPerson } from '../people/repository.js';
import { findBudget, insertBudget, listBudgets } from './repository.js';
import { BudgetResource, BudgetStatus, CreateBudgetBody } from './schemas.js';

export function toBudget(row: Budget) {
  return {
    ...(row.calculation as CalculatedBudget),
    id: row.id,
    personId: row.person_id,
    assessmentId: row.assessment_id,
    status: row.status,
    startDate: row.start_date,
    contributionCollection: row.contribution_collection,
    agreedAt: iso(row.agreed_at),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** What audit records and events say about a budget: its figures and state. */
export function budgetEvent(row: Budget) {
  return {
    id: row.id,
    personId: row.person_id,
    assessmentId: row.assessment_id,
    schemeId: row.scheme_id,
    status: row.status,
    startDate: row.start_date,
    rasAnnualPence: row.ras_annual_pence,
    totalAnnualPence: row.total_annual_pence,
    councilAnnualPence: row.council_annual_pence,
    annualContributionPence: row.annual_contribution_pence,
    netAnnualPence: row.net_annual_pence,
    referral: (row.referral as { reason: string } | null)?.reason ?? null,
    version: row.version,
  };
}

/** Budgets: the indicative personal budget from an agreed assessment, then its life. */
const budgetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/budgets',
    {
      config: { access: rolesAccess('admin', 'assessor', 'integration') },
      schema: {
        operationId: 'createBudget',
        tags: ['budgets'],
        summary: 'Work out and record the indicative budget for an agreed assessment',
        description:
          'Uses the scheme in force on startDate for the person’s client group and the assessment’s questionnaire (422 NO_SCHEME_IN_FORCE when there is none). 422 unless the assessment is agreed and the person eligible. A case above the ceiling carries a referral.',
        headers: IdempotencyHeaders,
        body: CreateBudgetBody,
        response: { 201: BudgetResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { assessmentId, startDate, contributionCollection, ...input } = request.body;
      return createOnce(request, reply, async (tx, changes) => {
        const assessment = await findAssessment(tx, scope, assessmentId, { forUpdate: true });
        if (!assessment) throw unprocessable('INVALID_INPUT', 'The assessment does not exist', [{ pointer: '/assessmentId', detail: 'is not an assessment you can see' }]);
        if (assessment.status !== 'agreed') {
          throw unprocessable('ASSESSMENT_NOT_AGREED', `The assessment is ${assessment.status}: a care coordinator must agree it before a budget is set`, [
            { pointer: '/assessmentId', detail: `is ${assessment.status}, not agreed` },
          ]);
        }
        const eligibility = assessment.eligibility as { eligible: boolean } | null;
        if (!eligibility?.eligible) {
          throw unprocessable('NOT_ELIGIBLE', 'The person was found not eligible at moderation: they get information and advice, not a budget', [
            { pointer: '/assessmentId', detail: 'the person is not eligible' },
          ]);
        }
        const person = await findPerson(tx, scope, assessment.person_id);
        if (!person) throw notFound('person', assessment.person_id);
        const clientGroup = person.person.client_group;
        const schemeRow = await findSchemeInForce(tx, scope.councilId, clientGroup, startDate, assessment.questionnaire_id);
        if (!schemeRow) {
          throw unprocessable('NO_SCHEME_IN_FORCE', `No allocation scheme for client group "${clientGroup}" using this assessment’s questionnaire is in force on ${startDate}`, [
            { pointer: '/startDate', detail: `no scheme for "${clientGroup}" is in force on this date` },
          ]);
        }
        const scheme = await app.rules.scheme(scope.councilId, schemeRow.id, tx);
        const questionnaire = await app.rules.questionnaire(scope.councilId, assessment.questionnaire_id, tx);
        if (!scheme || !questionnaire) throw new Error('rules vanished');
        // The contribution is the one given, else the financial assessment in force on the start date.
        const weeklyContributionPence = input.weeklyContributionPence ?? (await financialAssessmentInForce(tx, scope.councilId, assessment.person_id, startDate))?.weekly_contribution_pence;
        const calculation = calculateBudget(questionnaire, scheme, { answers: assessment.answers as Record<string, string>, ...input, weeklyContributionPence });
        const row = await insertBudget(tx, scope.councilId, {
          personId: assessment.person_id,
          assessmentId,
          schemeId: schemeRow.id,
          startDate,
          calculation,
          contributionCollection: (contributionCollection as 'net' | 'gross' | undefined) ?? null,
        });
        changes.record({ action: 'budget.created', entityType: 'budget', entityId: row.id, after: budgetEvent(row) });
        return { body: toBudget(row), headers: { location: `/v1/budgets/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.get(
    '/budgets/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: { operationId: 'getBudget', tags: ['budgets'], summary: 'Get a budget with its breakdown', params: IdParams, response: { 200: BudgetResource, ...problemResponses } },
    },
    async (request, reply) => {
      const row = await findBudget(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('budget', request.params.id);
      reply.header('etag', etag(row.version));
      return toBudget(row);
    },
  );

  app.get(
    '/budgets',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listBudgets',
        tags: ['budgets'],
        summary: 'List budgets, oldest first',
        querystring: Type.Object(
          { personId: Type.Optional(Id), assessmentId: Type.Optional(Id), status: Type.Optional(BudgetStatus), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Page(BudgetResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { personId, assessmentId, status } = request.query;
      const rows = await listBudgets(app.db, scopeOf(request), { personId, assessmentId, status }, page.after, page.size + 1);
      return toPage(rows, page, toBudget);
    },
  );
};

export default budgetRoutes;
