import type { CalibrationResult } from 'ras-core';
import type { Calibration } from '../db/schema.js';
import { insertCalibration } from '../repositories/calibrations.js';
import type { WorkflowContext } from './context.js';

/** Keeps a desktop exercise's result (worked out by ras-core's calibrate) with who ran it. */
export async function recordCalibration(context: WorkflowContext, result: CalibrationResult): Promise<Calibration> {
  const row = await insertCalibration(context.tx, context.scope.councilId, result, context.actor.actor);
  context.changes.record({
    action: 'calibration.created',
    entityType: 'calibration',
    entityId: row.id,
    after: {
      id: row.id,
      caseCount: result.caseCount,
      budgetPence: result.budgetPence,
      poundsPerPointPence: result.poundsPerPointPence,
      integrity: result.integrity,
    },
  });
  return row;
}
