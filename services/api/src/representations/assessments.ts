import type { Assessment } from '../db/schema.js';

/** What audit records and events carry: status and points, not the answers themselves. */
export function assessmentEvent(row: Assessment) {
  return {
    id: row.id,
    personId: row.person_id,
    questionnaireId: row.questionnaire_id,
    status: row.status,
    totalPoints: row.total_points,
    version: row.version,
  };
}
