import { sql } from 'kysely';
import type { Db } from '../db/schema.js';

/** The backlogs an operator watches, across every council (counts only, never whose). */
export interface Backlogs {
  /** Events committed but not yet numbered into the feed, and how long the oldest has waited. */
  readonly eventsUnnumbered: number;
  readonly oldestUnnumberedSeconds: number;
  /** Webhook deliveries waiting to be made, those that have failed at least once, and paused webhooks. */
  readonly deliveriesPending: number;
  readonly deliveriesFailing: number;
  readonly webhooksPaused: number;
  /** Jobs waiting for an instance, running, and how long the oldest waiting one has waited. */
  readonly jobsQueued: number;
  readonly jobsRunning: number;
  readonly oldestQueuedJobSeconds: number;
}

/** One round trip, on indexes the sequencer and the relay use themselves. */
export async function readBacklogs(db: Db): Promise<Backlogs> {
  const { rows } = await sql<{
    events_unnumbered: number;
    oldest_unnumbered_seconds: number | null;
    deliveries_pending: number;
    deliveries_failing: number;
    webhooks_paused: number;
    jobs_queued: number;
    jobs_running: number;
    oldest_queued_job_seconds: number | null;
  }>`
    select
      (select count(*)::int from events where seq is null) as events_unnumbered,
      (select extract(epoch from now() - min(occurred_at))::float8 from events where seq is null) as oldest_unnumbered_seconds,
      (select count(*)::int from webhook_deliveries where status = 'pending') as deliveries_pending,
      (select count(*)::int from webhook_deliveries where status = 'pending' and attempts > 0) as deliveries_failing,
      (select count(*)::int from webhooks where status = 'paused') as webhooks_paused,
      (select count(*)::int from jobs where status = 'queued') as jobs_queued,
      (select count(*)::int from jobs where status = 'running') as jobs_running,
      (select extract(epoch from now() - min(created_at))::float8 from jobs where status = 'queued') as oldest_queued_job_seconds`.execute(
    db,
  );
  const row = rows[0];
  return {
    eventsUnnumbered: row?.events_unnumbered ?? 0,
    oldestUnnumberedSeconds: Math.max(0, row?.oldest_unnumbered_seconds ?? 0),
    deliveriesPending: row?.deliveries_pending ?? 0,
    deliveriesFailing: row?.deliveries_failing ?? 0,
    webhooksPaused: row?.webhooks_paused ?? 0,
    jobsQueued: row?.jobs_queued ?? 0,
    jobsRunning: row?.jobs_running ?? 0,
    oldestQueuedJobSeconds: Math.max(0, row?.oldest_queued_job_seconds ?? 0),
  };
}
