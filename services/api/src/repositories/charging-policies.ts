import { sql, type Transaction } from 'kysely';
import type { ChargingPolicyRules } from 'ras-core';
import type { ChargingPolicy, DB, Db } from '../db/schema.js';
import { newId } from '../ids.js';
import { afterRow } from './keyset.js';

export interface NewChargingPolicy {
  readonly name: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly basedOn: string | null;
  readonly rules: ChargingPolicyRules;
  readonly createdBy: string;
}

/**
 * Queues changes to a council's charging policies: taken before the overlap check, so two new
 * policies at once cannot both pass it or take the same version number.
 */
export async function lockChargingPolicies(tx: Transaction<DB>, councilId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`charging-policies:${councilId}`}, 0))`.execute(tx);
}

/** Adds a council's next charging policy version (after {@link lockChargingPolicies}). */
export async function insertChargingPolicy(tx: Transaction<DB>, councilId: string, fields: NewChargingPolicy): Promise<ChargingPolicy> {
  const { max } = await tx
    .selectFrom('charging_policies')
    .select((eb) => eb.fn.max<number | null>('version').as('max'))
    .where('council_id', '=', councilId)
    .executeTakeFirstOrThrow();
  return tx
    .insertInto('charging_policies')
    .values({
      id: newId(),
      council_id: councilId,
      version: (max ?? 0) + 1,
      name: fields.name,
      nation: fields.rules.nation,
      effective_from: fields.effectiveFrom,
      effective_to: fields.effectiveTo,
      based_on: fields.basedOn,
      rules: JSON.stringify(fields.rules),
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A policy of the council whose dates clash with `from`–`to`: one starting the same day, one with
 * an end date that `from` falls inside, or (when `to` is given) one starting inside the new range.
 * An open-ended policy runs until the next one starts, so a later start never clashes with it.
 */
export function overlappingChargingPolicy(db: Db, councilId: string, from: string, to: string | null): Promise<ChargingPolicy | undefined> {
  return db
    .selectFrom('charging_policies')
    .selectAll()
    .where('council_id', '=', councilId)
    .where((eb) =>
      eb.or([
        eb('effective_from', '=', from),
        eb.and([eb('effective_to', 'is not', null), eb('effective_from', '<=', from), eb('effective_to', '>=', from)]),
        ...(to === null ? [] : [eb.and([eb('effective_from', '>=', from), eb('effective_from', '<=', to)])]),
      ]),
    )
    .orderBy('effective_from')
    .limit(1)
    .executeTakeFirst();
}

export function findChargingPolicy(db: Db, councilId: string, id: string): Promise<ChargingPolicy | undefined> {
  return db.selectFrom('charging_policies').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

/** A page of the council's charging policies, earliest first. */
export function listChargingPolicies(db: Db, councilId: string, after: string | null, limit: number): Promise<ChargingPolicy[]> {
  let query = db.selectFrom('charging_policies').selectAll().where('council_id', '=', councilId);
  if (after !== null) query = query.where(afterRow('charging_policies', 'effective_from', after, councilId));
  return query.orderBy('effective_from').orderBy('id').limit(limit).execute();
}

/**
 * The council's policy in force on a date: the latest to start by then, unless it has ended.
 * `undefined` when the council has none for the date (the shipped policy for its nation applies).
 */
export async function chargingPolicyInForce(db: Db, councilId: string, date: string): Promise<ChargingPolicy | 'ended' | undefined> {
  const row = await db
    .selectFrom('charging_policies')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('effective_from', '<=', date)
    .orderBy('effective_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.effective_to !== null && row.effective_to < date ? 'ended' : row;
}
