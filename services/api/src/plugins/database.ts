import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { ReadRouter } from '../db/replica.js';
import type { DB } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Kysely over the service's database; SQL lives in the repositories that take it. */
    db: Kysely<DB>;
    database: Database;
    /** Where reports and exports read: a streaming replica when one is set and caught up, else `db`. */
    reads: ReadRouter;
  }
}

/** Makes the open database available to routes. The caller owns it and closes it. */
export default fp(
  async function database(app: FastifyInstance, options: { database: Database; reads?: ReadRouter | undefined }) {
    app.decorate('database', options.database);
    app.decorate('db', options.database.db);
    app.decorate('reads', options.reads ?? new ReadRouter(options.database.db, null));
  },
  { name: 'database' },
);
