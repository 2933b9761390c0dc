/**
 * The OpenAPI document with every local `$ref` (`#/components/...`) replaced by what it points
 * to, so a test can walk an operation's schemas and parameters as plain objects. The document's
 * schemas are not recursive.
 */
export function dereferenced<T>(document: T): T {
  const root = document as unknown as Record<string, unknown>;
  const resolve = (value: unknown, seen: readonly string[]): unknown => {
    if (Array.isArray(value)) return value.map((item) => resolve(item, seen));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if (typeof record.$ref === 'string' && record.$ref.startsWith('#/')) {
      if (seen.includes(record.$ref)) throw new Error(`${record.$ref} refers to itself`);
      const target = record.$ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')], root);
      const { $ref: _, ...siblings } = record;
      return { ...(resolve(target, [...seen, record.$ref]) as object), ...(resolve(siblings, seen) as object) };
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, resolve(item, seen)]));
  };
  return resolve(document, []) as T;
}
