import type { FieldProblem } from '../errors.js';

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. PostgreSQL cannot
 * store NUL in text at all, and none of them belongs in a name, a reason or a key, so they are
 * refused at the edge, naming the field, rather than failing deep in the database.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * JSON can carry a C0 control character or a lone surrogate only as a `\u` escape (a body
 * decoded from UTF-8 has neither raw), and DEL either escaped or raw: if the text has none of
 * these, the value has none.
 */
const ESCAPED_CONTROL = /\\u(?:00[01][0-9a-fA-F]|007[fF]|[dD][89a-fA-F])|\u007F/;

export const CONTROL_CHARACTER_DETAIL = 'must not contain control characters (such as NUL) or unpaired surrogates';

/**
 * Whether a piece of text holds a control character that is refused, or a lone UTF-16 surrogate
 * (`"\ud800"` in JSON): no UTF-8 can encode one, and PostgreSQL's jsonb refuses it.
 */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text) || LONE_SURROGATE.test(text);
}

/** Whether the raw text of a JSON body could hold a control character once parsed. */
export function mayHoldControlCharacter(json: string): boolean {
  return ESCAPED_CONTROL.test(json);
}

function escapeKey(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Finds the first string or object key in a value that holds a refused control character, and
 * names it with a JSON Pointer (`prefix` first: `/query`, `/headers`). `null` when there is none.
 * Walks with a stack of its own, not by recursion, so no nesting can exhaust the call stack, and
 * builds a pointer only for what it finds.
 */
export function findControlCharacter(value: unknown, prefix = ''): FieldProblem | null {
  // Each entry: a value, and the path of keys and indexes that leads to it.
  const stack: { value: unknown; path: readonly (string | number)[] }[] = [{ value, path: [] }];
  const pointer = (path: readonly (string | number)[]) =>
    prefix + path.map((step) => `/${typeof step === 'number' ? step : escapeKey(step)}`).join('');
  while (stack.length > 0) {
    const { value: item, path } = stack.pop() as { value: unknown; path: readonly (string | number)[] };
    if (typeof item === 'string') {
      if (hasControlCharacter(item)) return { pointer: pointer(path), detail: CONTROL_CHARACTER_DETAIL };
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    // Pushed in reverse, so the first offending field in document order is found first.
    if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index--) stack.push({ value: item[index], path: [...path, index] });
      continue;
    }
    const keys = Object.keys(item);
    for (const key of keys)
      if (hasControlCharacter(key)) return { pointer: pointer([...path, key]), detail: `is a field name that ${CONTROL_CHARACTER_DETAIL}` };
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index] as string;
      stack.push({ value: (item as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}
