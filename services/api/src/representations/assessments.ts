import { scoreAnswers } from 'ras-core';
import type { LoadedQuestionnaire } from '../db/rows.js';
import type { Assessment } from '../db/schema.js';
import { iso } from '../http/iso.js';

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

type AnswerValue = string | readonly string[];

/** An assessment as the API shows it: its answers and its score under the questionnaire it was made with. */
export function toAssessment(row: Assessment, questionnaire: LoadedQuestionnaire) {
  // An erased person's answers are gone: the points stored when the assessment was agreed stand.
  const erased = row.total_points !== null && Object.keys(row.answers ?? {}).length === 0;
  const score = erased
    ? { totalPoints: row.total_points as number, complete: true, missingQuestionKeys: [], sections: [] }
    : scoreAnswers(questionnaire.compiled, row.answers);
  return {
    id: row.id,
    personId: row.person_id,
    questionnaire: { id: questionnaire.row.id, key: questionnaire.row.key, version: questionnaire.row.version },
    status: row.status,
    completedWith: row.completed_with,
    answers: row.answers,
    submittedAnswers: row.submitted_answers as Record<string, AnswerValue> | null,
    moderation: row.moderation,
    eligibility: row.eligibility,
    score: {
      totalPoints: score.totalPoints,
      complete: score.complete,
      missingQuestionKeys: score.missingQuestionKeys,
      sections: score.sections,
    },
    submittedAt: iso(row.submitted_at),
    agreedAt: iso(row.agreed_at),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
