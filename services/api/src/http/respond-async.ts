import type { FastifyReply, FastifyRequest } from 'fastify';
import { createOnce } from '../plugins/idempotency.js';
import { toJob } from '../representations/jobs.js';
import { type JobRequest, queueJob } from '../workflows/jobs.js';
import { workflowContext } from './write.js';

/**
 * Whether the client asked to be answered at once and to collect the outcome later: RFC 7240's
 * `Prefer: respond-async`, in any of the request's Prefer headers, among other preferences.
 */
export function prefersAsync(request: FastifyRequest): boolean {
  const header = request.headers.prefer;
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.some((value) =>
    value.split(',').some((preference) => (preference.split(';', 1)[0] ?? '').trim().toLowerCase() === 'respond-async'),
  );
}

/**
 * Queues an operation's work as a job and answers 202 Accepted with the job and its Location
 * (`Preference-Applied: respond-async`); an Idempotency-Key makes a retry answer the same job.
 * The instance's runner is woken once the job has committed; any instance may run it.
 */
export async function acceptAsJob(
  request: FastifyRequest,
  reply: FastifyReply,
  job: Omit<JobRequest, 'queue' | 'requestId'>,
): Promise<ReturnType<typeof toJob>> {
  const jobs = request.server.jobs;
  const body = await createOnce<ReturnType<typeof toJob>>(request, reply, async (tx, changes) => {
    const queued = await queueJob(workflowContext(request, tx, changes), { ...job, queue: jobs.queue, requestId: request.id });
    // Only a scheduled run is queued once per key; an operation asked for always is.
    if (!queued) throw new Error('a job asked for by a request was not queued');
    return {
      status: 202 as const,
      body: toJob(queued, request.server.clock.now()),
      headers: { location: `/v1/jobs/${queued.id}`, 'preference-applied': 'respond-async', 'retry-after': '1' },
    };
  });
  jobs.wake({ id: body.id, payload: job.payload });
  return body;
}
