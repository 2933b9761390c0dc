import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { listChargingPolicies } from '../../../repositories/charging-policies.js';
import { toChargingPolicy } from '../../../representations/charging-policies.js';
import { IdempotencyHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import {
  councilPolicy,
  councilPolicyById,
  createChargingPolicy,
  isShippedPolicy,
  shippedPolicy,
} from '../../../workflows/charging-policy.js';
import { ChargingPolicyParams, ChargingPolicyResource, CreateChargingPolicyBody } from './schemas.js';

/** Charging policies: a council's dated charging rules, one version in force on any date. */
const chargingPolicyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/charging-policies',
    {
      config: { problems: ['INVALID_INPUT', 'CHARGING_POLICY_OVERLAP'], access: rolesAccess('finance', 'admin') },
      schema: {
        operationId: 'createChargingPolicy',
        tags: ['money'],
        summary: 'Set a charging policy version, in force from a date',
        description:
          'Start from a shipped policy (england-2025-26, wales-2025-26) or one of the council’s own with basedOn, and change what the council decides locally; or send the whole rules. A policy runs from effectiveFrom to effectiveTo, or until the next one starts. Dates that clash with another policy (the same start, or inside one with an end date) are 409 CHARGING_POLICY_OVERLAP with existingId.',
        headers: IdempotencyHeaders,
        body: CreateChargingPolicyBody,
        response: { 201: ChargingPolicyResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { effectiveFrom, effectiveTo, basedOn, changes, rules } = request.body;
      if ((basedOn === undefined) === (rules === undefined)) {
        throw unprocessable('INVALID_INPUT', 'Send either basedOn (with any changes) or the whole rules', [
          { pointer: basedOn === undefined ? '/basedOn' : '/rules', detail: 'exactly one of basedOn and rules is needed' },
        ]);
      }
      if (changes !== undefined && basedOn === undefined)
        throw unprocessable('INVALID_INPUT', 'changes apply to the policy named in basedOn', [
          { pointer: '/changes', detail: 'needs basedOn' },
        ]);
      if (effectiveTo !== undefined && effectiveTo < effectiveFrom)
        throw unprocessable('INVALID_INPUT', 'The policy ends before it starts', [
          { pointer: '/effectiveTo', detail: `must be on or after ${effectiveFrom}` },
        ]);
      return createWithWorkflow(request, reply, async (context) => {
        const row = await createChargingPolicy(context, request.body);
        return { body: toChargingPolicy(councilPolicy(row)), headers: { location: `/v1/charging-policies/${row.id}` } };
      });
    },
  );

  app.get(
    '/charging-policies',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'listChargingPolicies',
        tags: ['money'],
        summary: 'The council’s charging policies, earliest first',
        description: 'Only the council’s own; on dates it has none for, the shipped policy for its nation (settings.nation) is in force.',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(ChargingPolicyResource), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const page = pageRequest(request.query);
      const rows = await listChargingPolicies(app.db, scope.councilId, page.after, page.size + 1);
      return toPage(rows, page, (row) => toChargingPolicy(councilPolicy(row)));
    },
  );

  app.get(
    '/charging-policies/:id',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getChargingPolicy',
        tags: ['money'],
        summary: 'A charging policy: one of the council’s, or a shipped one by its key',
        params: ChargingPolicyParams,
        response: { 200: ChargingPolicyResource, ...problemResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const policy = isShippedPolicy(id) ? shippedPolicy(id) : await councilPolicyById(app.db, scopeOf(request).councilId, id);
      if (!policy) throw notFound('charging policy', id);
      return toChargingPolicy(policy);
    },
  );
};

export default chargingPolicyRoutes;
