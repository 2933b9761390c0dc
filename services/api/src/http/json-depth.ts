/**
 * How deep a JSON text may nest objects and arrays. The deepest body the API takes (a questionnaire:
 * sections, questions, options) nests 6 levels; 32 leaves room and stops a text nested thousands
 * deep before anything walks it (walking it would take time and stack for nothing).
 */
export const MAX_JSON_DEPTH = 32;

export const JSON_DEPTH_DETAIL = `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests deeper than `max`, found in one pass over its characters without
 * parsing it (brackets inside strings do not count). Malformed text is left to the parser.
 *
 * @example
 * ```ts
 * nestsDeeperThan('[[["x"]]]', 2); // true
 * nestsDeeperThan('{"a":"[[[["}', 2); // false
 * ```
 */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return false;
}
