import { sql, type Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import type { PersonRecord } from '../db/rows.js';
import type { DB, Db, Person } from '../db/schema.js';
import { newId } from '../ids.js';

export type { PersonRecord };

export interface PersonFields {
  readonly clientGroup: string;
  readonly displayName: string | null;
  readonly dateOfBirth: string | null;
  readonly agent: unknown;
  /** For a carer: the person they care for (left as it is when undefined). */
  readonly caresForPersonId?: string | null | undefined;
  /** Commissioned support without a personal budget (left as it is when undefined). */
  readonly commissionedSupport?: { readonly from: string; readonly to?: string | null | undefined } | null | undefined;
  /** Capacity, best interests and who helps (left as it is when undefined). */
  readonly representation?: unknown;
}

/** The columns of commissioned support, when the fields say anything about it. */
function commissionedColumns(fields: PersonFields) {
  const representation =
    fields.representation === undefined
      ? {}
      : { representation: fields.representation === null ? null : JSON.stringify(fields.representation) };
  if (fields.commissionedSupport === undefined) return representation;
  return {
    ...representation,
    commissioned_support_from: fields.commissionedSupport?.from ?? null,
    commissioned_support_to: fields.commissionedSupport?.to ?? null,
  };
}

/** The people a scope may see: the council's, narrowed to a portal key's own. */
function visiblePeople(db: Db, scope: Scope) {
  let query = db.selectFrom('people').selectAll().where('council_id', '=', scope.councilId);
  if (scope.portalKeyId !== null) query = query.where('created_by_key_id', '=', scope.portalKeyId);
  return query;
}

async function withExternalIds(db: Db, councilId: string, people: readonly Person[]): Promise<PersonRecord[]> {
  if (people.length === 0) return [];
  const rows = await db
    .selectFrom('person_external_ids')
    .select(['person_id', 'system', 'value'])
    .where('council_id', '=', councilId)
    .where(
      'person_id',
      'in',
      people.map((person) => person.id),
    )
    .execute();
  const byPerson = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const ids = byPerson.get(row.person_id) ?? {};
    ids[row.system] = row.value;
    byPerson.set(row.person_id, ids);
  }
  return people.map((person) => ({ person, externalIds: byPerson.get(person.id) ?? {} }));
}

/** Whom an external id already belongs to in the council, if anyone. */
export async function findExternalIdOwners(
  db: Db,
  councilId: string,
  externalIds: Readonly<Record<string, string>>,
): Promise<{ system: string; value: string; personId: string }[]> {
  const pairs = Object.entries(externalIds);
  if (pairs.length === 0) return [];
  const rows = await db
    .selectFrom('person_external_ids')
    .select(['system', 'value', 'person_id'])
    .where('council_id', '=', councilId)
    .where((eb) => eb.or(pairs.map(([system, value]) => eb.and([eb('system', '=', system), eb('value', '=', value)]))))
    .execute();
  return rows.map((row) => ({ system: row.system, value: row.value, personId: row.person_id }));
}

export async function insertPerson(
  tx: Transaction<DB>,
  councilId: string,
  fields: PersonFields,
  externalIds: Readonly<Record<string, string>>,
  createdByKeyId: string | null,
): Promise<PersonRecord> {
  const person = await tx
    .insertInto('people')
    .values({
      id: newId(),
      council_id: councilId,
      client_group: fields.clientGroup,
      display_name: fields.displayName,
      date_of_birth: fields.dateOfBirth,
      agent: fields.agent === null ? null : JSON.stringify(fields.agent),
      cares_for_person_id: fields.caresForPersonId ?? null,
      ...commissionedColumns(fields),
      created_by_key_id: createdByKeyId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await replaceExternalIds(tx, councilId, person.id, externalIds);
  return { person, externalIds: { ...externalIds } };
}

export async function replaceExternalIds(
  tx: Transaction<DB>,
  councilId: string,
  personId: string,
  externalIds: Readonly<Record<string, string>>,
): Promise<void> {
  await tx.deleteFrom('person_external_ids').where('council_id', '=', councilId).where('person_id', '=', personId).execute();
  const pairs = Object.entries(externalIds);
  if (pairs.length > 0) {
    await tx
      .insertInto('person_external_ids')
      .values(pairs.map(([system, value]) => ({ council_id: councilId, person_id: personId, system, value })))
      .execute();
  }
}

export async function updatePerson(tx: Transaction<DB>, councilId: string, id: string, fields: PersonFields, at: Date): Promise<Person> {
  return tx
    .updateTable('people')
    .set((eb) => ({
      client_group: fields.clientGroup,
      display_name: fields.displayName,
      date_of_birth: fields.dateOfBirth,
      agent: fields.agent === null ? null : JSON.stringify(fields.agent),
      ...(fields.caresForPersonId === undefined ? {} : { cares_for_person_id: fields.caresForPersonId }),
      ...commissionedColumns(fields),
      version: eb('version', '+', 1),
      updated_at: at,
    }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPerson(
  db: Db,
  scope: Scope,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<PersonRecord | undefined> {
  let query = visiblePeople(db, scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const person = await query.executeTakeFirst();
  if (!person) return undefined;
  const [record] = await withExternalIds(db, scope.councilId, [person]);
  return record;
}

export interface PeopleFilter {
  readonly externalId?: { readonly system: string; readonly value: string } | undefined;
  readonly clientGroup?: string | undefined;
}

export async function listPeople(db: Db, scope: Scope, filter: PeopleFilter, after: string | null, limit: number): Promise<PersonRecord[]> {
  let query = visiblePeople(db, scope);
  const externalId = filter.externalId;
  if (externalId) {
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('person_external_ids')
        .select('person_id')
        .where('council_id', '=', scope.councilId)
        .where('system', '=', externalId.system)
        .where('value', '=', externalId.value),
    );
  }
  if (filter.clientGroup !== undefined) query = query.where('client_group', '=', filter.clientGroup);
  if (after !== null) query = query.where('id', '>', after);
  const people = await query.orderBy('id').limit(limit).execute();
  return withExternalIds(db, scope.councilId, people);
}

/** One person of a bulk import, as the record system knows them. */
export interface ImportedPerson {
  readonly system: string;
  readonly externalId: string;
  readonly clientGroup: string;
  readonly displayName: string | null;
  readonly dateOfBirth: string | null;
  /** The NHS number (checked), kept as the person's `nhs` record-system id. */
  readonly nhsNumber?: string;
  /** Long-term support the council commissions without a personal budget, from–to. */
  readonly commissionedSupportFrom?: string | null;
  readonly commissionedSupportTo?: string | null;
}

/**
 * The people of the council who already hold these record-system ids, with every id they hold,
 * locked for update. One query for the whole batch (the caller keeps batches small enough for
 * PostgreSQL's 65,535 parameters).
 */
export async function findPeopleByExternalIds(
  tx: Transaction<DB>,
  councilId: string,
  pairs: readonly { system: string; value: string }[],
): Promise<Map<string, PersonRecord>> {
  const found = new Map<string, PersonRecord>();
  if (pairs.length === 0) return found;
  // Two arrays unnested into a table, rather than a batch's (system, value) pairs in an IN list:
  // two parameters, and an expression PGlite's stack can hold.
  const { rows: owners } = await sql<{ system: string; value: string; person_id: string }>`
    select e.system, e.value, e.person_id
    from person_external_ids e
    join unnest(${pairs.map((pair) => pair.system)}::text[], ${pairs.map((pair) => pair.value)}::text[]) as wanted(system, value)
      on e.system = wanted.system and e.value = wanted.value
    where e.council_id = ${councilId}`.execute(tx);
  if (owners.length === 0) return found;
  const people = await tx
    .selectFrom('people')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('id', 'in', [...new Set(owners.map((owner) => owner.person_id))])
    .orderBy('id')
    .forUpdate()
    .execute();
  const records = new Map((await withExternalIds(tx, councilId, people)).map((record) => [record.person.id, record]));
  for (const owner of owners) {
    const record = records.get(owner.person_id);
    if (record) found.set(`${owner.system}:${owner.value}`, record);
  }
  return found;
}

/** Creates people with one record-system id each, in two statements over arrays; returns them in the order given. */
export async function insertImportedPeople(
  tx: Transaction<DB>,
  councilId: string,
  people: readonly ImportedPerson[],
  createdByKeyId: string | null,
): Promise<Person[]> {
  if (people.length === 0) return [];
  // Ids are made here, so each record-system id is tied to its person by id, not by the order
  // RETURNING happens to give rows back in.
  const ids = people.map(() => newId());
  // Columns as arrays (unnest): a few parameters whatever the count, rather than seven a row.
  const { rows } = await sql<Person>`
    insert into people (id, council_id, client_group, display_name, date_of_birth, agent, created_by_key_id,
                        commissioned_support_from, commissioned_support_to)
    select person.id, ${councilId}::uuid, person.client_group, person.display_name, person.date_of_birth, null, ${createdByKeyId}::uuid,
           person.support_from, person.support_to
    from unnest(
      ${ids}::uuid[], ${people.map((person) => person.clientGroup)}::text[],
      ${people.map((person) => person.displayName)}::text[], ${people.map((person) => person.dateOfBirth)}::date[],
      ${people.map((person) => person.commissionedSupportFrom ?? null)}::date[],
      ${people.map((person) => person.commissionedSupportTo ?? null)}::date[]
    ) as person(id, client_group, display_name, date_of_birth, support_from, support_to)
    returning *`.execute(tx);
  await sql`
    insert into person_external_ids (council_id, person_id, system, value)
    select ${councilId}::uuid, external.person_id, external.system, external.value
    from unnest(${ids}::uuid[], ${people.map((person) => person.system)}::text[], ${people.map((person) => person.externalId)}::text[])
      as external(person_id, system, value)`.execute(tx);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) as Person);
}

/** Sets client group, name and date of birth on many people in one statement; returns the rows as they now are. */
export async function updateImportedPeople(
  tx: Transaction<DB>,
  councilId: string,
  changes: readonly { id: string; person: ImportedPerson }[],
): Promise<Person[]> {
  if (changes.length === 0) return [];
  const values = sql.join(
    changes.map(
      ({ id, person }) =>
        sql`(${id}::uuid, ${person.clientGroup}::text, ${person.displayName}::text, ${person.dateOfBirth}::date,
             ${person.commissionedSupportFrom === undefined && person.commissionedSupportTo === undefined}::boolean,
             ${person.commissionedSupportFrom ?? null}::date, ${person.commissionedSupportTo ?? null}::date)`,
    ),
  );
  const { rows } = await sql<Person>`
    update people as p
    set client_group = v.client_group, display_name = v.display_name, date_of_birth = v.date_of_birth,
        commissioned_support_from = case when v.keep_support then p.commissioned_support_from else v.support_from end,
        commissioned_support_to = case when v.keep_support then p.commissioned_support_to else v.support_to end,
        version = p.version + 1, updated_at = now()
    from (values ${values}) as v(id, client_group, display_name, date_of_birth, keep_support, support_from, support_to)
    where p.council_id = ${councilId} and p.id = v.id
    returning p.*`.execute(tx);
  return rows;
}

/** The record-system name an NHS number is kept under among a person's ids. */
export const NHS_SYSTEM = 'nhs';

/** Makes each NHS number its person's only `nhs` id: a number they held before is replaced. */
export async function setNhsNumbers(
  tx: Transaction<DB>,
  councilId: string,
  numbers: readonly { personId: string; nhs: string }[],
): Promise<void> {
  if (numbers.length === 0) return;
  const people = numbers.map((number) => number.personId);
  const values = numbers.map((number) => number.nhs);
  await sql`
    delete from person_external_ids e
     using unnest(${people}::uuid[], ${values}::text[]) as wanted(person_id, value)
     where e.council_id = ${councilId} and e.system = ${NHS_SYSTEM} and e.person_id = wanted.person_id and e.value <> wanted.value`.execute(
    tx,
  );
  await sql`
    insert into person_external_ids (council_id, person_id, system, value)
    select ${councilId}::uuid, wanted.person_id, ${NHS_SYSTEM}, wanted.value
      from unnest(${people}::uuid[], ${values}::text[]) as wanted(person_id, value)
    on conflict (council_id, system, value) do nothing`.execute(tx);
}

/** Who holds each of these NHS numbers in the council: the person and every record-system id they hold. */
export async function nhsNumberHolders(
  db: Db,
  councilId: string,
  numbers: readonly string[],
): Promise<Map<string, { personId: string; ids: Set<string> }>> {
  const holders = new Map<string, { personId: string; ids: Set<string> }>();
  if (numbers.length === 0) return holders;
  const { rows } = await sql<{ nhs: string; person_id: string; system: string; value: string }>`
    select n.value as nhs, e.person_id, e.system, e.value
      from person_external_ids n
      join person_external_ids e on e.council_id = n.council_id and e.person_id = n.person_id
     where n.council_id = ${councilId} and n.system = ${NHS_SYSTEM} and n.value = any(${[...numbers]}::text[])`.execute(db);
  for (const row of rows) {
    const holder = holders.get(row.nhs) ?? { personId: row.person_id, ids: new Set<string>() };
    holder.ids.add(`${row.system}:${row.value}`);
    holders.set(row.nhs, holder);
  }
  return holders;
}
