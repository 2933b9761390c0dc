import { sql, type Transaction } from 'kysely';
import type { LedgerEntry, ScheduledPayment, SupportPlan } from 'ras-core';
import type { FileItem, RunItemCounts, SkippedReason } from '../db/rows.js';
import type { DB, Db, HolderOption, PayeeKind, PaymentRun, PaymentRunHeld, PaymentRunItem } from '../db/schema.js';
import { newId } from '../ids.js';

/**
 * Budgets with a council instalment that may be owing on a run date: agreed, running on the
 * instalment's date, and with named council payments (not reversed) short of the instalment. Named
 * payments alone covering an instalment always pay it (the account counts a named payment against
 * its instalment first), so this finds every owing instalment and a few that unnamed payments
 * have covered; the exact count is ras-core's, over each candidate's ledger.
 */
export function instalmentsDueQuery(councilId: string, runDate: string) {
  return sql<{ budget_id: string }>`
    with named as (
      select t.budget_id, t.instalment_number, sum(t.amount_pence) as paid
        from budget_transactions t
       where t.council_id = ${councilId} and t.kind = 'council-payment' and t.funder = 'council'
         and t.instalment_number is not null
         and not exists (select 1 from budget_transactions r
                          where r.council_id = t.council_id and r.kind = 'reversal' and r.reverses_id = t.id)
       group by t.budget_id, t.instalment_number
    )
    select distinct b.id as budget_id
      from payment_instalments i
      -- Joined within the council, so each join reads only the council's rows.
      join payment_agreements pa on pa.council_id = i.council_id and pa.id = i.agreement_id
      join budgets b on b.council_id = pa.council_id and b.id = pa.budget_id
      left join named n on n.budget_id = b.id and n.instalment_number = i.number
     where i.council_id = ${councilId} and i.funder = 'council' and i.due_date <= ${runDate}
       -- An ended budget (replaced by an uprated one) still owes what fell due before it ended.
       and b.status in ('agreed', 'ended') and (b.end_date is null or i.due_date <= b.end_date)
       and coalesce(n.paid, 0) < i.amount_pence
     order by b.id`;
}

export async function budgetsWithInstalmentsDue(db: Db, councilId: string, runDate: string): Promise<string[]> {
  const { rows } = await instalmentsDueQuery(councilId, runDate).execute(db);
  return rows.map((row) => row.budget_id);
}

/** An agreement a run pays a holder under. */
export interface RunAgreement {
  readonly id: string;
  readonly option: HolderOption;
  readonly status: 'active' | 'suspended' | 'ended';
  readonly holderName: string | null;
  readonly accountReference: string;
}

/** What a run needs of each budget: its approved plan, its agreements and its dates. */
export interface RunBudget {
  readonly budget_id: string;
  readonly person_id: string;
  readonly display_name: string | null;
  /** The person's personal data was erased: their record is closed to every writer. */
  readonly erased: boolean;
  readonly end_date: string | null;
  readonly status: string;
  readonly total_annual_pence: number;
  /** The council's share (with the person's contribution): what its instalments pay for. */
  readonly council_annual_pence: number;
  readonly weeks_covered: number | null;
  readonly weeks_per_year: number | null;
  /** The approved plan, whose lines say who is paid what share. */
  readonly plan: SupportPlan | null;
  readonly agreements: readonly RunAgreement[];
}

/**
 * Each budget's payee facts, in budget order. With `lock`, the budgets are locked for the payments
 * and their people shared: an erasure (which locks the person) either finishes first, and the
 * payment sees the person erased, or waits for the payment.
 */
export async function runBudgets(db: Db, councilId: string, budgetIds: readonly string[], lock = false): Promise<RunBudget[]> {
  if (budgetIds.length === 0) return [];
  const { rows } = await sql<RunBudget>`
    select b.id as budget_id, b.person_id, p.display_name, p.erased_at is not null as erased, b.end_date, b.status,
           b.total_annual_pence, b.council_annual_pence, (b.calculation ->> 'weeksCovered')::numeric::float8 as weeks_covered,
           (b.calculation ->> 'weeksPerYear')::numeric::float8 as weeks_per_year,
           (select sp.plan from support_plans sp
             where sp.council_id = b.council_id and sp.budget_id = b.id and sp.status = 'approved' limit 1) as plan,
           coalesce((select jsonb_agg(jsonb_build_object('id', d.id, 'option', d.management_option, 'status', d.status,
                                                         'holderName', d.holder_name, 'accountReference', d.account_reference)
                                      order by d.management_option)
                       from direct_payment_agreements d where d.council_id = b.council_id and d.budget_id = b.id), '[]'::jsonb) as agreements
      from budgets b
      join people p on p.id = b.person_id
     where b.council_id = ${councilId} and b.id = any(${sql.val([...budgetIds])}::uuid[])
     order by b.id
     ${lock ? sql`for update of b for share of p` : sql``}`.execute(db);
  return rows;
}

/** Each budget's council payments (not reversed, ledger order) and council instalments. */
export async function councilPaymentsOf(
  db: Db,
  councilId: string,
  budgetIds: readonly string[],
): Promise<Map<string, { entries: LedgerEntry[]; instalments: ScheduledPayment[] }>> {
  const byBudget = new Map<string, { entries: LedgerEntry[]; instalments: ScheduledPayment[] }>();
  if (budgetIds.length === 0) return byBudget;
  const ids = sql.val([...budgetIds]);
  const [payments, instalments] = await Promise.all([
    sql<{ id: string; budget_id: string; amount_pence: number; instalment_number: number | null }>`
      select t.id, t.budget_id, t.amount_pence, t.instalment_number
        from budget_transactions t
       where t.council_id = ${councilId} and t.budget_id = any(${ids}::uuid[])
         and t.kind = 'council-payment' and t.funder = 'council'
         and not exists (select 1 from budget_transactions r
                          where r.council_id = t.council_id and r.kind = 'reversal' and r.reverses_id = t.id)
       order by t.budget_id, t.id`.execute(db),
    sql<{ budget_id: string; number: number; due_date: string; amount_pence: number }>`
      select pa.budget_id, i.number, i.due_date, i.amount_pence
        from payment_instalments i
        join payment_agreements pa on pa.council_id = i.council_id and pa.id = i.agreement_id
       where i.council_id = ${councilId} and pa.budget_id = any(${ids}::uuid[]) and i.funder = 'council'
       order by pa.budget_id, i.number`.execute(db),
  ]);
  const of = (budgetId: string) => {
    let found = byBudget.get(budgetId);
    if (!found) {
      found = { entries: [], instalments: [] };
      byBudget.set(budgetId, found);
    }
    return found;
  };
  for (const row of payments.rows)
    of(row.budget_id).entries.push({
      id: row.id,
      kind: 'council-payment',
      direction: 1,
      amountPence: row.amount_pence,
      funder: 'council',
      instalmentNumber: row.instalment_number,
    });
  for (const row of instalments.rows)
    of(row.budget_id).instalments.push({ funder: 'council', number: row.number, dueDate: row.due_date, amountPence: row.amount_pence });
  return byBudget;
}

export interface NewRun {
  readonly runDate: string;
  readonly holdBudgetIds: readonly string[];
  readonly payments: number;
  readonly payees: number;
  readonly totalPence: number;
  readonly held: PaymentRunHeld;
  readonly createdBy: string;
}

export function insertPaymentRun(tx: Transaction<DB>, councilId: string, run: NewRun): Promise<PaymentRun> {
  return tx
    .insertInto('payment_runs')
    .values({
      id: newId(),
      council_id: councilId,
      run_date: run.runDate,
      status: 'prepared',
      payments: run.payments,
      payees: run.payees,
      total_pence: run.totalPence,
      held: JSON.stringify(run.held),
      hold_budget_ids: [...run.holdBudgetIds].sort(),
      created_by: run.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type NewRunItem = Omit<PaymentRunItem, 'run_id' | 'council_id' | 'status' | 'skipped_reason' | 'transaction_id'>;

/** A run's items, as arrays (one statement for thousands of rows). */
export async function insertRunItems(tx: Transaction<DB>, councilId: string, runId: string, items: readonly NewRunItem[]): Promise<void> {
  for (let start = 0; start < items.length; start += 10_000) {
    const batch = items.slice(start, start + 10_000);
    const column = <K extends keyof NewRunItem>(key: K) => batch.map((item) => item[key]);
    await sql`
      insert into payment_run_items (run_id, council_id, budget_id, person_id, instalment_number, share, due_date, amount_pence,
                                     payee_kind, payee_reference, payee_name, direct_payment_agreement_id, management_option,
                                     provider_id, plan_lines, status)
      select ${runId}::uuid, ${councilId}::uuid, budget_id, person_id, instalment_number, share, due_date, amount_pence,
             payee_kind, payee_reference, payee_name, direct_payment_agreement_id, management_option, provider_id,
             plan_lines::jsonb, 'pending'
        from unnest(${column('budget_id')}::uuid[], ${column('person_id')}::uuid[], ${column('instalment_number')}::integer[],
                    ${column('share')}::integer[], ${column('due_date')}::date[], ${column('amount_pence')}::bigint[],
                    ${column('payee_kind')}::text[], ${column('payee_reference')}::text[], ${column('payee_name')}::text[],
                    ${column('direct_payment_agreement_id')}::uuid[], ${column('management_option')}::text[],
                    ${column('provider_id')}::uuid[], ${batch.map((item) => JSON.stringify(item.plan_lines))}::text[])
          as item(budget_id, person_id, instalment_number, share, due_date, amount_pence, payee_kind, payee_reference, payee_name,
                  direct_payment_agreement_id, management_option, provider_id, plan_lines)`.execute(tx);
  }
}

export function findPaymentRun(db: Db, councilId: string, id: string, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('payment_runs').selectAll().where('council_id', '=', councilId).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The council's live (not cancelled) run for a date, or its open run on any date. */
export function liveRuns(db: Db, councilId: string, runDate: string): Promise<PaymentRun[]> {
  return db
    .selectFrom('payment_runs')
    .selectAll()
    .where('council_id', '=', councilId)
    .where((eb) => eb.or([eb('run_date', '=', runDate), eb('status', 'in', ['prepared', 'confirming'])]))
    .where('status', '<>', 'cancelled')
    .execute();
}

export function updatePaymentRun(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: Partial<
    Pick<PaymentRun, 'status' | 'confirmed_by' | 'confirmed_at' | 'cancelled_by' | 'cancelled_at' | 'payments' | 'payees' | 'total_pence'>
  > & {
    held?: PaymentRunHeld;
  },
): Promise<PaymentRun> {
  const { held, ...rest } = change;
  return tx
    .updateTable('payment_runs')
    .set((eb) => ({ ...rest, ...(held ? { held: JSON.stringify(held) } : {}), version: eb('version', '+', 1) }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A run's items in budget order; `status` to pick pending, paid or skipped ones. */
export function listRunItems(
  db: Db,
  councilId: string,
  runId: string,
  options: { status?: PaymentRunItem['status']; afterBudgetId?: string | null; limit?: number | null } = {},
): Promise<PaymentRunItem[]> {
  let query = db
    .selectFrom('payment_run_items')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('run_id', '=', runId)
    .orderBy('budget_id')
    .orderBy('instalment_number')
    .orderBy('share');
  if (options.status) query = query.where('status', '=', options.status);
  if (options.afterBudgetId) query = query.where('budget_id', '>', options.afterBudgetId);
  if (options.limit) query = query.limit(options.limit);
  return query.execute();
}

/** Marks items paid (with their ledger entries) or skipped (with why), as arrays. */
export async function settleRunItems(
  tx: Transaction<DB>,
  councilId: string,
  runId: string,
  settled: readonly {
    budgetId: string;
    instalmentNumber: number;
    share: number;
    transactionId: string | null;
    skippedReason: string | null;
  }[],
): Promise<void> {
  if (settled.length === 0) return;
  await sql`
    update payment_run_items i
       set status = case when s.transaction_id is null then 'skipped' else 'paid' end,
           transaction_id = s.transaction_id, skipped_reason = s.skipped_reason
      from unnest(${settled.map((s) => s.budgetId)}::uuid[], ${settled.map((s) => s.instalmentNumber)}::integer[],
                  ${settled.map((s) => s.share)}::integer[], ${settled.map((s) => s.transactionId)}::uuid[],
                  ${settled.map((s) => s.skippedReason)}::text[])
        as s(budget_id, instalment_number, share, transaction_id, skipped_reason)
     where i.council_id = ${councilId} and i.run_id = ${runId}
       and i.budget_id = s.budget_id and i.instalment_number = s.instalment_number and i.share = s.share`.execute(tx);
}

/** Council payments a run records, as arrays, each naming its instalment. */
export async function insertRunPayments(
  tx: Transaction<DB>,
  councilId: string,
  payments: readonly { id: string; budgetId: string; instalmentNumber: number; amountPence: number; occurredOn: string }[],
  description: string,
  createdBy: string,
): Promise<void> {
  if (payments.length === 0) return;
  await sql`
    insert into budget_transactions (id, council_id, budget_id, kind, direction, amount_pence, occurred_on, instalment_number,
                                     funder, description, created_by)
    select p.id, ${councilId}::uuid, p.budget_id, 'council-payment', 1, p.amount_pence, p.occurred_on, p.instalment_number,
           'council', ${description}::text, ${createdBy}::text
      from unnest(${payments.map((p) => p.id)}::uuid[], ${payments.map((p) => p.budgetId)}::uuid[],
                  ${payments.map((p) => p.amountPence)}::bigint[], ${payments.map((p) => p.instalmentNumber)}::integer[],
                  ${payments.map((p) => p.occurredOn)}::date[])
        as p(id, budget_id, amount_pence, instalment_number, occurred_on)`.execute(tx);
}

/** The council's commissioned spend a run records on its council-arranged lines, as arrays. */
export async function insertCommissionedSpend(
  tx: Transaction<DB>,
  councilId: string,
  spends: readonly { id: string; budgetId: string; planLine: number; amountPence: number; occurredOn: string; description: string }[],
  createdBy: string,
): Promise<void> {
  if (spends.length === 0) return;
  await sql`
    insert into budget_transactions (id, council_id, budget_id, kind, direction, amount_pence, occurred_on, category, plan_line,
                                     managed_by, funder, description, created_by)
    select s.id, ${councilId}::uuid, s.budget_id, 'spend', -1, s.amount_pence, s.occurred_on, 'commissioned', s.plan_line,
           'council-arranged', 'council', s.description, ${createdBy}::text
      from unnest(${spends.map((s) => s.id)}::uuid[], ${spends.map((s) => s.budgetId)}::uuid[],
                  ${spends.map((s) => s.amountPence)}::bigint[], ${spends.map((s) => s.planLine)}::integer[],
                  ${spends.map((s) => s.occurredOn)}::date[], ${spends.map((s) => s.description)}::text[])
        as s(id, budget_id, amount_pence, plan_line, occurred_on, description)`.execute(tx);
}

/**
 * Whether an uprating is being applied to the council's budgets now: the apply holds this lock
 * exclusively for its whole transaction ({@link lockCouncilUprating}). Trying it takes it shared
 * when free, which keeps an apply from starting until the caller's transaction ends.
 */
export async function upratingBeingApplied(tx: Transaction<DB>, councilId: string): Promise<boolean> {
  // Shared: payment runs of the council do not stop each other, only an uprating's exclusive lock.
  const { rows } = await sql<{ free: boolean }>`
    select pg_try_advisory_xact_lock_shared(hashtextextended(${`uprating-apply:${councilId}`}, 0)) as free`.execute(tx);
  return rows[0]?.free !== true;
}

/** Taken while a council's run is prepared, so two requests for one date make one run. */
export async function lockPaymentRuns(tx: Transaction<DB>, councilId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`payment-run:${councilId}`}, 0))`.execute(tx);
}

/** Which of these ids are budgets of the council. */
export async function budgetsOfCouncil(db: Db, councilId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('budgets')
    .select('id')
    .where('council_id', '=', councilId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((row) => row.id);
}

/** Held by an uprating being applied, for the length of its transaction. */
export async function lockCouncilUprating(tx: Transaction<DB>, councilId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`uprating-apply:${councilId}`}, 0))`.execute(tx);
}

/** The panel's approvers of the approved plans of a run's budgets, for separation of duties. */
export async function panelApproversOf(
  db: Db,
  councilId: string,
  runId: string,
): Promise<{ budget_id: string; decided_by: string; actor_name: string | null }[]> {
  const { rows } = await sql<{ budget_id: string; decided_by: string; actor_name: string | null }>`
    select distinct sp.budget_id, d.decided_by, d.actor_name
      from payment_run_items i
      join support_plans sp on sp.council_id = i.council_id and sp.budget_id = i.budget_id and sp.status = 'approved'
      join plan_decisions d on d.council_id = sp.council_id and d.plan_id = sp.id and d.stage = 'panel' and d.outcome = 'approve'
     where i.council_id = ${councilId} and i.run_id = ${runId} and i.status = 'pending'`.execute(db);
  return rows;
}

/** A run's items counted by status (pending, paid, skipped) and by payee kind, with their money. */
export async function runItemCounts(db: Db, councilId: string, runId: string): Promise<RunItemCounts> {
  const { rows } = await sql<{
    status: PaymentRunItem['status'] | null;
    payee_kind: PayeeKind | null;
    payments: number;
    amount_pence: number;
  }>`
    select status, payee_kind, count(*)::int as payments, coalesce(sum(amount_pence), 0)::bigint as amount_pence
      from payment_run_items where council_id = ${councilId} and run_id = ${runId}
     group by grouping sets ((status), (payee_kind))`.execute(db);
  const none = () => ({ payments: 0, amountPence: 0 });
  const counts = {
    pending: none(),
    paid: none(),
    skipped: none(),
    'direct-payment': none(),
    'indirect-payment': none(),
    trust: none(),
    'individual-service-fund': none(),
    commissioned: none(),
    'managed-account': none(),
  };
  for (const row of rows) {
    const key = row.status ?? row.payee_kind;
    if (key) counts[key] = { payments: row.payments, amountPence: row.amount_pence };
  }
  return counts;
}

/** The reasons a run skipped shares, each with how many and how much: no one named (the CSV names them). */
export async function skippedReasons(db: Db, councilId: string, runId: string): Promise<SkippedReason[]> {
  const { rows } = await sql<SkippedReason>`
    select coalesce(skipped_reason, '') as reason, count(*)::int as payments, sum(amount_pence)::bigint as amount_pence
      from payment_run_items
     where council_id = ${councilId} and run_id = ${runId} and status = 'skipped'
     group by 1 order by 2 desc, 1`.execute(db);
  return rows;
}

/** Every item of a run (skipped ones too, with their reasons), payee by payee, for its files. */
export function fileItems(db: Db, councilId: string, runId: string): Promise<FileItem[]> {
  return (
    db
      .selectFrom('payment_run_items as i')
      .leftJoin('direct_payment_agreements as a', (join) =>
        join.onRef('a.id', '=', 'i.direct_payment_agreement_id').onRef('a.council_id', '=', 'i.council_id'),
      )
      // An individual service fund's provider is paid into its own account, bank or card.
      .leftJoin('providers as p', (join) => join.onRef('p.id', '=', 'i.provider_id').onRef('p.council_id', '=', 'i.council_id'))
      .selectAll('i')
      .select((eb) => eb.fn.coalesce('a.account_type', 'p.account_type').as('account_type'))
      .where('i.council_id', '=', councilId)
      .where('i.run_id', '=', runId)
      .orderBy('i.payee_kind')
      .orderBy('i.payee_reference')
      .orderBy('i.budget_id')
      .orderBy('i.instalment_number')
      .orderBy('i.share')
      .execute()
  );
}
