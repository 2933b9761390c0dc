import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has working defaults: PGlite in ./.data on 127.0.0.1:3000, no operator token, demo seeded', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: null,
      bootstrapToken: null,
      logLevel: 'info',
      seedDemo: true,
      rateLimitPerMinute: 1200,
      failedAuthPerMinute: 60,
      allowPrivateWebhooks: false,
      webhookBlockedAddresses: [],
      trustProxy: false,
      databaseReplicaUrl: null,
      replicaMaxLagSeconds: 30,
      maxEventLoopDelayMs: 0,
      migrateOnStart: true,
      metrics: true,
      metricsToken: null,
      tracing: false,
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('sheds load by default only on PostgreSQL, where another instance can take the request', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://ras:secret@db:5432/ras' }).maxEventLoopDelayMs).toBe(1000);
    expect(loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '250' }).maxEventLoopDelayMs).toBe(250);
  });

  it('seeds the demo council by default only on the embedded database', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://ras:secret@db:5432/ras' }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://ras:secret@db:5432/ras', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://ras:secret@db:5432/ras',
      DATA_DIR: '/var/lib/ras',
      BOOTSTRAP_TOKEN: 'a'.repeat(32),
      LOG_LEVEL: 'WARN',
      SEED_DEMO: 'no',
      RATE_LIMIT_PER_MINUTE: '0',
      AUTH_FAILURES_PER_MINUTE: '10',
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.1',
      WEBHOOK_BLOCKED_ADDRESSES: '203.0.113.7, 2001:db8::/32',
      DATABASE_REPLICA_URL: 'postgres://ras:secret@replica:5432/ras',
      REPLICA_MAX_LAG_SECONDS: '10',
      REQUEST_TIMEOUT_SECONDS: '45',
      IDLE_TIMEOUT_SECONDS: '300',
      JOB_LEASE_SECONDS: '45',
      MAX_EVENT_LOOP_DELAY_MS: '250',
      METRICS: 'false',
      MIGRATE_ON_START: 'no',
      METRICS_TOKEN: 'm'.repeat(32),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
    });
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://ras:secret@db:5432/ras',
      databaseReplicaUrl: 'postgres://ras:secret@replica:5432/ras',
      replicaMaxLagSeconds: 10,
      dataDir: '/var/lib/ras',
      bootstrapToken: 'a'.repeat(32),
      logLevel: 'warn',
      seedDemo: false,
      rateLimitPerMinute: 0,
      failedAuthPerMinute: 10,
      allowPrivateWebhooks: true,
      webhookBlockedAddresses: ['203.0.113.7', '2001:db8::/32'],
      trustProxy: ['10.0.0.0/8', '192.168.1.1'],
      requestTimeoutSeconds: 45,
      idleTimeoutSeconds: 300,
      jobLeaseSeconds: 45,
      maxEventLoopDelayMs: 250,
      migrateOnStart: false,
      metrics: false,
      metricsToken: 'm'.repeat(32),
      tracing: true,
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBe(false);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        BOOTSTRAP_TOKEN: 'short',
        LOG_LEVEL: 'loud',
        SEED_DEMO: 'maybe',
        RATE_LIMIT_PER_MINUTE: '-1',
        AUTH_FAILURES_PER_MINUTE: 'many',
        TRUST_PROXY: 'the load balancer',
        WEBHOOK_BLOCKED_ADDRESSES: '10.0.0.0/99',
        DATABASE_REPLICA_URL: 'replica',
        REPLICA_MAX_LAG_SECONDS: 'soon',
        MAX_EVENT_LOOP_DELAY_MS: 'lots',
        METRICS_TOKEN: 'short',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'BOOTSTRAP_TOKEN',
        'LOG_LEVEL',
        'SEED_DEMO',
        'RATE_LIMIT_PER_MINUTE',
        'AUTH_FAILURES_PER_MINUTE',
        'DATABASE_REPLICA_URL',
        'REPLICA_MAX_LAG_SECONDS',
        'MAX_EVENT_LOOP_DELAY_MS',
        'METRICS_TOKEN',
      ])
        expect(message).toContain(name);
      expect((error as ConfigError).problems).toHaveLength(13);
    }
  });
});
