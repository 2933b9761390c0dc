/**
 * Whether `value` is one of `list`'s members, narrowing it to their type: the check a closed set
 * of names (log levels, roles, fields of a file) is read against without widening the set.
 */
export function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
