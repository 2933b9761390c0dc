import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The service reads request bodies as sent: a body with a Content-Encoding (gzip, say) would be
 * read as if it were plain text. Checked by the body parsers, so requests without a body pay nothing.
 *
 * @returns the 415 to answer with, or `null` when the body is plain
 */
export function encodedBodyError(request: FastifyRequest): AppError | null {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') return null;
  return new AppError('UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding ${encoding} is not accepted: send the body uncompressed`, {
    errors: [{ pointer: '/headers/content-encoding', detail: 'must be absent or identity' }],
  });
}
