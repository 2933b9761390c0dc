import type { Questionnaire } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toQuestionnaire(row: Questionnaire) {
  const definition = row.definition;
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    title: row.title,
    sections: definition.sections,
    createdAt: iso(row.created_at),
  };
}
