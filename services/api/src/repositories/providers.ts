import { sql, type Transaction } from 'kysely';
import type { HeldFund } from '../db/rows.js';
import type { DB, Db, Provider } from '../db/schema.js';
import { newId } from '../ids.js';
import { afterRow } from './keyset.js';

export type NewProvider = Pick<Provider, 'name' | 'account_type' | 'account_reference' | 'contact' | 'created_by'>;

export function insertProvider(tx: Transaction<DB>, councilId: string, fields: NewProvider): Promise<Provider> {
  return tx
    .insertInto('providers')
    .values({ id: newId(), council_id: councilId, ...fields })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findProvider(db: Db, councilId: string, id: string): Promise<Provider | undefined> {
  return db.selectFrom('providers').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

export function providerNamed(db: Db, councilId: string, name: string): Promise<Provider | undefined> {
  return db.selectFrom('providers').selectAll().where('council_id', '=', councilId).where('name', '=', name).executeTakeFirst();
}

/** The council's providers by name, a page at a time. */
export function listProviders(db: Db, councilId: string, after: string | null, limit: number): Promise<Provider[]> {
  let query = db.selectFrom('providers').selectAll().where('council_id', '=', councilId);
  if (after !== null) query = query.where(afterRow('providers', 'name', after, councilId));
  return query.orderBy('name').orderBy('id').limit(limit).execute();
}

/** Which of these ids are providers of the council, with their rows. */
export async function providersOf(db: Db, councilId: string, ids: readonly string[]): Promise<Map<string, Provider>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('providers')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export type { HeldFund };

/** The people a provider holds individual service funds for: approved plans with ISF lines naming it. */
export async function fundsHeldBy(db: Db, councilId: string, providerId: string): Promise<HeldFund[]> {
  const { rows } = await sql<HeldFund>`
    select sp.budget_id, sp.person_id, sp.id as plan_id, b.status as budget_status,
           array_agg((line.ordinality - 1)::int order by line.ordinality) as lines
      from support_plans sp
      join budgets b on b.council_id = sp.council_id and b.id = sp.budget_id
      cross join lateral jsonb_array_elements(sp.plan -> 'lines') with ordinality as line(value, ordinality)
     where sp.council_id = ${councilId} and sp.status = 'approved'
       and line.value ->> 'managedBy' = 'individual-service-fund' and line.value ->> 'providerId' = ${providerId}
     group by sp.budget_id, sp.person_id, sp.id, b.status
     order by sp.budget_id`.execute(db);
  return rows;
}

/** One entry of an individual service fund's ledger: money the run paid the provider, or what it spent on the fund's lines. */
export interface FundEntry {
  readonly id: string;
  readonly kind: 'council-payment' | 'spend' | 'refund';
  readonly occurred_on: string;
  readonly amount_pence: number;
  readonly plan_line: number | null;
  readonly description: string | null;
}

/**
 * The ledger of one provider's individual service fund for one budget, oldest first: the run's
 * payments to the provider, and spend and refunds on the fund's lines; reversed entries left out.
 */
export async function fundLedger(
  db: Db,
  councilId: string,
  providerId: string,
  budgetId: string,
  lines: readonly number[],
): Promise<FundEntry[]> {
  const { rows } = await sql<FundEntry>`
    select t.id, t.kind, t.occurred_on, t.amount_pence, t.plan_line, t.description
      from budget_transactions t
     where t.council_id = ${councilId} and t.budget_id = ${budgetId}
       and ((t.kind in ('spend', 'refund') and t.plan_line = any(${sql.val([...lines])}::integer[]))
            or t.id in (select i.transaction_id from payment_run_items i
                         where i.council_id = ${councilId} and i.budget_id = ${budgetId} and i.provider_id = ${providerId}
                           and i.payee_kind = 'individual-service-fund' and i.status = 'paid'))
       and not exists (select 1 from budget_transactions r
                        where r.council_id = t.council_id and r.kind = 'reversal' and r.reverses_id = t.id)
     order by t.occurred_on, t.id`.execute(db);
  return rows;
}
