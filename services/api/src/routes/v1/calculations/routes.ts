import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CARE_ACT_2014_RULES, calculateClawback, calculateContribution } from 'ras-core';
import { Type } from 'typebox';
import { ANY_ROLE, rolesAccess } from '../../../auth/roles.js';
import { AppError } from '../../../errors.js';
import { encodedBodyError } from '../../../http/content-encoding.js';
import { textLines } from '../../../http/ndjson.js';
import { plainJson } from '../../../http/plain-json.js';
import { councilOf } from '../../../plugins/auth.js';
import { loggableError } from '../../../plugins/problem-details.js';
import { validatorCompiler } from '../../../plugins/validation.js';
import { problemResponses } from '../../../schemas/common.js';
import { budgetAnswer, budgetRules } from '../../../workflows/calculate-budget.js';
import { calculateBudgetLines, MAX_BATCH_LINES } from './batch.js';
import {
  BudgetCalculationAnswer,
  CalculateBudgetBody,
  CalculateClawbackBody,
  CalculateContributionBody,
  CalculationView,
  ClawbackResult,
  ContributionResult,
} from './schemas.js';

/** Stateless calculations: any role, nothing stored, no personal data needed. */
const calculationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { access: rolesAccess(...ANY_ROLE) };
  const serializerCompiler = plainJson;

  app.post(
    '/calculations/budget',
    {
      config: { ...config, problems: ['INVALID_INPUT', 'INVALID_QUESTIONNAIRE', 'INVALID_SCHEME', 'INVALID_ANSWERS'] },
      serializerCompiler,
      schema: {
        operationId: 'calculateBudget',
        tags: ['calculations'],
        summary: 'Score answers and work out the indicative budget under a scheme',
        description:
          'Unanswered required questions count 0 points and are listed in missingQuestionKeys; answers that do not fit the questionnaire are a 422 listing each. With `view=summary` the answer leaves out the sections and the explanation (a BudgetCalculationSummary).',
        querystring: CalculationView,
        body: CalculateBudgetBody,
        response: { 200: BudgetCalculationAnswer, ...problemResponses },
      },
    },
    async (request) => {
      const rules = await budgetRules(app.rules, councilOf(request), request.body.schemeId);
      if (!rules)
        throw new AppError('INVALID_INPUT', `No allocation scheme with id ${request.body.schemeId}`, {
          errors: [{ pointer: '/schemeId', detail: 'is not a scheme of this council' }],
        });
      return budgetAnswer(rules, request.body, request.query.view === 'summary');
    },
  );

  // In a scope of its own, so only this route reads NDJSON: the others answer it 415.
  await app.register(async (scope) => {
    const batches = scope.withTypeProvider<TypeBoxTypeProvider>();
    // A batch arrives as a stream and is answered as one: lines are read, calculated and written as
    // they come, so a million lines need no more memory than one (calculateBudgetLines).
    batches.addContentTypeParser('application/x-ndjson', (request, payload, done) => {
      const encoded = encodedBodyError(request);
      if (encoded) done(encoded, undefined);
      else done(null, payload);
    });

    batches.post(
      '/calculations/budgets',
      {
        config: { ...config, problems: ['UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_CONTENT_ENCODING'] },
        // The body is a stream, checked line by line as it is read; the query is checked as usual.
        validatorCompiler: (route) => (route.httpPart === 'body' ? (value: unknown) => ({ value }) : validatorCompiler(route)),
        schema: {
          operationId: 'calculateBudgets',
          tags: ['calculations'],
          summary: 'Work out many budgets in one request: NDJSON in, NDJSON out, streamed',
          description: `One BudgetLine a line (a calculateBudget body, with your own \`ref\` if you like), at most ${MAX_BATCH_LINES.toLocaleString('en-GB')} lines. The answer is one line for every line sent, in the same order, written as the lines are read: \`{"line": n, "ref": …, "calculation": {…}}\`, or for a bad line \`{"line": n, "ref": …, "problem": {…}}\` with the problem calculateBudget would have answered; the lines after a bad one are answered as usual. Blank lines are skipped. \`view=summary\` leaves out sections and explanations, as for calculateBudget. For uprating or the desktop exercise over a whole caseload.`,
          consumes: ['application/x-ndjson'],
          querystring: CalculationView,
          body: Type.String({ description: 'BudgetLine objects, one a line (NDJSON)' }),
          produces: ['application/x-ndjson'],
          response: {
            200: {
              description: 'One line for every line sent, in order',
              content: { 'application/x-ndjson': { schema: Type.String({ description: 'BudgetLineAnswer objects, one a line' }) } },
            },
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        // Any other content type fastify could read (JSON) arrives parsed, not as a stream.
        const body: unknown = request.body;
        if (!(body instanceof Readable))
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the lines as application/x-ndjson, one BudgetLine a line');
        const lines = calculateBudgetLines(textLines(body), {
          councilId: councilOf(request),
          rules: app.rules,
          summary: request.query.view === 'summary',
          log: (error) => request.log.error({ err: loggableError(error) }, 'a calculateBudgets line failed'),
        });
        return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines));
      },
    );
  });

  app.post(
    '/calculations/contribution',
    {
      config: { ...config, problems: ['INVALID_INPUT'] },
      serializerCompiler,
      schema: {
        operationId: 'calculateContribution',
        tags: ['calculations'],
        summary: 'Care Act 2014 non-residential weekly charge',
        description: 'Thresholds default to £14,250 / £23,250 and £1 a week per £250 or part; pass rules to use others.',
        body: CalculateContributionBody,
        response: { 200: ContributionResult, ...problemResponses },
      },
    },
    async (request) => {
      const { rules, ...input } = request.body;
      return calculateContribution(input, rules ?? CARE_ACT_2014_RULES);
    },
  );

  app.post(
    '/calculations/clawback',
    {
      config: { ...config, problems: ['INVALID_INPUT'] },
      serializerCompiler,
      schema: {
        operationId: 'calculateClawback',
        tags: ['calculations'],
        summary: 'Unspent money the council may reclaim at an annual review',
        body: CalculateClawbackBody,
        response: { 200: ClawbackResult, ...problemResponses },
      },
    },
    async (request) => {
      const { clawback, ...figures } = request.body;
      return calculateClawback({ ...figures, rule: clawback });
    },
  );
};

export default calculationRoutes;
