import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RasError } from 'ras-core';
import {
  AppError,
  ERROR_CATALOGUE,
  type ErrorCode,
  errorCode,
  type FieldProblem,
  isConnectionFailure,
  type ProblemExtensions,
} from '../errors.js';
import { fieldOf } from '../field-of.js';
import { toFieldProblems } from '../http/field-problems.js';

/** The body of every error answer (RFC 9457). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: readonly FieldProblem[];
  existingId?: string;
  allowed?: readonly string[];
}

const RAS_ERROR_MAP: Record<string, ErrorCode> = {
  INVALID_QUESTIONNAIRE: 'INVALID_QUESTIONNAIRE',
  INVALID_ANSWERS: 'INVALID_ANSWERS',
  INVALID_SCHEME: 'INVALID_SCHEME',
  INVALID_CALIBRATION: 'INVALID_CALIBRATION',
};

const FASTIFY_ERROR_MAP: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
};

/** The problem type of a code: a path on the service, where a page describes the problem (routes/problems). */
export function problemType(code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/** A problem body for a code; `instance` is the path the request was for (never its query). */
export function problemBody(
  code: ErrorCode,
  detail: string,
  instance?: string,
  errors?: readonly FieldProblem[],
  extensions?: ProblemExtensions,
): ProblemBody {
  const { status, title } = ERROR_CATALOGUE[code];
  return {
    type: problemType(code),
    title,
    status,
    detail,
    code,
    ...(instance === undefined ? {} : { instance }),
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extensions,
  };
}

/**
 * The problem for an error the service raises on purpose (an AppError, or a RasError from the
 * calculation), or `null` for anything else: also what a batch answers for one bad line.
 */
export function refusal(error: unknown, instance: string): ProblemBody | null {
  if (error instanceof AppError) return problemBody(error.code, error.message, instance, error.errors, error.extensions);
  if (error instanceof RasError) return problemBody(RAS_ERROR_MAP[error.code] ?? 'INVALID_INPUT', error.message, instance, error.problems);
  return null;
}

function problem(
  code: ErrorCode,
  detail: string,
  request: FastifyRequest,
  errors?: readonly FieldProblem[],
  extensions?: ProblemExtensions,
): ProblemBody {
  return problemBody(code, detail, pathOf(request), errors, extensions);
}

/**
 * What goes to the log about a failed request: the error's type, code and where it was thrown,
 * with quoted values taken out of its message. A database error quotes the value it could not
 * take (`invalid input syntax for type date: "…"`, `Key (value)=(…)`), and that value may be a
 * person's date of birth or record-system id.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  const scrub = (text: string) =>
    text
      .replace(/"(?:[^"\\]|\\.)*"/g, '"[redacted]"')
      .replace(/'(?:[^'\\]|\\.)*'/g, "'[redacted]'")
      .replace(/\((?:[^()]|\([^()]*\))*\)=\((?:[^()]|\([^()]*\))*\)/g, '(…)=([redacted])');
  if (!(error instanceof Error)) return { type: typeof error };
  const code = errorCode(error);
  const routine = fieldOf(error, 'routine');
  return {
    type: error.name,
    ...(code !== undefined ? { code } : {}),
    ...(typeof routine === 'string' ? { routine } : {}),
    message: scrub(error.message),
    stack: scrub(error.stack ?? ''),
  };
}

/**
 * Answers errors that happen before a request reaches Fastify (headers or URL too large for
 * Node's parser, a malformed request line) with problem+json on the raw socket.
 */
export function clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, detail]: [ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', 'The request line and headers together are larger than 16 KiB']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', 'The request did not arrive whole in time (REQUEST_TIMEOUT_SECONDS): the connection is closed']
        : ['VALIDATION_FAILED', 'The request is not valid HTTP'];
  const body = JSON.stringify(problemBody(code, detail));
  const status = ERROR_CATALOGUE[code].status;
  socket.end(
    `HTTP/1.1 ${status} ${ERROR_CATALOGUE[code].title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Errors Fastify's router meets before a route is chosen: a malformed URL, a path segment too long. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? problem('URI_TOO_LONG', 'A part of the URL path is longer than 200 characters', request)
      : problem('VALIDATION_FAILED', 'The URL is not valid', request);
  reply.code(body.status).type('application/problem+json').serializer(JSON.stringify).send(body);
}

/** The path a request was made to, without its query string. */
function pathOf(request: FastifyRequest): string {
  const [path = ''] = request.url.split('?', 1);
  return path;
}

/** When the rate limiter's refusal says to try again (it sets the header on the error it throws). */
function rateLimitRetryAfter(error: unknown): unknown {
  return fieldOf(fieldOf(error, 'headers'), 'retry-after');
}

/** Maps any thrown error to a problem body; 5xx never carries the error's own words. */
export function toProblem(error: unknown, request: FastifyRequest): ProblemBody {
  const known = refusal(error, pathOf(request));
  if (known) return known;
  const fastifyError = error as FastifyError;
  if (Array.isArray(fastifyError.validation)) {
    const errors = toFieldProblems(fastifyError.validation, fastifyError.validationContext);
    return problem(
      'VALIDATION_FAILED',
      `The request ${fastifyError.validationContext ?? 'body'} is not valid: see errors`,
      request,
      errors,
    );
  }
  const mapped = typeof fastifyError.code === 'string' ? FASTIFY_ERROR_MAP[fastifyError.code] : undefined;
  if (mapped === 'UNSUPPORTED_MEDIA_TYPE') return problem(mapped, 'Send the body as application/json', request);
  if (mapped === 'PAYLOAD_TOO_LARGE') return problem(mapped, 'The request body is larger than this operation accepts', request);
  if (mapped) return problem(mapped, fastifyError.message, request);
  if (fastifyError.statusCode === 429)
    return problem('RATE_LIMITED', 'Too many requests for this API key; retry after the time in Retry-After', request);
  if (isConnectionFailure(error)) return problem('SERVICE_UNAVAILABLE', 'The database is not reachable; retry shortly', request);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return problem('VALIDATION_FAILED', fastifyError.message, request);
  return problem('INTERNAL', 'The request could not be completed. It has been logged with its request id.', request);
}

/** One error handler for the whole service: problem+json for every 4xx and 5xx, including unknown routes. */
export default fp(
  async function problemDetails(app: FastifyInstance) {
    app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const body = toProblem(error, request);
      if (body.status >= 500) request.log.error({ err: loggableError(error) }, 'request failed');
      else request.log.info({ code: body.code, status: body.status }, 'request refused');
      if (error instanceof AppError && error.headers) reply.headers(error.headers);
      // A refusal that names a person's budgets and what they are owed is a read of their money.
      if (error instanceof AppError && error.extensions?.owed) request.personalDataShown = ['record', 'money'];
      if (body.status === 503) reply.header('retry-after', '5');
      const retryAfter = rateLimitRetryAfter(error);
      if (body.status === 429 && retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      return reply.code(body.status).type('application/problem+json').serializer(JSON.stringify).send(body);
    });
    app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
      const body = problem('ROUTE_NOT_FOUND', `There is no route ${request.method} ${request.url.split('?')[0]}`, request);
      return reply.code(404).type('application/problem+json').serializer(JSON.stringify).send(body);
    });
  },
  { name: 'problem-details' },
);
