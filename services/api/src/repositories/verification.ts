import { type Kysely, sql } from 'kysely';
import type { Budget, DB, FinancialAssessment, Review } from '../db/schema.js';

/** Rows of a person whose personal data has not been erased. */
const notErased = sql<boolean>`person_id not in (select id from people where erased_at is not null)`;

/** Every council, in id order: what `verify:figures` goes through when it is not given councils. */
export async function allCouncilIds(db: Kysely<DB>): Promise<string[]> {
  return (await db.selectFrom('councils').select('id').orderBy('id').execute()).map((row) => row.id);
}

/**
 * A page of the council's budgets to work out again, in id order after `after`. An erased person's
 * answers and financial details are gone: their stored figures stand (reports need them) but can
 * no longer be worked out again, so they are not returned.
 */
export function budgetsToVerify(db: Kysely<DB>, councilId: string, after: string | null, limit: number): Promise<Budget[]> {
  let query = db.selectFrom('budgets').selectAll().where('council_id', '=', councilId).where(notErased);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

/** The council's financial assessments to work out again (not an erased person's). */
export function financialAssessmentsToVerify(db: Kysely<DB>, councilId: string): Promise<FinancialAssessment[]> {
  return db.selectFrom('financial_assessments').selectAll().where('council_id', '=', councilId).where(notErased).orderBy('id').execute();
}

/** The council's reviews with a clawback to work out again (not an erased person's), each with its budget. */
export async function clawbacksToVerify(db: Kysely<DB>, councilId: string): Promise<{ review: Review; budget: Budget }[]> {
  const reviews = await db
    .selectFrom('reviews')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('clawback', 'is not', null)
    .where(notErased)
    .orderBy('id')
    .execute();
  if (reviews.length === 0) return [];
  const budgets = await db
    .selectFrom('budgets')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('id', 'in', (eb) =>
      eb.selectFrom('reviews').select('budget_id').where('council_id', '=', councilId).where('clawback', 'is not', null),
    )
    .execute();
  const byId = new Map(budgets.map((budget) => [budget.id, budget]));
  return reviews.map((review) => {
    const budget = byId.get(review.budget_id);
    if (!budget) throw new Error(`review ${review.id}'s budget ${review.budget_id} is not the council's`);
    return { review, budget };
  });
}
