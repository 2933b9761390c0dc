/**
 * A property of a value whose shape is not known (a thrown error, a parsed file, a payload on its
 * way out): read without trusting the shape, so anything that is not an object gives `undefined`.
 */
export function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}

/** {@link fieldOf} when the field should be text: anything else gives `undefined`. */
export function textFieldOf(value: unknown, name: string): string | undefined {
  const field = fieldOf(value, name);
  return typeof field === 'string' ? field : undefined;
}
