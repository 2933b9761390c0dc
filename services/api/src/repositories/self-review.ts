import { sql, type Transaction } from 'kysely';
import type { CriticalPathProgress, DB, Db, SelfRating, SelfRatingComponent, SelfRatingRound } from '../db/schema.js';
import { newId } from '../ids.js';
import { afterRow } from './keyset.js';

export function listProgress(db: Db, councilId: string, frameworkVersion: string): Promise<CriticalPathProgress[]> {
  return db
    .selectFrom('critical_path_progress')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('framework_version', '=', frameworkVersion)
    .orderBy('step_number')
    .execute();
}

export function findProgressForUpdate(
  tx: Transaction<DB>,
  councilId: string,
  frameworkVersion: string,
  step: number,
): Promise<CriticalPathProgress | undefined> {
  return tx
    .selectFrom('critical_path_progress')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('framework_version', '=', frameworkVersion)
    .where('step_number', '=', step)
    .forUpdate()
    .executeTakeFirst();
}

export interface ProgressFields {
  readonly status: CriticalPathProgress['status'];
  readonly statusDate: string | null;
  readonly notes: string | null;
  readonly answers: Record<string, string>;
  readonly updatedBy: string;
}

/** Records a step's progress, creating the row the first time (a council's row per step). */
export function saveProgress(
  tx: Transaction<DB>,
  councilId: string,
  frameworkVersion: string,
  step: number,
  fields: ProgressFields,
): Promise<CriticalPathProgress> {
  const values = {
    status: fields.status,
    status_date: fields.statusDate,
    notes: fields.notes,
    answers: JSON.stringify(fields.answers),
    updated_by: fields.updatedBy,
  };
  return tx
    .insertInto('critical_path_progress')
    .values({ council_id: councilId, framework_version: frameworkVersion, step_number: step, ...values })
    .onConflict((oc) =>
      oc
        .columns(['council_id', 'framework_version', 'step_number'])
        .doUpdateSet((eb) => ({ ...values, version: eb('critical_path_progress.version', '+', 1), updated_at: sql<Date>`now()` })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertRound(
  tx: Transaction<DB>,
  councilId: string,
  fields: { roundKey: string; title: string; closesOn: string },
): Promise<SelfRatingRound> {
  return tx
    .insertInto('self_rating_rounds')
    .values({ id: newId(), council_id: councilId, round_key: fields.roundKey, title: fields.title, closes_on: fields.closesOn })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findRound(db: Db, councilId: string, id: string): Promise<SelfRatingRound | undefined> {
  return db.selectFrom('self_rating_rounds').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

export function findRoundByKey(db: Db, councilId: string, roundKey: string): Promise<SelfRatingRound | undefined> {
  return db
    .selectFrom('self_rating_rounds')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('round_key', '=', roundKey)
    .executeTakeFirst();
}

/** A page of the council's rounds by closing date: `limit` after the round with id `after`. */
export function listRounds(db: Db, councilId: string, after: string | null, limit: number): Promise<SelfRatingRound[]> {
  let query = db.selectFrom('self_rating_rounds').selectAll().where('council_id', '=', councilId);
  if (after !== null) {
    query = query.where(afterRow('self_rating_rounds', 'closes_on', after, councilId));
  }
  return query.orderBy('closes_on').orderBy('id').limit(limit).execute();
}

export function listRatings(db: Db, councilId: string, roundId: string): Promise<SelfRating[]> {
  return db.selectFrom('self_ratings').selectAll().where('council_id', '=', councilId).where('round_id', '=', roundId).execute();
}

export function findRatingForUpdate(
  tx: Transaction<DB>,
  councilId: string,
  roundId: string,
  component: SelfRatingComponent,
): Promise<SelfRating | undefined> {
  return tx
    .selectFrom('self_ratings')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('round_id', '=', roundId)
    .where('component', '=', component)
    .forUpdate()
    .executeTakeFirst();
}

export function saveRating(
  tx: Transaction<DB>,
  councilId: string,
  roundId: string,
  component: SelfRatingComponent,
  fields: { rating: number; comment: string | null; proposedAction: string | null; userComments: string[]; updatedBy: string },
): Promise<SelfRating> {
  const values = {
    rating: fields.rating,
    comment: fields.comment,
    proposed_action: fields.proposedAction,
    user_comments: JSON.stringify(fields.userComments),
    updated_by: fields.updatedBy,
  };
  return tx
    .insertInto('self_ratings')
    .values({ council_id: councilId, round_id: roundId, component, ...values })
    .onConflict((oc) =>
      oc
        .columns(['round_id', 'component'])
        .doUpdateSet((eb) => ({ ...values, version: eb('self_ratings.version', '+', 1), updated_at: sql<Date>`now()` })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Every rating of a round, across the councils that opted in to the regional report (their
 * settings say regionalReportOptIn), with whether each may be named.
 */
export function regionalRatings(db: Db, roundKey: string) {
  return db
    .selectFrom('self_ratings as r')
    .innerJoin('self_rating_rounds as round', 'round.id', 'r.round_id')
    .innerJoin('councils as c', 'c.id', 'r.council_id')
    .select([
      'c.id as council_id',
      'c.name as council_name',
      sql<boolean>`coalesce((c.settings->>'regionalReportNamed')::boolean, false)`.as('named'),
      'r.component',
      'r.rating',
      'r.comment',
      'r.proposed_action',
      'r.user_comments',
      'round.closes_on',
    ])
    .where('round.round_key', '=', roundKey)
    .where(sql<boolean>`coalesce((c.settings->>'regionalReportOptIn')::boolean, false)`)
    .execute();
}

/** Whether the council rated anything in a round with this key. */
export async function tookPartIn(db: Db, councilId: string, roundKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('self_ratings as r')
    .innerJoin('self_rating_rounds as round', 'round.id', 'r.round_id')
    .select('r.council_id')
    .where('r.council_id', '=', councilId)
    .where('round.round_key', '=', roundKey)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The name of every council the service holds: the regional report scrubs them all from comments. */
export async function allCouncilNames(db: Db): Promise<string[]> {
  return (await db.selectFrom('councils').select('name').execute()).map((row) => row.name);
}
