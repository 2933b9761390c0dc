import type { Calibration } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toCalibration(row: Calibration) {
  return { ...row.result, id: row.id, createdAt: iso(row.created_at) };
}
