import { ConfigError, loadConfig } from './config.js';
import { lockDataDirOrExit } from './db/data-dir-lock.js';
import { openDatabase } from './db/database.js';
import { ReadRouter } from './db/replica.js';
import { createLogger } from './logger.js';

/** Starts the service: configuration, database, migrations, demo seed, listen, graceful shutdown. */
async function main(): Promise<void> {
  const startedAt = performance.now();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Before anything is loaded that it traces; off unless an OTLP endpoint is configured.
  const tracing = config.tracing ? (await import('./observability/tracing.js')).startTracing() : undefined;
  const lock = config.databaseUrl ? null : lockDataDirOrExit(config.dataDir);
  // The database opens (PGlite compiles its WebAssembly; a first start copies the migrated
  // template) while the rest of the service loads: the two were a second each, one after the
  // other (BENCHMARKS.md, issue 16).
  const opening = openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
  // Awaited below; until then a failure to open must not surface as an unhandled rejection.
  opening.catch(() => {});
  const [
    { buildApp },
    { purgeExpiredIdempotencyKeys },
    { migrateToLatest, databaseIsCurrent },
    { seedDemoCouncil },
    { WebhookRelay },
    { queueScheduledErasure },
    { startSchedule },
    { purgeFinishedJobs },
  ] = await Promise.all([
    import('./app.js'),
    import('./db/idempotency-repository.js'),
    import('./db/migrate.js'),
    import('./seed/demo-council.js'),
    import('./webhooks/relay.js'),
    import('./workflows/erasure.js'),
    import('./jobs/schedule.js'),
    import('./repositories/jobs.js'),
  ]);
  const database = await opening;
  if (config.migrateOnStart) {
    const applied = await migrateToLatest(database.db);
    for (const migration of applied) logger.info({ migration: migration.migrationName, status: migration.status }, 'migration');
  } else if (!(await databaseIsCurrent(database.db))) {
    throw new Error('The database is behind this version and MIGRATE_ON_START is false: run the migrations first (npm run migrate)');
  }

  const seeded = config.seedDemo ? await seedDemoCouncil(database.db, config.dataDir) : null;
  const replica = config.databaseReplicaUrl ? await openDatabase({ kind: 'postgres', url: config.databaseReplicaUrl, poolSize: 4 }) : null;
  const reads = new ReadRouter(database.db, replica, config.replicaMaxLagSeconds);
  const app = await buildApp({
    database,
    config,
    logger,
    reads,
    timeouts: { requestMs: config.requestTimeoutSeconds * 1_000, idleMs: config.idleTimeoutSeconds * 1_000 },
    // On PGlite this process alone opens the database: a job left running was left by its last run.
    jobs: { leaseMs: config.jobLeaseSeconds * 1_000, exclusive: database.kind === 'pglite' },
    ...(tracing ? { tracing } : {}),
  });
  const relay = new WebhookRelay(
    database.db,
    { allowPrivateTargets: config.allowPrivateWebhooks, blockedAddresses: config.webhookBlockedAddresses },
    app.log,
  );
  // Scheduled work, once a period across every instance on the database (jobs/schedule.ts).
  const schedule = startSchedule(
    database.db,
    app.jobs.instance,
    [
      {
        // Retention: a job a day for each council that asked for it (settings.dataProtection.retention.scheduledErasure).
        name: 'retention',
        everyMs: 86_400_000,
        run: async () => {
          const queued = await queueScheduledErasure(database.db, { rules: app.rules, clock: app.clock }, app.jobs.queue);
          if (queued.length > 0) logger.info({ jobs: queued }, 'retention: queued the daily erasure runs');
          app.jobs.wake();
        },
      },
      {
        // Idempotency keys answer retries for 24 hours, and ended jobs are kept 7 days; after that they are clutter.
        name: 'housekeeping',
        everyMs: 3_600_000,
        run: async () => {
          const keys = await purgeExpiredIdempotencyKeys(database.db);
          const jobs = await purgeFinishedJobs(database.db, new Date(app.clock.now().getTime() - 7 * 86_400_000));
          logger.info({ idempotencyKeys: keys, jobs }, 'housekeeping: removed what is past keeping');
        },
      },
    ],
    logger,
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // Keep-alive connections that were busy when the signal came go idle once their response is
    // sent; close them as they do, or the server would wait for clients to hang up.
    schedule.stop();
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    idle.unref();
    try {
      await app.close();
      await relay.stop();
      await reads.close();
      await database.close();
      await tracing?.shutdown();
      lock?.release();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  relay.start();
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  // Logs are JSON lines only, the start too. It is written whatever LOG_LEVEL says: operators and
  // scripts wait for it.
  const started = logger.child({}, { level: 'info' });
  started.info(
    {
      url: address,
      database: where,
      readyMs: Math.round(performance.now() - startedAt),
      docs: `${address}/docs`,
      openapi: `${address}/openapi.json`,
    },
    `RAS budget service listening on ${address}`,
  );
  if (seeded) {
    started.info(
      { council: seeded.councilName, credentialsFile: seeded.credentialsFile },
      `Demo council "${seeded.councilName}": its admin key is in ${seeded.credentialsFile}`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`The service could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
