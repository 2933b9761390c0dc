import { sql, type Transaction } from 'kysely';
import type { StoredLedger } from '../db/rows.js';
import type { BudgetTransaction, DB, Db, PaymentAgreement, PaymentInstalment, TransactionKind } from '../db/schema.js';
import { newId } from '../ids.js';

export interface NewAgreement {
  readonly budgetId: string;
  readonly planId: string;
  readonly startDate: string;
  readonly frequency: PaymentAgreement['frequency'];
  readonly collection: PaymentAgreement['collection'];
  readonly financialAssessmentId: string | null;
  readonly weeklyContributionPence: number;
  readonly grossAnnualPence: number;
  readonly contributionAnnualPence: number;
  readonly netAnnualPence: number;
  readonly instalments: readonly { funder: string; number: number; dueDate: string; amountPence: number }[];
}

export async function insertAgreement(
  tx: Transaction<DB>,
  councilId: string,
  fields: NewAgreement,
): Promise<{ agreement: PaymentAgreement; instalments: PaymentInstalment[] }> {
  const agreement = await tx
    .insertInto('payment_agreements')
    .values({
      id: newId(),
      council_id: councilId,
      budget_id: fields.budgetId,
      plan_id: fields.planId,
      start_date: fields.startDate,
      frequency: fields.frequency,
      collection: fields.collection,
      financial_assessment_id: fields.financialAssessmentId,
      weekly_contribution_pence: fields.weeklyContributionPence,
      gross_annual_pence: fields.grossAnnualPence,
      contribution_annual_pence: fields.contributionAnnualPence,
      net_annual_pence: fields.netAnnualPence,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const instalments = await tx
    .insertInto('payment_instalments')
    .values(
      fields.instalments.map((instalment) => ({
        council_id: councilId,
        agreement_id: agreement.id,
        funder: instalment.funder,
        number: instalment.number,
        due_date: instalment.dueDate,
        amount_pence: instalment.amountPence,
      })),
    )
    .returningAll()
    .execute();
  return { agreement, instalments };
}

export async function findAgreement(
  db: Db,
  councilId: string,
  budgetId: string,
): Promise<{ agreement: PaymentAgreement; instalments: PaymentInstalment[] } | undefined> {
  // Both at once: the instalments are found through the agreement's budget, not its id.
  const [agreement, instalments] = await Promise.all([
    db
      .selectFrom('payment_agreements')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('budget_id', '=', budgetId)
      .executeTakeFirst(),
    db
      .selectFrom('payment_instalments as i')
      .innerJoin('payment_agreements as a', 'a.id', 'i.agreement_id')
      .selectAll('i')
      .where('a.council_id', '=', councilId)
      .where('a.budget_id', '=', budgetId)
      .orderBy(sql`i.funder <> 'council'`)
      .orderBy('i.funder')
      .orderBy('i.number')
      .execute(),
  ]);
  if (!agreement) return undefined;
  return { agreement, instalments };
}

export interface NewTransaction {
  readonly budgetId: string;
  readonly kind: TransactionKind;
  readonly direction: 1 | -1;
  readonly amountPence: number;
  readonly occurredOn: string;
  readonly category: string | null;
  readonly planLine: number | null;
  readonly managedBy: string | null;
  readonly instalmentNumber: number | null;
  /** Whose money: council, person or a funding stream's key. */
  readonly funder: string;
  readonly description: string | null;
  readonly reversesId: string | null;
  readonly createdBy: string;
}

export function insertTransaction(tx: Transaction<DB>, councilId: string, fields: NewTransaction): Promise<BudgetTransaction> {
  return tx
    .insertInto('budget_transactions')
    .values({
      id: newId(),
      council_id: councilId,
      budget_id: fields.budgetId,
      kind: fields.kind,
      direction: fields.direction,
      amount_pence: fields.amountPence,
      occurred_on: fields.occurredOn,
      category: fields.category,
      plan_line: fields.planLine,
      managed_by: fields.managedBy,
      instalment_number: fields.instalmentNumber,
      funder: fields.funder,
      description: fields.description,
      reverses_id: fields.reversesId,
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every entry of a budget's ledger, oldest first. Entries are never edited or deleted. */
export function listTransactions(db: Db, councilId: string, budgetId: string): Promise<BudgetTransaction[]> {
  return db
    .selectFrom('budget_transactions')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('budget_id', '=', budgetId)
    .orderBy('id')
    .execute();
}

export function findTransaction(db: Db, councilId: string, budgetId: string, id: string): Promise<BudgetTransaction | undefined> {
  return db
    .selectFrom('budget_transactions')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('budget_id', '=', budgetId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The funders the budget's approved plan lines name (as it stands and as each revision found it). */
async function fundersOfLines(db: Db, councilId: string, budgetId: string): Promise<string[]> {
  const { rows } = await sql<{ funder: string }>`
    select distinct line ->> 'fundedBy' as funder
      from (select sp.plan from support_plans sp
             where sp.council_id = ${councilId} and sp.budget_id = ${budgetId} and sp.status = 'approved'
            union all
            select r.previous from plan_revisions r
             where r.council_id = ${councilId} and r.budget_id = ${budgetId} and r.status = 'approved') as plans(plan)
     cross join lateral jsonb_array_elements(plans.plan -> 'lines') as line
     where line ? 'fundedBy'`.execute(db);
  return rows.map((row) => row.funder);
}

/** Reads everything a budget account is summarised from. */
export async function findLedger(db: Db, councilId: string, budgetId: string): Promise<StoredLedger> {
  const [stored, entries, ringFenced] = await Promise.all([
    findAgreement(db, councilId, budgetId),
    listTransactions(db, councilId, budgetId),
    fundersOfLines(db, councilId, budgetId),
  ]);
  return { agreement: stored?.agreement, instalments: stored?.instalments ?? [], entries, ringFenced };
}
