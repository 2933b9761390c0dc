import type { Kysely, Transaction } from 'kysely';
import type { DB, Review, ReviewUpdate } from '../../../db/schema.js';
import { newId } from '../../../ids.js';

type Db = Kysely<DB> | Transaction<DB>;

export function insertReviews(
  tx: Transaction<DB>,
  councilId: string,
  reviews: readonly { budgetId: string; personId: string; kind: Review['kind']; dueDate: string }[],
): Promise<Review[]> {
  if (reviews.length === 0) return Promise.resolve([]);
  return tx
    .insertInto('reviews')
    .values(reviews.map((review) => ({ id: newId(), council_id: councilId, budget_id: review.budgetId, person_id: review.personId, kind: review.kind, due_date: review.dueDate, status: 'scheduled' as const })))
    .returningAll()
    .execute();
}

export function listReviewsForBudget(db: Db, councilId: string, budgetId: string): Promise<Review[]> {
  return db.selectFrom('reviews').selectAll().where('council_id', '=', councilId).where('budget_id', '=', budgetId).orderBy('due_date').orderBy('id').execute();
}

export function updateReview(tx: Transaction<DB>, councilId: string, id: string, change: ReviewUpdate): Promise<Review> {
  return tx
    .updateTable('reviews')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
