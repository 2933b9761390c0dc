import pino, { type Logger } from 'pino';
import { REDACTED_LOG_PATHS } from './app.js';
import type { Config } from './config.js';

/** The service's pino logger: JSON lines, personal fields redacted. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' }, base: { service: 'ras-api' } });
}
