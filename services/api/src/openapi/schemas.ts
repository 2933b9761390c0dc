import { fieldOf, textFieldOf } from '../field-of.js';
import { isOneOf } from '../one-of.js';

/**
 * Shapes the JSON Schemas @fastify/swagger copies from the routes into what code generators
 * (openapi-typescript, NSwag, openapi-generator) make good types from: closed sets as one `enum`
 * with a `type`, and every titled schema a named component referenced by `$ref`.
 */

export type JsonSchema = Record<string, unknown>;

const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SUBSCHEMA_KEYS = ['items', 'additionalProperties', 'not', 'contains'] as const;

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `[{ type: 'string', enum: ['a'] }, { const: 'b' }]` → `['a', 'b']`, or null when it is not a set of constants. */
function constantsOf(members: readonly unknown[]): unknown[] | null {
  const values: unknown[] = [];
  for (const member of members) {
    if (!isSchema(member)) return null;
    const extra = Object.keys(member).filter((key) => !['type', 'enum', 'const', 'description', 'title'].includes(key));
    if (extra.length > 0) return null;
    if (Array.isArray(member.enum)) values.push(...member.enum);
    else if ('const' in member) values.push(member.const);
    else return null;
  }
  return values;
}

/** The one type a list of constants shares (integers among numbers count as numbers), or null. */
function sharedType(values: readonly unknown[]): string | null {
  const types = new Set(values.map(jsonType));
  if (types.size === 2 && types.has('integer') && types.has('number')) return 'number';
  const [only] = types;
  return types.size === 1 && only !== undefined ? only : null;
}

/** Rewrites unions of constants as `enum` with `type`, and gives a bare `enum` or `const` its type. */
export function normaliseSchema(schema: JsonSchema): JsonSchema;
export function normaliseSchema(schema: unknown): unknown;
export function normaliseSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normaliseSchema);
  if (!isSchema(schema)) return schema;
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isSchema(value)) {
      result.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, normaliseSchema(property)]));
    } else if (isOneOf(SUBSCHEMA_LISTS, key) || isOneOf(SUBSCHEMA_KEYS, key)) {
      result[key] = normaliseSchema(value);
    } else {
      result[key] = value;
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = result[key];
    if (!Array.isArray(members)) continue;
    const values = constantsOf(members);
    const type = values && sharedType(values);
    if (values && type) {
      delete result[key];
      result.type = type;
      result.enum = [...new Set(values)];
    }
  }
  if ('const' in result && !('enum' in result)) {
    result.enum = [result.const];
    delete result.const;
  }
  if (Array.isArray(result.enum) && result.type === undefined) {
    const type = sharedType(result.enum);
    if (type) result.type = type;
  }
  return result;
}

/**
 * Moves every schema with a `title` into `components` under that title and leaves a `$ref` in its
 * place, deepest first. Two different schemas with one title are a mistake in the routes, so
 * generation fails and names both.
 */
export class ComponentRegistry {
  readonly schemas: Record<string, JsonSchema> = {};
  readonly #seen = new Map<string, string>();

  constructor(existing: Record<string, JsonSchema> = {}) {
    for (const [name, schema] of Object.entries(existing)) this.add(name, schema, `components.schemas.${name}`);
  }

  /** Registers a schema under a name and answers the `$ref` to it. */
  add(name: string, schema: JsonSchema, where: string): JsonSchema {
    const text = JSON.stringify(schema);
    const earlier = this.#seen.get(name);
    if (earlier !== undefined && earlier !== text) {
      throw new Error(`Two different schemas are titled ${name} (one at ${where}); give them different titles`);
    }
    this.#seen.set(name, text);
    this.schemas[name] = schema;
    return { $ref: `#/components/schemas/${name}` };
  }

  /** The schema with its titled parts (and itself, if titled) replaced by references. */
  hoist(schema: unknown, where: string): unknown {
    if (Array.isArray(schema)) return schema.map((item, i) => this.hoist(item, `${where}/${i}`));
    if (!isSchema(schema)) return schema;
    const result: JsonSchema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && isSchema(value)) {
        result.properties = Object.fromEntries(
          Object.entries(value).map(([name, property]) => [name, this.hoist(property, `${where}/properties/${name}`)]),
        );
      } else if (isOneOf(SUBSCHEMA_LISTS, key) || isOneOf(SUBSCHEMA_KEYS, key)) {
        result[key] = this.hoist(value, `${where}/${key}`);
      } else {
        result[key] = value;
      }
    }
    if (typeof result.title === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(result.title)) {
      // A property's description says what the field means here; it stays beside the reference.
      return this.add(result.title, result, where);
    }
    return result;
  }

  /**
   * A request or response body as a reference: hoisted, and, when it is an object or a list with
   * no title of its own, named `fallback`. A page of named items is `<Item>Page`.
   */
  body(schema: unknown, fallback: string, where: string): unknown {
    const hoisted = this.hoist(schema, where);
    if (!isSchema(hoisted) || '$ref' in hoisted) return hoisted;
    const properties = hoisted.properties;
    const itemRef = textFieldOf(fieldOf(fieldOf(properties, 'items'), 'items'), '$ref');
    const item = itemRef?.split('/').at(-1);
    if (item && isSchema(properties) && 'nextPageToken' in properties) {
      return this.add(`${item}Page`, { title: `${item}Page`, description: `A page of ${item} items`, ...hoisted }, where);
    }
    if (hoisted.type === 'object' || hoisted.type === 'array') return this.add(fallback, { title: fallback, ...hoisted }, where);
    return hoisted;
  }
}
