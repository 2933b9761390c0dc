import { type Kysely, sql } from 'kysely';
import { errorMessage, isConnectionFailure } from '../errors.js';
import type { Database } from './database.js';
import type { DB } from './schema.js';

/** How far behind the primary a replica may be and still answer reports and exports (REPLICA_MAX_LAG_SECONDS). */
export const DEFAULT_MAX_LAG_SECONDS = 30;
/** How long one look at the replica's health is trusted. */
const CHECK_EVERY_MS = 5_000;

/** Which database answered the last heavy read, and why: for the logs and /health. */
export interface ReaderState {
  readonly using: 'replica' | 'primary';
  readonly reason: string;
  readonly lagSeconds: number | null;
}

/**
 * Sends the heavy readers (reports and exports: large ranges, a little lag does them no harm) to a
 * streaming replica, and everything else to the primary. The replica is used only while it is
 * in recovery (a real standby), its WAL receiver is streaming and heard from the primary within
 * `maxLagSeconds` (the primary's status messages come every 10 seconds when idle), and it is no
 * more than `maxLagSeconds` behind in replay; otherwise, or when it cannot be reached, the
 * primary answers. A replica that has replayed all it received counts as caught up whatever its
 * last replay time (an idle primary sends nothing to replay), but only while it is still receiving:
 * a replica cut off from its primary has replayed everything it will ever get.
 */
export class ReadRouter {
  readonly #primary: Kysely<DB>;
  readonly #replica: Database | null;
  readonly #maxLagSeconds: number;
  #checkedAt = 0;
  #state: ReaderState;

  constructor(primary: Kysely<DB>, replica: Database | null, maxLagSeconds = DEFAULT_MAX_LAG_SECONDS) {
    this.#primary = primary;
    this.#replica = replica;
    this.#maxLagSeconds = maxLagSeconds;
    this.#state = { using: 'primary', reason: replica ? 'not checked yet' : 'no DATABASE_REPLICA_URL', lagSeconds: null };
  }

  /** Whether a replica is configured at all (DATABASE_REPLICA_URL). */
  get hasReplica(): boolean {
    return this.#replica !== null;
  }

  get state(): ReaderState {
    return this.#state;
  }

  /** The database a report or export reads from now. */
  async reader(): Promise<Kysely<DB>> {
    if (!this.#replica) return this.#primary;
    if (Date.now() - this.#checkedAt > CHECK_EVERY_MS) {
      this.#checkedAt = Date.now();
      this.#state = await this.#check(this.#replica.db);
    }
    return this.#state.using === 'replica' ? this.#replica.db : this.#primary;
  }

  async #check(replica: Kysely<DB>): Promise<ReaderState> {
    try {
      const { rows } = await sql<{ standby: boolean; lag: string | null; streaming: boolean; silent: string | null }>`
        select pg_is_in_recovery() as standby,
               case when pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
                    else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag,
               coalesce((select status = 'streaming' from pg_stat_wal_receiver), false) as streaming,
               (select extract(epoch from now() - last_msg_receipt_time) from pg_stat_wal_receiver) as silent`.execute(replica);
      const row = rows[0];
      if (!row?.standby) return { using: 'primary', reason: 'DATABASE_REPLICA_URL is not a standby', lagSeconds: null };
      if (!row.streaming || row.silent === null || Number(row.silent) > this.#maxLagSeconds)
        return { using: 'primary', reason: 'the replica is not receiving from the primary', lagSeconds: null };
      const lag = row.lag === null ? null : Number(row.lag);
      if (lag === null || lag > this.#maxLagSeconds)
        return { using: 'primary', reason: `the replica is ${lag ?? 'an unknown number of'} seconds behind`, lagSeconds: lag };
      return { using: 'replica', reason: 'caught up', lagSeconds: lag };
    } catch (error) {
      return { using: 'primary', reason: `the replica cannot be reached: ${errorMessage(error)}`, lagSeconds: null };
    }
  }

  /**
   * Runs a read on the reader; if the replica fails to answer (it went away since it was last
   * looked at), marks it unfit and runs the read again on the primary.
   */
  async read<T>(work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    const db = await this.reader();
    if (db === this.#primary) return work(db);
    try {
      return await work(db);
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      this.#state = { using: 'primary', reason: `the replica failed: ${errorMessage(error)}`, lagSeconds: null };
      this.#checkedAt = Date.now();
      return work(this.#primary);
    }
  }

  async close(): Promise<void> {
    await this.#replica?.close();
  }
}
