import type { Kysely } from 'kysely';
import { compileQuestionnaire, compileScheme } from 'ras-core';
import { makeRoom } from '../bounded-map.js';
import type { LoadedQuestionnaire, LoadedScheme } from '../db/rows.js';
import type { AllocationScheme, DB, Questionnaire } from '../db/schema.js';
import { findScheme } from './allocation-schemes.js';
import { findQuestionnaire } from './questionnaires.js';

export type { LoadedQuestionnaire, LoadedScheme };

const MAX_ENTRIES = 2_000;

/** Compiles a questionnaire row (validated when it was created). */
export function loadQuestionnaire(row: Questionnaire): LoadedQuestionnaire {
  const definition = { ...row.definition, key: row.key, title: row.title, version: row.version };
  return { row, compiled: compileQuestionnaire(definition) };
}

/** Compiles a scheme row (validated when it was created). */
export function loadScheme(row: AllocationScheme): LoadedScheme {
  const definition = { ...row.definition, key: row.key, version: row.version };
  return { row, compiled: compileScheme(definition) };
}

/**
 * Questionnaire and scheme versions never change once created, so each is read and compiled once
 * and kept: a budget calculation then costs no database read for its rules. Entries are keyed by
 * council and id, so a lookup never crosses councils.
 */
export class CompiledRules {
  readonly #entries = new Map<string, Promise<LoadedQuestionnaire | LoadedScheme | undefined>>();
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /**
   * @param db - pass the transaction when inside one: PGlite has a single connection, so a read
   *   outside the transaction would wait for it forever.
   */
  questionnaire(councilId: string, id: string, db: Kysely<DB> = this.#db): Promise<LoadedQuestionnaire | undefined> {
    return this.#get(`q:${councilId}:${id}`, async () => {
      const row = await findQuestionnaire(db, councilId, id);
      return row && loadQuestionnaire(row);
    }) as Promise<LoadedQuestionnaire | undefined>;
  }

  /** @param db - the transaction when inside one (see {@link CompiledRules.questionnaire}). */
  scheme(councilId: string, id: string, db: Kysely<DB> = this.#db): Promise<LoadedScheme | undefined> {
    return this.#get(`s:${councilId}:${id}`, async () => {
      const row = await findScheme(db, councilId, id);
      return row && loadScheme(row);
    }) as Promise<LoadedScheme | undefined>;
  }

  #get(
    key: string,
    load: () => Promise<LoadedQuestionnaire | LoadedScheme | undefined>,
  ): Promise<LoadedQuestionnaire | LoadedScheme | undefined> {
    const cached = this.#entries.get(key);
    if (cached) return cached;
    const loading = load().then((loaded) => {
      // Only found rules are kept: an id that does not exist yet may exist later.
      if (loaded === undefined) this.#entries.delete(key);
      return loaded;
    });
    loading.catch(() => this.#entries.delete(key));
    makeRoom(this.#entries, MAX_ENTRIES);
    this.#entries.set(key, loading);
    return loading;
  }
}
