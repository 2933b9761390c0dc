import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { financialYear } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess, STAFF } from '../../../auth/roles.js';
import { unprocessable } from '../../../errors.js';
import { councilOf } from '../../../plugins/auth.js';
import { findCouncil } from '../../../repositories/councils.js';
import { activeBudgets, completedReviews, moneyByKind, overdueReviews } from '../../../repositories/reports.js';
import { buildSummaryReport, summaryReportCsv, type Target } from '../../../rules/summary-report.js';
import { problemResponses } from '../../../schemas/common.js';
import { SummaryReport } from './schemas.js';

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
      const [council, budgets, money, reviews, overdue] = await Promise.all([
        findCouncil(app.db, councilId),
        activeBudgets(app.db, councilId, from, to),
        moneyByKind(app.db, councilId, from, to),
        completedReviews(app.db, councilId, from, to),
        overdueReviews(app.db, councilId, today),
      ]);
      const targets = ((council?.settings as { targets?: Target[] } | undefined)?.targets ?? []) as Target[];
      const report = buildSummaryReport({ from, to, today, budgets, money, reviews, overdueReviews: overdue, targets });
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="summary-${from}-${to}.csv"`)
          .send(summaryReportCsv(report));
      }
      return report;
    },
  );
};

export default reportRoutes;
