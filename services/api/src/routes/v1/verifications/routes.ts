import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findBudget } from '../../../repositories/budgets.js';
import { findFinancialAssessment } from '../../../repositories/financial-assessments.js';
import { findPerson } from '../../../repositories/people.js';
import { findReview } from '../../../repositories/reviews.js';
import { Id, IdParams, problemResponses } from '../../../schemas/common.js';
import { assertNotErased } from '../../../workflows/erasure.js';
import { verifyBudget, verifyClawback, verifyFinancialAssessment } from '../../../workflows/verify-figures.js';
import { VerificationResource } from './schemas.js';

const RECOMPUTE =
  'Works the stored figure out again with ras-core from its stored inputs and the rule versions it names, and answers whether it matches to the penny, with both figures for any that do not. Nothing is changed.';

/** Figures that re-prove themselves: budgets, contributions and clawbacks worked out again. */
const verificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const context = (request: Parameters<typeof scopeOf>[0]) => ({ db: app.db, rules: app.rules, scope: scopeOf(request) });
  /** An erased person's inputs are gone: their figures stand but cannot be worked out again. */
  const refuseErased = async (request: Parameters<typeof scopeOf>[0], personId: string) => {
    const person = await findPerson(app.db, scopeOf(request), personId);
    if (person) assertNotErased(person.person);
  };

  app.get(
    '/budgets/:id/verification',
    {
      config: { access: rolesAccess(...STAFF), problems: ['PERSON_ERASED'] },
      schema: {
        operationId: 'verifyBudget',
        tags: ['budgets'],
        summary: 'Work a budget out again and say whether it matches to the penny',
        description: `${RECOMPUTE} A budget is worked out from its assessment’s answers, the questionnaire and scheme versions, weeks, funding streams, contribution, any panel amount and any transitional protection.`,
        params: IdParams,
        response: { 200: VerificationResource, ...problemResponses },
      },
    },
    async (request) => {
      const budget = await findBudget(app.db, scopeOf(request), request.params.id);
      if (!budget) throw notFound('budget', request.params.id);
      await refuseErased(request, budget.person_id);
      return verifyBudget(context(request), budget);
    },
  );

  app.get(
    '/people/:id/financial-assessments/:financialAssessmentId/verification',
    {
      config: { access: rolesAccess(...STAFF), problems: ['PERSON_ERASED'] },
      schema: {
        operationId: 'verifyFinancialAssessment',
        tags: ['money'],
        summary: 'Work a contribution out again under the charging policy version it names',
        description: `${RECOMPUTE} An entered contribution has status \`entered\`.`,
        params: Type.Object({ id: Id, financialAssessmentId: Id }, { additionalProperties: false }),
        response: { 200: VerificationResource, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const row = await findFinancialAssessment(app.db, scope.councilId, request.params.id, request.params.financialAssessmentId);
      if (!row) throw notFound('financial assessment', request.params.financialAssessmentId);
      await refuseErased(request, row.person_id);
      return verifyFinancialAssessment(context(request), row);
    },
  );

  app.get(
    '/reviews/:id/clawback/verification',
    {
      config: { access: rolesAccess(...STAFF), problems: ['PERSON_ERASED'] },
      schema: {
        operationId: 'verifyClawback',
        tags: ['reviews'],
        summary: 'Work an annual review’s clawback out again, and check its decision against the ledger',
        description: `${RECOMPUTE} The recommendation is worked out from the inputs kept with it and the scheme version’s rule; a decision must take back no more than was recommended, and the ledger must hold exactly the entries it names.`,
        params: IdParams,
        response: { 200: VerificationResource, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const review = await findReview(app.db, scope, request.params.id);
      if (!review || review.clawback === null) throw notFound('clawback', request.params.id);
      const budget = await findBudget(app.db, scope, review.budget_id);
      if (!budget) throw notFound('clawback', request.params.id);
      await refuseErased(request, budget.person_id);
      return verifyClawback(context(request), review, budget);
    },
  );
};

export default verificationRoutes;
