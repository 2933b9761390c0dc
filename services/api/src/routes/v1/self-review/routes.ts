import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addMonths } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import type { SelfRatingComponent } from '../../../db/schema.js';
import { buildSummaryReport } from '../../../documents/summary-report.js';
import { AppError, notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { wantsHtml } from '../../../http/wants-html.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { findCouncil } from '../../../repositories/councils.js';
import { activeBudgets, commissionedSupportOnly, completedReviews, moneyByKind, overdueReviews } from '../../../repositories/reports.js';
import {
  allCouncilNames,
  findRound,
  listProgress,
  listRatings,
  listRounds,
  regionalRatings,
  tookPartIn,
} from '../../../repositories/self-review.js';
import { toRating, toRound } from '../../../representations/self-review.js';
import {
  CalendarDate,
  IdempotencyHeaders,
  IdParams,
  IfMatchWhenReplacingHeaders,
  Key,
  Nullable,
  Page,
  PageQuery,
  problemResponses,
  Text,
  Timestamp,
} from '../../../schemas/common.js';
import { CRITICAL_PATH } from '../../../self-review/critical-path.js';
import { buildRegionalReport, COMPONENTS, regionalReportCsv, renderRegionalReport } from '../../../self-review/regional-report.js';
import { openSelfRatingRound, rateComponent, recordCriticalPathStep } from '../../../workflows/self-review.js';

const StepStatus = Type.Enum(['not-started', 'in-progress', 'in-place']);
const Component = Type.Enum(COMPONENTS.map((component) => component.key) as [string, ...string[]]);

const StepProgress = Type.Object({
  number: Type.Integer(),
  key: Type.String(),
  stage: Type.String(),
  title: Type.String(),
  actions: Type.Array(Type.String()),
  examples: Type.Array(Type.String()),
  questions: Type.Array(Type.Object({ key: Type.String(), text: Type.String(), answer: Nullable(Type.String()) })),
  status: StepStatus,
  statusDate: Nullable(CalendarDate),
  notes: Nullable(Type.String()),
  version: Nullable(Type.Integer({ description: 'The ETag of the council’s record of this step; null before the first' })),
  serviceFigures: Type.Array(
    Type.Object({ key: Type.String(), label: Type.String(), value: Nullable(Type.Number()), unit: Type.String() }),
    {
      description: 'What the service itself knows about this step, beside the council’s own words',
    },
  ),
});

const RatingResource = Type.Object(
  {
    component: Component,
    title: Type.String(),
    rating: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
    comment: Nullable(Type.String()),
    proposedAction: Nullable(Type.String()),
    userComments: Type.Array(Type.String()),
    version: Nullable(Type.Integer()),
  },
  { title: 'SelfRating' },
);

const RoundResource = Type.Object(
  {
    id: Type.String(),
    roundKey: Type.String(),
    title: Type.String(),
    closesOn: CalendarDate,
    closed: Type.Boolean(),
    ratings: Type.Array(RatingResource),
    createdAt: Timestamp,
  },
  { title: 'SelfRatingRound' },
);

const WRITE = rolesAccess('admin');
const READ = rolesAccess('admin', 'auditor');

/** The council's self-review: the Critical Path Framework and the Minimum Process self-rating. */
const selfReviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/critical-path',
    {
      config: { access: READ },
      schema: {
        operationId: 'getCriticalPath',
        tags: ['self-review'],
        summary: 'The 20 Critical Path steps with the council’s answers, notes and status, and the service’s own figures beside them',
        response: {
          200: Type.Object({
            version: Type.String(),
            source: Type.String(),
            stages: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), steps: Type.Array(Type.Integer()) })),
            steps: Type.Array(StepProgress),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const councilId = councilOf(request);
      const to = app.clock.today();
      const from = addMonths(to, -12);
      const [progress, budgets, commissioned, money, reviews, overdue] = await Promise.all([
        listProgress(app.db, councilId, CRITICAL_PATH.version),
        activeBudgets(app.db, councilId, from, to),
        commissionedSupportOnly(app.db, councilId, from, to),
        moneyByKind(app.db, councilId, from, to),
        completedReviews(app.db, councilId, from, to),
        overdueReviews(app.db, councilId, to),
      ]);
      const report = buildSummaryReport({
        from,
        to,
        today: to,
        budgets,
        commissioned,
        money,
        reviews,
        overdueReviews: overdue,
        targets: [],
      });
      const figures: Record<number, { key: string; label: string; value: number | null; unit: string }[]> = {
        9: [
          {
            key: 'reviews-on-time',
            label: 'Reviews completed on time in the last 12 months',
            value: report.reviews.onTimePercent,
            unit: 'percent',
          },
          {
            key: 'outcomes-achieved',
            label: 'Plan outcomes achieved at review in the last 12 months',
            value: report.outcomes.achievedPercent,
            unit: 'percent',
          },
        ],
        10: [{ key: 'reviews-overdue', label: 'Reviews overdue now', value: report.reviews.overdueNow, unit: 'count' }],
        11: [
          {
            key: 'direct-payment-share',
            label: 'People with a personal budget using a direct payment (ASCOF 3D part 2a)',
            value: report.directPayments.percent,
            unit: 'percent',
          },
          {
            key: 'self-directed-support-share',
            label: 'Self-directed support share (ASCOF 3D part 1a)',
            value: report.selfDirectedSupport.percent,
            unit: 'percent',
          },
        ],
      };
      return {
        version: CRITICAL_PATH.version,
        source: CRITICAL_PATH.source,
        stages: CRITICAL_PATH.stages.map((stage) => ({ key: stage.key, title: stage.title, steps: [...stage.steps] })),
        steps: CRITICAL_PATH.steps.map((step) => {
          const record = progress.find((row) => row.step_number === step.number);
          const answers = record?.answers ?? {};
          return {
            number: step.number,
            key: step.key,
            stage: step.stage,
            title: step.title,
            actions: [...step.actions],
            examples: [...step.examples],
            questions: step.questions.map((question) => ({
              key: question.key,
              text: question.text,
              answer: answers[question.key] ?? null,
            })),
            status: record?.status ?? 'not-started',
            statusDate: record?.status_date ?? null,
            notes: record?.notes ?? null,
            version: record?.version ?? null,
            serviceFigures: figures[step.number] ?? [],
          };
        }),
      };
    },
  );

  app.put(
    '/critical-path/steps/:number',
    {
      config: { problems: ['INVALID_INPUT'], access: WRITE },
      schema: {
        operationId: 'recordCriticalPathStep',
        tags: ['self-review'],
        summary: 'Record the council’s status, answers and notes for a Critical Path step',
        description: 'The first record of a step needs no If-Match; later ones need the version from getCriticalPath as If-Match.',
        params: Type.Object({ number: Type.Integer({ minimum: 1, maximum: 20 }) }, { additionalProperties: false }),
        headers: IfMatchWhenReplacingHeaders,
        body: Type.Object(
          {
            status: StepStatus,
            statusDate: Type.Optional(CalendarDate),
            notes: Type.Optional(Text(10_000)),
            answers: Type.Optional(Type.Record(Key, Text(10_000))),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            number: Type.Integer(),
            status: StepStatus,
            statusDate: Nullable(CalendarDate),
            notes: Nullable(Type.String()),
            answers: Type.Record(Type.String(), Type.String()),
            version: Type.Integer(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const step = CRITICAL_PATH.steps.find((candidate) => candidate.number === request.params.number);
      if (!step) throw notFound('Critical Path step', String(request.params.number));
      const answers = request.body.answers ?? {};
      const unknown = Object.keys(answers).filter((key) => !step.questions.some((question) => question.key === key));
      if (unknown.length > 0)
        throw unprocessable(
          'INVALID_INPUT',
          `Step ${step.number} has no such question`,
          unknown.map((key) => ({ pointer: `/answers/${key}`, detail: 'is not a question of this step' })),
        );
      const row = await runWorkflow(request, (context) =>
        recordCriticalPathStep(context, {
          pathVersion: CRITICAL_PATH.version,
          step: step.number,
          status: request.body.status,
          statusDate: request.body.statusDate ?? null,
          notes: request.body.notes ?? null,
          answers,
          version: () => requireIfMatch(request),
        }),
      );
      reply.header('etag', etag(row.version));
      return {
        number: row.step_number,
        status: row.status,
        statusDate: row.status_date,
        notes: row.notes,
        answers: row.answers,
        version: row.version,
      };
    },
  );

  app.post(
    '/self-rating-rounds',
    {
      config: { problems: ['ALREADY_EXISTS'], access: WRITE },
      schema: {
        operationId: 'createSelfRatingRound',
        tags: ['self-review'],
        summary: 'Open a round of the Minimum Process self-rating',
        description:
          'roundKey is shared by the councils of a region taking part in the same round (e.g. north-west-2012); the regional report gathers a round by it.',
        headers: IdempotencyHeaders,
        body: Type.Object({ roundKey: Key, title: Text(200), closesOn: CalendarDate }, { additionalProperties: false }),
        response: { 201: RoundResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      return createWithWorkflow(request, reply, async (context) => {
        const round = await openSelfRatingRound(context, request.body);
        return { body: toRound(round, [], app.clock.today()), headers: { location: `/v1/self-rating-rounds/${round.id}` } };
      });
    },
  );

  app.get(
    '/self-rating-rounds',
    {
      config: { access: READ },
      schema: {
        operationId: 'listSelfRatingRounds',
        tags: ['self-review'],
        summary: 'The council’s self-rating rounds, by closing date',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(RoundResource), ...problemResponses },
      },
    },
    async (request) => {
      const councilId = councilOf(request);
      const page = pageRequest(request.query);
      const listed = toPage(await listRounds(app.db, councilId, page.after, page.size + 1), page, (round) => round);
      const items = await Promise.all(
        listed.items.map(async (round) => toRound(round, await listRatings(app.db, councilId, round.id), app.clock.today())),
      );
      return { items, nextPageToken: listed.nextPageToken };
    },
  );

  app.get(
    '/self-rating-rounds/:id',
    {
      config: { access: READ },
      schema: {
        operationId: 'getSelfRatingRound',
        tags: ['self-review'],
        summary: 'A self-rating round with its ratings',
        params: IdParams,
        response: { 200: RoundResource, ...problemResponses },
      },
    },
    async (request) => {
      const councilId = councilOf(request);
      const round = await findRound(app.db, councilId, request.params.id);
      if (!round) throw notFound('self-rating round', request.params.id);
      return toRound(round, await listRatings(app.db, councilId, round.id), app.clock.today());
    },
  );

  app.put(
    '/self-rating-rounds/:id/ratings/:component',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT'], access: WRITE },
      schema: {
        operationId: 'rateComponent',
        tags: ['self-review'],
        summary: 'Rate one component 1–5, with the council’s comment, its proposed action and comments from people who use the system',
        description: 'A rating can change until the round closes (409 after). Changing an existing rating needs If-Match with its version.',
        params: Type.Object({ id: IdParams.properties.id, component: Component }, { additionalProperties: false }),
        headers: IfMatchWhenReplacingHeaders,
        body: Type.Object(
          {
            rating: Type.Integer({ minimum: 1, maximum: 5 }),
            comment: Type.Optional(Text(4000)),
            proposedAction: Type.Optional(Text(4000)),
            userComments: Type.Optional(Type.Array(Text(2000), { maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RatingResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const component = request.params.component as SelfRatingComponent;
      const row = await runWorkflow(request, (context) =>
        rateComponent(context, request.params.id, component, {
          rating: request.body.rating,
          comment: request.body.comment ?? null,
          proposedAction: request.body.proposedAction ?? null,
          userComments: request.body.userComments ?? [],
          version: () => requireIfMatch(request),
        }),
      );
      reply.header('etag', etag(row.version));
      return toRating(component, row);
    },
  );

  app.get(
    '/reports/regional-self-rating',
    {
      config: { problems: ['NOT_FOUND'], access: { kind: 'roles', roles: ['admin', 'auditor'], allowOperator: true } },
      schema: {
        operationId: 'getRegionalSelfRatingReport',
        tags: ['self-review'],
        summary: 'The anonymised regional report of a self-rating round (JSON, CSV or printable HTML)',
        description:
          'Only councils that opted in (settings.regionalReportOptIn) are counted, and they alone may read it (or the operator), for rounds they answered themselves (404 otherwise). Figures are shown only once at least 5 councils have answered (published: false says how many more are needed). Every known council’s name and short forms are taken out of comments. High performers are named only where they agreed (settings.regionalReportNamed).',
        querystring: Type.Object(
          { roundKey: Key, format: Type.Optional(Type.Enum(['json', 'csv', 'html'])) },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv', 'text/html'],
        response: {
          200: {
            content: {
              'application/json': { schema: Type.Object({}, { additionalProperties: true }) },
              'text/csv': { schema: Type.String() },
              'text/html': { schema: Type.String() },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal.kind !== 'operator') {
        const council = await findCouncil(app.db, principal.councilId);
        if (!council?.settings?.regionalReportOptIn) {
          throw new AppError('FORBIDDEN', 'Only councils that opted in to the regional report can read it (settings.regionalReportOptIn)');
        }
        // A council reads only rounds it answered: a round key guessed is not a way in.
        if (!(await tookPartIn(app.db, principal.councilId, request.query.roundKey)))
          throw new AppError('NOT_FOUND', `This council has answered no self-rating round ${request.query.roundKey}`);
      }
      const report = buildRegionalReport(
        request.query.roundKey,
        await regionalRatings(app.db, request.query.roundKey),
        await allCouncilNames(app.db),
      );
      const format = request.query.format ?? (wantsHtml(undefined, request.headers.accept) ? 'html' : 'json');
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(regionalReportCsv(report));
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(renderRegionalReport(report));
      return report;
    },
  );
};

export default selfReviewRoutes;
