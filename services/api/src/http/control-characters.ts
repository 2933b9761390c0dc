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
 */
export function findControlCharacter(value: unknown, prefix = ''): FieldProblem | null {
  if (typeof value === 'string') return hasControlCharacter(value) ? { pointer: prefix, detail: CONTROL_CHARACTER_DETAIL } : null;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findControlCharacter(value[index], `${prefix}/${index}`);
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    const pointer = `${prefix}/${escapeKey(key)}`;
    if (hasControlCharacter(key)) return { pointer, detail: `is a field name that ${CONTROL_CHARACTER_DETAIL}` };
    const found = findControlCharacter((value as Record<string, unknown>)[key], pointer);
    if (found) return found;
  }
  return null;
}
