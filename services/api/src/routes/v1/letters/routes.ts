import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LETTER_KINDS, renderLetterHtml } from 'ras-core';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import { renderLetterPdf } from '../../../documents/letter-pdf.js';
import { scopeOf } from '../../../plugins/auth.js';
import { Id, problemResponses } from '../../../schemas/common.js';
import { writeLetter } from '../../../workflows/letters.js';

/** Letters to the person: their own figures in plain words, as a page that prints or as a PDF. */
const letterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/letters/:kind/:id',
    {
      config: { access: rolesAccess(...READERS), problems: ['NO_LETTER_TEMPLATE', 'INVALID_STATE'] },
      schema: {
        operationId: 'getLetter',
        tags: ['letters'],
        summary: 'A letter to the person about their budget, plan decision, clawback or uprating, as HTML or PDF',
        description:
          'Written from what is stored (the person’s figures and the budget’s explanation) in plain English, or in the council’s own words in another language (settings.letters.templates; Welsh councils supply Welsh). It says where the money comes from in a picture, and what to do by when if the person disagrees. `id` is a budget (indicative-budget, uprating), a support plan (plan-decision: its latest decision) or an annual review (clawback-recommendation). `?format=pdf` or `Accept: application/pdf` gives an A4 PDF. 422 NO_LETTER_TEMPLATE when the council has no template in that language; 409 when there is nothing to write about yet (no decision, no clawback, not an uprated budget).',
        params: Type.Object({ kind: Type.Enum([...LETTER_KINDS], { title: 'LetterKind' }), id: Id }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            language: Type.Optional(
              Type.String({
                pattern: '^[a-z]{2,3}$',
                description: 'ISO 639-1, e.g. en or cy (default: settings.letters.defaultLanguage, else en)',
              }),
            ),
            format: Type.Optional(Type.Enum(['html', 'pdf'], { description: 'Default html (or PDF when Accept asks for it)' })),
          },
          { additionalProperties: false },
        ),
        produces: ['text/html', 'application/pdf'],
        response: {
          200: {
            content: {
              'text/html': { schema: Type.String({ description: 'A self-contained page that prints on A4' }) },
              'application/pdf': { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const content = await writeLetter(
        { db: app.db, scope: scopeOf(request) },
        request.params.kind,
        request.params.id,
        request.query.language,
      );
      const pdf =
        request.query.format === 'pdf' ||
        (request.query.format === undefined && (request.headers.accept ?? '').includes('application/pdf'));
      const name = `${request.params.kind}-${request.params.id}`;
      reply.header('vary', 'accept').header('content-language', content.language).header('cache-control', 'private, no-store');
      if (pdf)
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${name}.pdf"`)
          .send(await renderLetterPdf(content));
      return reply.type('text/html; charset=utf-8').send(renderLetterHtml(content));
    },
  );
};

export default letterRoutes;
