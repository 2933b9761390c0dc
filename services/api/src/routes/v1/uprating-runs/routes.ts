import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatPounds, renderUpratingReport } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import type { UpratingRun } from '../../../db/schema.js';
import { csvField } from '../../../documents/summary-report.js';
import { notFound } from '../../../errors.js';
import { etag } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { acceptAsJob, prefersAsync } from '../../../http/respond-async.js';
import { wantsHtml } from '../../../http/wants-html.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { councilOf, scopeOf } from '../../../plugins/auth.js';
import { findScheme } from '../../../repositories/allocation-schemes.js';
import { findCouncil } from '../../../repositories/councils.js';
import { findUpratingRun, listUpratingItems } from '../../../repositories/uprating-runs.js';
import { toUpratedPerson, toUpratingRun, upratedFiguresOf } from '../../../representations/uprating-runs.js';
import { IdempotencyHeaders, IdParams, PageQuery, problemResponses } from '../../../schemas/common.js';
import { AcceptedAsJob, PreferHeader } from '../../../schemas/jobs.js';
import { applyUpratingRun, createUpratingRun, UPRATING_RUN } from '../../../workflows/uprating.js';
import { CreateUpratingRunBody, UpratingRunResource } from './schemas.js';

const CSV_COLUMNS = [
  'budgetId',
  'personId',
  'clientGroup',
  'oldAnnualPence',
  'newAnnualPence',
  'protectedPence',
  'upratedAnnualPence',
  'outcome',
  'newBudgetId',
  'reviewId',
] as const;

function protectionInWords(protection: UpratingRun['protection']): string | undefined {
  if (!protection) return undefined;
  const parts = [
    protection.maxDecreasePercent === undefined ? null : `${protection.maxDecreasePercent}%`,
    protection.maxDecreasePence === undefined ? null : formatPounds(protection.maxDecreasePence),
  ].filter((part) => part !== null);
  return `at most ${parts.join(' or ')} lower in one year`;
}

const FINANCE = rolesAccess('finance', 'admin');

/** Uprating runs: a new scheme version re-run over the caseload, dry run first, then applied once. */
const upratingRunRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/uprating-runs',
    {
      config: { problems: ['INVALID_INPUT', 'NO_SUCCESSOR_SCHEME'], access: FINANCE },
      schema: {
        operationId: 'createUpratingRun',
        tags: ['rules'],
        summary: 'Dry-run a new scheme version over every current agreed budget of the versions it replaces',
        description:
          'Every agreed budget of the scheme’s versions before the successor, still running when the successor takes effect, is re-worked under it (same answers, weeks, funding streams and contribution) with transitional protection when asked: winners, losers and unchanged by client group, the cost a year before and after, and each person’s old and new figure. Nothing else changes until applyUpratingRun. A scheme with no later version is 422 NO_SUCCESSOR_SCHEME.',
        headers: IdempotencyHeaders,
        body: CreateUpratingRunBody,
        response: { 201: UpratingRunResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const run = await createUpratingRun(context, request.body);
        const people = toPage(
          await listUpratingItems(context.tx, run.council_id, run.id, null, 51),
          { size: 50, after: null },
          toUpratedPerson,
          (item) => item.budget_id,
        );
        return { body: toUpratingRun(run, people), headers: { location: `/v1/uprating-runs/${run.id}`, etag: etag(run.version) } };
      }),
  );

  app.get(
    '/uprating-runs/:id',
    {
      config: { access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getUpratingRun',
        tags: ['rules'],
        summary: 'An uprating run: JSON with each person a page at a time, every person as CSV, or the HTML report with its chart',
        description: '`?format=csv` lists every person; `?format=html` or `Accept: text/html` gives the page for finance and committee.',
        params: IdParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Enum(['json', 'csv', 'html'])), ...PageQuery },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv', 'text/html'],
        response: {
          200: {
            content: {
              'application/json': { schema: UpratingRunResource },
              'text/csv': { schema: Type.String({ description: `One person a row: ${CSV_COLUMNS.join(', ')}` }) },
              'text/html': { schema: Type.String({ description: 'A self-contained HTML page with the before-and-after chart' }) },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      const run = await findUpratingRun(app.db, councilId, request.params.id);
      if (!run) throw notFound('uprating run', request.params.id);
      const format = request.query.format;
      if (format === 'csv') {
        const items = await listUpratingItems(app.db, councilId, run.id, null, null);
        const lines = [
          CSV_COLUMNS.join(','),
          ...items.map((item) => {
            const person = toUpratedPerson(item);
            return CSV_COLUMNS.map((column) => csvField(person[column])).join(',');
          }),
        ];
        return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
      }
      if (wantsHtml(format, request.headers.accept)) {
        const [items, council, scheme] = await Promise.all([
          listUpratingItems(app.db, councilId, run.id, null, null),
          findCouncil(app.db, councilId),
          findScheme(app.db, councilId, run.scheme_id),
        ]);
        const protection = protectionInWords(run.protection);
        const html = renderUpratingReport(
          run.summary,
          items.map((item) => ({ ...upratedFiguresOf(item), ref: item.budget_id.slice(0, 8) })),
          {
            council: council?.name ?? '',
            scheme: scheme ? `${scheme.key} v${scheme.version}` : run.scheme_id,
            effectiveFrom: run.effective_from,
            status: run.status,
            generatedOn: iso(run.applied_at ?? run.created_at).slice(0, 10),
            ...(protection ? { protection } : {}),
          },
        );
        return reply.type('text/html; charset=utf-8').header('vary', 'accept').send(html);
      }
      const page = pageRequest(request.query);
      const items = await listUpratingItems(app.db, councilId, run.id, page.after, page.size + 1);
      reply.header('etag', etag(run.version)).header('vary', 'accept');
      return toUpratingRun(
        run,
        toPage(items, page, toUpratedPerson, (item) => item.budget_id),
      );
    },
  );

  app.post(
    '/uprating-runs/:id/apply',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT'], access: rolesAccess(...UPRATING_RUN.steps.apply.roles) },
      schema: {
        operationId: 'applyUpratingRun',
        tags: ['rules'],
        summary: 'Apply an uprating: a new indicative budget and a review for each person, once',
        description:
          'The figures are worked out again (budgets may have changed since the dry run). Each person gets a new indicative budget under the new version from the date it takes effect (one budget.created event each, with any transitional protection shown in it) and an interim review on today’s budget, due that day, where the new one is agreed; a budget the panel set outside the RAS gets the review only. Applying an applied run answers it as it is and changes nothing; another run over the same version once one is applied is 409. With `Prefer: respond-async` it answers 202 with a job that applies it (the run at links.result once it has succeeded); applied in one transaction, it cannot be cancelled once started.',
        headers: Type.Object(PreferHeader),
        params: IdParams,
        response: { 200: UpratingRunResource, ...AcceptedAsJob, ...problemResponses },
      },
    },
    async (request, reply) => {
      if (prefersAsync(request)) {
        // No such run is refused now, not by the job.
        const found = await findUpratingRun(app.db, scopeOf(request).councilId, request.params.id);
        if (!found) throw notFound('uprating run', request.params.id);
        return acceptAsJob(request, reply, { operation: 'applyUpratingRun', input: { upratingRunId: found.id } });
      }
      const scope = scopeOf(request);
      const run = await runWorkflow(request, (context) => applyUpratingRun(context, request.params.id));
      const items = await listUpratingItems(app.db, scope.councilId, run.id, null, 51);
      reply.header('etag', etag(run.version));
      return toUpratingRun(
        run,
        toPage(items, { size: 50, after: null }, toUpratedPerson, (item) => item.budget_id),
      );
    },
  );
};

export default upratingRunRoutes;
