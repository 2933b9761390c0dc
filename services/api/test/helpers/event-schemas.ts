import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { EVENT_CATALOGUE, type EventType } from '../../src/events/catalogue.js';

/**
 * The catalogue listEventTypes answers, compiled by a validator of a consumer's (Ajv, not the
 * service's TypeBox): an event a partner receives must match the schema it was told to expect.
 */
let validators: Map<string, { entityType: string; check: ValidateFunction }> | undefined;

function catalogueValidators() {
  if (validators) return validators;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  validators = new Map(
    Object.entries(EVENT_CATALOGUE).map(([type, entry]) => [
      type,
      { entityType: entry.entityType, check: ajv.compile(JSON.parse(JSON.stringify(entry.payload))) },
    ]),
  );
  return validators;
}

/**
 * Every stored event (of these councils, or all) that is not of a catalogued type, names another
 * entity type than its type's, or whose data does not match its type's payload schema: one line each.
 */
export async function eventsNotMatchingTheirSchemas(db: Kysely<DB>, councilIds?: readonly string[]): Promise<string[]> {
  if (councilIds && councilIds.length === 0) return [];
  let query = db.selectFrom('events').select(['id', 'type', 'entity_type', 'payload']);
  if (councilIds) query = query.where('council_id', 'in', councilIds);
  const wrong: string[] = [];
  for (const event of await query.execute()) {
    const expected = catalogueValidators().get(event.type as EventType);
    if (!expected) wrong.push(`${event.type} ${event.id}: not a type listEventTypes lists`);
    else if (expected.entityType !== event.entity_type)
      wrong.push(`${event.type} ${event.id}: entity type ${event.entity_type}, not ${expected.entityType}`);
    else if (!expected.check(event.payload))
      wrong.push(
        `${event.type} ${event.id}: ${(expected.check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`,
      );
  }
  return wrong;
}
