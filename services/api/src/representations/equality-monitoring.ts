import { ethnicGroupOf, monitoringAgeBand } from 'ras-core';
import type { EqualityMonitoring } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** A person's equality monitoring answers as the API shows them, with the age band on today's date. */
export function toEqualityMonitoring(personId: string, row: EqualityMonitoring | undefined, dateOfBirth: string | null, today: string) {
  return {
    personId,
    recorded: row !== undefined,
    sex: row?.sex ?? null,
    ethnicity: row?.ethnicity ?? null,
    ethnicGroup: row?.ethnicity ? ethnicGroupOf(row.ethnicity) : null,
    religion: row?.religion ?? null,
    sexualOrientation: row?.sexual_orientation ?? null,
    primarySupportReason: row?.primary_support_reason ?? null,
    ageBand: dateOfBirth === null ? null : monitoringAgeBand(dateOfBirth, today),
    version: row?.version ?? 0,
    updatedAt: row ? iso(row.updated_at) : null,
  };
}

/** Equality monitoring: a person's protected characteristics and primary support reason, for the fairness report. */
