import { type Kysely, sql } from 'kysely';
import type { ManagementOption } from 'ras-core';
import type { DB } from '../db/schema.js';

/** Budgets in force at some point in [from, to], with their approved plan. */
export function activeBudgets(db: Kysely<DB>, councilId: string, from: string, to: string) {
  return (
    db
      .selectFrom('budgets as b')
      // Joined within the council, so each join reads the council's rows through its index.
      .leftJoin('support_plans as p', (join) =>
        join.onRef('p.council_id', '=', 'b.council_id').onRef('p.budget_id', '=', 'b.id').on('p.status', '=', 'approved'),
      )
      .innerJoin('people as who', (join) => join.onRef('who.council_id', '=', 'b.council_id').onRef('who.id', '=', 'b.person_id'))
      .select([
        'who.cares_for_person_id',
        // Kept beside the calculation, so the report never unpacks it.
        'b.unpaid_support_points',
        'b.id',
        'b.person_id',
        'b.council_annual_pence',
        'b.total_annual_pence',
        'b.ras_annual_pence',
        'b.panel_annual_pence',
        'b.referral',
        // Only how each line is managed, not the whole plan: 100,000 plans parsed on the
        // instance's thread were most of the report's time (issue 30).
        sql<ManagementOption[] | null>`jsonb_path_query_array(p.plan, '$.lines[*].managedBy')`.as('managed_by'),
        'p.exception',
        'p.decided_at',
        'b.agreed_at',
      ])
      .where('b.council_id', '=', councilId)
      .where('b.status', 'in', ['agreed', 'ended'])
      .where('b.start_date', '<=', to)
      .where((eb) => eb.or([eb('b.end_date', 'is', null), eb('b.end_date', '>=', from)]))
      .execute()
  );
}

/**
 * People receiving long-term community support the council commissions without a personal budget
 * at some point in [from, to] (and none in force then), carers apart: ASCOF counts them in its
 * denominator.
 */
export async function commissionedSupportOnly(db: Kysely<DB>, councilId: string, from: string, to: string) {
  const { rows } = await sql<{ carer: boolean; people: number }>`
    select p.cares_for_person_id is not null as carer, count(*)::int as people
      from people p
     where p.council_id = ${councilId} and p.erased_at is null
       and p.commissioned_support_from <= ${to} and (p.commissioned_support_to is null or p.commissioned_support_to >= ${from})
       and not exists (select 1 from budgets b
                        where b.council_id = p.council_id and b.person_id = p.id and b.status in ('agreed', 'ended')
                          and b.start_date <= ${to} and (b.end_date is null or b.end_date >= ${from}))
     group by 1`.execute(db);
  return {
    users: rows.find((row) => !row.carer)?.people ?? 0,
    carers: rows.find((row) => row.carer)?.people ?? 0,
  };
}

/** Money moved in [from, to] by kind, leaving out reversed entries and the reversals themselves. */
export function moneyByKind(db: Kysely<DB>, councilId: string, from: string, to: string) {
  return moneyByKindQuery(db, councilId, from, to).execute();
}

/** The query of {@link moneyByKind}, for EXPLAIN in the scale benchmark. */
export function moneyByKindQuery(db: Kysely<DB>, councilId: string, from: string, to: string) {
  return (
    db
      .selectFrom('budget_transactions as t')
      .select(['t.kind', sql<number>`coalesce(sum(t.amount_pence), 0)::bigint`.as('pence')])
      .where('t.council_id', '=', councilId)
      .where('t.occurred_on', '>=', from)
      .where('t.occurred_on', '<=', to)
      .where('t.kind', '!=', 'reversal')
      // The council's reversals are a handful (their own partial index), not the whole ledger's reverses_id.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('budget_transactions as r')
              .select('r.id')
              .whereRef('r.council_id', '=', 't.council_id')
              .where('r.kind', '=', 'reversal')
              .whereRef('r.reverses_id', '=', 't.id'),
          ),
        ),
      )
      .groupBy('t.kind')
  );
}

/** Reviews completed in [from, to], with what they recorded. */
export function completedReviews(db: Kysely<DB>, councilId: string, from: string, to: string) {
  return db
    .selectFrom('reviews')
    .select(['id', 'kind', 'due_date', 'outcome'])
    .where('council_id', '=', councilId)
    .where('status', '=', 'completed')
    .where(sql<string>`(outcome->>'completedOn')`, '>=', from)
    .where(sql<string>`(outcome->>'completedOn')`, '<=', to)
    .execute();
}

/** Reviews still waiting past their due date. */
export async function overdueReviews(db: Kysely<DB>, councilId: string, today: string): Promise<number> {
  const row = await db
    .selectFrom('reviews')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('council_id', '=', councilId)
    .where('status', '=', 'scheduled')
    .where('due_date', '<', today)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
