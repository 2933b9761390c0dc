import type { FastifyInstance } from 'fastify';
import operationsRoutes from './operations/routes.js';
import problemTypeRoutes from './problems/routes.js';
import allocationSchemeRoutes from './v1/allocation-schemes/routes.js';
import apiKeyRoutes from './v1/api-keys/routes.js';
import appealRoutes from './v1/appeals/routes.js';
import assessmentRoutes from './v1/assessments/routes.js';
import budgetAccountRoutes from './v1/budget-accounts/routes.js';
import budgetRoutes from './v1/budgets/routes.js';
import calculationRoutes from './v1/calculations/routes.js';
import calibrationRoutes from './v1/calibrations/routes.js';
import chargingPolicyRoutes from './v1/charging-policies/routes.js';
import councilRoutes from './v1/councils/routes.js';
import dataProtectionRoutes from './v1/data-protection/routes.js';
import directPaymentRoutes from './v1/direct-payments/routes.js';
import equalityMonitoringRoutes from './v1/equality-monitoring/routes.js';
import eventRoutes from './v1/events/routes.js';
import exportRoutes from './v1/exports/routes.js';
import financialAssessmentRoutes from './v1/financial-assessments/routes.js';
import identityProviderRoutes from './v1/identity-provider/routes.js';
import importRoutes from './v1/imports/routes.js';
import interimBudgetRoutes from './v1/interim-budgets/routes.js';
import jobRoutes from './v1/jobs/routes.js';
import letterRoutes from './v1/letters/routes.js';
import paymentRunRoutes from './v1/payment-runs/routes.js';
import peopleRoutes from './v1/people/routes.js';
import providerRoutes from './v1/providers/routes.js';
import publicRoutes from './v1/public/routes.js';
import questionnaireRoutes from './v1/questionnaires/routes.js';
import reportRoutes from './v1/reports/routes.js';
import reviewRoutes from './v1/reviews/routes.js';
import selfReviewRoutes from './v1/self-review/routes.js';
import supportPlanRoutes from './v1/support-plans/routes.js';
import upratingRunRoutes from './v1/uprating-runs/routes.js';
import verificationRoutes from './v1/verifications/routes.js';
import webhookRoutes from './v1/webhooks/routes.js';

/** Every route of the service: operations at the root, the API under /v1. */
export default async function routes(app: FastifyInstance): Promise<void> {
  await app.register(operationsRoutes);
  await app.register(problemTypeRoutes);
  await app.register(
    async (v1) => {
      for (const resource of [
        councilRoutes,
        apiKeyRoutes,
        identityProviderRoutes,
        questionnaireRoutes,
        allocationSchemeRoutes,
        calibrationRoutes,
        upratingRunRoutes,
        jobRoutes,
        calculationRoutes,
        peopleRoutes,
        equalityMonitoringRoutes,
        assessmentRoutes,
        budgetRoutes,
        chargingPolicyRoutes,
        financialAssessmentRoutes,
        supportPlanRoutes,
        budgetAccountRoutes,
        directPaymentRoutes,
        providerRoutes,
        interimBudgetRoutes,
        paymentRunRoutes,
        appealRoutes,
        reviewRoutes,
        verificationRoutes,
        eventRoutes,
        webhookRoutes,
        reportRoutes,
        letterRoutes,
        exportRoutes,
        importRoutes,
        dataProtectionRoutes,
        selfReviewRoutes,
        publicRoutes,
      ]) {
        await v1.register(resource);
      }
    },
    { prefix: '/v1' },
  );
}
