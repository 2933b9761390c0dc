import type { FieldProblem } from '../errors.js';

export interface SchemaError {
  readonly keyword?: string;
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

const FORMAT_DETAIL: Record<string, string> = {
  date: 'must be a real date from 1900-01-01 to 2199-12-31, written YYYY-MM-DD',
  'date-time': 'must be an RFC 3339 timestamp from 1900 to 2199, e.g. 2026-11-25T09:30:00Z',
};

const PART_PREFIX: Record<string, string> = { body: '', querystring: '/query', params: '/path', headers: '/headers' };

/**
 * Turns schema errors into field problems a person can act on: one per offending field, with its
 * JSON Pointer (body fields as they are; query, path and header fields under `/query`, `/path`,
 * `/headers`).
 */
export function toFieldProblems(errors: readonly SchemaError[], part: string | undefined): FieldProblem[] {
  const prefix = PART_PREFIX[part ?? 'body'] ?? '';
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, detail: string) => {
    const key = `${pointer}\u0000${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ pointer: `${prefix}${pointer}`, detail });
  };
  for (const error of errors) {
    const path = error.instancePath ?? '';
    const params = error.params ?? {};
    switch (error.keyword) {
      case 'boolean':
        // TypeBox reports an unknown field twice (false schema, then additionalProperties).
        break;
      case 'required':
        for (const name of (params.requiredProperties as string[] | undefined) ?? []) add(`${path}/${escapeKey(name)}`, 'is required');
        break;
      case 'additionalProperties':
        for (const name of (params.additionalProperties as string[] | undefined) ?? [])
          add(`${path}/${escapeKey(name)}`, 'is not a known field');
        break;
      case 'enum':
        add(
          path,
          `must be one of ${((params.allowedValues as unknown[] | undefined) ?? []).map((value) => JSON.stringify(value)).join(', ')}`,
        );
        break;
      case 'format':
        add(path, FORMAT_DETAIL[String(params.format)] ?? `must be a valid ${String(params.format)}`);
        break;
      default:
        add(path, error.message ?? 'is not valid');
    }
  }
  if (problems.length === 0) problems.push({ pointer: prefix || '', detail: 'is not valid' });
  return problems;
}

function escapeKey(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
