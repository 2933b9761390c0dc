import { resolve } from 'node:path';
import { isOneOf } from './one-of.js';
import { parseBlockedAddresses } from './webhooks/target-policy.js';

/** The service's configuration, read from the environment once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A PostgreSQL server; when absent the service runs on embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | null;
  /** A streaming replica of DATABASE_URL for reports and exports (DATABASE_REPLICA_URL). */
  readonly databaseReplicaUrl: string | null;
  /** How far behind the replica may be before the primary answers instead (REPLICA_MAX_LAG_SECONDS, 30). */
  readonly replicaMaxLagSeconds: number;
  readonly dataDir: string;
  /** The operator token that allows `createCouncil`; the route is off without it. */
  readonly bootstrapToken: string | null;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Seed the demo council into an empty database (default on). */
  readonly seedDemo: boolean;
  /** Requests a minute per API key on this instance; 0 switches the limit off. */
  readonly rateLimitPerMinute: number;
  /** Failed authentications a minute per client address on this instance before it is refused (429); 0 switches it off. */
  readonly failedAuthPerMinute: number;
  /** Let webhooks call private and loopback addresses (off: a webhook could otherwise probe the council's network). */
  readonly allowPrivateWebhooks: boolean;
  /** Addresses and CIDRs webhooks may never call, on top of the built-in rules (WEBHOOK_BLOCKED_ADDRESSES). */
  readonly webhookBlockedAddresses: readonly string[];
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address (Fastify's trustProxy):
   * `false` (default, the socket's address), `true`, a number of hops, or addresses and CIDRs.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /**
   * Slow clients (REQUEST_TIMEOUT_SECONDS, 30): the headers within this (at most 20 s); a body must
   * have averaged 500 bytes a second after this long, and be whole within 20 times it. A client
   * that stalls or trickles is answered 408 and cut off.
   */
  readonly requestTimeoutSeconds: number;
  /** Seconds a connection may carry nothing either way before it is closed (IDLE_TIMEOUT_SECONDS, 120). */
  readonly idleTimeoutSeconds: number;
  /**
   * Load shedding (MAX_EVENT_LOOP_DELAY_MS, 1000 with DATABASE_URL, off on PGlite): while the event
   * loop lags past this, requests are answered 503 with Retry-After at once, so a load balancer
   * sends them to another instance; 0 switches it off.
   */
  readonly maxEventLoopDelayMs: number;
  /**
   * Apply pending migrations as the service starts (MIGRATE_ON_START, true). Off where a migration
   * job runs them first (Kubernetes): the service then refuses to start on a database behind it.
   */
  readonly migrateOnStart: boolean;
  /**
   * How long an instance's hold on a running job lasts without a heartbeat (JOB_LEASE_SECONDS, 30):
   * when an instance dies mid-job, another takes the job up this long after its last heartbeat.
   */
  readonly jobLeaseSeconds: number;
  /** Serve /metrics and count every request for it (METRICS, true). */
  readonly metrics: boolean;
  /** The bearer token a scraper of /metrics must send (METRICS_TOKEN); without it /metrics is open. */
  readonly metricsToken: string | null;
  /**
   * OpenTelemetry tracing, exported over OTLP/HTTP: on when OTEL_EXPORTER_OTLP_ENDPOINT (or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set and OTEL_SDK_DISABLED is not true.
   */
  readonly tracing: boolean;
}

/** Thrown when the environment does not make a valid configuration; lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and checks the configuration from environment variables: PORT (3000), HOST (127.0.0.1),
 * DATABASE_URL, DATABASE_REPLICA_URL, REPLICA_MAX_LAG_SECONDS (30), DATA_DIR (./.data), BOOTSTRAP_TOKEN, LOG_LEVEL (info), SEED_DEMO (true on
 * embedded PGlite, false with DATABASE_URL),
 * RATE_LIMIT_PER_MINUTE (1200), AUTH_FAILURES_PER_MINUTE (60), ALLOW_PRIVATE_WEBHOOKS (false),
 * WEBHOOK_BLOCKED_ADDRESSES (none), TRUST_PROXY (false), REQUEST_TIMEOUT_SECONDS (30),
 * IDLE_TIMEOUT_SECONDS (120), MAX_EVENT_LOOP_DELAY_MS (1000 with DATABASE_URL, else 0), MIGRATE_ON_START (true), JOB_LEASE_SECONDS (30), METRICS (true), METRICS_TOKEN, and OpenTelemetry's own
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME and OTEL_SDK_DISABLED.
 *
 * @throws ConfigError naming every variable that is wrong and why
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const portText = text('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65_535)
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${portText}")`);

  const databaseUrl = text('DATABASE_URL') ?? null;
  if (databaseUrl !== null) {
    let valid = false;
    try {
      valid = ['postgres:', 'postgresql:'].includes(new URL(databaseUrl).protocol);
    } catch {}
    if (!valid) problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const databaseReplicaUrl = text('DATABASE_REPLICA_URL') ?? null;
  if (databaseReplicaUrl !== null) {
    let valid = false;
    try {
      valid = ['postgres:', 'postgresql:'].includes(new URL(databaseReplicaUrl).protocol);
    } catch {}
    if (!valid) problems.push('DATABASE_REPLICA_URL must be a postgres:// or postgresql:// URL');
    if (databaseUrl === null) problems.push('DATABASE_REPLICA_URL is a replica of DATABASE_URL: set DATABASE_URL too');
  }
  const lagText = text('REPLICA_MAX_LAG_SECONDS') ?? '30';
  if (!/^\d{1,5}$/.test(lagText)) problems.push(`REPLICA_MAX_LAG_SECONDS must be a whole number of seconds (got "${lagText}")`);

  const bootstrapToken = text('BOOTSTRAP_TOKEN') ?? null;
  if (bootstrapToken !== null && bootstrapToken.length < 24) {
    problems.push('BOOTSTRAP_TOKEN must be at least 24 characters long (use e.g. `openssl rand -hex 32`)');
  }

  const logLevelText = (text('LOG_LEVEL') ?? 'info').toLowerCase();
  const logLevel = isOneOf(LOG_LEVELS, logLevelText) ? logLevelText : 'info';
  if (logLevel !== logLevelText) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelText}")`);

  // The demo council (and its admin key in a file) is for trying the service on the embedded
  // database; a PostgreSQL server is a council's own, seeded only when asked.
  const seedText = (text('SEED_DEMO') ?? (text('DATABASE_URL') ? 'false' : 'true')).toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(seedText)) problems.push(`SEED_DEMO must be true or false (got "${seedText}")`);

  const rateText = text('RATE_LIMIT_PER_MINUTE') ?? '1200';
  if (!/^\d+$/.test(rateText)) problems.push(`RATE_LIMIT_PER_MINUTE must be a whole number, 0 to switch the limit off (got "${rateText}")`);

  const failuresText = text('AUTH_FAILURES_PER_MINUTE') ?? '60';
  if (!/^\d+$/.test(failuresText))
    problems.push(`AUTH_FAILURES_PER_MINUTE must be a whole number, 0 to switch the limit off (got "${failuresText}")`);

  const privateText = (text('ALLOW_PRIVATE_WEBHOOKS') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(privateText))
    problems.push(`ALLOW_PRIVATE_WEBHOOKS must be true or false (got "${privateText}")`);

  const blockedText = text('WEBHOOK_BLOCKED_ADDRESSES');
  const webhookBlockedAddresses = blockedText === undefined ? [] : blockedText.split(',').map((entry) => entry.trim());
  try {
    parseBlockedAddresses(webhookBlockedAddresses);
  } catch (error) {
    problems.push(`WEBHOOK_BLOCKED_ADDRESSES must list IP addresses and CIDRs separated by commas: ${(error as Error).message}`);
  }

  const proxyText = text('TRUST_PROXY') ?? 'false';
  let trustProxy: Config['trustProxy'] = false;
  if (['true', 'false'].includes(proxyText.toLowerCase())) trustProxy = proxyText.toLowerCase() === 'true';
  else if (/^\d{1,2}$/.test(proxyText)) trustProxy = Number(proxyText);
  else {
    const entries = proxyText.split(',').map((entry) => entry.trim());
    if (entries.every((entry) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry))) trustProxy = entries;
    else
      problems.push(
        `TRUST_PROXY must be true, false, a number of hops, or proxy addresses and CIDRs separated by commas (got "${proxyText}")`,
      );
  }

  const requestTimeoutText = text('REQUEST_TIMEOUT_SECONDS') ?? '30';
  if (!/^\d{1,4}$/.test(requestTimeoutText) || Number(requestTimeoutText) < 1 || Number(requestTimeoutText) > 3_600)
    problems.push(`REQUEST_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600 (got "${requestTimeoutText}")`);
  const idleTimeoutText = text('IDLE_TIMEOUT_SECONDS') ?? '120';
  if (!/^\d{1,5}$/.test(idleTimeoutText) || Number(idleTimeoutText) < 1 || Number(idleTimeoutText) > 86_400)
    problems.push(`IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 86400 (got "${idleTimeoutText}")`);

  // Shedding sends a request to another instance; embedded PGlite is one instance with its database
  // in-process (a long statement holds the event loop by design), so there it is off by default.
  const delayText = text('MAX_EVENT_LOOP_DELAY_MS') ?? (databaseUrl === null ? '0' : '1000');
  if (!/^\d{1,6}$/.test(delayText))
    problems.push(`MAX_EVENT_LOOP_DELAY_MS must be a whole number of milliseconds, 0 to switch load shedding off (got "${delayText}")`);

  const leaseText = text('JOB_LEASE_SECONDS') ?? '30';
  if (!/^\d{1,4}$/.test(leaseText) || Number(leaseText) < 3 || Number(leaseText) > 3_600)
    problems.push(`JOB_LEASE_SECONDS must be a whole number of seconds from 3 to 3600 (got "${leaseText}")`);

  const migrateText = (text('MIGRATE_ON_START') ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(migrateText))
    problems.push(`MIGRATE_ON_START must be true or false (got "${migrateText}")`);
  const metricsText = (text('METRICS') ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(metricsText))
    problems.push(`METRICS must be true or false (got "${metricsText}")`);
  const metricsToken = text('METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < 24) problems.push('METRICS_TOKEN must be at least 24 characters long');
  const tracing =
    (text('OTEL_EXPORTER_OTLP_ENDPOINT') ?? text('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) !== undefined &&
    (text('OTEL_SDK_DISABLED') ?? 'false').toLowerCase() !== 'true';

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: text('HOST') ?? '127.0.0.1',
    databaseUrl,
    databaseReplicaUrl,
    replicaMaxLagSeconds: Number(lagText),
    dataDir: resolve(text('DATA_DIR') ?? '.data'),
    bootstrapToken,
    logLevel,
    seedDemo: ['true', '1', 'yes'].includes(seedText),
    rateLimitPerMinute: Number(rateText),
    failedAuthPerMinute: Number(failuresText),
    allowPrivateWebhooks: ['true', '1', 'yes'].includes(privateText),
    webhookBlockedAddresses,
    trustProxy,
    requestTimeoutSeconds: Number(requestTimeoutText),
    idleTimeoutSeconds: Number(idleTimeoutText),
    maxEventLoopDelayMs: Number(delayText),
    migrateOnStart: ['true', '1', 'yes'].includes(migrateText),
    jobLeaseSeconds: Number(leaseText),
    metrics: ['true', '1', 'yes'].includes(metricsText),
    metricsToken,
    tracing,
  };
}
