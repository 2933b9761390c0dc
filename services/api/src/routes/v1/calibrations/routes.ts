import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { calibrate, renderCalibrationReport } from 'ras-core';
import { Type } from 'typebox';
import { rolesAccess } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { iso } from '../../../http/iso.js';
import { acceptAsJob, prefersAsync } from '../../../http/respond-async.js';
import { createWithWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { findCalibration } from '../../../repositories/calibrations.js';
import { findCouncil } from '../../../repositories/councils.js';
import { toCalibration } from '../../../representations/calibrations.js';
import { IdempotencyHeaders, IdParams, problemResponses } from '../../../schemas/common.js';
import { AcceptedAsJob, PreferHeader } from '../../../schemas/jobs.js';
import { recordCalibration } from '../../../workflows/calibrations.js';
import { CalibrationResource, MAX_CASES, RunCalibrationBody } from './schemas.js';

const READ = rolesAccess('admin', 'finance', 'auditor');

/** The desktop exercise: set pounds per point from current cases, and the report for committee. */
const calibrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/calibrations',
    {
      config: {
        problems: ['NOT_FOUND', 'INVALID_SCHEME', 'INVALID_CALIBRATION', 'INVALID_INPUT'],
        access: rolesAccess('admin', 'finance'),
      },
      bodyLimit: 10 * 1_048_576,
      schema: {
        operationId: 'runCalibration',
        tags: ['rules'],
        summary: 'Run the desktop exercise on current cases',
        description: `Derives the £/point the budget affords (floor((budget − top slice) ÷ Σ points)), projects every case under the proposed scheme (default: linear at that rate) and tests the projection against what the cases cost today: integrity.passes is false when the proposal would cost more. Up to ${MAX_CASES} cases; larger exercises with the \`ras calibrate\` CLI. With \`Prefer: respond-async\` it answers 202 with a job that runs it (the exercise at links.result once it has succeeded; a case the exercise refuses is the job's problem).`,
        headers: Type.Object({ ...IdempotencyHeaders.properties, ...PreferHeader }),
        body: RunCalibrationBody,
        response: { 201: CalibrationResource, ...AcceptedAsJob, ...problemResponses },
      },
    },
    async (request, reply) => {
      if (prefersAsync(request))
        return acceptAsJob(request, reply, {
          operation: 'runCalibration',
          input: {},
          payload: request.body,
          total: request.body.cases.length,
        });
      const result = calibrate(request.body);
      return createWithWorkflow(request, reply, async (context) => {
        const row = await recordCalibration(context, result);
        return { body: toCalibration(row), headers: { location: `/v1/calibrations/${row.id}` } };
      });
    },
  );

  app.get(
    '/calibrations/:id',
    {
      config: { access: READ },
      schema: {
        operationId: 'getCalibration',
        tags: ['rules'],
        summary: 'Get a desktop exercise',
        params: IdParams,
        response: { 200: CalibrationResource, ...problemResponses },
      },
    },
    async (request) => {
      const row = await findCalibration(app.db, councilOf(request), request.params.id);
      if (!row) throw notFound('calibration', request.params.id);
      return toCalibration(row);
    },
  );

  app.get(
    '/calibrations/:id/report',
    {
      config: { access: READ },
      schema: {
        operationId: 'getCalibrationReport',
        tags: ['rules'],
        summary: 'The desktop exercise as a self-contained HTML report for committee',
        params: IdParams,
        produces: ['text/html'],
        response: {
          200: {
            content: { 'text/html': { schema: Type.String({ description: 'A self-contained HTML page with the points-vs-cost chart' }) } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const councilId = councilOf(request);
      const row = await findCalibration(app.db, councilId, request.params.id);
      if (!row) throw notFound('calibration', request.params.id);
      const council = await findCouncil(app.db, councilId);
      const html = renderCalibrationReport(row.result, {
        title: 'Desktop exercise: setting the amount per point',
        council: council?.name ?? '',
        generatedOn: iso(row.created_at).slice(0, 10),
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );
};

export default calibrationRoutes;
