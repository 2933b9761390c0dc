import type { Kysely } from 'kysely';
import { auditRecordsKeptFrom, formatPounds, instalmentsOwing, monitoringAgeBand, type RetentionPolicy, retentionStatus } from 'ras-core';
import { writeTransaction } from '../db/changes.js';
import { anonymise } from '../db/personal-data.js';
import type { DB, LegalHold, Person } from '../db/schema.js';
import { AppError, invalidState, notFound } from '../errors.js';
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
import { councilPaymentsOf } from '../repositories/payment-runs.js';
import { findPerson } from '../repositories/people.js';
import type { WorkflowContext } from './context.js';

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
  db: Kysely<DB>,
  base: Omit<WorkflowContext, 'tx' | 'changes'>,
  review: RetentionReview,
  requestId: string | null,
  log: (error: unknown, personId: string) => void,
): Promise<ErasureRunResult> {
  const erased: string[] = [];
  const skipped: { personId: string; code: string; detail: string }[] = [];
  for (const candidate of review.due) {
    try {
      await writeTransaction(
        db,
        { councilId: base.scope.councilId, actor: base.actor.actor, actorName: base.actor.actorName, requestId },
        (tx, changes) => erasePerson({ ...base, tx, changes }, candidate.personId, { reason: 'retention', policy: review.policy }),
      );
      erased.push(candidate.personId);
    } catch (error) {
      // One person's failure (rolled back whole) does not stop the run for everyone else.
      if (error instanceof AppError) skipped.push({ personId: candidate.personId, code: error.code, detail: error.message });
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
  return { erased, skipped };
}

/** Audit records and access log entries past the audit period: how many, and whether they were removed. */
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
 * The daily job: for each council that set `scheduledErasure`, erases everyone past their date.
 * Two instances running at once erase nobody twice: each person is locked and checked again.
 */
export async function runScheduledErasure(
  db: Kysely<DB>,
  base: Omit<WorkflowContext, 'tx' | 'changes' | 'scope' | 'actor'>,
  log: (error: unknown, where: { councilId: string; personId?: string }) => void,
): Promise<{ councilId: string; erased: number; skipped: number; auditRecordsRemoved: number }[]> {
  const results: { councilId: string; erased: number; skipped: number; auditRecordsRemoved: number }[] = [];
  for (const councilId of await councilsWithScheduledErasure(db)) {
    // One council's failure does not stop the others.
    try {
      const policy = await retentionPolicyOf(db, councilId);
      const review = await reviewRetention(db, councilId, policy, base.clock.today());
      const context = { ...base, scope: { councilId, portalKeyId: null }, actor: { actor: RETENTION_JOB_ACTOR, actorName: null } };
      const result = await eraseDuePeople(db, context, review, null, (error, personId) => log(error, { councilId, personId }));
      const past = await auditRecordsPast(db, context, policy, true, null);
      results.push({
        councilId,
        erased: result.erased.length,
        skipped: result.skipped.length,
        auditRecordsRemoved: past.auditRecords + past.accessLog,
      });
    } catch (error) {
      log(error, { councilId });
    }
  }
  return results;
}
