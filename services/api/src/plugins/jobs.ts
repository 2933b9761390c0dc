import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jobHandlers } from '../jobs/handlers.js';
import { JobRunner, type JobRunnerOptions } from '../jobs/runner.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's job runner: routes queue work as jobs and wake it. */
    jobs: JobRunner;
  }
}

/**
 * Long work as jobs (Prefer: respond-async): the runner starts when the service is ready and, on
 * close, stops taking work and lets the job in hand reach a step boundary (a job that can stop
 * part-way stops, and is taken up again where it stopped; one that cannot runs to its end).
 */
export default fp(
  async function jobs(app: FastifyInstance, options: Partial<JobRunnerOptions>) {
    const runner = new JobRunner(
      {
        db: app.db,
        rules: app.rules,
        clock: app.clock,
        log: app.log,
        handlers: jobHandlers({ flushAccessLog: () => app.accessLog.flush() }),
      },
      options,
    );
    app.decorate('jobs', runner);
    app.addHook('onReady', async () => runner.start());
    app.addHook('preClose', async () => runner.stop());
  },
  { name: 'jobs', dependencies: ['database', 'access-log'] },
);
