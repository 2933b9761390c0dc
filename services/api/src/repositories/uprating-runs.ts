import { sql, type Transaction } from 'kysely';
import type { Answers, FundingStream, Referral, UpratingSummary } from 'ras-core';
import type { DB, Db, UpratingRun, UpratingRunItem } from '../db/schema.js';
import { newId } from '../ids.js';
import { chunks, ROWS_PER_STATEMENT } from '../slices.js';

/** One current agreed budget as an uprating re-works it: only the parts the re-run needs, not its explanation. */
export interface CurrentBudget {
  readonly id: string;
  readonly person_id: string;
  readonly assessment_id: string;
  readonly questionnaire_id: string;
  readonly client_group: string;
  readonly contribution_collection: 'net' | 'gross' | null;
  readonly answers: Answers;
  readonly total_annual_pence: number;
  readonly ras_annual_pence: number;
  readonly panel_annual_pence: number | null;
  readonly weeks_covered: number;
  readonly streams: readonly FundingStream[];
  readonly weekly_contribution_pence: number;
  readonly protected_pence: number | null;
  readonly referrals: readonly Referral[] | null;
}

/**
 * Every budget an uprating re-works: agreed, under one of the schemes being replaced, and still
 * running on the date the new version takes effect. The stored explanation stays in the database;
 * only the inputs of a re-run are read.
 */
export async function currentBudgetsOf(
  db: Db,
  councilId: string,
  schemeIds: readonly string[],
  effectiveFrom: string,
): Promise<CurrentBudget[]> {
  if (schemeIds.length === 0) return [];
  const { rows } = await sql<CurrentBudget>`
    select b.id, b.person_id, b.assessment_id, a.questionnaire_id, p.client_group, b.contribution_collection, a.answers,
           b.total_annual_pence, b.ras_annual_pence, b.panel_annual_pence,
           (b.calculation ->> 'weeksCovered')::numeric as weeks_covered,
           coalesce(b.calculation -> 'streams', '[]'::jsonb) as streams,
           coalesce((b.calculation ->> 'weeklyContributionPence')::bigint, 0) as weekly_contribution_pence,
           (b.calculation -> 'transitionalProtection' ->> 'protectedPence')::bigint as protected_pence,
           b.calculation -> 'referrals' as referrals
      from budgets b
      join assessments a on a.id = b.assessment_id
      join people p on p.id = b.person_id
     where b.council_id = ${councilId}
       and b.status = 'agreed'
       and b.scheme_id = any(${sql.val([...schemeIds])}::uuid[])
       and (b.end_date is null or b.end_date >= ${effectiveFrom})
       -- A budget an applied run has already re-worked waits for its new one to be agreed.
       and not exists (
         select 1 from uprating_run_items i join uprating_runs r on r.id = i.run_id
          where i.budget_id = b.id and r.status = 'applied')
     order by b.id`.execute(db);
  return rows.map((row) => ({ ...row, weeks_covered: Number(row.weeks_covered) }));
}

export interface NewUpratingRun {
  readonly schemeId: string;
  readonly replacesSchemeIds: readonly string[];
  readonly effectiveFrom: string;
  readonly protection: { maxDecreasePercent?: number; maxDecreasePence?: number } | null;
  readonly summary: UpratingSummary;
  readonly createdBy: string;
}

export function insertUpratingRun(tx: Transaction<DB>, councilId: string, run: NewUpratingRun): Promise<UpratingRun> {
  return tx
    .insertInto('uprating_runs')
    .values({
      id: newId(),
      council_id: councilId,
      scheme_id: run.schemeId,
      replaces_scheme_ids: [...run.replacesSchemeIds],
      effective_from: run.effectiveFrom,
      protection: run.protection === null ? null : JSON.stringify(run.protection),
      status: 'dry-run',
      summary: JSON.stringify(run.summary),
      created_by: run.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Replaces a run's items (a dry run's, or the figures worked out again when it is applied). */
export async function replaceUpratingItems(
  tx: Transaction<DB>,
  councilId: string,
  runId: string,
  items: readonly Omit<UpratingRunItem, 'run_id' | 'council_id'>[],
): Promise<void> {
  await tx.deleteFrom('uprating_run_items').where('run_id', '=', runId).execute();
  for (const slice of chunks(items, ROWS_PER_STATEMENT))
    await tx
      .insertInto('uprating_run_items')
      .values(slice.map((item) => ({ ...item, run_id: runId, council_id: councilId })))
      .execute();
}

export function findUpratingRun(
  db: Db,
  councilId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<UpratingRun | undefined> {
  let query = db.selectFrom('uprating_runs').selectAll().where('council_id', '=', councilId).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateUpratingRun(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: { status: 'applied'; summary: UpratingSummary; applied_at: Date },
): Promise<UpratingRun> {
  return tx
    .updateTable('uprating_runs')
    .set((eb) => ({
      status: change.status,
      summary: JSON.stringify(change.summary),
      applied_at: change.applied_at,
      version: eb('version', '+', 1),
    }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A page of a run's people, by budget id; or all of them (`limit` null) for the CSV and the page. */
export function listUpratingItems(
  db: Db,
  councilId: string,
  runId: string,
  after: string | null,
  limit: number | null,
): Promise<UpratingRunItem[]> {
  let query = db.selectFrom('uprating_run_items').selectAll().where('council_id', '=', councilId).where('run_id', '=', runId);
  if (after !== null) query = query.where('budget_id', '>', after);
  query = query.orderBy('budget_id');
  return (limit === null ? query : query.limit(limit)).execute();
}

/** Whether another run over the same schemes is being applied or was applied (an uprating is applied once). */
export function appliedRunFor(db: Db, councilId: string, schemeId: string): Promise<UpratingRun | undefined> {
  return db
    .selectFrom('uprating_runs')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('scheme_id', '=', schemeId)
    .where('status', '=', 'applied')
    .executeTakeFirst();
}

/** The budget an uprated indicative budget replaces, when an applied run made it. */
export async function replacedByUprating(db: Db, councilId: string, newBudgetId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('uprating_run_items')
    .select('budget_id')
    .where('council_id', '=', councilId)
    .where('new_budget_id', '=', newBudgetId)
    .executeTakeFirst();
  return row?.budget_id;
}

/** Queues runs over one scheme key, so two cannot both pass the "applied once" check. */
export async function lockUpratingOf(tx: Transaction<DB>, councilId: string, schemeKey: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`uprating:${councilId}:${schemeKey}`}, 0))`.execute(tx);
}

/** For a budget an applied uprating run made: the budget it replaces and the run's protection rule. */
export function upratingOrigin(
  db: Db,
  councilId: string,
  newBudgetId: string,
): Promise<{ budget_id: string; protection: UpratingRun['protection'] } | undefined> {
  return db
    .selectFrom('uprating_run_items as i')
    .innerJoin('uprating_runs as r', 'r.id', 'i.run_id')
    .select(['i.budget_id', 'r.protection'])
    .where('i.council_id', '=', councilId)
    .where('i.new_budget_id', '=', newBudgetId)
    .executeTakeFirst();
}
