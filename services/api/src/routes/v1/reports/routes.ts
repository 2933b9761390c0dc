import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fairnessPeriod, financialYear, renderFairnessReport } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import { buildFairnessReport, FAIRNESS_CSV_COLUMNS, fairnessReportCsv, GROUP_LABELS } from '../../../documents/fairness-report.js';
import { buildSummaryReport, summaryReportCsv } from '../../../documents/summary-report.js';
import { unprocessable } from '../../../errors.js';
import { wantsHtml } from '../../../http/wants-html.js';
import { councilOf } from '../../../plugins/auth.js';
import { findCouncil } from '../../../repositories/councils.js';
import { agreedBudgetsForFairness } from '../../../repositories/fairness.js';
import { activeBudgets, commissionedSupportOnly, completedReviews, moneyByKind, overdueReviews } from '../../../repositories/reports.js';
import { problemResponses } from '../../../schemas/common.js';
import { FairnessReport, SummaryReport } from './schemas.js';

/** Reports: the council's monitoring figures, JSON or CSV. */
const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/summary',
    {
      config: { problems: ['INVALID_INPUT'], access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getSummaryReport',
        tags: ['reports'],
        summary:
          'People with a personal budget, the self-directed support share (ASCOF 3D), money, outcomes, reviews, targets and exceptions',
        querystring: Type.Object(
          {
            from: Type.Optional(
              Type.String({
                format: 'date',
                description: 'First day of the period, YYYY-MM-DD (default: 1 April of the financial year holding `to`, or today)',
              }),
            ),
            to: Type.Optional(
              Type.String({
                format: 'date',
                description: 'Last day of the period, YYYY-MM-DD (default: 31 March ending the financial year holding `from`)',
              }),
            ),
            format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'Default json' })),
          },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv'],
        response: {
          200: { content: { 'application/json': { schema: SummaryReport }, 'text/csv': { schema: Type.String() } } },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const today = app.clock.now().toISOString().slice(0, 10);
      // Without dates, the financial year (1 April to 31 March) the period or today falls in.
      const from = request.query.from ?? financialYear(request.query.to ?? today).from;
      const to = request.query.to ?? financialYear(from).to;
      if (to < from)
        throw unprocessable('INVALID_INPUT', 'The period ends before it starts', [
          { pointer: '/query/to', detail: 'must not be before from' },
        ]);
      const councilId = councilOf(request);
      // Reports read ranges and bear a little lag: the replica when there is one (ARCHITECTURE.md).
      const [council, budgets, commissioned, money, reviews, overdue] = await app.reads.read((reader) =>
        Promise.all([
          findCouncil(reader, councilId),
          activeBudgets(reader, councilId, from, to),
          commissionedSupportOnly(reader, councilId, from, to),
          moneyByKind(reader, councilId, from, to),
          completedReviews(reader, councilId, from, to),
          overdueReviews(reader, councilId, today),
        ]),
      );
      const targets = council?.settings?.targets ?? [];
      const report = buildSummaryReport({ from, to, today, budgets, commissioned, money, reviews, overdueReviews: overdue, targets });
      // The exceptions name budgets and what they were over by: a read of those people's money.
      request.personalDataShown = report.exceptions.plans.length > 0 ? ['record', 'money'] : [];
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="summary-${from}-${to}.csv"`)
          .send(summaryReportCsv(report));
      }
      return report;
    },
  );

  app.get(
    '/reports/fairness',
    {
      config: { problems: ['INVALID_INPUT'], access: rolesAccess(...STAFF) },
      schema: {
        operationId: 'getFairnessReport',
        tags: ['reports'],
        summary: 'How agreed budgets fall across groups: the evidence for the council’s annual equality review',
        description:
          'For the budgets agreed in the period: budget per person and money per point, how often and how far panels moved budgets from the RAS figure, appeal rates and outcomes, clawback at review and ceiling referrals, by client group, primary support reason, age band, sex and ethnic group. Every figure has its count and a 95% interval (exact Clopper–Pearson for rates, percentile bootstrap for money); groups under 5 people are not shown, and every count and total is protected by cell-key perturbation (the ONS Census 2021 method, with the ABS treatment of money), so no combination of the figures, across every grouping and format, tells anyone’s budget or a hidden group’s mean to better than ±15%; the same caseload always gives the same figures. The period is one whole financial year that has ended (422 naming from or to otherwise), so that two reports cannot be subtracted to single out a few budgets. `?format=csv` gives a row per group; `?format=html` or `Accept: text/html` the page with charts.',
        querystring: Type.Object(
          {
            from: Type.Optional(
              Type.String({ format: 'date', description: 'First day of the period (default: the financial year holding `to`, or today)' }),
            ),
            to: Type.Optional(
              Type.String({
                format: 'date',
                description: 'Last day of the period (default: 31 March ending the financial year holding `from`)',
              }),
            ),
            format: Type.Optional(Type.Enum(['json', 'csv', 'html'], { description: 'Default json' })),
          },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv', 'text/html'],
        response: {
          200: {
            content: {
              'application/json': { schema: FairnessReport },
              'text/csv': { schema: Type.String({ description: `One row per group: ${FAIRNESS_CSV_COLUMNS.join(', ')}` }) },
              'text/html': { schema: Type.String({ description: 'A self-contained HTML page with a chart per grouping' }) },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const today = app.clock.today();
      const { from, to } = fairnessPeriod(today, request.query.from, request.query.to);
      const councilId = councilOf(request);
      // Reports read ranges and bear a little lag: the replica when there is one (ARCHITECTURE.md).
      const [council, rows] = await app.reads.read((reader) =>
        Promise.all([findCouncil(reader, councilId), agreedBudgetsForFairness(reader, councilId, from, to)]),
      );
      const { analysis, ...report } = buildFairnessReport(rows, from, to);
      const format = request.query.format;
      if (format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="fairness-${from}-${to}.csv"`)
          .send(fairnessReportCsv(report));
      if (wantsHtml(format, request.headers.accept)) {
        const html = renderFairnessReport(analysis, {
          council: council?.name,
          generatedOn: today,
          period: { from, to },
          labels: GROUP_LABELS,
          limits: report.limits,
        });
        return reply.type('text/html; charset=utf-8').header('vary', 'accept').send(html);
      }
      return reply.header('vary', 'accept').send(report);
    },
  );
};

export default reportRoutes;
