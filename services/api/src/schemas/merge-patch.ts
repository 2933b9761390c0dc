import type { TSchema } from 'typebox';

/**
 * JSON Merge Patch (RFC 7396): what a partner sends to change part of a document. A member set to
 * `null` is removed, an object is merged member by member, anything else (text, numbers, arrays)
 * replaces what was there.
 */
export const MERGE_PATCH_MEDIA_TYPE = 'application/merge-patch+json';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document `target` with `patch` applied, as RFC 7396 section 2 sets out; neither is changed. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    // Defined, not assigned: a member named __proto__ is data, never the object's prototype.
    else
      Object.defineProperty(result, name, {
        value: applyMergePatch(result[name], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return result;
}

type Schema = Record<string, unknown>;

function isObjectSchema(schema: unknown): schema is Schema {
  return isObject(schema) && schema.type === 'object';
}

/** A member of a patch: its own patch when it is an object, else its value; `null` removes it. */
function memberPatch(schema: unknown): Schema {
  return { anyOf: [isObjectSchema(schema) ? objectPatch(schema) : schema, { type: 'null' }] };
}

function objectPatch(schema: Schema): Schema {
  const { required: _required, title, properties, additionalProperties, patternProperties, ...rest } = schema;
  const patch: Schema = { ...rest, type: 'object' };
  // Named as its own component: the patch of a LetterTemplate is not a LetterTemplate.
  if (typeof title === 'string') patch.title = `${title}Patch`;
  if (isObject(properties))
    patch.properties = Object.fromEntries(Object.entries(properties).map(([name, member]) => [name, memberPatch(member)]));
  if (isObject(patternProperties))
    patch.patternProperties = Object.fromEntries(
      Object.entries(patternProperties).map(([pattern, member]) => [pattern, memberPatch(member)]),
    );
  if (additionalProperties !== undefined)
    patch.additionalProperties = isObject(additionalProperties) ? memberPatch(additionalProperties) : additionalProperties;
  return patch;
}

/**
 * The schema of a merge patch of documents that `schema` describes: every member optional and
 * nullable (null removes it), objects patched member by member. It checks the patch's names and
 * types; what must hold of the whole (required members, checks across fields) is checked on the
 * document the patch makes.
 */
export function mergePatchSchema(schema: TSchema, description?: string): TSchema {
  // A plain JSON Schema: TypeBox compiles one as it does its own, and @fastify/swagger copies it.
  const json: unknown = JSON.parse(JSON.stringify(schema));
  if (!isObjectSchema(json)) throw new Error('A merge patch is of an object');
  const patch = objectPatch(json);
  return description === undefined ? patch : { ...patch, description };
}
