import type { Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { DB, Db, Review, ReviewUpdate } from '../db/schema.js';
import { newId } from '../ids.js';

/** A review to book; one that repeats counts its cycle from `repeatFrom` (default its due date). */
export interface NewReview {
  readonly budgetId: string;
  readonly personId: string;
  readonly kind: Review['kind'];
  readonly dueDate: string;
  readonly repeatEveryMonths?: number | null;
  readonly repeatFrom?: string | null;
}

export function insertReviews(tx: Transaction<DB>, councilId: string, reviews: readonly NewReview[]): Promise<Review[]> {
  if (reviews.length === 0) return Promise.resolve([]);
  return tx
    .insertInto('reviews')
    .values(
      reviews.map((review) => ({
        id: newId(),
        council_id: councilId,
        budget_id: review.budgetId,
        person_id: review.personId,
        kind: review.kind,
        due_date: review.dueDate,
        repeat_every_months: review.repeatEveryMonths ?? null,
        repeat_from: review.repeatEveryMonths ? (review.repeatFrom ?? review.dueDate) : null,
        status: 'scheduled' as const,
      })),
    )
    .returningAll()
    .execute();
}

export function listReviewsForBudget(db: Db, councilId: string, budgetId: string): Promise<Review[]> {
  return db
    .selectFrom('reviews')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('budget_id', '=', budgetId)
    .orderBy('due_date')
    .orderBy('id')
    .execute();
}

export function updateReview(tx: Transaction<DB>, councilId: string, id: string, change: ReviewUpdate, at: Date): Promise<Review> {
  return tx
    .updateTable('reviews')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertReview(tx: Transaction<DB>, councilId: string, review: NewReview): Promise<Review> {
  return insertReviews(tx, councilId, [review]).then((rows) => rows[0] as Review);
}

function visibleReviews(db: Db, scope: Scope) {
  return visibleTo(db, 'reviews', scope);
}

export function findReview(db: Db, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<Review | undefined> {
  let query = visibleReviews(db, scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export interface ReviewFilter {
  readonly budgetId?: string | undefined;
  readonly personId?: string | undefined;
  readonly kind?: Review['kind'] | undefined;
  readonly status?: Review['status'] | undefined;
  readonly dueBefore?: string | undefined;
  /** Scheduled reviews due before this date (today, for "overdue"). */
  readonly overdueOn?: string | undefined;
}

export function listReviews(db: Db, scope: Scope, filter: ReviewFilter, after: string | null, limit: number): Promise<Review[]> {
  let query = visibleReviews(db, scope);
  if (filter.budgetId !== undefined) query = query.where('budget_id', '=', filter.budgetId);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.dueBefore !== undefined) query = query.where('due_date', '<', filter.dueBefore);
  if (filter.overdueOn !== undefined) query = query.where('status', '=', 'scheduled').where('due_date', '<', filter.overdueOn);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}
