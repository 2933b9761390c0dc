import { type Insertable, sql, type Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { AccountBudget } from '../db/rows.js';
import type { Budget, BudgetTable, BudgetUpdate, CalculatedBudget, DB, Db } from '../db/schema.js';
import { newId } from '../ids.js';

function visibleBudgets(db: Db, scope: Scope) {
  return visibleTo(db, 'budgets', scope);
}

/** The columns a calculation sets on a budget row. */
export function budgetFigures(calculation: CalculatedBudget) {
  return {
    ras_annual_pence: calculation.rasAnnualPence,
    protected_annual_pence: calculation.transitionalProtection?.protectedPence ?? 0,
    total_annual_pence: calculation.totalAnnualPence,
    council_annual_pence: calculation.councilAnnualPence,
    annual_contribution_pence: calculation.annualContributionPence,
    net_annual_pence: calculation.netAnnualPence,
    // Kept beside the calculation so the summary report need not unpack it (BENCHMARKS.md, issue 17).
    unpaid_support_points: calculation.sections.reduce((sum, section) => sum + (section.unpaidSupportPoints ?? 0), 0),
    referral: calculation.referral === null ? null : JSON.stringify(calculation.referral),
    calculation: JSON.stringify(calculation),
  };
}

export interface NewBudgetFields {
  readonly personId: string;
  readonly assessmentId: string;
  readonly schemeId: string;
  readonly startDate: string;
  readonly calculation: CalculatedBudget;
  readonly contributionCollection: 'net' | 'gross' | null;
}

export function insertBudget(tx: Transaction<DB>, councilId: string, fields: NewBudgetFields): Promise<Budget> {
  return tx
    .insertInto('budgets')
    .values({
      id: newId(),
      council_id: councilId,
      person_id: fields.personId,
      assessment_id: fields.assessmentId,
      scheme_id: fields.schemeId,
      status: 'indicative',
      start_date: fields.startDate,
      ...budgetFigures(fields.calculation),
      contribution_collection: fields.contributionCollection,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findBudget(db: Db, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<Budget | undefined> {
  let query = visibleBudgets(db, scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * The budget behind an account, without unpacking its calculation (several kilobytes of JSON a
 * read, most of getBudgetAccount's time at national scale: BENCHMARKS.md, issue 17).
 */
export function findAccountBudget(db: Db, scope: Scope, id: string): Promise<AccountBudget | undefined> {
  return visibleBudgets(db, scope)
    .select(['id', 'status', sql<AccountBudget['streams']>`calculation -> 'streams'`.as('streams')])
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface BudgetFilter {
  readonly personId?: string | undefined;
  readonly assessmentId?: string | undefined;
  readonly status?: Budget['status'] | undefined;
}

export function listBudgets(db: Db, scope: Scope, filter: BudgetFilter, after: string | null, limit: number): Promise<Budget[]> {
  let query = visibleBudgets(db, scope);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.assessmentId !== undefined) query = query.where('assessment_id', '=', filter.assessmentId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

/** Applies a change and bumps the version (the ETag). */
export function updateBudget(tx: Transaction<DB>, councilId: string, id: string, change: BudgetUpdate, at: Date): Promise<Budget> {
  return tx
    .updateTable('budgets')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Inserts budgets made in bulk (an uprating's new indicative budgets), in one statement. */
export async function insertBudgets(tx: Transaction<DB>, rows: readonly Insertable<BudgetTable>[]): Promise<void> {
  if (rows.length > 0) await tx.insertInto('budgets').values(rows).execute();
}
