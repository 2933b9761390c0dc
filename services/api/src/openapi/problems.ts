import { ERROR_CATALOGUE, type ErrorCode, isErrorCode } from '../errors.js';
import { fieldOf } from '../field-of.js';
import type { DeclaredRoute } from './declared-route.js';
import { isSchema } from './schemas.js';

export type { DeclaredRoute };

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The error codes a route answers with beyond those every route of its kind can (see
     * {@link problemCodes}): its own 409s and 422s. The OpenAPI document declares them, and the
     * test suite fails on any problem a route answers that it did not declare.
     */
    problems?: readonly ErrorCode[];
  }
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  const properties = fieldOf(schema, 'properties');
  return isSchema(properties) ? properties : {};
}

/**
 * Every error code a route can answer with, in catalogue order: those that follow from how it is
 * declared (a body can be malformed, a keyed route refused, an `id` not found, an If-Match stale)
 * and the route's own `config.problems`.
 */
export function problemCodes(route: DeclaredRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(['VALIDATION_FAILED', 'INTERNAL', 'SERVICE_UNAVAILABLE']);
  const { schema, config } = route;
  const access = config?.access;
  if (access && access.kind !== 'public') {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'] as const) codes.add(code);
  }
  if (schema?.body) {
    for (const code of ['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_CONTENT_ENCODING'] as const) {
      codes.add(code);
    }
  }
  const params = propertiesOf(schema?.params);
  if (Object.keys(params).length > 0) {
    codes.add('URI_TOO_LONG');
    codes.add('NOT_FOUND');
  }
  const headers = propertiesOf(schema?.headers);
  if ('if-match' in headers) {
    codes.add('PRECONDITION_REQUIRED');
    codes.add('PRECONDITION_FAILED');
  }
  if ('idempotency-key' in headers) codes.add('IDEMPOTENCY_KEY_REUSED');
  if ('pageToken' in propertiesOf(schema?.querystring)) codes.add('INVALID_PAGE_TOKEN');
  for (const code of config?.problems ?? []) codes.add(code);
  return Object.keys(ERROR_CATALOGUE)
    .filter(isErrorCode)
    .filter((code) => codes.has(code));
}

/** The codes grouped by the HTTP status each answers with, statuses in order. */
export function problemsByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}
