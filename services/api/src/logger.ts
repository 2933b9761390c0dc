import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED_LOG_PATHS } from './app.js';
import type { Config } from './config.js';

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
