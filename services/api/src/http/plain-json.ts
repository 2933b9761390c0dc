import type { FastifySerializerCompiler } from 'fastify';

/**
 * Serializes a route's answers with `JSON.stringify` instead of a serializer compiled from the
 * response schema. For the stateless calculations, whose answers are ras-core results of several
 * kilobytes with many nullable and either-or fields, the compiled serializer checks each such
 * field against its alternatives at run time and builds the text piece by piece; measured under
 * load it made calculateBudget about a fifth slower (BENCHMARKS.md). The schema still documents
 * the answer, and the tests check every calculation answer against it, extra properties
 * included, since nothing here strips them.
 */
export const plainJson: FastifySerializerCompiler<unknown> = () => JSON.stringify;
