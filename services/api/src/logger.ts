import { trace } from '@opentelemetry/api';
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { fieldOf } from './field-of.js';

/** Fields that identify a person: never written to logs. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
  '*.displayName',
  '*.dateOfBirth',
  '*.externalIds',
  '*.agent',
  '*.answers',
];

/**
 * The service's pino logger: JSON lines, personal fields redacted, and request URLs with the
 * values of personal query filters taken out (see {@link redactUrl}).
 *
 * @param destination - where lines go (standard output unless a test collects them)
 */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    base: { service: 'ras-api' },
    // Every line written inside a traced request (or a webhook delivery) carries its trace.
    mixin: activeTrace,
    serializers: {
      req: (request: { method?: string; url?: string; hostname?: string; ip?: string; id?: string }) => ({
        method: request.method,
        url: redactUrl(request.url ?? ''),
        hostname: request.hostname,
        remoteAddress: request.ip,
        id: request.id,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Query parameters whose values identify a person (a record-system id such as
 * `carefirst:100234`, a name, a date of birth): their values never reach the log.
 */
const PERSONAL_QUERY_PARAMETERS = new Set(['externalid', 'displayname', 'dateofbirth', 'name', 'q']);

/** A request URL for the log: the path as it came, personal query values replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {}
      return equals !== -1 && PERSONAL_QUERY_PARAMETERS.has(decoded.toLowerCase()) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

/** The trace and span of the active span, when tracing is on and one is active. */
function activeTrace(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The trace a request belongs to, for its completion line: its span's when tracing is on (the
 * request's own span, a child of the caller's), or else the caller's W3C `traceparent`, so the
 * line can still be found from the caller's trace.
 */
function requestTrace(request: FastifyRequest): { trace_id?: string; span_id?: string } {
  // Kept as the request's span began (observability/tracing.ts): by now the span has ended.
  const traceId = fieldOf(request, 'traceId');
  const spanId = fieldOf(request, 'spanId');
  if (typeof traceId === 'string' && typeof spanId === 'string') return { trace_id: traceId, span_id: spanId };
  const header = request.headers.traceparent;
  const match = typeof header === 'string' ? TRACEPARENT.exec(header) : null;
  return match ? { trace_id: match[1] ?? '', span_id: match[2] ?? '' } : {};
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that becomes a pino child only when it first writes a line. Fastify makes a
 * child logger for every request (binding its id); pino's child copies the bindings through the
 * serializers and redaction, which under load was the largest single cost every request paid,
 * even at `warn` when nothing is written (BENCHMARKS.md, issue 16). Lines are the same as the
 * child's: the child is made, with the same bindings, the first time one is enabled.
 */
export class RequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return ((this.#child ?? this.#parent) as Logger).isLevelEnabled(level);
  }

  #write(level: LevelName, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.#real()[level] as (...args: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/**
 * The access log: one line a request when it is answered (method, URL with personal query values
 * redacted, status, time taken), instead of Fastify's two (one as it arrives, one when answered).
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime, ...requestTrace(request) };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
