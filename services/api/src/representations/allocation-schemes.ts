import { DEFAULT_CLAWBACK, type AllocationScheme as SchemeDefinition } from 'ras-core';
import type { AllocationScheme } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** A scheme version as the API shows it: its money rules, with the default clawback filled in. */
export function toScheme(row: AllocationScheme) {
  const definition = row.definition as SchemeDefinition;
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    questionnaireId: row.questionnaire_id,
    clientGroups: row.client_groups,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    method: definition.method,
    floorPoints: definition.floorPoints ?? null,
    belowFloor: definition.belowFloor ?? { action: 'refer' },
    ceilingPence: definition.ceilingPence ?? null,
    topSlicePercent: definition.topSlicePercent ?? null,
    clawback: definition.clawback ?? DEFAULT_CLAWBACK,
    weeksPerYear: definition.weeksPerYear ?? 52,
    rounding: definition.rounding ?? 'penny',
    createdAt: iso(row.created_at),
  };
}
