import { pipeline, Readable, Transform } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, onSendHookHandler, preSerializationHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { keyIdOf } from '../auth/roles.js';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { errorCode } from '../errors.js';
import { fieldOf, textFieldOf } from '../field-of.js';
import { isUuid, newId } from '../ids.js';
import { type AccessEntry, insertAccessEntries } from '../repositories/access-log.js';

/** What a read showed: the person's record, their special-category fields (needs, equality), their money. */
export type AccessKind = 'record' | 'special-category' | 'money';

/** How an operation that shows personal data is logged. */
export interface PersonalDataRead {
  /** What its answer shows (a handler may say more, or nothing, for one answer: `request.personalDataShown`). */
  readonly what: readonly AccessKind[];
  /** Reads many people at once (an export, a payment file): one line for the read, with no person. */
  readonly bulk?: true;
  /** The route's `:id` is the person (so no lookup is needed to name them). */
  readonly idIsPerson?: true;
  /** The answer's array whose entries name the people it shows (each `personId`), when not `items`. */
  readonly peopleAt?: string;
}

const RECORD: PersonalDataRead = { what: ['record'] };
const RECORD_MONEY: PersonalDataRead = { what: ['record', 'money'] };
const NEEDS: PersonalDataRead = { what: ['record', 'special-category'] };
const OF_PERSON = { idIsPerson: true } as const;
const BULK = { bulk: true } as const;

/**
 * Every operation whose answer carries a person's data, reads and writes alike, and what it shows:
 * the one list the access log and the DPIA pack read. A person's record is anything that names
 * them or one of their records; special-category data is their equality monitoring answers and
 * their self-assessment answers (health and care needs); money is the figures in pence of their
 * budgets, plans, account and contribution. A test derives from the OpenAPI document every
 * operation that can answer with a person's data, calls each with every role, and fails when an
 * answer is missing from the log or logged under fewer kinds than it showed.
 */
export const PERSONAL_DATA_READS: Readonly<Record<string, PersonalDataRead>> = {
  // The person
  listPeople: RECORD,
  getPerson: { ...RECORD, ...OF_PERSON },
  createPerson: RECORD,
  updatePerson: { ...RECORD, ...OF_PERSON },
  importPeople: { ...RECORD, ...BULK },
  // Jobs: what they were asked and what they did name people (an export's person, an erasure
  // run's, an import's rows) and carry money (a payment run's, a desktop exercise's), so every
  // look at one is logged as a read of the job; a subject access export a job collected is the
  // whole record of the person it names.
  getJob: RECORD_MONEY,
  listJobs: { ...RECORD_MONEY, ...BULK },
  cancelJob: RECORD_MONEY,
  getJobResult: { what: ['record', 'special-category', 'money'] },
  getEqualityMonitoring: { ...NEEDS, ...OF_PERSON },
  // A key that may not read the answers gets a receipt: the handler says so (record only).
  recordEqualityMonitoring: { ...NEEDS, ...OF_PERSON },
  // Assessments: the answers are their needs
  listAssessments: NEEDS,
  getAssessment: NEEDS,
  createAssessment: NEEDS,
  saveAnswers: NEEDS,
  submitAssessment: NEEDS,
  moderateAssessment: NEEDS,
  // Budgets, plans, money
  listBudgets: RECORD_MONEY,
  getBudget: RECORD_MONEY,
  createBudget: RECORD_MONEY,
  endBudget: RECORD_MONEY,
  verifyBudget: RECORD_MONEY,
  listFinancialAssessments: { ...RECORD_MONEY, ...OF_PERSON },
  recordFinancialAssessment: { ...RECORD_MONEY, ...OF_PERSON },
  verifyFinancialAssessment: { ...RECORD_MONEY, ...OF_PERSON },
  listSupportPlans: RECORD_MONEY,
  getSupportPlan: RECORD_MONEY,
  createSupportPlan: RECORD_MONEY,
  updateSupportPlan: RECORD_MONEY,
  submitSupportPlan: RECORD_MONEY,
  decideSupportPlan: RECORD_MONEY,
  reviseSupportPlan: RECORD_MONEY,
  listPlanRevisions: RECORD_MONEY,
  decidePlanRevision: RECORD_MONEY,
  getBudgetAccount: RECORD_MONEY,
  recordTransaction: RECORD_MONEY,
  getDirectPaymentAgreement: RECORD_MONEY,
  createDirectPaymentAgreement: RECORD_MONEY,
  changeDirectPaymentAgreementStatus: RECORD_MONEY,
  recordAccountReturn: RECORD_MONEY,
  getIndividualServiceFundStatement: RECORD_MONEY,
  createInterimBudget: RECORD_MONEY,
  listInterimBudgets: RECORD_MONEY,
  getInterimBudget: RECORD_MONEY,
  recordInterimPayment: RECORD_MONEY,
  reviewInterimBudget: RECORD_MONEY,
  reconcileInterimBudget: RECORD_MONEY,
  // The register names the people a provider holds funds for.
  getProvider: { ...RECORD, peopleAt: 'individualServiceFunds' },
  // Appeals and reviews
  listAppeals: RECORD_MONEY,
  getAppeal: RECORD_MONEY,
  createAppeal: RECORD_MONEY,
  decideAppeal: RECORD_MONEY,
  listReviews: RECORD_MONEY,
  getReview: RECORD_MONEY,
  scheduleReview: RECORD_MONEY,
  completeReview: RECORD_MONEY,
  decideClawback: RECORD_MONEY,
  verifyClawback: RECORD_MONEY,
  getLetter: RECORD_MONEY,
  // Data protection
  exportPersonRecord: { what: ['record', 'special-category', 'money'], ...OF_PERSON },
  placeLegalHold: { ...RECORD, ...OF_PERSON },
  releaseLegalHold: { ...RECORD, ...OF_PERSON },
  erasePerson: { ...RECORD, ...OF_PERSON },
  runRetentionErasure: { ...RECORD, ...BULK },
  // Many people at once. exportRecords adds special-category when equality answers go out.
  exportRecords: { ...RECORD_MONEY, ...BULK },
  listEvents: { ...RECORD_MONEY, ...BULK },
  getPaymentRunFile: { ...RECORD_MONEY, ...BULK },
  createUpratingRun: { ...RECORD_MONEY, ...BULK },
  getUpratingRun: { ...RECORD_MONEY, ...BULK },
  applyUpratingRun: { ...RECORD_MONEY, ...BULK },
  createAuditSample: { ...RECORD_MONEY, ...BULK },
  getAuditSample: { ...RECORD_MONEY, ...BULK },
  recordAuditOutcome: { ...RECORD_MONEY, ...BULK },
  runCalibration: { ...RECORD_MONEY, ...BULK },
  getCalibration: { ...RECORD_MONEY, ...BULK },
  getCalibrationReport: { ...RECORD_MONEY, ...BULK },
  // Council-wide figures, but for the plans approved over budget it lists: the route says when.
  getSummaryReport: { ...RECORD_MONEY, ...BULK },
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
    /** The people an answer showed, gathered as it is serialised. */
    peopleShown: string[] | null;
    /**
     * What this answer shows, when the handler knows better than {@link PERSONAL_DATA_READS}:
     * more (equality answers in an export), or less (`['record']` for a receipt without them).
     */
    personalDataShown: readonly AccessKind[] | null;
  }
}

/** A PostgreSQL error in the data itself (class 22 data exception, 23 integrity): retrying will not help. */
function isDataError(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return code.startsWith('22') || code.startsWith('23');
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

  /** Reads waiting to be written: the queue an operator watches (a growing one means the database is not taking them). */
  get queued(): number {
    return this.#queue.length;
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

/** Operations whose answer is a person (its `id` names them), or a list of people. */
const PERSON_ANSWERS = new Set(['listPeople', 'getPerson', 'createPerson', 'updatePerson']);

/**
 * The people an answer names: each item's person in a list, or the one person of a single answer
 * (its `personId`, or its `id` when the answer is the person).
 */
function peopleIn(payload: unknown, operationId: string, peopleAt = 'items'): string[] {
  const key = PERSON_ANSWERS.has(operationId) ? 'id' : 'personId';
  const items = fieldOf(payload, peopleAt);
  const candidates = Array.isArray(items) ? items : [payload];
  const ids: string[] = [];
  for (const item of candidates) {
    const id = textFieldOf(item, key);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** The reads of an answer, one per person shown (or one for a bulk read or an entity read). */
function entriesOf(request: FastifyRequest, operationId: string, read: PersonalDataRead, clock: Clock): AccessEntry[] {
  const principal = request.principal;
  if (!principal || principal.kind === 'operator') return [];
  const what = request.personalDataShown ?? read.what;
  if (what.length === 0) return [];
  const id = textFieldOf(request.params, 'id');
  // Lower-cased: an id written in capitals names the same record and must be logged as it.
  const entityId = id !== undefined && isUuid(id) ? id.toLowerCase() : null;
  const base = {
    councilId: principal.councilId,
    at: clock.now(),
    keyId: keyIdOf(principal),
    subject: principal.kind === 'token' ? principal.subject : null,
    actorName: principal.actorName,
    operationId,
    what,
    entityType: read.bulk ? (textFieldOf(request.params, 'kind') ?? operationId) : entityId === null ? null : operationId,
    requestId: request.id,
  };
  if (read.bulk) return [{ ...base, id: newId(), personId: null, entityId }];
  if (read.idIsPerson && entityId !== null) return [{ ...base, id: newId(), personId: entityId, entityId }];
  const people = request.peopleShown;
  if (people !== null && people.length > 0) return [...new Set(people)].map((personId) => ({ ...base, id: newId(), personId, entityId }));
  return entityId === null ? [] : [{ ...base, id: newId(), personId: null, entityId }];
}

/** Whether an answer's payload is a stream (written as it is read). */
function isStream(payload: unknown): payload is Readable {
  return payload instanceof Readable;
}

/**
 * The stream itself, passed through, with the read logged as its first byte goes out: an export
 * abandoned part-way is logged, and one that fails before it starts is not.
 */
function loggedOnFirstByte(payload: Readable, log: () => void): Readable {
  let logged = false;
  const through = new Transform({
    transform(chunk, _encoding, callback) {
      if (!logged) {
        logged = true;
        log();
      }
      callback(null, chunk);
    },
  });
  pipeline(payload, through, () => {});
  return through;
}

/**
 * Logs every successful answer that carries a person's data, as it starts to go out: the people it
 * showed (gathered from the answer as it is serialised), or the entity a single read named (its
 * person found when the batch is written). A streamed answer is logged with its first byte.
 */
export default fp(
  async function accessLog(app: FastifyInstance, options: { writer?: AccessLogWriter; enabled?: boolean }) {
    const writer = options.writer ?? new AccessLogWriter(app.db, app.log);
    app.decorate('accessLog', writer);
    const registered: PersonalDataRoute[] = [];
    app.decorate('personalDataRoutes', registered);
    app.decorateRequest('peopleShown', null);
    app.decorateRequest('personalDataShown', null);
    app.addHook('onClose', async () => {
      await writer.flush().catch((error: unknown) => app.log.error({ err: error }, 'access log: reads lost at shutdown'));
    });
    app.addHook('onRoute', (route) => {
      const operationId = route.schema?.operationId;
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
      // The people an answer shows are gathered from it as it is serialised; a single read of an
      // entity that does not name its person is logged by the entity, and the writer finds the person.
      const preSerialization: preSerializationHookHandler<unknown> = (request, _reply, payload, done) => {
        request.peopleShown = peopleIn(payload, operationId, read.peopleAt);
        done(null, payload);
      };
      route.preSerialization = [...hooksOf(route.preSerialization), preSerialization];
      // Logged as the answer starts to go out, not when it has gone: a read is a read even if the
      // client hangs up half-way through it.
      const onSend: onSendHookHandler<unknown> = (request, reply, payload, done) => {
        // HEAD sends no body; an error answer shows no one's data unless it says it does (MONEY_OWED).
        if (request.method === 'HEAD' || (reply.statusCode >= 300 && request.personalDataShown === null)) {
          done(null, payload);
          return;
        }
        const entries = entriesOf(request, operationId, read, app.clock);
        if (entries.length === 0) done(null, payload);
        else if (isStream(payload))
          done(
            null,
            loggedOnFirstByte(payload, () => writer.add(entries)),
          );
        else {
          writer.add(entries);
          done(null, payload);
        }
      };
      route.onSend = [...hooksOf(route.onSend), onSend];
    });
  },
  { name: 'access-log', dependencies: ['database'] },
);

function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
