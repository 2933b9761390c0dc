import type { Kysely, Transaction } from 'kysely';
import type { DB, FinancialAssessment } from '../db/schema.js';
import { newId } from '../ids.js';

type Db = Kysely<DB> | Transaction<DB>;

export interface NewFinancialAssessment {
  readonly personId: string;
  readonly effectiveFrom: string;
  readonly method: 'entered' | 'calculated';
  readonly weeklyContributionPence: number;
  readonly calculation: unknown;
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
      notes: fields.notes,
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listFinancialAssessments(db: Db, councilId: string, personId: string): Promise<FinancialAssessment[]> {
  return db
    .selectFrom('financial_assessments')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('person_id', '=', personId)
    .orderBy('effective_from')
    .orderBy('id')
    .execute();
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
