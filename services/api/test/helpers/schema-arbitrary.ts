import fc from 'fast-check';

type Schema = Record<string, unknown>;

/**
 * The input classes that once reached the database as 500s (issue 12): control characters,
 * dates PostgreSQL cannot hold, integers past 2^53 and numbers written as text. Mixed into what
 * every generator produces, a few times in a hundred.
 */
export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\u0007bell',
  '\u001b[31m',
  'tab\there',
  '\u007f',
  '\u202eevil',
  '\ud800',
  '99999999999999999999',
  '1e308',
  '0x10',
  '-0',
  ' 5',
  '1.5',
  'NaN',
  'x'.repeat(2_000),
];
export const EXTREME_DATES = [
  '0000-01-01',
  '0001-01-01',
  '1899-12-31',
  '9999-12-31',
  '10000-01-01',
  '2024-02-30',
  '+002026-01-01',
  '2026-1-1',
];
export const EXTREME_TIMESTAMPS = [
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-06-30T23:59:60Z',
  '2026-01-01T00:00:00Z[Europe/London]',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01t00:00:00z',
];
export const HUGE_NUMBERS = [
  2 ** 53,
  2 ** 53 + 2,
  1e20,
  -1e20,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  100_000_000_000,
  100_000_000_001,
  2 ** 31,
  -(2 ** 31) - 1,
  1e308,
  -0,
  0.1,
];
/** Webhook targets written in every form of a private address, and some public ones. */
export const URLS = [
  'https://example.org/hook',
  'http://10.0.0.1/x',
  'ftp://x',
  'https://[::1]/',
  'http://[::ffff:127.0.0.1]:8080/',
  'http://[0:0:0:0:0:ffff:7f00:1]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[::ffff:a9fe:a9fe]/latest/meta-data',
  'http://[::ffff:10.0.0.1]/',
  'http://[fe80::1%25eth0]/',
  'http://[2002:7f00:1::1]/',
  'http://169.254.169.254/',
  'http://0x7f000001/',
  'http://2130706433/',
  'http://127.1/',
  'http://localhost./',
  'https://[2606:4700:4700::1111]/',
];

/** Mostly `valid`, now and then one of `extremes`. */
function sometimes<T>(valid: fc.Arbitrary<T>, extremes: readonly unknown[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...extremes) as fc.Arbitrary<T> });
}

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  date: sometimes(
    fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    EXTREME_DATES,
  ),
  'date-time': sometimes(
    fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()),
    EXTREME_TIMESTAMPS,
  ),
  uuid: fc.uuid(),
  uri: fc.constantFrom(...URLS),
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
      return sometimes(
        fc.string({ minLength: (schema.minLength as number) ?? 0, maxLength: Math.min((schema.maxLength as number) ?? 40, 40) }),
        HOSTILE_STRINGS,
      );
    }
    case 'integer':
      return sometimes(
        fc.integer({
          min: Math.max((schema.minimum as number) ?? -1e6, -1e12),
          max: Math.min((schema.maximum as number) ?? 1e6, 1e12),
        }),
        HUGE_NUMBERS,
      );
    case 'number':
      return sometimes(
        fc.double({
          min: (schema.minimum as number) ?? -1e6,
          max: (schema.maximum as number) ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
        }),
        HUGE_NUMBERS,
      );
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
        return fc.dictionary(
          sometimes(fc.string({ minLength: 1, maxLength: 10 }), ['\u0000', 'a\u0000', '\u0001key', '__proto__', 'constructor']),
          arbitraryFor(schema.additionalProperties as Schema, depth + 1),
          { maxKeys: 3 },
        );
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
                    ...HOSTILE_STRINGS,
                    ...HUGE_NUMBERS,
                    ...EXTREME_DATES,
                    ...URLS,
                  )
                  .map((junk) => ({ ...value, [key]: junk })),
              ),
            ),
      );
    }),
  );
}
