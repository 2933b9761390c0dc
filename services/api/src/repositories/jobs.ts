import { type Kysely, sql, type Transaction } from 'kysely';
import type { Role } from '../auth/roles.js';
import type { DB, Job, ShownJob } from '../db/schema.js';

export type { ShownJob };

type Db = Kysely<DB> | Transaction<DB>;

/** A job as it is queued. */
export interface NewJob {
  readonly id: string;
  readonly councilId: string;
  readonly operation: string;
  readonly queue: string;
  readonly input: Record<string, unknown>;
  readonly payload?: unknown;
  readonly progressTotal?: number | null;
  readonly startedBy: string;
  readonly startedByName: string | null;
  readonly roles: readonly Role[] | null;
  readonly requestId: string | null;
  readonly singletonKey?: string;
  readonly now: Date;
}

/** Queues a job; null when a job with its singleton key exists already (a scheduled run another instance queued). */
export async function insertJob(tx: Db, job: NewJob): Promise<Job | null> {
  const row = await tx
    .insertInto('jobs')
    .values({
      id: job.id,
      council_id: job.councilId,
      operation: job.operation,
      queue: job.queue,
      status: 'queued',
      input: JSON.stringify(job.input),
      payload: job.payload === undefined ? null : JSON.stringify(job.payload),
      progress_total: job.progressTotal ?? null,
      started_by: job.startedBy,
      started_by_name: job.startedByName,
      roles: job.roles === null ? null : JSON.stringify(job.roles),
      request_id: job.requestId,
      singleton_key: job.singletonKey ?? null,
      created_at: job.now,
    })
    .onConflict((oc) => oc.column('singleton_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** The columns a job is shown with: everything but its payload, which may be megabytes. */
const SHOWN = [
  'id',
  'council_id',
  'operation',
  'queue',
  'status',
  'input',
  'checkpoint',
  'progress_done',
  'progress_total',
  'result',
  'problem',
  'started_by',
  'started_by_name',
  'roles',
  'request_id',
  'singleton_key',
  'attempts',
  'locked_by',
  'locked_until',
  'cancel_requested_at',
  'created_at',
  'started_at',
  'progress_at',
  'finished_at',
  'version',
] as const;

export async function findJob(db: Db, councilId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ShownJob | undefined> {
  const query = db.selectFrom('jobs').select(SHOWN).where('council_id', '=', councilId).where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/** Which jobs a list shows. */
export interface JobFilter {
  /** Only jobs this key started (a key that is neither admin nor auditor sees its own). */
  readonly startedBy?: string;
  readonly status?: Job['status'];
  readonly operation?: string;
}

/** A council's jobs, oldest first (ids are time-ordered). */
export async function listJobs(db: Db, councilId: string, filter: JobFilter, after: string | null, limit: number): Promise<ShownJob[]> {
  let query = db.selectFrom('jobs').select(SHOWN).where('council_id', '=', councilId);
  if (filter.startedBy !== undefined) query = query.where('started_by', '=', filter.startedBy);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.operation !== undefined) query = query.where('operation', '=', filter.operation);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

/**
 * Claims the oldest job of the queue that is waiting, or running under a lease that has lapsed
 * (its instance died): the lease is taken under SKIP LOCKED, so two instances never claim the same
 * job, and each claim counts an attempt. The whole job, payload too, is what the runner works on.
 */
export async function claimNextJob(
  db: Db,
  claim: { queue: string; instance: string; leaseMs: number; maxAttempts: number; now: Date },
): Promise<ShownJob | null> {
  const { rows } = await sql<ShownJob>`
    update jobs
    set status = 'running',
        locked_by = ${claim.instance},
        locked_until = now() + make_interval(secs => ${claim.leaseMs / 1000}),
        attempts = attempts + 1,
        started_at = coalesce(started_at, ${claim.now}::timestamptz),
        version = version + 1
    where id = (
      select id from jobs
      where queue = ${claim.queue}
        and (status = 'queued' or (status = 'running' and locked_until < now()))
        and attempts < ${claim.maxAttempts}
      order by created_at, id
      limit 1
      for update skip locked
    )
    returning ${sql.join(SHOWN.map((column) => sql.ref(column)))}`.execute(db);
  return rows[0] ?? null;
}

/** What a job was sent, as the JSON text it was stored as (null when it was sent nothing, or has ended). */
export async function jobPayload(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('jobs').select('payload').where('id', '=', id).executeTakeFirst();
  return row?.payload ?? null;
}

/**
 * Gives a job back to the queue, not counted as an attempt: the instance holding it is shutting
 * down and stopped it between steps, and any instance may carry on from its checkpoint at once.
 */
export async function releaseJob(db: Db, id: string, instance: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'queued',
      locked_by: null,
      locked_until: null,
      attempts: eb('attempts', '-', 1),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('locked_by', '=', instance)
    .where('status', '=', 'running')
    .execute();
}

/** Takes over a running job whose lease lapsed (to end it): null when another instance got there first. */
export async function takeOverJob(db: Db, id: string, lease: { instance: string; leaseMs: number }): Promise<Job | null> {
  const row = await db
    .updateTable('jobs')
    .set({ locked_by: lease.instance, locked_until: sql<Date>`now() + make_interval(secs => ${lease.leaseMs / 1000})` })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_until', '<', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Running jobs whose lease lapsed as often as a job may be tried: the runner ends them with a
 * problem rather than starting them again (a job that kills its instance every time it runs).
 */
export async function exhaustedJobs(db: Db, queue: string, maxAttempts: number): Promise<{ id: string; council_id: string }[]> {
  return db
    .selectFrom('jobs')
    .select(['id', 'council_id'])
    .where('queue', '=', queue)
    .where('status', '=', 'running')
    .where('locked_until', '<', sql<Date>`now()`)
    .where('attempts', '>=', maxAttempts)
    .limit(10)
    .execute();
}

/**
 * Running jobs left by an earlier run of this process on a database only it can open (PGlite): no
 * other instance holds them, so their leases are released at once and they are claimed again.
 */
export async function releaseJobsOf(db: Db, queue: string): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: sql<Date>`now() - interval '1 second'` })
    .where('queue', '=', queue)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** What a step of a job records with its work: how far it got and where to carry on. */
export interface JobStep {
  readonly progressDone: number;
  readonly progressTotal: number | null;
  /** When, on the service's clock (what a poller reads as progress.updatedAt). */
  readonly at: Date;
  /** Undefined: unchanged. */
  readonly checkpoint?: unknown;
}

/**
 * Records a job's progress (and checkpoint) and renews its lease, only while this instance holds it:
 * in a step's own transaction, so work and checkpoint commit together, and a step of a job whose
 * lease another instance took over rolls back. Null when the lease is lost; else whether a
 * cancellation was asked for.
 */
export async function recordJobStep(
  db: Db,
  id: string,
  lease: { instance: string; leaseMs: number },
  step: JobStep,
): Promise<{ cancelRequested: boolean } | null> {
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({
      progress_done: step.progressDone,
      progress_total: step.progressTotal,
      progress_at: step.at,
      // Progress is part of what a poller sees: a new version, so its ETag (If-None-Match) changes.
      version: eb('version', '+', 1),
      locked_until: sql<Date>`now() + make_interval(secs => ${lease.leaseMs / 1000})`,
      ...(step.checkpoint === undefined ? {} : { checkpoint: JSON.stringify(step.checkpoint) }),
    }))
    .where('id', '=', id)
    .where('locked_by', '=', lease.instance)
    .where('status', '=', 'running')
    .returning('cancel_requested_at')
    .executeTakeFirst();
  return row ? { cancelRequested: row.cancel_requested_at !== null } : null;
}

/** How a job ended. */
export interface JobEnd {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly result: unknown;
  readonly problem: Record<string, unknown> | null;
  readonly progressDone: number;
  readonly progressTotal: number | null;
  readonly now: Date;
}

/** Ends a job (its payload goes: an import's rows are not kept), if this instance still holds it or it never started. */
export async function endJob(tx: Db, id: string, holder: string | null, end: JobEnd): Promise<ShownJob | undefined> {
  let query = tx
    .updateTable('jobs')
    .set((eb) => ({
      status: end.status,
      result: end.result === null || end.result === undefined ? null : JSON.stringify(end.result),
      problem: end.problem === null ? null : JSON.stringify(end.problem),
      progress_done: end.progressDone,
      progress_total: end.progressTotal,
      payload: null,
      locked_by: null,
      locked_until: null,
      finished_at: end.now,
      progress_at: end.now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id);
  query = holder === null ? query.where('status', '=', 'queued') : query.where('status', '=', 'running').where('locked_by', '=', holder);
  return query.returning(SHOWN).executeTakeFirst();
}

/** Asks a running job to stop at its next step. */
export async function requestJobCancel(tx: Db, councilId: string, id: string, now: Date): Promise<ShownJob | undefined> {
  return tx
    .updateTable('jobs')
    .set((eb) => ({ cancel_requested_at: now, version: eb('version', '+', 1) }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returning(SHOWN)
    .executeTakeFirst();
}

/** Claims a scheduled run's slot: true for the one instance that gets it. */
export async function claimScheduledRun(db: Db, name: string, slot: string, instance: string): Promise<boolean> {
  const row = await db
    .insertInto('scheduled_runs')
    .values({ name, slot, instance })
    .onConflict((oc) => oc.columns(['name', 'slot']).doNothing())
    .returning('slot')
    .executeTakeFirst();
  return row !== undefined;
}

/** Finished jobs' results are kept this long, then removed with the job (a subject access export holds a whole record). */
export async function purgeFinishedJobs(db: Db, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom('jobs').where('finished_at', '<', olderThan).executeTakeFirst();
  await db.deleteFrom('scheduled_runs').where('started_at', '<', olderThan).execute();
  return Number(result.numDeletedRows);
}

/** Removes the subject access exports of a person being erased: a copy of their record must not outlive it. */
export async function deletePersonExports(tx: Db, councilId: string, personId: string): Promise<void> {
  await tx
    .deleteFrom('jobs')
    .where('council_id', '=', councilId)
    .where('operation', '=', 'exportPersonRecord')
    .where(sql<string>`input->>'personId'`, '=', personId)
    .execute();
}
