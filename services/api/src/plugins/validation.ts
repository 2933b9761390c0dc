import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Format } from 'typebox/format';
import { findControlCharacter } from '../http/control-characters.js';
import { isServiceDate, isServiceTimestamp } from '../http/dates.js';

// Dates the database and ras-core's calendar arithmetic both handle, and nothing else: TypeBox's
// own formats accept year 0000 (PostgreSQL has no year 0) and RFC 9557 suffixes such as
// `[Europe/London]` (PostgreSQL cannot read them), which reached the database as 500s.
Format.Set('date', isServiceDate);
Format.Set('date-time', isServiceTimestamp);

interface JsonSchema {
  readonly type?: unknown;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Turns one query, path or header value (text) into the type its schema declares, strictly: an
 * integer is digits only and exactly representable (`1.5`, `1e1`, `0x10` and
 * `99999999999999999999` stay text and fail the check), a boolean is `true` or `false`. Anything
 * that does not convert is left as it came, for the check to name.
 */
function convertParameter(schema: JsonSchema | undefined, value: unknown): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) return schema.type === 'array' ? value.map((item) => convertParameter(schema.items, item)) : value;
  if (typeof value !== 'string') return value;
  if (schema.anyOf) {
    for (const option of schema.anyOf) {
      const converted = convertParameter(option, value);
      if (converted !== value) return converted;
    }
    return value;
  }
  switch (schema.type) {
    case 'integer':
      return INTEGER.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
    case 'number':
      return NUMBER.test(value) && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
      return [convertParameter(schema.items, value)];
    default:
      return value;
  }
}

function convertParameters(schema: JsonSchema, value: unknown): unknown {
  const properties = schema.properties;
  if (properties === undefined || typeof value !== 'object' || value === null) return value;
  const converted: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const name of Object.keys(properties)) {
    if (converted[name] !== undefined) converted[name] = convertParameter(properties[name], converted[name]);
  }
  return converted;
}

/**
 * Compiles route schemas with TypeBox's own compiler. Bodies are checked exactly as sent (no
 * coercion: `"100"` is not 100 pence; control characters in JSON bodies are refused by the body
 * parser); query strings, path parameters and headers arrive as text, are converted strictly to
 * the declared types, and may not hold control characters.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  // Compiled when a route is first called, not when it is registered: compiling every route's
  // schemas was a fifth of the time from start to ready (BENCHMARKS.md, issue 16).
  let compiled: ReturnType<typeof Compile> | undefined;
  const checker = () => {
    compiled ??= Compile(schema);
    return compiled;
  };
  if (httpPart === 'body' || httpPart === undefined) {
    return (value: unknown) => {
      const check = checker();
      return check.Check(value) ? { value } : { error: check.Errors(value) };
    };
  }
  return (value: unknown) => {
    const check = checker();
    const candidate = convertParameters(schema, value);
    if (!check.Check(candidate)) return { error: check.Errors(candidate) };
    // Only declared fields are read by routes; a header the route never declared is not its concern.
    const parameters: JsonSchema = schema;
    const declared = Object.keys(parameters.properties ?? {});
    for (const name of declared) {
      const found = findControlCharacter((candidate as Record<string, unknown>)[name], '');
      if (found) {
        return {
          error: [
            {
              keyword: 'control',
              instancePath: `/${name}${found.pointer}`,
              schemaPath: `#/properties/${name}`,
              message: found.detail,
              params: {},
            },
          ],
        };
      }
    }
    return { value: candidate };
  };
};
