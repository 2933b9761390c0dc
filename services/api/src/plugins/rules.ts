import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CompiledRules } from '../repositories/compiled-rules.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiled questionnaire and scheme versions, cached (they never change). */
    rules: CompiledRules;
  }
}

export default fp(
  async function rules(app: FastifyInstance) {
    app.decorate('rules', new CompiledRules(app.db));
  },
  { name: 'rules', dependencies: ['database'] },
);
