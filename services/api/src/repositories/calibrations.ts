import type { Transaction } from 'kysely';
import type { CalibrationResult } from 'ras-core';
import type { Calibration, DB, Db } from '../db/schema.js';
import { newId } from '../ids.js';

export function insertCalibration(
  tx: Transaction<DB>,
  councilId: string,
  result: CalibrationResult,
  createdBy: string,
): Promise<Calibration> {
  return tx
    .insertInto('calibrations')
    .values({
      id: newId(),
      council_id: councilId,
      case_count: result.caseCount,
      budget_pence: result.budgetPence,
      pounds_per_point_pence: result.poundsPerPointPence,
      result: JSON.stringify(result),
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findCalibration(db: Db, councilId: string, id: string): Promise<Calibration | undefined> {
  return db.selectFrom('calibrations').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}
