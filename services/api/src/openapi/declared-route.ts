import type { FastifyContextConfig, FastifySchema } from 'fastify';

/** What a route's declaration says, as both @fastify/swagger's transform and a request see it. */
export interface DeclaredRoute {
  readonly method: string | readonly string[];
  /** The full path, e.g. `/v1/budgets/:id` (absent where only the schema is known). */
  readonly url?: string;
  readonly schema?: FastifySchema | undefined;
  readonly config?: FastifyContextConfig | undefined;
}
