import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PUBLIC } from '../../../auth/roles.js';
import { renderTransparencyRecord, transparencyRecord } from '../../../documents/transparency-record.js';
import { notFound } from '../../../errors.js';
import { wantsHtml } from '../../../http/wants-html.js';
import { findScheme } from '../../../repositories/allocation-schemes.js';
import { findCouncil } from '../../../repositories/councils.js';
import { findQuestionnaire } from '../../../repositories/questionnaires.js';
import { Id, JsonOrHtml } from '../../../schemas/common.js';
import { TransparencyRecord } from './schemas.js';

/**
 * What anyone may read without a key: the algorithmic transparency record of each scheme a council
 * chose to publish. Anything not published answers 404, exactly as something that does not exist.
 */
const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/public/councils/:councilId/allocation-schemes/:id/transparency-record',
    {
      config: { access: PUBLIC },
      schema: {
        operationId: 'getTransparencyRecord',
        tags: ['rules'],
        summary: 'A published scheme’s algorithmic transparency record (UK ATRS Tier 1 and Tier 2), JSON or HTML',
        description:
          'For the council’s website and the national ATRS repository. The council sets the record’s facts and chooses which schemes to publish in settings.transparency (updateCouncil); the maths is generated from the scheme. HTML with `Accept: text/html` or `?format=html`.',
        params: Type.Object({ councilId: Id, id: Id }, { additionalProperties: false }),
        querystring: Type.Object(
          { format: Type.Optional(Type.Enum(['json', 'html'], { description: 'Default json, or HTML when the browser asks for it' })) },
          { additionalProperties: false },
        ),
        ...JsonOrHtml(TransparencyRecord),
      },
    },
    async (request, reply) => {
      const { councilId, id } = request.params;
      const council = await findCouncil(app.db, councilId);
      const transparency = council?.settings.transparency;
      if (!council || !transparency?.publishedSchemeIds.includes(id)) throw notFound('published allocation scheme', id);
      const scheme = await findScheme(app.db, councilId, id);
      const questionnaire = scheme ? await findQuestionnaire(app.db, councilId, scheme.questionnaire_id) : undefined;
      if (!scheme || !questionnaire) throw notFound('published allocation scheme', id);
      const record = transparencyRecord(council.name, transparency, scheme, questionnaire);
      // Public and the same for everyone: caches may keep it for a few minutes.
      reply.header('cache-control', 'public, max-age=300').header('vary', 'accept');
      if (wantsHtml(request.query.format, request.headers.accept)) {
        return reply.type('text/html; charset=utf-8').send(renderTransparencyRecord(record));
      }
      return record;
    },
  );
};

export default publicRoutes;
