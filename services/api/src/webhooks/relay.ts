import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { toEvent } from '../events/representation.js';
import { numberEvents } from '../repositories/events.js';
import { WebhookSender } from './delivery.js';
import { type ClaimedDelivery, claimDue, fanOut, markDelivered, markFailed, pauseWebhook } from './delivery-repository.js';

import { SIGNATURE_HEADER, signDelivery, signingSecrets, standardWebhookHeaders } from './signature.js';

/** The relay's spans (no-ops unless tracing is on). */
const tracer = trace.getTracer('ras-webhooks');

/** How the relay paces itself; tests shrink the delays. */
export interface RelayOptions {
  readonly pollMs: number;
  readonly batchSize: number;
  /** The most deliveries of one webhook attempted in a round: each webhook keeps its own place in the queue. */
  readonly perWebhook: number;
  /** First retry delay; each further failure doubles it (with jitter), up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A webhook whose oldest failing delivery has failed for this long is paused (default 25 h). */
  readonly pauseAfterMs: number;
  readonly leaseMs: number;
  readonly timeoutMs: number;
  /** Deliver to private and loopback addresses too (ALLOW_PRIVATE_WEBHOOKS; tests). */
  readonly allowPrivateTargets: boolean;
  /** Addresses and CIDRs never to deliver to (WEBHOOK_BLOCKED_ADDRESSES). */
  readonly blockedAddresses: readonly string[];
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  pollMs: 1_000,
  batchSize: 200,
  perWebhook: 20,
  baseDelayMs: 10_000,
  maxDelayMs: 3_600_000,
  pauseAfterMs: 25 * 3_600_000,
  leaseMs: 30_000,
  timeoutMs: 10_000,
  allowPrivateTargets: false,
  blockedAddresses: [],
};

/**
 * The outbox relay: fans events out to webhooks and delivers them, signed, at least once, with
 * exponential backoff. Any number of instances may run it against one database.
 */
export class WebhookRelay {
  readonly #db: Kysely<DB>;
  readonly #options: RelayOptions;
  readonly #log: FastifyBaseLogger | undefined;
  readonly #sender: WebhookSender;
  /** Webhooks with attempts in flight on this instance, and when those attempts settle. */
  readonly #inFlight = new Map<string, Promise<boolean[]>>();
  #inFlightDeliveries = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #roundInProgress = false;
  #stopped = true;

  constructor(db: Kysely<DB>, options: Partial<RelayOptions> = {}, log?: FastifyBaseLogger) {
    this.#db = db;
    this.#options = { ...DEFAULT_RELAY_OPTIONS, ...options };
    this.#log = log;
    this.#sender = new WebhookSender({
      allowPrivateTargets: this.#options.allowPrivateTargets,
      blockedAddresses: this.#options.blockedAddresses,
    });
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops polling and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await Promise.all(this.#inFlight.values());
    this.#sender.close();
  }

  #schedule(delayMs = this.#options.pollMs): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      // The polling loop does not wait for slow endpoints: a webhook whose attempts are still in
      // flight sits out the next rounds, and every other webhook goes on being served.
      this.#roundInProgress = true;
      this.#running = this.#round()
        .catch((error: unknown) => this.#log?.warn({ err: error }, 'webhook relay round failed; will retry'))
        .finally(() => {
          this.#roundInProgress = false;
          this.#schedule();
        });
    }, delayMs);
  }

  /**
   * A webhook whose whole share of a round was delivered may have more waiting: the next round
   * starts now rather than a poll later, so a backlog (an import's 100,000 events) drains at the
   * pace the receiver answers, not perWebhook a second.
   */
  #again(): void {
    if (!this.#stopped && !this.#roundInProgress) this.#schedule(0);
  }

  /** One round, waiting for its attempts to finish: queue new events, then attempt what is due. */
  async tick(): Promise<{ queued: number; delivered: number; failed: number }> {
    const { queued, attempts } = await this.#round();
    const results = (await Promise.all(attempts)).flat();
    return { queued, delivered: results.filter(Boolean).length, failed: results.filter((ok) => !ok).length };
  }

  /** Queues new events and starts the attempts that are due; returns without waiting for them. */
  async #round(): Promise<{ queued: number; attempts: Promise<boolean[]>[] }> {
    // The relay is the feed's sequencer too: what has committed is numbered before it is fanned out.
    await numberEvents(this.#db);
    const queued = await fanOut(this.#db, this.#options.batchSize);
    const room = this.#options.batchSize - this.#inFlightDeliveries;
    if (room <= 0) return { queued, attempts: [] };
    const due = await claimDue(this.#db, {
      limit: room,
      perWebhook: this.#options.perWebhook,
      leaseMs: this.#options.leaseMs,
      skipWebhookIds: [...this.#inFlight.keys()],
    });
    const byWebhook = new Map<string, ClaimedDelivery[]>();
    for (const claimed of due) byWebhook.set(claimed.webhook.id, [...(byWebhook.get(claimed.webhook.id) ?? []), claimed]);
    const attempts: Promise<boolean[]>[] = [];
    for (const [webhookId, deliveries] of byWebhook) {
      this.#inFlightDeliveries += deliveries.length;
      const attempt = Promise.all(deliveries.map((claimed) => this.#attempt(claimed)))
        .then((results) => {
          if (deliveries.length >= this.#options.perWebhook && results.every(Boolean)) setImmediate(() => this.#again());
          return results;
        })
        .catch((error: unknown) => {
          // The database went away mid-attempt: the leases lapse and the deliveries are tried again.
          this.#log?.warn({ err: error }, 'webhook delivery could not be recorded; it will be retried');
          return deliveries.map(() => false);
        })
        .finally(() => {
          this.#inFlight.delete(webhookId);
          this.#inFlightDeliveries -= deliveries.length;
        });
      this.#inFlight.set(webhookId, attempt);
      attempts.push(attempt);
    }
    return { queued, attempts };
  }

  /**
   * One delivery, as a span of its own when tracing is on: the receiver gets its W3C
   * `traceparent`, so the council's tracing shows the delivery and what the receiver did with it.
   */
  #attempt(claimed: ClaimedDelivery): Promise<boolean> {
    return tracer.startActiveSpan(
      'webhook delivery',
      { kind: SpanKind.CLIENT, attributes: { 'ras.event.type': claimed.event.type, 'ras.webhook.id': claimed.webhook.id } },
      async (span) => {
        try {
          const delivered = await this.#deliver(claimed);
          span.setStatus({ code: delivered ? SpanStatusCode.OK : SpanStatusCode.ERROR });
          return delivered;
        } finally {
          span.end();
        }
      },
    );
  }

  async #deliver({ delivery, webhook, event }: ClaimedDelivery): Promise<boolean> {
    const body = JSON.stringify(toEvent(event));
    const timestamp = Math.floor(Date.now() / 1000);
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    const outcome = await this.#sender.send(
      webhook.url,
      {
        'content-type': 'application/json',
        'user-agent': 'ras-webhooks/1',
        ...standardWebhookHeaders(signingSecrets(webhook, new Date(timestamp * 1000)), event.id, timestamp, body),
        [SIGNATURE_HEADER]: signDelivery(webhook.secret, timestamp, body),
        'Ras-Event-Id': event.id,
        'Ras-Event-Type': event.type,
        'Ras-Delivery-Id': delivery.id,
        ...traceHeaders,
      },
      body,
      this.#options.timeoutMs,
    );
    if (outcome.delivered) {
      await markDelivered(this.#db, delivery.id, outcome.statusCode);
      return true;
    }
    const { statusCode, error } = outcome;
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
