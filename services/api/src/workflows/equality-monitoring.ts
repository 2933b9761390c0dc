import type { PersonRecord } from '../db/rows.js';
import type { EqualityMonitoring } from '../db/schema.js';
import { assertVersion, notFound } from '../errors.js';
import { findEqualityMonitoring, saveEqualityMonitoring } from '../repositories/equality-monitoring.js';
import { findPerson } from '../repositories/people.js';
import type { WorkflowContext } from './context.js';
import { refuseErased } from './transition.js';

/** A person with their equality monitoring answers (none recorded yet: undefined). */
export interface PersonMonitoring {
  readonly person: PersonRecord;
  readonly row: EqualityMonitoring | undefined;
}

/**
 * Reads a person's equality monitoring answers. The read itself is the audited act: who looked at
 * whose special-category data, and when.
 */
export async function readEqualityMonitoring(context: WorkflowContext, personId: string): Promise<PersonMonitoring> {
  const { tx, scope, changes } = context;
  const person = await findPerson(tx, scope, personId);
  if (!person) throw notFound('person', personId);
  const row = await findEqualityMonitoring(tx, scope.councilId, person.person.id);
  changes.record({
    action: 'equality-monitoring.read',
    entityType: 'person',
    entityId: person.person.id,
    after: { personId: person.person.id, recorded: row !== undefined },
    event: false,
  });
  return { person, row };
}

/** The answers as the API names them; each sent is recorded, each left out keeps its answer, null makes it unknown. */
export interface SentAnswers {
  readonly sex?: string | null;
  readonly ethnicity?: string | null;
  readonly religion?: string | null;
  readonly sexualOrientation?: string | null;
  readonly primarySupportReason?: string | null;
}

/**
 * Records equality monitoring answers (If-Match "0" the first time). A field left out keeps its
 * answer, so a key that cannot read the answers cannot erase them by leaving them out. The audit
 * log names which answers changed, never the answers themselves.
 */
export async function recordEqualityMonitoring(
  context: WorkflowContext,
  personId: string,
  expectedVersion: number,
  sent: SentAnswers,
): Promise<PersonMonitoring> {
  const { tx, scope, changes } = context;
  await refuseErased(context, personId);
  const person = await findPerson(tx, scope, personId);
  if (!person) throw notFound('person', personId);
  const before = await findEqualityMonitoring(tx, scope.councilId, person.person.id, { forUpdate: true });
  assertVersion(expectedVersion, before?.version ?? 0);
  const kept = <T>(value: T | undefined, old: T | null | undefined): T | null => (value === undefined ? (old ?? null) : value);
  const answers = {
    sex: kept(sent.sex, before?.sex),
    ethnicity: kept(sent.ethnicity, before?.ethnicity),
    religion: kept(sent.religion, before?.religion),
    sexual_orientation: kept(sent.sexualOrientation, before?.sexual_orientation),
    primary_support_reason: kept(sent.primarySupportReason, before?.primary_support_reason),
  };
  const row = await saveEqualityMonitoring(
    tx,
    scope.councilId,
    person.person.id,
    answers,
    context.actor.actor,
    before,
    context.clock.now(),
  );
  changes.record({
    action: 'equality-monitoring.recorded',
    entityType: 'person',
    entityId: person.person.id,
    after: { personId: person.person.id, changed: Object.keys(sent), version: row.version },
    event: false,
  });
  return { person, row };
}

/** Audits an export of equality monitoring answers before its first byte: who took special-category data out, and when. */
export async function recordEqualityExport(
  context: WorkflowContext,
  export_: { readonly kind: string; readonly format: string; readonly since: string | null },
): Promise<void> {
  context.changes.record({
    action: 'equality-monitoring.exported',
    entityType: 'council',
    entityId: context.scope.councilId,
    after: export_,
    event: false,
  });
}
