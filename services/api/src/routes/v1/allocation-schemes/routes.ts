import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { validateScheme } from 'ras-core';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import { describeScheme, renderSchemeDescription } from '../../../documents/scheme-description.js';
import { notFound, unprocessable } from '../../../errors.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { wantsHtml } from '../../../http/wants-html.js';
import { createWithWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { findScheme, listSchemes } from '../../../repositories/allocation-schemes.js';
import { findCouncil } from '../../../repositories/councils.js';
import { findQuestionnaire } from '../../../repositories/questionnaires.js';
import { toScheme } from '../../../representations/allocation-schemes.js';
import { CalendarDate, IdempotencyHeaders, IdParams, JsonOrHtml, Key, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { createSchemeVersion } from '../../../workflows/rule-versions.js';
import { ClientGroup, SchemeBody, SchemeDescription, SchemeResource } from './schemas.js';

/** Allocation schemes: immutable versions of how points become money, chosen by client group and date. */
const schemeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/allocation-schemes',
    {
      config: { problems: ['NOT_FOUND', 'INVALID_SCHEME', 'INVALID_INPUT'], access: rolesAccess('admin') },
      schema: {
        operationId: 'createAllocationScheme',
        tags: ['rules'],
        summary: 'Create a new version of an allocation scheme',
        description: 'Linear (pence per point) or banded. Bands must be contiguous and must not overlap. Every problem is listed.',
        headers: IdempotencyHeaders,
        body: SchemeBody,
        response: { 201: SchemeResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      const { key, questionnaireId, clientGroups, effectiveFrom, effectiveTo, ...money } = request.body;
      const problems = validateScheme(request.body);
      const questionnaire = await findQuestionnaire(app.db, councilId, questionnaireId);
      if (!questionnaire) problems.push({ pointer: '/questionnaireId', detail: 'is not a questionnaire of this council' });
      if (problems.length > 0) throw unprocessable('INVALID_SCHEME', `The scheme has ${problems.length} problem(s): see errors`, problems);
      return createWithWorkflow(request, reply, async (context) => {
        const row = await createSchemeVersion(context, {
          key,
          questionnaireId,
          clientGroups,
          effectiveFrom,
          effectiveTo: effectiveTo ?? null,
          definition: money,
        });
        const body = toScheme(row);
        return { body, headers: { location: `/v1/allocation-schemes/${row.id}` } };
      });
    },
  );

  app.get(
    '/allocation-schemes/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getAllocationScheme',
        tags: ['rules'],
        summary: 'Get an allocation scheme version',
        params: IdParams,
        response: { 200: SchemeResource, ...problemResponses },
      },
    },
    async (request) => {
      const row = await findScheme(app.db, councilOf(request), request.params.id);
      if (!row) throw notFound('allocation scheme', request.params.id);
      return toScheme(row);
    },
  );

  app.get(
    '/allocation-schemes',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listAllocationSchemes',
        tags: ['rules'],
        summary: 'List allocation scheme versions, oldest first',
        querystring: Type.Object(
          { key: Type.Optional(Key), clientGroup: Type.Optional(ClientGroup), effectiveOn: Type.Optional(CalendarDate), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Page(SchemeResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { key, clientGroup, effectiveOn } = request.query;
      const rows = await listSchemes(app.db, councilOf(request), { key, clientGroup, effectiveOn }, page.after, page.size + 1);
      return toPage(rows, page, toScheme);
    },
  );

  app.get(
    '/allocation-schemes/:id/description',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'describeAllocationScheme',
        tags: ['rules'],
        summary: 'The scheme in plain English (JSON or HTML)',
        description:
          'Generated from the scheme itself, fit to publish as the council’s algorithmic transparency record. HTML with `Accept: text/html` or `?format=html`.',
        params: IdParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])) },
          { additionalProperties: false },
        ),
        ...JsonOrHtml(SchemeDescription),
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      const scheme = await findScheme(app.db, councilId, request.params.id);
      if (!scheme) throw notFound('allocation scheme', request.params.id);
      const [questionnaire, council] = await Promise.all([
        findQuestionnaire(app.db, councilId, scheme.questionnaire_id),
        findCouncil(app.db, councilId),
      ]);
      if (!questionnaire || !council) throw notFound('allocation scheme', request.params.id);
      const description = describeScheme(council.name, scheme, questionnaire);
      if (wantsHtml(request.query.format, request.headers.accept)) {
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'private, max-age=300')
          .header('vary', 'accept')
          .send(renderSchemeDescription(description));
      }
      return description;
    },
  );
};

export default schemeRoutes;
