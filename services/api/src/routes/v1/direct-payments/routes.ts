import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import type { AuditSample, DB, DirectPaymentAgreement } from '../../../db/schema.js';
import { notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { councilOf, scopeOf } from '../../../plugins/auth.js';
import { findAuditSample, findDirectPaymentAgreement, listAccountReturns, listAuditItems } from '../../../repositories/direct-payments.js';
import { toAgreement, toAuditSample, toReturn } from '../../../representations/direct-payments.js';
import { IdempotencyHeaders, IdParams, IfMatchHeaders, problemResponses } from '../../../schemas/common.js';
import {
  changeAgreementStatus,
  createAuditSample,
  createDirectPaymentAgreement,
  DIRECT_PAYMENT_AGREEMENT,
  recordAccountReturn,
  recordAuditOutcome,
} from '../../../workflows/direct-payments.js';
import {
  AccountReturnResource,
  AuditSampleResource,
  ChangeAgreementStatusBody,
  CreateAuditSampleBody,
  CreateDirectPaymentAgreementBody,
  DirectPaymentAgreementResource,
  RecordAccountReturnBody,
  RecordAuditOutcomeBody,
} from './schemas.js';

/** An agreement as the API shows it, with its returns read for it. */
async function shownAgreement(db: Kysely<DB>, row: DirectPaymentAgreement) {
  return toAgreement(row, await listAccountReturns(db, row.council_id, row.id));
}

/** An audit sample as the API shows it, with its accounts read for it. */
async function shownSample(db: Kysely<DB>, sample: AuditSample) {
  return toAuditSample(sample, await listAuditItems(db, sample.council_id, sample.id));
}

const FINANCE = rolesAccess('finance', 'admin');

/** Direct payments: the agreement before the first payment, the holder's returns, and the council's audit. */
const directPaymentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/direct-payment-agreements',
    {
      config: {
        problems: ['INVALID_STATE', 'INVALID_INPUT', 'NO_DIRECT_PAYMENT_LINES', 'ALREADY_EXISTS', 'PERSON_ERASED'],
        access: rolesAccess('finance', 'admin', 'assessor'),
      },
      schema: {
        operationId: 'createDirectPaymentAgreement',
        tags: ['money'],
        summary: 'Record the agreement for a way of managing an agreed budget that pays a holder (direct payment, indirect payment, trust)',
        description:
          'Needed before the first council payment into the account of a budget whose approved plan has lines paid to a holder: direct-payment (held by the person, a nominated person or an authorised person), indirect-payment (paid to a nominated person) or trust (paid to a user-controlled trust); managementOption says which (default direct-payment), one agreement for each the plan uses. recordTransaction and createPaymentRun answer 422 DIRECT_PAYMENT_AGREEMENT_REQUIRED naming the line without it. Keeps the council’s terms (settings.directPaymentTerms) as accepted, who holds the money, the account the payment run pays, and who accepted it when. A holder type the way does not allow is 422 naming /holder/type; a plan with no line of that way is 422 NO_DIRECT_PAYMENT_LINES; a second agreement for the same way is 409 ALREADY_EXISTS with existingId.',
        headers: IdempotencyHeaders,
        body: CreateDirectPaymentAgreementBody,
        response: { 201: DirectPaymentAgreementResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const row = await createDirectPaymentAgreement(context, request.body);
        return {
          body: await shownAgreement(context.tx, row),
          headers: { location: `/v1/direct-payment-agreements/${row.id}`, etag: etag(row.version) },
        };
      }),
  );

  app.get(
    '/direct-payment-agreements/:id',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getDirectPaymentAgreement',
        tags: ['money'],
        summary: 'A direct payment agreement, with its returns and how each checked against the ledger',
        params: IdParams,
        response: { 200: DirectPaymentAgreementResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const row = await findDirectPaymentAgreement(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('direct payment agreement', request.params.id);
      reply.header('etag', etag(row.version));
      return shownAgreement(app.db, row);
    },
  );

  app.post(
    '/direct-payment-agreements/:id/status',
    {
      config: { problems: ['INVALID_STATE', 'PERSON_ERASED'], access: rolesAccess(...DIRECT_PAYMENT_AGREEMENT.steps.suspend.roles) },
      schema: {
        operationId: 'changeDirectPaymentAgreementStatus',
        tags: ['money'],
        summary: 'Suspend, reinstate or end a direct payment agreement, with the reason',
        description:
          'Reinstating (active) an agreement an audit suspended lets council payments go in again; ended is final. The same status again, or any change to an ended agreement, is 409. Needs If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: ChangeAgreementStatusBody,
        response: { 200: DirectPaymentAgreementResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const body = await runWorkflow(request, async (context) =>
        shownAgreement(context.tx, await changeAgreementStatus(context, request.params.id, expected, request.body)),
      );
      reply.header('etag', etag(body.version));
      return body;
    },
  );

  app.post(
    '/direct-payment-agreements/:id/returns',
    {
      config: {
        problems: ['INVALID_INPUT', 'ALREADY_EXISTS', 'RETURN_PERIOD_AUDITED', 'PERSON_ERASED'],
        access: rolesAccess('finance', 'admin', 'integration', 'portal'),
      },
      schema: {
        operationId: 'recordAccountReturn',
        tags: ['money'],
        summary: 'Record the account holder’s return for a period, checked against the ledger',
        description:
          'Balance, money in, money out and receipts for the period, checked against the budget account: opening and closing balances, money in and out, that the statement adds up, and that receipts cover the money out; every difference shown. One return per period (409 ALREADY_EXISTS); none for a period whose audit of this account is decided (409 RETURN_PERIOD_AUDITED).',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: RecordAccountReturnBody,
        response: { 201: AccountReturnResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const row = await recordAccountReturn(context, request.params.id, request.body);
        return { body: toReturn(row), headers: { location: `/v1/direct-payment-agreements/${row.agreement_id}` } };
      }),
  );

  app.post(
    '/direct-payment-audits',
    {
      config: { problems: ['INVALID_INPUT'], access: FINANCE },
      schema: {
        operationId: 'createAuditSample',
        tags: ['money'],
        summary: 'Draw a period’s audit sample of direct payment accounts',
        description:
          'A percentage of the accounts in force at random, seeded and reproducible (the same seed and accounts draw the same sample; the seed defaults to the period), plus every account holding more than riskWeeks (default 12) weeks of its budget at the end of the period.',
        headers: IdempotencyHeaders,
        body: CreateAuditSampleBody,
        response: { 201: AuditSampleResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const sample = await createAuditSample(context, request.body);
        return {
          body: await shownSample(context.tx, sample),
          headers: { location: `/v1/direct-payment-audits/${sample.id}` },
        };
      }),
  );

  app.get(
    '/direct-payment-audits/:id',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getAuditSample',
        tags: ['money'],
        summary: 'An audit sample: the accounts drawn, why, and each outcome',
        params: IdParams,
        response: { 200: AuditSampleResource, ...problemResponses },
      },
    },
    async (request) => {
      const sample = await findAuditSample(app.db, councilOf(request), request.params.id);
      if (!sample) throw notFound('audit sample', request.params.id);
      return shownSample(app.db, sample);
    },
  );

  app.post(
    '/direct-payment-audits/:id/outcomes',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: FINANCE },
      schema: {
        operationId: 'recordAuditOutcome',
        tags: ['money'],
        summary: 'Record what the audit of one sampled account found',
        description:
          'satisfactory or query record the finding; suspend suspends the direct payment agreement, so no council payment goes in (409 DIRECT_PAYMENTS_SUSPENDED); recover raises a debt on the account: a clawback entry of recoveryPence with the notes as its explanation.',
        params: IdParams,
        body: RecordAuditOutcomeBody,
        response: { 200: AuditSampleResource, ...problemResponses },
      },
    },
    async (request) => {
      return runWorkflow(request, async (context) =>
        shownSample(context.tx, await recordAuditOutcome(context, request.params.id, request.body)),
      );
    },
  );
};

export default directPaymentRoutes;
