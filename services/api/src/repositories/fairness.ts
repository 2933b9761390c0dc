import { type Kysely, sql } from 'kysely';
import type { FairnessRow } from '../db/rows.js';
import type { DB } from '../db/schema.js';

/**
 * Each person with a budget of the council agreed in the period (`from` to `to`, inclusive), once:
 * their latest budget agreed in it (one later ended by an uprating counts, as it was agreed), with
 * their groups, the latest appeal against that budget and its latest annual review's clawback. One
 * row per person, so a person with two budgets in a year is never counted twice.
 */
export function agreedBudgetsForFairness(db: Kysely<DB>, councilId: string, from: string, to: string): Promise<FairnessRow[]> {
  return db
    .selectFrom('budgets as b')
    .distinctOn('b.person_id')
    .innerJoin('people as p', 'p.id', 'b.person_id')
    .leftJoin('equality_monitoring as e', 'e.person_id', 'b.person_id')
    .select([
      'b.id as budget_id',
      'b.record_key',
      'b.start_date',
      'p.client_group',
      'p.date_of_birth',
      'b.monitoring_age_band',
      'e.sex',
      'e.ethnicity',
      'e.primary_support_reason',
      'b.ras_annual_pence',
      'b.protected_annual_pence',
      'b.panel_annual_pence',
      'b.total_annual_pence',
      sql<number>`(b.calculation->>'totalPoints')::integer`.as('total_points'),
      sql<boolean>`coalesce(b.calculation->'referrals' @> '[{"reason":"above-ceiling"}]'::jsonb, false)`.as('ceiling_referral'),
      (eb) =>
        eb
          .selectFrom('appeals as a')
          .select('a.status')
          .whereRef('a.budget_id', '=', 'b.id')
          .where('a.subject', '=', 'budget')
          .orderBy('a.created_at', 'desc')
          .limit(1)
          .as('appeal_status'),
      (eb) =>
        eb
          .selectFrom('reviews as r')
          .select(sql<number>`(r.clawback->>'clawbackPence')::bigint`.as('clawback_pence'))
          .whereRef('r.budget_id', '=', 'b.id')
          .where('r.kind', '=', 'annual')
          .where('r.status', '=', 'completed')
          .where('r.clawback', 'is not', null)
          .orderBy('r.completed_at', 'desc')
          .limit(1)
          .as('clawback_pence'),
    ])
    .where('b.council_id', '=', councilId)
    .where('b.agreed_at', 'is not', null)
    .where(sql<string>`(b.agreed_at at time zone 'UTC')::date`, '>=', from)
    .where(sql<string>`(b.agreed_at at time zone 'UTC')::date`, '<=', to)
    .orderBy('b.person_id')
    .orderBy('b.agreed_at', 'desc')
    .orderBy('b.id', 'desc')
    .execute();
}
