import type { Transaction } from 'kysely';
import type { Changes } from '../db/changes.js';
import type { DB } from '../db/schema.js';
import {
  findPeopleByExternalIds,
  type ImportedPerson,
  insertImportedPeople,
  setNhsNumbers,
  updateImportedPeople,
} from '../repositories/people.js';
import { chunks } from '../slices.js';
import type { InTransaction } from './context.js';

/** How many people of an import go to the database in one round of statements. */
export const IMPORT_BATCH = 5_000;

/**
 * How many people a best-effort import commits at a time. Small enough that the requests waiting
 * for a slice to commit wait a fraction of a second: on PGlite, one connection, each of a request's
 * statements can wait for one slice (5,000 rows a slice kept ordinary writes' p99 at 1.6 s beside a
 * 100,000-row import; bench:contention, issue 30).
 */
export const IMPORT_COMMIT_ROWS = 1_000;

/** What an import did. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Creates or updates people from a record system's file, matched by record-system id, inside the
 * caller's one transaction: all or nothing. Rows go in batches of {@link IMPORT_BATCH}, each a
 * handful of set-based statements, so no statement comes near PostgreSQL's limit of 65,535
 * parameters (a single statement for 7,000 rows did) and 100,000 rows take seconds, not minutes.
 * Every person created or changed gets an audit record and an event.
 */
export async function importPeople(
  { tx, changes }: { tx: Transaction<DB>; changes: Changes },
  input: {
    councilId: string;
    createdByKeyId: string | null;
    people: readonly ImportedPerson[];
    /** People already changed by this import (when it is written in slices): carried from slice to slice. */
    changedIds?: Set<string>;
  },
): Promise<ImportCounts> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  // People already changed by this import: a second row naming the same person by another of
  // their ids leaves them as the first row made them, whichever batch it falls in.
  const changedIds = input.changedIds ?? new Set<string>();
  for (let start = 0; start < input.people.length; start += IMPORT_BATCH) {
    const batch = input.people.slice(start, start + IMPORT_BATCH);
    const existing = await findPeopleByExternalIds(
      tx,
      input.councilId,
      batch.map((person) => ({ system: person.system, value: person.externalId })),
    );
    const fresh: ImportedPerson[] = [];
    const changed: { id: string; person: ImportedPerson }[] = [];
    for (const person of batch) {
      const record = existing.get(`${person.system}:${person.externalId}`);
      if (!record) {
        fresh.push(person);
        continue;
      }
      const row = record.person;
      if (
        changedIds.has(row.id) ||
        (row.client_group === person.clientGroup &&
          row.display_name === person.displayName &&
          row.date_of_birth === person.dateOfBirth &&
          (person.nhsNumber === undefined || record.externalIds.nhs === person.nhsNumber) &&
          (person.commissionedSupportFrom === undefined ||
            (row.commissioned_support_from === person.commissionedSupportFrom &&
              row.commissioned_support_to === (person.commissionedSupportTo ?? null))))
      ) {
        counts.unchanged++;
        continue;
      }
      changedIds.add(row.id);
      changed.push({ id: row.id, person });
    }
    const created = await insertImportedPeople(tx, input.councilId, fresh, input.createdByKeyId);
    // Inserted in the order given: each row is the person at its place in `fresh`.
    fresh.forEach((person, index) => {
      const row = created[index];
      if (!row) return;
      changes.record({
        action: 'person.created',
        entityType: 'person',
        entityId: row.id,
        after: {
          id: row.id,
          externalIds: { [person.system]: person.externalId, ...(person.nhsNumber ? { nhs: person.nhsNumber } : {}) },
          clientGroup: row.client_group,
          version: row.version,
          source: 'import',
        },
      });
    });
    counts.created += created.length;
    const updated = new Map((await updateImportedPeople(tx, input.councilId, changed)).map((row) => [row.id, row]));
    // Each NHS number the file gives is the person's `nhs` id (checked before: no one else holds it).
    await setNhsNumbers(tx, input.councilId, [
      ...fresh.flatMap((person, index) =>
        person.nhsNumber && created[index] ? [{ personId: created[index].id, nhs: person.nhsNumber }] : [],
      ),
      ...changed.flatMap(({ id, person }) => (person.nhsNumber ? [{ personId: id, nhs: person.nhsNumber }] : [])),
    ]);
    for (const { id, person } of changed) {
      const before = existing.get(`${person.system}:${person.externalId}`);
      const after = updated.get(id);
      if (!before || !after) continue;
      changes.record({
        action: 'person.updated',
        entityType: 'person',
        entityId: id,
        before: { id, clientGroup: before.person.client_group, version: before.person.version },
        after: { id, externalIds: before.externalIds, clientGroup: after.client_group, version: after.version, source: 'import' },
      });
    }
    counts.updated += updated.size;
  }
  return counts;
}

/** Where an import written in slices got to: the slices committed and what they did. */
export interface ImportProgress {
  readonly slices: number;
  readonly counts: ImportCounts;
}

/** How an import file is written, and how a job follows it. */
export interface ImportRun {
  readonly councilId: string;
  readonly createdByKeyId: string | null;
  readonly mode: 'all-or-nothing' | 'best-effort';
  readonly people: readonly ImportedPerson[];
  /** Where an earlier attempt got to (a job taken up again): its slices are not written twice. */
  readonly from?: ImportProgress;
  /** Called inside each slice's transaction, after its work, with where the import has got to. */
  readonly onSlice?: (progress: ImportProgress, rowsDone: number) => void;
  /** Asked before each slice of a best-effort import: true stops it there (a cancelled job). */
  readonly shouldStop?: () => boolean;
}

/**
 * Writes an import's good rows. All or nothing is one transaction, as its contract says. Best
 * effort commits a slice of {@link IMPORT_COMMIT_ROWS} rows at a time, so a long import never holds
 * other writes' way for long (on PGlite, one connection, every other request waits for the
 * transaction in progress), and one stopped part-way leaves whole slices written.
 */
export async function importInSlices(inTransaction: InTransaction, run: ImportRun): Promise<ImportCounts & { stopped: boolean }> {
  const slices = run.mode === 'all-or-nothing' ? [run.people] : chunks(run.people, IMPORT_COMMIT_ROWS);
  let progress: ImportProgress = run.from ?? { slices: 0, counts: { created: 0, updated: 0, unchanged: 0 } };
  const changedIds = new Set<string>();
  for (const [index, people] of slices.entries()) {
    if (index < progress.slices) continue;
    if (run.mode === 'best-effort' && run.shouldStop?.()) return { ...progress.counts, stopped: true };
    progress = await inTransaction(async (context) => {
      const slice = await importPeople(context, { councilId: run.councilId, createdByKeyId: run.createdByKeyId, people, changedIds });
      const next = {
        slices: index + 1,
        counts: {
          created: progress.counts.created + slice.created,
          updated: progress.counts.updated + slice.updated,
          unchanged: progress.counts.unchanged + slice.unchanged,
        },
      };
      run.onSlice?.(
        next,
        Math.min(run.people.length, (index + 1) * (run.mode === 'all-or-nothing' ? run.people.length : IMPORT_COMMIT_ROWS)),
      );
      return next;
    });
  }
  return { ...progress.counts, stopped: false };
}

type Core = readonly [string, string, string, string | null, string | null];
type WithSupport = readonly [string, string, string, string | null, string | null, string | null, string | null];

/**
 * A row of an import as a job keeps it: an array, not an object, as 100,000 rows' field names would
 * be half the payload. Five fields, seven with commissioned support; one more (six or eight) with
 * an NHS number last.
 */
export type ImportTuple = Core | WithSupport | readonly [...Core, string] | readonly [...WithSupport, string];

/** The rows of an import, as its job keeps them (commissioned support and NHS number only where the file gave them). */
export function importTuples(people: readonly ImportedPerson[]): ImportTuple[] {
  return people.map((person): ImportTuple => {
    const core: Core = [person.system, person.externalId, person.clientGroup, person.displayName, person.dateOfBirth];
    const row: Core | WithSupport =
      person.commissionedSupportFrom === undefined ? core : [...core, person.commissionedSupportFrom, person.commissionedSupportTo ?? null];
    return person.nhsNumber === undefined ? row : [...row, person.nhsNumber];
  });
}

/** The rows of an import, back from its job's payload. */
export function importedPeople(tuples: readonly ImportTuple[]): ImportedPerson[] {
  return tuples.map((tuple) => {
    const [system, externalId, clientGroup, displayName, dateOfBirth] = tuple;
    const person = { system, externalId, clientGroup, displayName, dateOfBirth };
    const withSupport =
      tuple.length >= 7 ? { ...person, commissionedSupportFrom: tuple[5] ?? null, commissionedSupportTo: tuple[6] ?? null } : person;
    const nhs = tuple.length === 6 || tuple.length === 8 ? tuple[tuple.length - 1] : undefined;
    return typeof nhs === 'string' ? { ...withSupport, nhsNumber: nhs } : withSupport;
  });
}

/**
 * What an import answers (and its job's result): the counts, with every bad row and its reason,
 * and the columns of the file it ignored (neither a field nor mapped to one).
 */
export function importReport<E>(
  mode: ImportRun['mode'],
  counts: ImportCounts,
  good: number,
  errors: readonly E[],
  failed: number,
  ignoredColumns: readonly string[] = [],
) {
  return {
    mode,
    total: good + failed,
    created: counts.created,
    updated: counts.updated,
    unchanged: counts.unchanged,
    failed,
    errors,
    ignoredColumns,
  };
}
