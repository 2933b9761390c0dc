import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { writeTransaction } from '../db/changes.js';
import type { DB, ShownJob } from '../db/schema.js';
import { isConnectionFailure, JobLeaseLost } from '../errors.js';
import { loggableError, problemBody, refusal } from '../plugins/problem-details.js';
import type { CompiledRules } from '../repositories/compiled-rules.js';
import {
  claimNextJob,
  exhaustedJobs,
  type JobEnd,
  jobPayload,
  recordJobStep,
  releaseJob,
  releaseJobsOf,
  takeOverJob,
} from '../repositories/jobs.js';
import type { InTransaction, WorkflowContext } from '../workflows/context.js';
import { finishJob, isJobOperation, type JobOperation } from '../workflows/jobs.js';

/** How a runner paces itself; tests shorten the lease and switch polling off. */
export interface JobRunnerOptions {
  /** The queue it works (instances of one deployment share `default`). */
  readonly queue: string;
  /** How often it looks for work other instances queued (0: only when woken, as tests do). */
  readonly pollMs: number;
  /** How long a claim holds without a heartbeat before another instance may take the job over. */
  readonly leaseMs: number;
  /** How often a running job's progress is written and its lease renewed (at most every 2 s). */
  readonly progressEveryMs: number;
  /** A job whose instance died this many times ends with a problem instead of starting again. */
  readonly maxAttempts: number;
  /**
   * The database is this process's alone (PGlite): a job left running by an earlier run of it has
   * no instance holding it, so it is taken up again at start, not after its lease.
   */
  readonly exclusive: boolean;
}

export const DEFAULT_JOB_RUNNER_OPTIONS: JobRunnerOptions = {
  queue: 'default',
  pollMs: 1_000,
  leaseMs: 30_000,
  progressEveryMs: 1_000,
  maxAttempts: 3,
  exclusive: false,
};

/** What a job's work is given: its steps' transactions, its progress and checkpoint, and whether to stop. */
export interface JobRun<Payload = unknown, Checkpoint = unknown> {
  readonly job: ShownJob;
  /** What the job was sent (an import's rows), as the operation that queued it wrote it. */
  readonly payload: Payload;
  /** The job's council, who started it and the service's rules and clock, for reads outside a step. */
  readonly base: Omit<WorkflowContext, 'tx' | 'changes'>;
  readonly db: Kysely<DB>;
  readonly log: FastifyBaseLogger | undefined;
  /** One step: the work in its own transaction, committed with the job's progress and checkpoint. */
  readonly inTransaction: InTransaction;
  /** How far the work has got (written with the next step, or by the heartbeat). */
  progress(done: number, total?: number | null): void;
  /** Where the job got to, as its last committed step left it (null at the first attempt). */
  readonly checkpoint: Checkpoint | null;
  /** Sets the checkpoint the next step commits with its work. */
  setCheckpoint(value: Checkpoint): void;
  /** Whether a cancellation was asked for; the work stops at a step boundary and says so with {@link stopped}. */
  shouldStop(): boolean;
  /** The work honoured a cancellation: the job ends cancelled with what it returns. */
  stopped(): void;
}

/** An operation's work as a job: returns the job's result. */
export type JobHandler = (run: JobRun) => Promise<unknown>;

/**
 * An operation's work with the types of its payload and checkpoint, which its route and its own
 * steps wrote (stored as JSON, read back as they were written).
 */
export function jobHandler<Payload, Checkpoint>(work: (run: JobRun<Payload, Checkpoint>) => Promise<unknown>): JobHandler {
  // The one place a job's stored JSON is taken as the shape its operation wrote.
  return (run) => work(run as JobRun<Payload, Checkpoint>);
}

/** What a runner needs from the service. */
export interface JobRunnerDependencies {
  readonly db: Kysely<DB>;
  readonly rules: CompiledRules;
  readonly clock: Clock;
  readonly handlers: Readonly<Record<JobOperation, JobHandler>>;
  readonly log?: FastifyBaseLogger | undefined;
}

/**
 * Runs the queue's jobs on this instance, one at a time. A job is claimed under SKIP LOCKED with a
 * lease it renews as it goes; its work is steps, each one transaction committed with the job's
 * progress and checkpoint, so an instance killed mid-job leaves every step whole or absent, and
 * whichever instance claims the job when the lease lapses carries on from the last checkpoint.
 * The design is pg-boss's and graphile-worker's (a table, SKIP LOCKED, a lease, retries), kept in
 * the service's own schema so it runs alike on PGlite and PostgreSQL (see ARCHITECTURE.md).
 */
export class JobRunner {
  /** This process, as it signs the jobs it holds. */
  readonly instance = `${process.pid}-${randomUUID()}`;
  readonly #options: JobRunnerOptions;
  readonly #deps: JobRunnerDependencies;
  #timer: NodeJS.Timeout | undefined;
  #working: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #started = false;
  /** When jobs whose instances kept dying were last looked for. */
  #sweptAt = Number.NEGATIVE_INFINITY;
  /**
   * Payloads of jobs this instance queued, as the request had them: the runner that claims one
   * here need not read megabytes back and parse them. A few at most (another instance may claim
   * them), oldest dropped first.
   */
  readonly #handedOver = new Map<string, unknown>();

  constructor(deps: JobRunnerDependencies, options: Partial<JobRunnerOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_JOB_RUNNER_OPTIONS, ...options };
  }

  get queue(): string {
    return this.#options.queue;
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Looks for work now: a job was just queued on this instance (with what it was sent, when there is a payload). */
  wake(queued?: { readonly id: string; readonly payload: unknown }): void {
    if (queued && queued.payload !== undefined) {
      this.#handedOver.set(queued.id, queued.payload);
      for (const id of this.#handedOver.keys()) if (this.#handedOver.size > 4) this.#handedOver.delete(id);
    }
    if (this.#stopped) return;
    if (this.#working) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#working = this.#drain()
      .catch((error: unknown) => this.#deps.log?.warn({ err: error }, 'jobs: looking for work failed; will retry'))
      .finally(() => {
        this.#working = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else this.#schedule();
      });
  }

  /** Stops taking work and waits for the job in hand to reach its end (its lease lets another instance take it over otherwise). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#working;
  }

  #schedule(): void {
    if (this.#stopped || this.#options.pollMs <= 0) return;
    this.#timer = setTimeout(() => this.wake(), this.#options.pollMs);
    this.#timer.unref();
  }

  /** Runs jobs until none is waiting. */
  async #drain(): Promise<void> {
    const { db } = this.#deps;
    const { queue, leaseMs, maxAttempts } = this.#options;
    if (!this.#started) {
      if (this.#options.exclusive) await releaseJobsOf(db, queue);
      this.#started = true;
    }
    // At most every 10 s: a lease lapses in JOB_LEASE_SECONDS, and waking for a new job need not look.
    if (performance.now() - this.#sweptAt > 10_000) {
      this.#sweptAt = performance.now();
      for (const stale of await exhaustedJobs(db, queue, maxAttempts)) await this.#abandon(stale.id, stale.council_id);
    }
    while (!this.#stopped) {
      const job = await claimNextJob(db, { queue, instance: this.instance, leaseMs, maxAttempts, now: this.#deps.clock.now() });
      if (!job) return;
      await this.#run(job);
    }
  }

  /** Ends a job whose instance died each time it ran it. */
  async #abandon(id: string, councilId: string): Promise<void> {
    await writeTransaction(this.#deps.db, { councilId, actor: 'system:jobs', requestId: null }, async (tx, changes) => {
      const context = this.#context(tx, changes, councilId, { actor: 'system:jobs', actorName: null }, undefined);
      // Taken over first, so that ending it is this instance's alone.
      const claimed = await takeOverJob(tx, id, { instance: this.instance, leaseMs: this.#options.leaseMs });
      if (!claimed) return;
      await finishJob(context, id, this.instance, {
        status: 'failed',
        result: null,
        problem: { ...problemBody('INTERNAL', `The job stopped ${claimed.attempts} times without finishing and was not started again`) },
        progressDone: claimed.progress_done,
        progressTotal: claimed.progress_total,
        now: this.#deps.clock.now(),
      });
    });
  }

  #context(
    tx: WorkflowContext['tx'],
    changes: WorkflowContext['changes'],
    councilId: string,
    actor: WorkflowContext['actor'],
    roles: WorkflowContext['roles'],
  ): WorkflowContext {
    return {
      tx,
      changes,
      rules: this.#deps.rules,
      clock: this.#deps.clock,
      scope: { councilId, portalKeyId: null },
      actor,
      ...(roles ? { roles } : {}),
    };
  }

  async #run(job: ShownJob): Promise<void> {
    const { db, clock, log } = this.#deps;
    const lease = { instance: this.instance, leaseMs: this.#options.leaseMs };
    const actor = { actor: job.started_by, actorName: job.started_by_name };
    const roles = job.roles ?? undefined;
    const changeContext = { councilId: job.council_id, actor: job.started_by, actorName: job.started_by_name, requestId: job.request_id };
    const state = {
      done: job.progress_done,
      total: job.progress_total,
      checkpoint: job.checkpoint,
      cancelRequested: job.cancel_requested_at !== null,
      stopped: false,
      lost: false,
      lastWrite: performance.now(),
    };
    const recordStep = async (executor: Kysely<DB>, checkpoint?: unknown) => {
      const step = await recordJobStep(executor, job.id, lease, {
        progressDone: state.done,
        progressTotal: state.total,
        at: clock.now(),
        ...(checkpoint === undefined ? {} : { checkpoint }),
      });
      if (step === null) {
        state.lost = true;
        throw new JobLeaseLost(job.id);
      }
      state.cancelRequested = step.cancelRequested;
      state.lastWrite = performance.now();
    };
    // The heartbeat: progress and the lease, written between steps (and during a step that takes
    // long, on a connection of its own on PostgreSQL). One write at a time.
    let beating: Promise<void> | null = null;
    const heartbeat = setInterval(
      () => {
        if (beating || performance.now() - state.lastWrite < this.#options.progressEveryMs) return;
        beating = recordStep(db)
          .catch((error: unknown) => {
            if (!(error instanceof JobLeaseLost)) log?.warn({ err: error, jobId: job.id }, 'jobs: could not record progress');
          })
          .finally(() => {
            beating = null;
          });
      },
      Math.min(this.#options.progressEveryMs, Math.floor(this.#options.leaseMs / 3)),
    );
    heartbeat.unref();
    // Read inside the try below: a payload that will not parse fails the job, with a problem.
    const payloadOf = async (): Promise<unknown> => {
      if (this.#handedOver.has(job.id)) return this.#handedOver.get(job.id);
      const text = await jobPayload(db, job.id);
      return text === null ? null : JSON.parse(text);
    };
    const runOf = (payload: unknown): JobRun => ({
      job,
      payload,
      db,
      log,
      base: { rules: this.#deps.rules, clock, scope: { councilId: job.council_id, portalKeyId: null }, actor, ...(roles ? { roles } : {}) },
      checkpoint: state.checkpoint,
      inTransaction: (work) =>
        writeTransaction(db, changeContext, async (tx, changes) => {
          const result = await work(this.#context(tx, changes, job.council_id, actor, roles));
          await recordStep(tx, state.checkpoint);
          return result;
        }),
      progress: (done, total) => {
        state.done = done;
        if (total !== undefined) state.total = total;
      },
      setCheckpoint: (value) => {
        state.checkpoint = value;
      },
      shouldStop: () => state.cancelRequested || this.#stopped,
      stopped: () => {
        state.stopped = true;
      },
    });
    const handler = isJobOperation(job.operation) ? this.#deps.handlers[job.operation] : undefined;
    let end: Omit<JobEnd, 'now' | 'progressDone' | 'progressTotal'>;
    try {
      if (!handler) throw new Error(`no handler for the ${job.operation} job`);
      const result = await handler(runOf(await payloadOf()));
      // Stopped for a shutdown rather than a cancellation: back to the queue, not counted as an
      // attempt, for any instance to carry on from its checkpoint at once.
      if (state.stopped && !state.cancelRequested) {
        await releaseJob(db, job.id, this.instance).catch((error: unknown) =>
          log?.warn({ err: error, jobId: job.id }, 'jobs: could not give a stopped job back; its lease will lapse'),
        );
        return;
      }
      end = { status: state.stopped ? 'cancelled' : 'succeeded', result, problem: null };
    } catch (error) {
      if (error instanceof JobLeaseLost || state.lost) return;
      // The database went away: the job is not at fault, and the next claim carries on.
      if (isConnectionFailure(error)) {
        log?.warn({ err: error, jobId: job.id }, 'jobs: the database went away mid-job; it will be taken up again');
        return;
      }
      const known = refusal(error, `/v1/jobs/${job.id}`);
      if (!known) log?.error({ err: loggableError(error), jobId: job.id, operation: job.operation }, 'jobs: a job failed');
      end = {
        status: 'failed',
        result: null,
        problem: { ...(known ?? problemBody('INTERNAL', 'The job failed. It has been logged with its job id.', `/v1/jobs/${job.id}`)) },
      };
    } finally {
      clearInterval(heartbeat);
      this.#handedOver.delete(job.id);
      await beating;
    }
    await writeTransaction(db, changeContext, (tx, changes) =>
      finishJob(this.#context(tx, changes, job.council_id, actor, roles), job.id, this.instance, {
        ...end,
        progressDone: state.done,
        progressTotal: state.total,
        now: clock.now(),
      }),
    );
  }
}
