import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import compress from '@fastify/compress';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { ReadRouter } from './db/replica.js';
import { AppError } from './errors.js';
import { encodedBodyError } from './http/content-encoding.js';
import { findControlCharacter, mayHoldControlCharacter } from './http/control-characters.js';
import { JSON_DEPTH_DETAIL, nestsDeeperThan } from './http/json-depth.js';
import { cachedSerializers } from './http/serializer-cache.js';
import type { JobRunnerOptions } from './jobs/runner.js';
import { AccessLog, RequestLogger } from './logger.js';
import { requestSpans, type Tracing } from './observability/tracing.js';
import accessLog from './plugins/access-log.js';
import auth from './plugins/auth.js';
import conditionalRequests from './plugins/conditional-requests.js';
import database from './plugins/database.js';
import deprecation from './plugins/deprecation.js';
import jobs from './plugins/jobs.js';
import loadShedding from './plugins/load-shedding.js';
import metrics from './plugins/metrics.js';
import problemDetails, { clientErrorHandler, frameworkErrors } from './plugins/problem-details.js';
import rateLimit from './plugins/rate-limit.js';
import rules from './plugins/rules.js';
import securityHeaders from './plugins/security-headers.js';
import slowClients, { type BodyTimeouts } from './plugins/slow-clients.js';
import openapi from './plugins/swagger.js';
import { validatorCompiler } from './plugins/validation.js';
import routes from './routes/index.js';
import { Problem } from './schemas/common.js';
import { MERGE_PATCH_MEDIA_TYPE } from './schemas/merge-patch.js';
import { TargetPolicy } from './webhooks/target-policy.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where webhooks may point (ALLOW_PRIVATE_WEBHOOKS, WEBHOOK_BLOCKED_ADDRESSES). */
    webhookTargets: TargetPolicy;
    /** The clock for dates that matter to people (due, overdue, completed on). */
    clock: Clock;
  }
}

/**
 * What is compressed when the client accepts it and it is over 1 KB: JSON (problems too), NDJSON,
 * CSV, HTML and plain text. Not PDFs and images, already compressed, nor an event stream, which
 * must reach its reader as each event is written.
 */
const COMPRESSIBLE = /^(?:application\/(?:json|problem\+json|x-ndjson|[\w.-]+\+json)|text\/(?:csv|html|plain))(?:;|$)/;

/** What {@link buildApp} needs: an open database, the parts of the configuration routes use, and a logger. */
export interface AppOptions {
  readonly database: Database;
  /** Where reports and exports read (a replica router); the primary when absent. */
  readonly reads?: ReadRouter;
  readonly config: Pick<Config, 'bootstrapToken'> &
    Partial<
      Pick<
        Config,
        | 'rateLimitPerMinute'
        | 'failedAuthPerMinute'
        | 'allowPrivateWebhooks'
        | 'webhookBlockedAddresses'
        | 'trustProxy'
        | 'maxEventLoopDelayMs'
        | 'metrics'
        | 'metricsToken'
      >
    >;
  /** The clock (default the wall clock); tests stop it on a date worked out by hand. */
  readonly clock?: Clock;
  /** `false` only to measure what logging reads costs (the access-log benchmark); reads are logged otherwise. */
  readonly accessLog?: boolean;
  /**
   * How long a client has to send a whole request, and how long a connection may carry nothing
   * (default 30 s and 120 s; REQUEST_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS). Only a listening
   * server applies them; a test shortens them to watch them cut.
   */
  readonly timeouts?: { readonly requestMs: number; readonly idleMs: number };
  /** A pino logger, `true` for the default, `false` (the default) for none, as in tests. */
  readonly logger?: FastifyBaseLogger | boolean;
  /**
   * Councils' identity providers: how soon an unknown key id may fetch an issuer's keys again
   * (default 30 s) and how long a fetch may take (default 5 s). Tests shorten both.
   */
  readonly identityProviders?: { readonly jwksCooldownMs?: number; readonly timeoutMs?: number };
  /** OpenTelemetry tracing (observability/tracing.ts), when switched on: every request a span. */
  readonly tracing?: Tracing;
  /** The job runner's queue, lease and polling (jobs/runner.ts); tests give each app a queue of its own. */
  readonly jobs?: Partial<JobRunnerOptions>;
}

/** The timeouts for slow and hostile clients, from the two that are configured. */
export interface ClientTimeouts {
  /** Node's: the headers within `headersMs`, checked every `checkEveryMs`; keep-alive and idle connections. */
  readonly server: Partial<FastifyHttpOptions<Server>>;
  /** The body's (plugins/slow-clients.ts): it keeps arriving, at a least rate, and is whole within a limit. */
  readonly body: BodyTimeouts;
}

/**
 * Timeouts for slow and hostile clients (slowloris: headers or a body sent a byte at a time, or not
 * at all), from `requestMs` (REQUEST_TIMEOUT_SECONDS) and `idleMs` (IDLE_TIMEOUT_SECONDS):
 * - the headers must arrive within `requestMs`, at most 20 s (Node's `headersTimeout`, which Node
 *   checks every quarter of that, at most every 5 s);
 * - a body may take as long as it needs while it keeps coming, but after `requestMs` it must have
 *   averaged 500 bytes a second, and it must be whole within 20 × `requestMs` (a million-line
 *   `calculateBudgets` batch is read while it is answered, so Node's whole-request timeout, which
 *   would cut it, is off);
 * - a keep-alive connection idle between requests closes after 5 s, and one that carries nothing
 *   either way (a client that stopped reading, a handler that never answers) after `idleMs`.
 * So a stalled request is cut within `requestMs` and one check, whether it carries a key or not.
 */
export function clientTimeouts(timeouts: { readonly requestMs: number; readonly idleMs: number }): ClientTimeouts {
  const headersMs = Math.min(20_000, timeouts.requestMs);
  const checkEveryMs = Math.max(50, Math.min(5_000, Math.floor(headersMs / 4)));
  return {
    server: {
      requestTimeout: 0,
      connectionTimeout: timeouts.idleMs,
      keepAliveTimeout: Math.min(5_000, timeouts.idleMs),
      http: { headersTimeout: headersMs, connectionsCheckingInterval: checkEveryMs },
    },
    body: {
      graceMs: timeouts.requestMs,
      minBytesPerSecond: 500,
      maxMs: 20 * timeouts.requestMs,
      checkEveryMs: Math.min(1_000, checkEveryMs),
    },
  };
}

/**
 * Builds the service as a Fastify instance with every plugin and route registered. It never
 * listens: `server.ts` does, and tests call `inject()`.
 */
/** A merge patch sent to an operation that does not declare one (415): it would be read as a whole body. */
function mergePatchRefused(request: FastifyRequest): AppError | null {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type !== MERGE_PATCH_MEDIA_TYPE) return null;
  if (request.routeOptions.schema?.consumes?.includes(MERGE_PATCH_MEDIA_TYPE)) return null;
  return new AppError('UNSUPPORTED_MEDIA_TYPE', `This operation does not take ${MERGE_PATCH_MEDIA_TYPE}: send application/json`);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? false;
  const timeouts = clientTimeouts(options.timeouts ?? { requestMs: 30_000, idleMs: 120_000 });
  const fastifyOptions: FastifyHttpOptions<Server> = {
    bodyLimit: 1_048_576,
    ...timeouts.server,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    return503OnClosing: true,
    schemaController: { compilersFactory: { buildSerializer: cachedSerializers() } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    clientErrorHandler,
    frameworkErrors,
    // Behind a load balancer every request comes from its address: limits per client address
    // need the address it forwards (TRUST_PROXY), or they would treat all clients as one.
    // A number of hops is supported at run time though the types leave it out.
    trustProxy: (options.config.trustProxy ?? false) as boolean | string[],
  };
  const app = (
    typeof logger === 'boolean'
      ? Fastify({ ...fastifyOptions, logger })
      : Fastify({
          ...fastifyOptions,
          loggerInstance: logger,
          logController: new AccessLog(),
          childLoggerFactory: (parent, bindings, childOptions) => new RequestLogger(parent, bindings, childOptions),
        })
  ).withTypeProvider<TypeBoxTypeProvider>();
  // First, so that every hook and handler after it runs inside the request's span.
  if (options.tracing) await app.register(requestSpans, { tracing: options.tracing });
  app.setValidatorCompiler(validatorCompiler);
  // An empty body with a JSON content type (curl -X POST with headers set for the session) is no
  // body, not malformed JSON: transitions such as submitAssessment take none.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // A merge patch is JSON too (RFC 7396); only routes that declare it accept it (415 elsewhere).
  app.addContentTypeParser(['application/json', MERGE_PATCH_MEDIA_TYPE], { parseAs: 'string' }, (request, raw, done) => {
    // parseAs 'string' hands over text; the parser's type also allows a Buffer.
    const body = typeof raw === 'string' ? raw : raw.toString('utf8');
    const refused = mergePatchRefused(request);
    if (refused) {
      done(refused, undefined);
      return;
    }
    const encoded = encodedBodyError(request);
    if (encoded) {
      done(encoded, undefined);
      return;
    }
    if (body === '') {
      done(null, undefined);
      return;
    }
    if (nestsDeeperThan(body)) {
      done(
        new AppError('VALIDATION_FAILED', 'The request body is not valid: see errors', {
          errors: [{ pointer: '', detail: JSON_DEPTH_DETAIL }],
        }),
        undefined,
      );
      return;
    }
    if (!mayHoldControlCharacter(body)) {
      parseJson(request, body, done);
      return;
    }
    parseJson(request, body, (error, value) => {
      const found = error ? null : findControlCharacter(value);
      if (found) done(new AppError('VALIDATION_FAILED', 'The request body is not valid: see errors', { errors: [found] }), undefined);
      else done(error, value);
    });
  });
  app.addSchema(Problem);
  app.decorate('clock', options.clock ?? systemClock);
  await app.register(database, { database: options.database, reads: options.reads });
  app.decorate(
    'webhookTargets',
    new TargetPolicy({
      allowPrivate: options.config.allowPrivateWebhooks ?? false,
      blocked: options.config.webhookBlockedAddresses ?? [],
    }),
  );
  await app.register(problemDetails);
  await app.register(slowClients, timeouts.body);
  await app.register(securityHeaders);
  await app.register(auth, {
    bootstrapToken: options.config.bootstrapToken,
    failedAuthPerMinute: options.config.failedAuthPerMinute ?? 0,
    ...(options.identityProviders?.jwksCooldownMs === undefined ? {} : { jwksCooldownMs: options.identityProviders.jwksCooldownMs }),
    ...(options.identityProviders?.timeoutMs === undefined ? {} : { identityProviderTimeoutMs: options.identityProviders.timeoutMs }),
  });
  await app.register(rateLimit, { perMinute: options.config.rateLimitPerMinute ?? 0 });
  await app.register(deprecation);
  await app.register(openapi);
  await app.register(accessLog, { enabled: options.accessLog !== false });
  await app.register(rules);
  await app.register(jobs, options.jobs ?? {});
  if (options.config.metrics !== false) await app.register(metrics, { token: options.config.metricsToken ?? null });
  await app.register(loadShedding, { maxEventLoopDelayMs: options.config.maxEventLoopDelayMs ?? 0 });
  // Last of the answer's hooks: a 304 in place of an answer the client has, then compression of
  // what is still sent, once every other hook has seen the answer as it is.
  await app.register(conditionalRequests);
  await app.register(compress, {
    global: true,
    threshold: 1_024,
    customTypes: COMPRESSIBLE,
    // Request bodies keep their own rules (http/content-encoding.ts).
    globalDecompression: false,
  });
  await app.register(routes);
  return app;
}
