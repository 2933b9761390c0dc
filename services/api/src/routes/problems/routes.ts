import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PUBLIC } from '../../auth/roles.js';
import { ERROR_CATALOGUE, type ErrorCode, isErrorCode, notFound } from '../../errors.js';
import { escapeHtml } from '../../html/escape.js';
import { PAGE_END, pageStart } from '../../html/page.js';
import { wantsHtml } from '../../http/wants-html.js';
import { problemType } from '../../plugins/problem-details.js';
import { JsonOrHtml } from '../../schemas/common.js';

/** What a client should do about an answer of each status. */
const WHAT_TO_DO: Record<number, string> = {
  400: 'The request is not valid: `errors` names each field (a JSON Pointer) and what is wrong with it. Correct them and send it again.',
  401: 'Send a valid credential as `Authorization: Bearer <credential>`: an API key, or an access token from the council’s identity provider. `WWW-Authenticate` says why this one was refused.',
  403: 'The credential is valid but its roles do not allow this operation. Ask the council’s admin for a key or an identity provider role that does.',
  404: 'There is no such record, or it belongs to another council or another portal, which is answered the same way.',
  405: 'The path exists but not with this method: see /docs for the methods it takes.',
  406: 'Ask for a media type the operation produces (see /docs), or leave Accept out.',
  408: 'The request took too long to arrive. Send it again, whole and promptly.',
  409: 'The record’s state does not allow this now. Read it again, and act on what it says.',
  412: 'The record changed since you read it. Read it again, and send its new ETag in If-Match.',
  413: 'The body is too large. Send less at a time (a bulk file in parts).',
  414: 'The URL is too long.',
  415: 'Send the body as a media type the operation takes (usually application/json), without Content-Encoding unless the operation accepts it.',
  422: 'The input is well formed but breaks a rule of the service: `detail` and `errors` say which. Change the input, not the timing.',
  428: 'This change needs If-Match: read the record first and send its ETag.',
  429: 'Too many requests: wait for the seconds in Retry-After, then try again.',
  431: 'The request headers are too large.',
  500: 'Something went wrong on our side, and nothing was half-written. Try again; if it persists, give the council’s IT team the X-Request-Id.',
  503: 'The service, or something it depends on, is unavailable for the moment (overloaded, starting, or its database or the council’s identity provider unreachable). Wait for the seconds in Retry-After, then try again.',
};

/** The code a problem type's last path segment names (`/problems/not-found` → NOT_FOUND). */
function codeOf(slug: string): ErrorCode | null {
  const code = slug.toUpperCase().replaceAll('-', '_');
  return isErrorCode(code) && problemType(code) === `/problems/${slug}` ? code : null;
}

const ProblemType = Type.Object(
  { type: Type.String(), code: Type.String(), status: Type.Integer(), title: Type.String(), whatToDo: Type.String() },
  { title: 'ProblemType' },
);

/**
 * The pages a problem's `type` resolves to (RFC 9457, section 3.1.1): what the problem means and
 * what to do about it, as HTML for a person following the link and JSON for a program.
 */
const problemTypeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/problems/:slug',
    {
      config: { access: PUBLIC },
      schema: {
        hide: true,
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        ...JsonOrHtml(ProblemType),
      },
    },
    async (request, reply) => {
      const code = codeOf(request.params.slug);
      if (code === null) throw notFound('problem type', request.params.slug);
      const { status, title } = ERROR_CATALOGUE[code];
      const description = { type: problemType(code), code, status, title, whatToDo: WHAT_TO_DO[status] ?? '' };
      // The same for everyone and changed only by a release.
      reply.header('cache-control', 'public, max-age=86400').header('vary', 'accept');
      if (!wantsHtml(undefined, request.headers.accept)) return description;
      return reply.type('text/html; charset=utf-8').send(
        `${pageStart(`${title} (${code})`)}<h1>${escapeHtml(title)}</h1>
<dl><dt>Code</dt><dd><code>${code}</code></dd><dt>HTTP status</dt><dd>${status}</dd><dt>Type</dt><dd><code>${escapeHtml(description.type)}</code></dd></dl>
<h2>What to do</h2>
<p>${escapeHtml(description.whatToDo).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>
<p class="note">Every problem is answered as <code>application/problem+json</code> (RFC 9457) with this <code>code</code>, a <code>detail</code> about the request, and for invalid input an <code>errors</code> list naming each field. Which operations answer it is in the <a href="/docs">API reference</a>.</p>
${PAGE_END}`,
      );
    },
  );
};

export default problemTypeRoutes;
