import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Kysely over the service's database; SQL lives in the repositories that take it. */
    db: Kysely<DB>;
    database: Database;
  }
}

/** Makes the open database available to routes. The caller owns it and closes it. */
export default fp(
  async function database(app: FastifyInstance, options: { database: Database }) {
    app.decorate('database', options.database);
    app.decorate('db', options.database.db);
  },
  { name: 'database' },
);
