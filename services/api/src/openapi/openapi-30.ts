import { Converter } from '@apiture/openapi-down-convert';
import { fieldOf } from '../field-of.js';
import { isSchema, type JsonSchema } from './schemas.js';

/**
 * The OpenAPI 3.0.3 rendition of the 3.1 document, for the generators that read only 3.0
 * (AutoRest, swagger-codegen, NSwag's older releases): the same operations and schemas, with
 * 3.1's forms written the 3.0 way. @apiture/openapi-down-convert does most of it (`const` to
 * `enum`, `examples` to `example`, type arrays with null to `nullable`, the licence identifier);
 * what it leaves, `anyOf` with `{ type: 'null' }`, is rewritten here: the other member with
 * `nullable: true`. 3.0 ignores a `$ref`'s siblings, so a nullable reference to an object is written
 * `allOf: [$ref]` with `nullable: true`, the form the 3.0.3 specification's clarification gives;
 * a nullable closed set (an enum) is written out in place.
 */

const isNullSchema = (schema: unknown): boolean =>
  isSchema(schema) && schema.type === 'null' && Object.keys(schema).every((key) => ['type', 'description', 'title'].includes(key));

/** A union with null, made 3.0's way; anything else as it was. */
function nullableOf(schema: JsonSchema, components: Record<string, unknown>): JsonSchema {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (!Array.isArray(members) || !members.some(isNullSchema)) continue;
    const rest = members.filter((member) => !isNullSchema(member));
    const { [key]: _union, ...outside } = schema;
    const [only] = rest;
    if (rest.length !== 1 || !isSchema(only)) return { ...outside, [key]: rest, nullable: true };
    const target = typeof only.$ref === 'string' ? components[only.$ref.split('/').at(-1) ?? ''] : undefined;
    // An object is referenced through allOf; a closed set is written out in place, because
    // generators make a class that extends the referenced type, and an enum cannot be extended.
    if (typeof only.$ref === 'string' && !(isSchema(target) && Array.isArray(target.enum)))
      // 3.0.3 reads nullable only beside a type: the referenced schema's (an object's).
      return {
        ...outside,
        ...(isSchema(target) && typeof target.type === 'string' ? { type: target.type } : {}),
        allOf: [only],
        nullable: true,
      };
    const { title: _title, ...named } = isSchema(target) ? target : only;
    const merged: JsonSchema = { ...named, ...outside, nullable: true };
    // A nullable enum lists null among its values, or a strict validator refuses null.
    if (Array.isArray(merged.enum) && !merged.enum.includes(null)) merged.enum = [...merged.enum, null];
    return merged;
  }
  return schema;
}

function rewrite(node: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, components));
  if (!isSchema(node)) return node;
  const shaped = nullableOf(node, components);
  return Object.fromEntries(Object.entries(shaped).map(([key, value]) => [key, rewrite(value, components)]));
}

/**
 * The 3.0.3 document of `document` (a 3.1 document, not changed), served from `serverUrl`: an
 * absolute URL, as 3.0 generators need one (they refuse `/`).
 */
export function toOpenApi30(document: object, serverUrl: string): JsonSchema {
  const converted = new Converter(structuredClone(document)).convert();
  const schemas = fieldOf(fieldOf(converted, 'components'), 'schemas');
  const rewritten = rewrite(converted, isSchema(schemas) ? schemas : {});
  if (!isSchema(rewritten)) throw new Error('The converted document is not an object');
  return { ...rewritten, openapi: '3.0.3', servers: [{ url: serverUrl, description: 'The RAS service' }] };
}

/** Where the committed 3.0 document says the service is: the README's first command serves it there. */
export const DEFAULT_SERVER_URL = 'http://localhost:3000';
