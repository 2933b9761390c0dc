import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { claimScheduledRun } from '../repositories/jobs.js';

/** Work the service does on its own, every period, on one instance of however many share the database. */
export interface ScheduledTask {
  readonly name: string;
  /** The period: one run in each (a day, an hour), counted from midnight UTC. */
  readonly everyMs: number;
  readonly run: () => Promise<unknown>;
}

/** How often an instance looks whether a period's run is due; and how soon after it starts. */
const CHECK_EVERY_MS = 60_000;
const FIRST_CHECK_MS = 5_000;

/**
 * Runs each task once a period across all instances: the instance whose insert of the period's
 * row in scheduled_runs wins runs it, and the others find the row and do nothing. A run that fails
 * is logged and not retried until the next period (each task's work is itself safe to repeat).
 */
export function startSchedule(
  db: Kysely<DB>,
  instance: string,
  tasks: readonly ScheduledTask[],
  log: FastifyBaseLogger,
): { stop: () => void } {
  const check = async () => {
    for (const task of tasks) {
      const slot = new Date(Math.floor(Date.now() / task.everyMs) * task.everyMs).toISOString();
      try {
        if (!(await claimScheduledRun(db, task.name, slot, instance))) continue;
        log.info({ task: task.name, slot }, 'scheduled: running');
        await task.run();
      } catch (error) {
        log.error({ err: error, task: task.name, slot }, 'scheduled: the run failed');
      }
    }
  };
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(check);
  };
  const first = setTimeout(tick, FIRST_CHECK_MS);
  const every = setInterval(tick, CHECK_EVERY_MS);
  first.unref();
  every.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
