import fc from 'fast-check';

type Schema = Record<string, unknown>;

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  date: fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  'date-time': fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()),
  uuid: fc.uuid(),
  uri: fc.constantFrom('https://example.org/hook', 'http://10.0.0.1/x', 'ftp://x', 'https://[::1]/'),
};

/**
 * Values that fit a JSON Schema as TypeBox writes it (objects, arrays, strings with formats and
 * patterns, numbers, unions, enums), for driving every operation with plausible requests.
 */
export function arbitraryFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union) return fc.oneof(...union.map((option) => arbitraryFor(option, depth + 1)));
  switch (schema.type) {
    case 'string': {
      if (typeof schema.format === 'string' && FORMATS[schema.format]) return FORMATS[schema.format] as fc.Arbitrary<string>;
      if (typeof schema.pattern === 'string')
        return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= ((schema.maxLength as number) ?? 100));
      return fc.string({ minLength: (schema.minLength as number) ?? 0, maxLength: Math.min((schema.maxLength as number) ?? 40, 40) });
    }
    case 'integer':
      return fc.integer({
        min: Math.max((schema.minimum as number) ?? -1e6, -1e12),
        max: Math.min((schema.maximum as number) ?? 1e6, 1e12),
      });
    case 'number':
      return fc.double({
        min: (schema.minimum as number) ?? -1e6,
        max: (schema.maximum as number) ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const items = (schema.items as Schema | undefined) ?? {};
      return fc.array(arbitraryFor(items, depth + 1), {
        minLength: (schema.minItems as number) ?? 0,
        maxLength: Math.min((schema.maxItems as number) ?? 3, 3),
      });
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      if (depth > 4) return fc.constant({});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = arbitraryFor(property, depth + 1);
      if (Object.keys(properties).length === 0 && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), arbitraryFor(schema.additionalProperties as Schema, depth + 1), {
          maxKeys: 3,
        });
      }
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in record) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Requests that are wrong in the ways clients get them wrong: types swapped, fields dropped or added, junk. */
export function malformed(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    valid.chain((value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fc.constant(value);
      const keys = Object.keys(value);
      return fc.oneof(
        fc.constant({ ...value, unexpected: true }),
        keys.length === 0
          ? fc.constant(value)
          : fc.constantFrom(...keys).chain((key) =>
              fc.oneof(
                fc.constant(Object.fromEntries(Object.entries(value).filter(([k]) => k !== key))),
                fc
                  .constantFrom<unknown>(
                    -1,
                    1.5,
                    1e300,
                    '1',
                    '',
                    null,
                    [],
                    {},
                    true,
                    '\u0000',
                    'x'.repeat(5000),
                    -0,
                    Number.MAX_SAFE_INTEGER + 2,
                  )
                  .map((junk) => ({ ...value, [key]: junk })),
              ),
            ),
      );
    }),
  );
}
