import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, rolesAccess, rolesOf } from '../../../auth/roles.js';
import { AppError, notFound } from '../../../errors.js';
import { etag } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findJob, listJobs, type ShownJob } from '../../../repositories/jobs.js';
import { toJob } from '../../../representations/jobs.js';
import { IdParams, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { JobResource } from '../../../schemas/jobs.js';
import { cancelJob, JOB_OPERATIONS } from '../../../workflows/jobs.js';
import { PersonRecord } from '../data-protection/schemas.js';

/** Who may follow jobs: the roles that may start one. */
const JOB_ROLES = rolesAccess('admin', 'finance', 'integration', 'auditor');

/** Admins and auditors see every job of the council; any other key or user, the jobs it started. */
function seesEveryJob(request: FastifyRequest): boolean {
  return rolesOf(request.principal).some((role) => role === 'admin' || role === 'auditor');
}

const visibleTo = (request: FastifyRequest) => (job: ShownJob) => seesEveryJob(request) || job.started_by === actorOf(request.principal);

/** Who may stop a job: whoever started it, or an admin (an auditor reads, and changes nothing). */
const cancellableBy = (request: FastifyRequest) => (job: ShownJob) =>
  rolesOf(request.principal).includes('admin') || job.started_by === actorOf(request.principal);

const JobQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.Enum(['queued', 'running', 'succeeded', 'failed', 'cancelled'])),
    operation: Type.Optional(Type.Enum(Object.keys(JOB_OPERATIONS))),
  },
  { additionalProperties: false },
);

/** Jobs: long work asked for with `Prefer: respond-async`, followed until it ends. */
const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The job, when the caller may see it; 404 otherwise (another council's, or another key's). */
  async function visibleJob(request: FastifyRequest, id: string): Promise<ShownJob> {
    const job = await findJob(app.db, scopeOf(request).councilId, id);
    if (!job || !visibleTo(request)(job)) throw notFound('job', id);
    return job;
  }

  app.get(
    '/jobs/:id',
    {
      config: { access: JOB_ROLES },
      schema: {
        operationId: 'getJob',
        tags: ['jobs'],
        summary: 'How a job is going: its status, progress, time left, and its result or problem once it has ended',
        description:
          'Poll at the Location a 202 gave (Retry-After says how soon). Progress is written at least every 2 seconds while the job runs; estimatedSecondsLeft is worked out from the pace so far. Once it has ended: `result` (what the operation answers without Prefer, or a summary with the resource at links.result) or `problem` (the problem+json it would have answered). Admins and auditors see every job of the council; other keys the jobs they started.',
        params: IdParams,
        response: { 200: JobResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const job = await visibleJob(request, request.params.id);
      // While it runs, the client polls again; once it has ended there is nothing more to wait for.
      if (job.status === 'queued' || job.status === 'running') reply.header('retry-after', '1');
      reply.header('etag', etag(job.version));
      return toJob(job, app.clock.now());
    },
  );

  app.get(
    '/jobs',
    {
      config: { access: JOB_ROLES },
      schema: {
        operationId: 'listJobs',
        tags: ['jobs'],
        summary: 'The council’s jobs, oldest first, by status and operation',
        description:
          'Admins and auditors see every job of the council (scheduled ones too: startedBy system or retention-job); other keys the jobs they started. Ended jobs are kept 7 days.',
        querystring: JobQuery,
        response: { 200: Page(JobResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const rows = await listJobs(
        app.db,
        scopeOf(request).councilId,
        {
          ...(seesEveryJob(request) ? {} : { startedBy: actorOf(request.principal) }),
          ...(request.query.status ? { status: request.query.status } : {}),
          ...(request.query.operation ? { operation: request.query.operation } : {}),
        },
        page.after,
        page.size + 1,
      );
      const now = app.clock.now();
      return toPage(rows, page, (row) => toJob(row, now));
    },
  );

  app.post(
    '/jobs/:id/cancel',
    {
      config: { access: JOB_ROLES, problems: ['INVALID_STATE', 'JOB_NOT_CANCELLABLE'] },
      schema: {
        operationId: 'cancelJob',
        tags: ['jobs'],
        summary: 'Cancel a job: one waiting never starts; one running stops at its next step where that is safe',
        description:
          'A waiting job is cancelled at once. A running import (best effort), retention run or subject access export stops before its next slice, person or section: what it committed stays, and its result shows how far it got (cancelRequested is true until it stops). A running payment run confirmation, uprating or desktop exercise cannot stop safely part-way: 409 JOB_NOT_CANCELLABLE says why. A job that has ended is 409 INVALID_STATE. Whoever started a job, or an admin, may cancel it; another key gets 404.',
        params: IdParams,
        response: { 200: JobResource, ...problemResponses },
      },
    },
    async (request) => {
      const job = await runWorkflow(request, (context) => cancelJob(context, request.params.id, cancellableBy(request)));
      return toJob(job, app.clock.now());
    },
  );

  app.get(
    '/jobs/:id/result',
    {
      config: { access: rolesAccess('admin', 'auditor'), problems: ['INVALID_STATE'] },
      schema: {
        operationId: 'getJobResult',
        tags: ['jobs', 'data-protection'],
        summary: 'The subject access export a job collected (exportPersonRecord with Prefer: respond-async)',
        description:
          'The same document exportPersonRecord answers, as it was when the job ran; logged as a read of the person. 409 INVALID_STATE until the job has succeeded; 404 for a job of another operation.',
        params: IdParams,
        response: { 200: PersonRecord, ...problemResponses },
      },
    },
    async (request, reply) => {
      const job = await visibleJob(request, request.params.id);
      if (job.operation !== 'exportPersonRecord') throw notFound('job result', request.params.id);
      if (job.status !== 'succeeded' || job.result === null)
        throw new AppError('INVALID_STATE', `The job is ${job.status}: its result is read once it has succeeded`);
      reply.header('content-disposition', `attachment; filename="person-${String(job.input.personId)}.json"`);
      return reply.send(job.result);
    },
  );
};

export default jobRoutes;
