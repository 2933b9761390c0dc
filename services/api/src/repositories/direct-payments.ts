import type { Transaction } from 'kysely';
import type { AccountStatement, AuditSampleRule, ReturnCheck, SampledAccount } from 'ras-core';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { AccountReturn, AuditSample, AuditSampleItem, DB, Db, DirectPaymentAgreement } from '../db/schema.js';
import { newId } from '../ids.js';

export type NewDirectPaymentAgreement = Pick<
  DirectPaymentAgreement,
  | 'budget_id'
  | 'person_id'
  | 'management_option'
  | 'terms_version'
  | 'terms_text'
  | 'holder_type'
  | 'holder_name'
  | 'account_type'
  | 'account_reference'
  | 'accepted_on'
  | 'accepted_by'
  | 'created_by'
>;

export function insertDirectPaymentAgreement(
  tx: Transaction<DB>,
  councilId: string,
  fields: NewDirectPaymentAgreement,
): Promise<DirectPaymentAgreement> {
  return tx
    .insertInto('direct_payment_agreements')
    .values({ id: newId(), council_id: councilId, status: 'active', ...fields })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An agreement the scope may see: the council's, and for a portal key only its own people's. */
export function findDirectPaymentAgreement(
  db: Db,
  scope: Scope,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<DirectPaymentAgreement | undefined> {
  let query = visibleTo(db, 'direct_payment_agreements', scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** A budget's agreements, one per way of managing that pays a holder. */
export function agreementsForBudget(db: Db, councilId: string, budgetId: string): Promise<DirectPaymentAgreement[]> {
  return db
    .selectFrom('direct_payment_agreements')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('budget_id', '=', budgetId)
    .orderBy('management_option')
    .execute();
}

export function setAgreementStatus(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  status: DirectPaymentAgreement['status'],
  at: Date,
): Promise<DirectPaymentAgreement> {
  return tx
    .updateTable('direct_payment_agreements')
    .set((eb) => ({ status, updated_at: at, version: eb('version', '+', 1) }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every agreement that is in force (active or suspended) on an agreed budget: the accounts an audit draws from. */
export function auditableAgreements(
  db: Db,
  councilId: string,
): Promise<(DirectPaymentAgreement & { gross_annual_pence: number | null })[]> {
  return db
    .selectFrom('direct_payment_agreements as d')
    .innerJoin('budgets as b', 'b.id', 'd.budget_id')
    .leftJoin('payment_agreements as p', 'p.budget_id', 'd.budget_id')
    .selectAll('d')
    .select('p.gross_annual_pence')
    .where('d.council_id', '=', councilId)
    .where('d.status', 'in', ['active', 'suspended'])
    .where('b.status', '=', 'agreed')
    .orderBy('d.id')
    .execute();
}

export function insertAccountReturn(
  tx: Transaction<DB>,
  councilId: string,
  fields: { agreementId: string; periodFrom: string; periodTo: string; statement: AccountStatement; check: ReturnCheck; createdBy: string },
): Promise<AccountReturn> {
  return tx
    .insertInto('account_returns')
    .values({
      id: newId(),
      council_id: councilId,
      agreement_id: fields.agreementId,
      period_from: fields.periodFrom,
      period_to: fields.periodTo,
      statement: JSON.stringify(fields.statement),
      check_result: JSON.stringify(fields.check),
      matches: fields.check.matches,
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findAccountReturn(db: Db, agreementId: string, from: string, to: string): Promise<AccountReturn | undefined> {
  return db
    .selectFrom('account_returns')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .where('period_from', '=', from)
    .where('period_to', '=', to)
    .executeTakeFirst();
}

export function listAccountReturns(db: Db, councilId: string, agreementId: string): Promise<AccountReturn[]> {
  return db
    .selectFrom('account_returns')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('agreement_id', '=', agreementId)
    .orderBy('period_from')
    .execute();
}

/** An audit of this account, with its outcome recorded, whose period overlaps `from`–`to`. */
export function auditedOverlap(db: Db, councilId: string, agreementId: string, from: string, to: string) {
  return db
    .selectFrom('audit_sample_items as i')
    .innerJoin('audit_samples as s', 's.id', 'i.sample_id')
    .select(['s.id', 's.period_from', 's.period_to', 'i.outcome'])
    .where('i.council_id', '=', councilId)
    .where('i.agreement_id', '=', agreementId)
    .where('i.outcome', 'is not', null)
    .where('s.period_from', '<=', to)
    .where('s.period_to', '>=', from)
    .executeTakeFirst();
}

export async function insertAuditSample(
  tx: Transaction<DB>,
  councilId: string,
  fields: {
    periodFrom: string;
    periodTo: string;
    rule: AuditSampleRule;
    explanation: unknown;
    sampled: readonly SampledAccount[];
    createdBy: string;
  },
): Promise<AuditSample> {
  const sample = await tx
    .insertInto('audit_samples')
    .values({
      id: newId(),
      council_id: councilId,
      period_from: fields.periodFrom,
      period_to: fields.periodTo,
      rule: JSON.stringify(fields.rule),
      explanation: JSON.stringify(fields.explanation),
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (fields.sampled.length > 0)
    await tx
      .insertInto('audit_sample_items')
      .values(
        fields.sampled.map((item) => ({
          sample_id: sample.id,
          council_id: councilId,
          agreement_id: item.id,
          reasons: [...item.reasons],
          balance_pence: item.balancePence,
          threshold_pence: item.thresholdPence,
        })),
      )
      .execute();
  return sample;
}

export function findAuditSample(
  db: Db,
  councilId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<AuditSample | undefined> {
  let query = db.selectFrom('audit_samples').selectAll().where('council_id', '=', councilId).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function listAuditItems(db: Db, councilId: string, sampleId: string): Promise<AuditSampleItem[]> {
  return db
    .selectFrom('audit_sample_items')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('sample_id', '=', sampleId)
    .orderBy('agreement_id')
    .execute();
}

export function updateAuditItem(
  tx: Transaction<DB>,
  sampleId: string,
  agreementId: string,
  change: Pick<AuditSampleItem, 'outcome' | 'notes' | 'recovery_pence' | 'recovery_transaction_id' | 'debt_pence' | 'decided_by'>,
  at: Date,
): Promise<AuditSampleItem> {
  return tx
    .updateTable('audit_sample_items')
    .set({ ...change, decided_at: at })
    .where('sample_id', '=', sampleId)
    .where('agreement_id', '=', agreementId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The debts earlier audits recorded on an agreement: money found owed beyond what was left in the account. */
export async function debtsOwedOn(db: Db, councilId: string, agreementId: string): Promise<number> {
  const row = await db
    .selectFrom('audit_sample_items')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('debt_pence'), eb.lit(0)).as('owed'))
    .where('council_id', '=', councilId)
    .where('agreement_id', '=', agreementId)
    .executeTakeFirst();
  return Number(row?.owed ?? 0);
}
