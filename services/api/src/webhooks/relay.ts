import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { toEvent } from '../routes/v1/events/routes.js';
import { type ClaimedDelivery, claimDue, fanOut, markDelivered, markFailed, pauseWebhook } from './delivery-repository.js';
import { SIGNATURE_HEADER, signDelivery } from './signature.js';
import { refusedTarget } from './target-policy.js';

/** How the relay paces itself; tests shrink the delays. */
export interface RelayOptions {
  readonly pollMs: number;
  readonly batchSize: number;
  /** First retry delay; each further failure doubles it (with jitter), up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A webhook whose oldest failing delivery has failed for this long is paused (default 25 h). */
  readonly pauseAfterMs: number;
  readonly leaseMs: number;
  readonly timeoutMs: number;
  /** Deliver to private and loopback addresses too (ALLOW_PRIVATE_WEBHOOKS; tests). */
  readonly allowPrivateTargets: boolean;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  pollMs: 1_000,
  batchSize: 200,
  baseDelayMs: 10_000,
  maxDelayMs: 3_600_000,
  pauseAfterMs: 25 * 3_600_000,
  leaseMs: 30_000,
  timeoutMs: 10_000,
  allowPrivateTargets: false,
};

/**
 * The outbox relay: fans events out to webhooks and delivers them, signed, at least once, with
 * exponential backoff. Any number of instances may run it against one database.
 */
export class WebhookRelay {
  readonly #db: Kysely<DB>;
  readonly #options: RelayOptions;
  readonly #log: FastifyBaseLogger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(db: Kysely<DB>, options: Partial<RelayOptions> = {}, log?: FastifyBaseLogger) {
    this.#db = db;
    this.#options = { ...DEFAULT_RELAY_OPTIONS, ...options };
    this.#log = log;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops polling and waits for the attempt in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .catch((error: unknown) => this.#log?.warn({ err: error }, 'webhook relay tick failed; will retry'))
        .finally(() => this.#schedule());
    }, this.#options.pollMs);
  }

  /** One round: queue new events, then attempt what is due. */
  async tick(): Promise<{ queued: number; delivered: number; failed: number }> {
    const queued = await fanOut(this.#db, this.#options.batchSize);
    const due = await claimDue(this.#db, this.#options.batchSize, this.#options.leaseMs);
    const results = await Promise.all(due.map((claimed) => this.#attempt(claimed)));
    return { queued, delivered: results.filter(Boolean).length, failed: results.filter((ok) => !ok).length };
  }

  async #attempt({ delivery, webhook, event }: ClaimedDelivery): Promise<boolean> {
    const body = JSON.stringify(toEvent(event));
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error = '';
    try {
      // Checked at every attempt: a host name can be pointed somewhere else after it was accepted.
      const refused = this.#options.allowPrivateTargets ? null : await refusedTarget(webhook.url);
      if (refused) throw new Error(`refused: ${refused}`);
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ras-webhooks/1',
          [SIGNATURE_HEADER]: signDelivery(webhook.secret, timestamp, body),
          'Ras-Event-Id': event.id,
          'Ras-Event-Type': event.type,
          'Ras-Delivery-Id': delivery.id,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (response.ok) {
        await markDelivered(this.#db, delivery.id, statusCode);
        return true;
      }
      error = `HTTP ${statusCode}`;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const { baseDelayMs, maxDelayMs, pauseAfterMs } = this.#options;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(delivery.attempts, 30));
    const retryInMs = Math.round(backoff * (0.8 + Math.random() * 0.4));
    const firstFailedAt = await markFailed(this.#db, delivery.id, { statusCode, error, retryInMs });
    if (Date.now() - firstFailedAt.getTime() >= pauseAfterMs) {
      await pauseWebhook(
        this.#db,
        webhook.id,
        `Deliveries have failed since ${firstFailedAt.toISOString()} (last: ${error}); resume to deliver what has queued`,
      );
      this.#log?.warn({ webhookId: webhook.id }, 'webhook paused after repeated failure');
    }
    return false;
  }
}
