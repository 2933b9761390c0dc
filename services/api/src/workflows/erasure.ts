import type { Kysely } from 'kysely';
import { auditRecordsKeptFrom, formatPounds, instalmentsOwing, monitoringAgeBand, type RetentionPolicy, retentionStatus } from 'ras-core';
import { writeTransaction } from '../db/changes.js';
import { anonymise } from '../db/personal-data.js';
import type { DB, LegalHold, Person } from '../db/schema.js';
import { AppError, invalidState, isConnectionFailure, JobLeaseLost, notFound } from '../errors.js';
import { councilSettings } from '../repositories/councils.js';
import {
  auditRecordsBefore,
  councilsWithScheduledErasure,
  erasePersonRows,
  findPersonEntities,
  type PersonEntities,
  retentionRows,
  setLegalHold,
} from '../repositories/erasure.js';
import { deletePersonExports } from '../repositories/jobs.js';
import { councilPaymentsOf } from '../repositories/payment-runs.js';
import { findPerson } from '../repositories/people.js';
import type { InTransaction, WorkflowContext } from './context.js';
import { queueJob } from './jobs.js';

/** Why a person was erased: their retention period passed, or the council granted a request to erase. */
export type ErasureReason = 'retention' | 'request';

/** 409 for any change to a person whose personal data was erased: their record is closed for good. */
export function assertNotErased(person: Person): void {
  if (person.erased_at !== null)
    throw new AppError('PERSON_ERASED', `The person’s personal data was erased on ${person.erased_at.toISOString().slice(0, 10)}`);
}

/**
 * Refuses to erase a person on request while a council instalment that fell due before their
 * budget ended is still unpaid: an erased record is closed to every writer, the payment run
 * included (issue 28: a run paid £444.18 into an erased person's budget), so the money could
 * never be paid afterwards.
 *
 * @throws AppError MONEY_OWED (409) naming each budget, what it owes and since when
 */
async function assertNothingOwed(context: WorkflowContext, budgets: PersonEntities['budgets']): Promise<void> {
  const { tx, scope, clock } = context;
  const ledgers = await councilPaymentsOf(
    tx,
    scope.councilId,
    budgets.map((budget) => budget.id),
  );
  const owed = budgets.flatMap((budget) => {
    const ledger = ledgers.get(budget.id);
    if (!ledger) return [];
    const owing = instalmentsOwing(ledger.entries, ledger.instalments, clock.today()).filter(
      (instalment) => budget.end_date === null || instalment.dueDate <= budget.end_date,
    );
    return owing.length === 0 ? [] : [{ budget, owing }];
  });
  if (owed.length === 0) return;
  const total = owed.reduce((sum, { owing }) => sum + owing.reduce((inner, instalment) => inner + instalment.owingPence, 0), 0);
  throw new AppError(
    'MONEY_OWED',
    `${formatPounds(total)} of council instalments that fell due before the person’s support ended is unpaid: pay it (createPaymentRun or recordTransaction) before erasing, as nothing can be paid into an erased record`,
    {
      extensions: {
        owed: owed.map(({ budget, owing }) => ({
          budgetId: budget.id,
          instalments: owing.length,
          amountPence: owing.reduce((sum, instalment) => sum + instalment.owingPence, 0),
          firstDueDate: owing[0]?.dueDate ?? null,
        })),
      },
    },
  );
}

/** The person, locked, refused when already erased. */
async function livePerson(context: WorkflowContext, personId: string): Promise<Person> {
  const record = await findPerson(context.tx, context.scope, personId, { forUpdate: true });
  if (!record) throw notFound('person', personId);
  assertNotErased(record.person);
  return record.person;
}

/**
 * Erases one person in the caller's transaction: all of it or, if anything fails, none of it.
 * Refused under a legal hold, while an agreed budget of theirs is current (it is still being
 * paid and reviewed), and, on request, while council instalments are still owed to them. The age band on each budget's start is kept for the fairness report before
 * the date of birth goes.
 */
export async function erasePerson(
  context: WorkflowContext,
  personId: string,
  /** `retention` under this policy (checked again here: the person must still be due), or a `request`. */
  why: { readonly reason: 'retention'; readonly policy: RetentionPolicy } | { readonly reason: 'request'; readonly note: string },
): Promise<{ id: string; erasedAt: string; reason: ErasureReason }> {
  const { tx, changes, scope, clock } = context;
  const reason = why.reason;
  const person = await livePerson(context, personId);
  const hold = person.legal_hold;
  if (hold !== null)
    throw new AppError('LEGAL_HOLD', `The person’s records are under a legal hold placed on ${hold.placedAt.slice(0, 10)}: ${hold.reason}`);
  const [row] = await retentionRows(tx, scope.councilId, clock.today(), personId);
  if (row?.support_continues)
    throw new AppError('SUPPORT_CONTINUES', 'The person has a budget whose support has not ended: end it (endBudget) first');
  if (why.reason === 'retention' && row) {
    const status = retentionStatus(
      { lastActivity: row.last_activity, supportContinues: false, legalHold: false, erased: false },
      why.policy,
      clock.today(),
    );
    if (status.status !== 'due')
      throw invalidState(
        `The person is no longer due for erasure: their records are kept until ${status.status === 'retained' ? status.retainUntil : 'later'}`,
      );
  }
  const entities = await findPersonEntities(tx, scope.councilId, personId);
  // On request, money still owed to the person is paid first; past the retention period it is
  // not held up for ever, and the payment run leaves an erased person's budget out and says so.
  if (why.reason === 'request') await assertNothingOwed(context, entities.budgets);
  const dateOfBirth = person.date_of_birth;
  const ageBands = new Map(
    dateOfBirth === null ? [] : entities.budgets.map((budget) => [budget.id, monitoringAgeBand(dateOfBirth, budget.start_date)] as const),
  );
  const now = clock.now();
  await erasePersonRows(tx, scope.councilId, person, entities, anonymise, ageBands, now);
  // A subject access export kept as a job's result is a copy of the record: it goes too.
  await deletePersonExports(tx, scope.councilId, person.id);
  const erased = { id: personId, erasedAt: now.toISOString(), reason };
  changes.record({
    action: 'person.erased',
    entityType: 'person',
    entityId: personId,
    after: {
      ...erased,
      note: why.reason === 'request' ? why.note : null,
      records: Object.values(entities.ids).reduce((sum, ids) => sum + ids.length, 0),
    },
    event: erased,
  });
  return erased;
}

/** Sets or clears a person's legal hold, with its audit row and an event that names only the person. */
async function changeHold(
  context: WorkflowContext,
  person: Person,
  hold: LegalHold | null,
  action: 'person.legal-hold-placed' | 'person.legal-hold-released',
  why: Record<string, unknown> = {},
): Promise<number> {
  const version = await setLegalHold(context.tx, context.scope.councilId, person.id, hold);
  context.changes.record({
    action,
    entityType: 'person',
    entityId: person.id,
    before: { id: person.id, legalHold: person.legal_hold },
    after: { id: person.id, legalHold: hold, ...why },
    // Consumers learn that a hold stands or went; why is for the audit trail.
    event: { id: person.id },
  });
  return version;
}

/** Places (or restates) a legal hold: nothing erases the person while it stands. */
export async function placeLegalHold(
  context: WorkflowContext,
  personId: string,
  reason: string,
): Promise<{ hold: LegalHold; version: number }> {
  const person = await livePerson(context, personId);
  const hold: LegalHold = { reason, placedBy: context.actor.actorName ?? context.actor.actor, placedAt: context.clock.now().toISOString() };
  return { hold, version: await changeHold(context, person, hold, 'person.legal-hold-placed') };
}

/** Releases a legal hold; the person's retention applies again from the next run. */
export async function releaseLegalHold(context: WorkflowContext, personId: string): Promise<number> {
  const person = await livePerson(context, personId);
  if (person.legal_hold === null) throw invalidState('The person is not under a legal hold');
  return changeHold(context, person, null, 'person.legal-hold-released');
}

/** One person as a retention review sees them. */
export interface RetentionCase {
  readonly personId: string;
  readonly lastActivity: string;
  readonly retainUntil: string | null;
}

/** Who a council's retention policy makes due for erasure today, and who a legal hold keeps. */
export interface RetentionReview {
  readonly asOf: string;
  readonly policy: RetentionPolicy;
  readonly due: readonly RetentionCase[];
  readonly held: readonly RetentionCase[];
  readonly retained: number;
}

/** The council's retention policy, or 409 when it has set none. */
export async function retentionPolicyOf(db: Kysely<DB>, councilId: string): Promise<RetentionPolicy> {
  const policy = (await councilSettings(db, councilId)).dataProtection?.retention;
  if (!policy) throw invalidState('The council has not set a retention policy (settings.dataProtection.retention)');
  return policy;
}

/** Applies the policy to every person not yet erased, as of `today`. Nothing changes. */
export async function reviewRetention(db: Kysely<DB>, councilId: string, policy: RetentionPolicy, today: string): Promise<RetentionReview> {
  const due: RetentionCase[] = [];
  const held: RetentionCase[] = [];
  let retained = 0;
  for (const row of await retentionRows(db, councilId, today)) {
    const status = retentionStatus(
      { lastActivity: row.last_activity, supportContinues: row.support_continues, legalHold: row.legal_hold, erased: false },
      policy,
      today,
    );
    const found = { personId: row.person_id, lastActivity: row.last_activity };
    if (status.status === 'due') due.push({ ...found, retainUntil: status.retainUntil });
    else if (status.status === 'held') held.push({ ...found, retainUntil: status.retainUntil });
    else retained++;
  }
  return { asOf: today, policy, due, held, retained };
}

/** What an erasure run did: who was erased, and who was skipped because something changed since the review. */
export interface ErasureRunResult {
  readonly erased: readonly string[];
  readonly skipped: readonly { readonly personId: string; readonly code: string; readonly detail: string }[];
}

/**
 * Erases everyone the review found due, each in a transaction of their own with its audit row and
 * `person.erased` event: a run stopped part-way leaves each person untouched or wholly erased,
 * and the next run carries on. A person who became held or supported since is skipped.
 */
export async function eraseDuePeople(
  inTransaction: InTransaction,
  review: RetentionReview,
  log: (error: unknown, personId: string) => void,
  follow: RetentionFollow = {},
): Promise<ErasureRunResult & { stopped: boolean }> {
  const erased: string[] = [...(follow.from?.erased ?? [])];
  const skipped: { personId: string; code: string; detail: string }[] = [...(follow.from?.skipped ?? [])];
  const settled = new Set([...erased, ...skipped.map((skip) => skip.personId)]);
  for (const candidate of review.due) {
    if (settled.has(candidate.personId)) continue;
    if (follow.shouldStop?.()) return { erased, skipped, stopped: true };
    try {
      await inTransaction(async (context) => {
        await erasePerson(context, candidate.personId, { reason: 'retention', policy: review.policy });
        follow.onPerson?.({ erased: [...erased, candidate.personId], skipped });
      });
      erased.push(candidate.personId);
    } catch (error) {
      // One person's failure (rolled back whole) does not stop the run for everyone else.
      if (error instanceof AppError) skipped.push({ personId: candidate.personId, code: error.code, detail: error.message });
      else if (isConnectionFailure(error) || error instanceof JobLeaseLost) throw error;
      else {
        log(error, candidate.personId);
        skipped.push({
          personId: candidate.personId,
          code: 'INTERNAL',
          detail: 'The erasure failed and was rolled back; the next run tries again',
        });
      }
    }
  }
  return { erased, skipped, stopped: false };
}

/** How a retention run is followed: by a job, which carries on where an earlier attempt stopped. */
export interface RetentionFollow {
  /** Where an earlier attempt got to: the people it settled. */
  readonly from?: ErasureRunResult;
  /** Called with the review, before anyone is erased. */
  readonly onReview?: (review: RetentionReview) => void;
  /** Called inside each person's transaction with the run so far. */
  readonly onPerson?: (sofar: ErasureRunResult) => void;
  /** Asked before each person: true stops the run there (a cancelled job). */
  readonly shouldStop?: () => boolean;
}

/**
 * A retention run (runRetentionErasure): who is due and who is held; unless a dry run, each due
 * person erased in a transaction of their own, then audit records past their period removed (not
 * when the run was stopped part-way: the next run does it).
 */
export async function retentionRun(
  db: Kysely<DB>,
  base: Omit<WorkflowContext, 'tx' | 'changes'>,
  inTransaction: InTransaction,
  options: { readonly dryRun: boolean; readonly requestId: string | null; readonly log: (error: unknown, personId: string) => void },
  follow: RetentionFollow = {},
) {
  const policy = await retentionPolicyOf(db, base.scope.councilId);
  const review = await reviewRetention(db, base.scope.councilId, policy, base.clock.today());
  follow.onReview?.(review);
  const result = options.dryRun
    ? { erased: [], skipped: [], stopped: false }
    : await eraseDuePeople(inTransaction, review, options.log, follow);
  const auditRecords = await auditRecordsPast(db, base, policy, !options.dryRun && !result.stopped, options.requestId);
  return { ...review, dryRun: options.dryRun, erased: result.erased, skipped: result.skipped, auditRecords, stopped: result.stopped };
}

export interface AuditRecordsPast {
  readonly before: string;
  readonly auditRecords: number;
  readonly accessLog: number;
  readonly removed: boolean;
}

/**
 * Audit records and access log entries older than the policy's audit period: counted (a dry run)
 * or removed, in one transaction with an audit row saying how many went.
 */
export async function auditRecordsPast(
  db: Kysely<DB>,
  base: Omit<WorkflowContext, 'tx' | 'changes'>,
  policy: RetentionPolicy,
  remove: boolean,
  requestId: string | null,
): Promise<AuditRecordsPast> {
  const councilId = base.scope.councilId;
  const before = auditRecordsKeptFrom(base.clock.today(), policy);
  if (!remove) return { before, ...(await auditRecordsBefore(db, councilId, before, false)), removed: false };
  return writeTransaction(db, { councilId, actor: base.actor.actor, actorName: base.actor.actorName, requestId }, async (tx, changes) => {
    const counts = await auditRecordsBefore(tx, councilId, before, true);
    if (counts.auditRecords + counts.accessLog > 0)
      changes.record({
        action: 'retention.audit-records-removed',
        entityType: 'council',
        entityId: councilId,
        after: { before, ...counts },
        event: false,
      });
    return { before, ...counts, removed: true };
  });
}

/** The actor the daily job records in the audit trail. */
export const RETENTION_JOB_ACTOR = 'retention-job';

/**
 * The daily retention run: for each council that set `scheduledErasure`, a runRetentionErasure job
 * (erasing everyone past their date), queued once a council a day however many instances ask, and
 * run once by whichever instance claims it. Returns the jobs this call queued.
 */
export async function queueScheduledErasure(
  db: Kysely<DB>,
  base: Omit<WorkflowContext, 'tx' | 'changes' | 'scope' | 'actor'>,
  queue: string,
): Promise<string[]> {
  const queued: string[] = [];
  for (const councilId of await councilsWithScheduledErasure(db)) {
    const actor = { actor: RETENTION_JOB_ACTOR, actorName: null };
    const job = await writeTransaction(db, { councilId, actor: actor.actor, requestId: null }, (tx, changes) =>
      queueJob(
        { ...base, tx, changes, scope: { councilId, portalKeyId: null }, actor },
        {
          operation: 'runRetentionErasure',
          input: { dryRun: false, scheduled: true },
          queue,
          // One run a council a day, however many instances ask.
          singletonKey: `retention:${councilId}:${base.clock.today()}`,
          requestId: null,
        },
      ),
    );
    if (job) queued.push(job.id);
  }
  return queued;
}
