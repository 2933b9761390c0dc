import type { QuestionnaireDefinition } from 'ras-core';
import type { Questionnaire } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toQuestionnaire(row: Questionnaire) {
  const definition = row.definition as Pick<QuestionnaireDefinition, 'sections'>;
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    title: row.title,
    sections: definition.sections,
    createdAt: iso(row.created_at),
  };
}
