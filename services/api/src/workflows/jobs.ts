import { AppError, invalidState, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { endJob, findJob, insertJob, type JobEnd, requestJobCancel, type ShownJob } from '../repositories/jobs.js';
import type { WorkflowContext } from './context.js';

/**
 * The operations that may run as a job (`Prefer: respond-async`), and whether one may be stopped
 * part-way: `true` when every step it has committed stands on its own (stopping leaves some of the
 * work done and none of it half-done), or why not. Any job may be cancelled while it waits.
 */
export const JOB_OPERATIONS = {
  importPeople: { stoppable: true },
  runRetentionErasure: { stoppable: true },
  exportPersonRecord: { stoppable: true },
  confirmPaymentRun: {
    stoppable:
      'a payment run stopped part-way has paid some people and not others; it can only be finished (confirm it again, or let the job run)',
  },
  applyUpratingRun: { stoppable: 'an uprating is applied in one transaction, to everyone or no one, so once started it runs to the end' },
  runCalibration: { stoppable: 'a desktop exercise is recorded in one step, so once started it runs to the end' },
} as const satisfies Record<string, { stoppable: true | string }>;

/** An operation that may run as a job. */
export type JobOperation = keyof typeof JOB_OPERATIONS;

/** Whether a stored job's operation is one the service runs (a job queued by a later version may not be). */
export function isJobOperation(operation: string): operation is JobOperation {
  return Object.hasOwn(JOB_OPERATIONS, operation);
}

/** A job as it is asked for. */
export interface JobRequest {
  readonly operation: JobOperation;
  /** What it was asked (ids, options): shown on the job. */
  readonly input: Record<string, unknown>;
  /** The bulk of what it was sent, removed when the job ends. */
  readonly payload?: unknown;
  /** How many units of work it has, when known before it starts. */
  readonly total?: number;
  readonly queue: string;
  /** A scheduled run's key: queued once however many instances ask. */
  readonly singletonKey?: string;
  readonly requestId: string | null;
}

/** What a job's events carry: never its input, result or payload (they may name people). */
export function jobEvent(job: ShownJob) {
  return {
    id: job.id,
    operation: job.operation,
    status: job.status,
    startedBy: job.started_by,
    progress: { done: job.progress_done, total: job.progress_total },
    problemCode: typeof job.problem?.code === 'string' ? job.problem.code : null,
  };
}

/** Queues long work as a job of the council, started by whoever asked; null when a scheduled run was queued already. */
export async function queueJob(context: WorkflowContext, request: JobRequest): Promise<ShownJob | null> {
  const { tx, scope, actor, clock, changes } = context;
  const job = await insertJob(tx, {
    id: newId(),
    councilId: scope.councilId,
    operation: request.operation,
    queue: request.queue,
    input: request.input,
    payload: request.payload,
    progressTotal: request.total ?? null,
    startedBy: actor.actor,
    startedByName: actor.actorName,
    roles: context.roles ?? null,
    requestId: request.requestId,
    now: clock.now(),
    ...(request.singletonKey === undefined ? {} : { singletonKey: request.singletonKey }),
  });
  if (job === null) return null;
  const { payload: _payload, ...shown } = job;
  changes.record({ action: 'job.queued', entityType: 'job', entityId: job.id, after: jobEvent(shown) });
  return shown;
}

/** The event of a job's end. */
const ENDED = { succeeded: 'job.succeeded', failed: 'job.failed', cancelled: 'job.cancelled' } as const;

/**
 * Ends a job held by `holder` (the instance running it; null for a job that never started) with
 * its event: null when another instance holds it now, so nothing is recorded twice.
 */
export async function finishJob(context: WorkflowContext, id: string, holder: string | null, end: JobEnd): Promise<ShownJob | null> {
  const ended = await endJob(context.tx, id, holder, end);
  if (!ended) return null;
  context.changes.record({ action: ENDED[end.status], entityType: 'job', entityId: id, after: jobEvent(ended) });
  return ended;
}

/**
 * Cancels a job: one waiting never starts; one running stops at its next step when the operation
 * can stop part-way safely (what it committed stays), else 409 JOB_NOT_CANCELLABLE naming why.
 * A job that has ended is 409 INVALID_STATE.
 */
export async function cancelJob(context: WorkflowContext, id: string, visible: (job: ShownJob) => boolean): Promise<ShownJob> {
  const { tx, scope, clock } = context;
  const job = await findJob(tx, scope.councilId, id, { forUpdate: true });
  if (!job || !visible(job)) throw notFound('job', id);
  if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled')
    throw invalidState(`The job has ${job.status === 'cancelled' ? 'been cancelled' : job.status}: there is nothing to stop`);
  if (job.status === 'queued') {
    const ended = await finishJob(context, id, null, {
      status: 'cancelled',
      result: null,
      problem: null,
      progressDone: 0,
      progressTotal: job.progress_total,
      now: clock.now(),
    });
    if (ended) return ended;
  }
  const stoppable =
    job.operation === 'importPeople' && job.input.mode === 'all-or-nothing'
      ? 'an all-or-nothing import is written in one transaction, to every row or none, so once started it runs to the end'
      : isJobOperation(job.operation)
        ? JOB_OPERATIONS[job.operation].stoppable
        : 'it is not an operation this version runs';
  if (stoppable !== true)
    throw new AppError('JOB_NOT_CANCELLABLE', `The ${job.operation} job has started and cannot stop safely: ${stoppable}`);
  if (job.cancel_requested_at !== null) return job;
  const asked = await requestJobCancel(tx, scope.councilId, id, clock.now());
  if (!asked) throw notFound('job', id);
  context.changes.record({ action: 'job.cancel-requested', entityType: 'job', entityId: id, after: jobEvent(asked) });
  return asked;
}
