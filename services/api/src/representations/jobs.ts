import type { ShownJob } from '../db/schema.js';
import { textFieldOf } from '../field-of.js';

/** Where a job's outcome can be read once it has succeeded, by operation. */
function resultLocation(job: ShownJob): string | null {
  if (job.status !== 'succeeded') return null;
  const input = job.input;
  switch (job.operation) {
    case 'confirmPaymentRun':
      return `/v1/payment-runs/${String(input.paymentRunId)}`;
    case 'applyUpratingRun':
      return `/v1/uprating-runs/${String(input.upratingRunId)}`;
    case 'runCalibration':
      return typeof textFieldOf(job.result, 'id') === 'string' ? `/v1/calibrations/${textFieldOf(job.result, 'id')}` : null;
    case 'exportPersonRecord':
      return `/v1/jobs/${job.id}/result`;
    default:
      return null;
  }
}

/** Whole seconds between two instants, never negative. */
const secondsBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/**
 * A job as its API shows it: progress as done of total and a percentage, an estimate of the time
 * left (from the pace so far), who started it, and its result or problem once it has ended. A
 * subject access export's result (a whole person's record) is read at its own address, logged.
 */
export function toJob(job: ShownJob, now: Date) {
  const { progress_done: done, progress_total: total } = job;
  const percent = total === null ? null : total === 0 ? 100 : Math.min(100, Math.floor((done * 100) / total));
  const runningSince = job.status === 'running' ? job.started_at : null;
  const elapsed = runningSince ? secondsBetween(runningSince, now) : 0;
  const secondsLeft = runningSince && total !== null && done > 0 ? Math.ceil((elapsed * (total - done)) / done) : null;
  const location = resultLocation(job);
  return {
    id: job.id,
    operation: job.operation,
    status: job.status,
    progress: { done, total, percent, estimatedSecondsLeft: secondsLeft, updatedAt: job.progress_at?.toISOString() ?? null },
    input: job.input,
    result: job.operation === 'exportPersonRecord' ? null : (job.result ?? null),
    problem: job.problem ?? null,
    startedBy: { actor: job.started_by, actorName: job.started_by_name },
    cancelRequested: job.cancel_requested_at !== null,
    attempts: job.attempts,
    createdAt: job.created_at.toISOString(),
    startedAt: job.started_at?.toISOString() ?? null,
    finishedAt: job.finished_at?.toISOString() ?? null,
    links: { self: `/v1/jobs/${job.id}`, result: location },
    version: job.version,
  };
}
