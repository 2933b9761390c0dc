import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** The ETag of a resource at a version. */
export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * Reads If-Match and returns the version the client last saw: 428 when it is missing, 400 when
 * it is not one of our ETags. Compare it with the stored version inside the transaction.
 */
export function requireIfMatch(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') {
    throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match with the ETag from your last read of this resource');
  }
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match) throw new AppError('PRECONDITION_FAILED', `If-Match ${header} is not an ETag of this resource`);
  return Number(match[1]);
}
