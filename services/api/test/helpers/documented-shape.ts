import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { expect } from 'vitest';

/**
 * Asserts that an answer is exactly what its response schema documents: valid against it, and
 * with no property the schema does not name. Routes serialized with plain JSON (the stateless
 * calculations) have no compiled serializer to drop undocumented fields, so this is their check.
 */
export function expectDocumentedShape(schema: TSchema, answer: unknown): void {
  const check = Compile(schema);
  expect([...check.Errors(answer)], 'answer matches its response schema').toEqual([]);
  expect(Value.Clean(schema, Value.Clone(answer)), 'answer has no undocumented property').toEqual(answer);
}
