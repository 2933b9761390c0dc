import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { isUuid, newId } from '../ids.js';
import { type AccessEntry, insertAccessEntries } from '../repositories/access-log.js';

/** What a read showed: the person's record, their special-category fields (needs, equality), their money. */
export type AccessKind = 'record' | 'special-category' | 'money';

/** How an operation that shows personal data is logged. */
export interface PersonalDataRead {
  readonly what: readonly AccessKind[];
  /** Reads many people at once (an export, a payment file): one line for the read, with no person. */
  readonly bulk?: true;
  /** The route's `:id` is the person (so no lookup is needed to name them). */
  readonly idIsPerson?: true;
}

/**
 * Every operation that shows a person's record, special-category fields or money, and what it
 * shows: the one list the access log and the DPIA pack read. A test fails when an operation
 * answers with a person's data and is missing here.
 */
export const PERSONAL_DATA_READS: Readonly<Record<string, PersonalDataRead>> = {
  listPeople: { what: ['record'] },
  getPerson: { what: ['record'], idIsPerson: true },
  getEqualityMonitoring: { what: ['special-category'], idIsPerson: true },
  listAssessments: { what: ['record', 'special-category'] },
  getAssessment: { what: ['record', 'special-category'] },
  listBudgets: { what: ['record', 'money'] },
  getBudget: { what: ['record', 'money'] },
  verifyBudget: { what: ['money'] },
  listFinancialAssessments: { what: ['money'], idIsPerson: true },
  verifyFinancialAssessment: { what: ['money'], idIsPerson: true },
  listSupportPlans: { what: ['record', 'money'] },
  getSupportPlan: { what: ['record', 'money'] },
  getBudgetAccount: { what: ['money'] },
  getDirectPaymentAgreement: { what: ['money'] },
  listAppeals: { what: ['record'] },
  getAppeal: { what: ['record'] },
  listReviews: { what: ['record', 'money'] },
  getReview: { what: ['record', 'money'] },
  verifyClawback: { what: ['money'] },
  getLetter: { what: ['record', 'money'] },
  exportPersonRecord: { what: ['record', 'special-category', 'money'], idIsPerson: true },
  exportRecords: { what: ['record', 'money'], bulk: true },
  getPaymentRunFile: { what: ['money'], bulk: true },
  getUpratingRun: { what: ['record', 'money'], bulk: true },
  getAuditSample: { what: ['money'], bulk: true },
  getCalibration: { what: ['record', 'money'], bulk: true },
  getCalibrationReport: { what: ['record', 'money'], bulk: true },
  listEvents: { what: ['money'], bulk: true },
};

/** A registered route that shows personal data, as the running service has it. */
export interface PersonalDataRoute {
  readonly operationId: string;
  readonly method: string;
  readonly url: string;
  readonly roles: readonly string[];
  readonly read: PersonalDataRead;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The access log's writer: reads are queued here and written in batches. */
    accessLog: AccessLogWriter;
    /** Every registered operation that shows personal data, with who may call it (for the DPIA pack). */
    personalDataRoutes: PersonalDataRoute[];
  }
  interface FastifyRequest {
    /** The people a list response showed, gathered as it is serialised. */
    peopleShown: string[] | null;
  }
}

type HookDone = (error: Error | null, payload: unknown) => void;

/** A PostgreSQL error in the data itself (class 22 data exception, 23 integrity): retrying will not help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Queues reads and writes them in batches: a read's own path only pushes to an array, and one
 * insert carries up to `batchSize` reads, every `intervalMs` or sooner when a batch fills. One write
 * runs at a time. When the database is away, reads stay queued and writing waits ten intervals
 * before trying again (up to `maxQueued` reads, past which the oldest are dropped and the drop is
 * logged as an error: the log of reads must never take the service down). A batch the database
 * refuses for its data is halved until the one read it cannot take is found, logged and dropped.
 */
export class AccessLogWriter {
  readonly #db: Kysely<DB>;
  readonly #log: FastifyBaseLogger;
  readonly #batchSize: number;
  readonly #intervalMs: number;
  readonly #maxQueued: number;
  #queue: AccessEntry[] = [];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();
  #busy = false;
  /** Until when writing waits after the database failed (ms since the epoch). */
  #backingOffUntil = 0;
  /** The last write's failure, while reads it could not write are still queued. */
  #failure: unknown = null;

  constructor(db: Kysely<DB>, log: FastifyBaseLogger, options: { batchSize?: number; intervalMs?: number; maxQueued?: number } = {}) {
    this.#db = db;
    this.#log = log;
    this.#batchSize = options.batchSize ?? 1_000;
    this.#intervalMs = options.intervalMs ?? 200;
    this.#maxQueued = options.maxQueued ?? 200_000;
  }

  add(entries: readonly AccessEntry[]): void {
    if (entries.length === 0) return;
    for (const entry of entries) this.#queue.push(entry);
    if (this.#queue.length > this.#maxQueued) {
      const dropped = this.#queue.length - this.#maxQueued;
      this.#queue.splice(0, dropped);
      this.#log.error({ dropped }, 'access log: the database has not taken reads for a while; the oldest were dropped');
    }
    // One write at a time, and none while backing off: reads queue for the next.
    if (this.#busy || Date.now() < this.#backingOffUntil) return;
    if (this.#queue.length >= this.#batchSize) void this.#write(false);
    else this.#schedule(this.#intervalMs);
  }

  /**
   * Writes everything queued so far, whatever the back-off. Rejects when reads are still queued
   * because the database would not take them: a caller about to show the log must not show it
   * incomplete as if it were whole.
   */
  async flush(): Promise<void> {
    await this.#write(true);
    if (this.#queue.length > 0 && this.#failure !== null)
      throw new Error(`access log: ${this.#queue.length} reads could not be written`, { cause: this.#failure });
  }

  #write(all: boolean): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#writing = this.#writing.then(() => this.#drain(all));
    return this.#writing;
  }

  /** Writes whole batches (everything, for `all`), then leaves what is left to the timer. */
  async #drain(all: boolean): Promise<void> {
    this.#busy = true;
    try {
      let size = this.#batchSize;
      let first = true;
      // Past the first batch: only whole batches, unless flushing or halving to find a refused read.
      while (this.#queue.length > 0 && (all || first || size < this.#batchSize || this.#queue.length >= this.#batchSize)) {
        first = false;
        const batch = this.#queue.splice(0, size);
        try {
          await insertAccessEntries(this.#db, batch);
          this.#failure = null;
          size = this.#batchSize;
        } catch (error) {
          if (isDataError(error) && batch.length === 1) {
            this.#log.error({ err: error, entry: batch[0] }, 'access log: the database refused a read; it was dropped');
            continue;
          }
          this.#queue.unshift(...batch);
          if (isDataError(error)) {
            size = Math.max(1, Math.floor(batch.length / 2));
            continue;
          }
          this.#failure = error;
          this.#backingOffUntil = Date.now() + this.#intervalMs * 10;
          this.#log.error({ err: error, queued: this.#queue.length }, 'access log: writing reads failed; they stay queued');
          this.#schedule(this.#intervalMs * 10);
          return;
        }
      }
      if (this.#queue.length > 0) this.#schedule(this.#intervalMs);
    } finally {
      this.#busy = false;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => void this.#write(false), delayMs);
    this.#timer.unref();
  }
}

function idsFrom(payload: unknown, key: 'id' | 'personId'): string[] {
  const items = (payload as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  const ids: string[] = [];
  for (const item of items) {
    const id = (item as Record<string, unknown> | null)?.[key];
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
}

/** The reads of a response, one per person shown (or one for a bulk read or an entity read). */
function entriesOf(request: FastifyRequest, read: PersonalDataRead, clock: Clock): AccessEntry[] {
  const principal = request.principal;
  if (principal?.kind !== 'key') return [];
  const operationId = request.routeOptions.schema?.operationId as string;
  const params = (request.params ?? {}) as Record<string, unknown>;
  // Lower-cased: an id written in capitals names the same record and must be logged as it.
  const entityId = typeof params.id === 'string' && isUuid(params.id) ? params.id.toLowerCase() : null;
  const base = {
    councilId: principal.councilId,
    at: clock.now(),
    keyId: principal.keyId,
    actorName: principal.actorName,
    operationId,
    what: read.what,
    entityType: read.bulk ? ((params.kind as string | undefined) ?? operationId) : entityId === null ? null : operationId,
    requestId: request.id,
  };
  if (read.bulk) return [{ ...base, id: newId(), personId: null, entityId }];
  if (read.idIsPerson && entityId !== null) return [{ ...base, id: newId(), personId: entityId, entityId }];
  const people = request.peopleShown;
  if (people !== null) return [...new Set(people)].map((personId) => ({ ...base, id: newId(), personId, entityId }));
  return entityId === null ? [] : [{ ...base, id: newId(), personId: null, entityId }];
}

/**
 * Logs each successful read of personal data: the people a list showed (gathered from the
 * response as it is serialised), or the entity a single read named (its person found when the
 * batch is written). Streamed responses are logged when the stream starts.
 */
export default fp(
  async function accessLog(app: FastifyInstance, options: { writer?: AccessLogWriter; enabled?: boolean }) {
    const writer = options.writer ?? new AccessLogWriter(app.db, app.log);
    app.decorate('accessLog', writer);
    const registered: PersonalDataRoute[] = [];
    app.decorate('personalDataRoutes', registered);
    app.decorateRequest('peopleShown', null);
    app.addHook('onClose', async () => {
      await writer.flush().catch((error: unknown) => app.log.error({ err: error }, 'access log: reads lost at shutdown'));
    });
    app.addHook('onRoute', (route) => {
      const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
      const read = operationId === undefined ? undefined : PERSONAL_DATA_READS[operationId];
      if (!read || operationId === undefined) return;
      const access = route.config?.access;
      registered.push({
        operationId,
        method: String(route.method),
        url: route.url,
        roles: access?.kind === 'roles' ? access.roles : [],
        read,
      });
      if (options.enabled === false) return;
      // A list shows many people: gather them from the response as it is serialised. A single
      // read names its entity, and the writer finds the person from it, off the read's path.
      if (operationId.startsWith('list')) {
        const key = operationId === 'listPeople' ? 'id' : 'personId';
        const preSerialization = (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: HookDone) => {
          request.peopleShown = idsFrom(payload, key);
          done(null, payload);
        };
        route.preSerialization = [...hooksOf(route.preSerialization), preSerialization as never];
      }
      const onResponse = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        if (reply.statusCode < 300) writer.add(entriesOf(request, read, app.clock));
        done();
      };
      route.onResponse = [...hooksOf(route.onResponse), onResponse as never];
    });
  },
  { name: 'access-log', dependencies: ['database'] },
);

function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
