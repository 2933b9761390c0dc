import type { Transaction } from 'kysely';
import type { DB, Db, FinancialAssessment } from '../db/schema.js';
import { newId } from '../ids.js';
import { afterRow } from './keyset.js';

export interface NewFinancialAssessment {
  readonly personId: string;
  readonly effectiveFrom: string;
  readonly method: 'entered' | 'calculated';
  readonly weeklyContributionPence: number;
  readonly calculation: unknown;
  readonly chargingPolicy?: { readonly id: string; readonly version: number | null } | null;
  readonly notes: string | null;
  readonly createdBy: string;
}

export function insertFinancialAssessment(
  tx: Transaction<DB>,
  councilId: string,
  fields: NewFinancialAssessment,
): Promise<FinancialAssessment> {
  return tx
    .insertInto('financial_assessments')
    .values({
      id: newId(),
      council_id: councilId,
      person_id: fields.personId,
      effective_from: fields.effectiveFrom,
      method: fields.method,
      weekly_contribution_pence: fields.weeklyContributionPence,
      calculation: fields.calculation === null ? null : JSON.stringify(fields.calculation),
      charging_policy_id: fields.chargingPolicy?.id ?? null,
      charging_policy_version: fields.chargingPolicy?.version ?? null,
      notes: fields.notes,
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A page of a person's financial assessments, oldest effective date first: `limit` after the one with id `after`. */
export function listFinancialAssessments(
  db: Db,
  councilId: string,
  personId: string,
  after: string | null,
  limit: number,
): Promise<FinancialAssessment[]> {
  let query = db.selectFrom('financial_assessments').selectAll().where('council_id', '=', councilId).where('person_id', '=', personId);
  if (after !== null) {
    query = query.where(afterRow('financial_assessments', 'effective_from', after, councilId));
  }
  return query.orderBy('effective_from').orderBy('id').limit(limit).execute();
}

/** The financial assessment in force on a date: the latest to take effect by then (the latest recorded wins a tie). */
export function financialAssessmentInForce(
  db: Db,
  councilId: string,
  personId: string,
  date: string,
): Promise<FinancialAssessment | undefined> {
  return db
    .selectFrom('financial_assessments')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('person_id', '=', personId)
    .where('effective_from', '<=', date)
    .orderBy('effective_from', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** One of a person's financial assessments. */
export function findFinancialAssessment(db: Db, councilId: string, personId: string, id: string): Promise<FinancialAssessment | undefined> {
  return db
    .selectFrom('financial_assessments')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('person_id', '=', personId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A financial assessment of the council by its id alone (the caller checks it may see the person). */
export function findFinancialAssessmentById(db: Db, councilId: string, id: string): Promise<FinancialAssessment | undefined> {
  return db.selectFrom('financial_assessments').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}
