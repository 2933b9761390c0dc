import { ERROR_CATALOGUE, type ErrorCode, isErrorCode } from '../errors.js';
import { fieldOf } from '../field-of.js';
import { problemsByStatus } from './problems.js';
import { ComponentRegistry, isSchema, type JsonSchema, normaliseSchema } from './schemas.js';

/**
 * Finishes the document @fastify/swagger builds from the routes: named components, shared
 * parameters and headers, a real description and every problem on each response. The routes stay
 * the one source; this only arranges what they declare the way generators and linters expect.
 */

type Operation = JsonSchema & {
  operationId?: string;
  parameters?: JsonSchema[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, JsonSchema & { content?: Record<string, { schema?: unknown }> }>;
};

/** Extension keys the per-route transform leaves on an operation for this step. */
export const PROBLEMS_EXTENSION = 'x-ras-problems';
export const KEYED_EXTENSION = 'x-ras-keyed';

const SHARED_PARAMETERS: Record<string, { name: string; in: string; component: JsonSchema }> = {
  IfMatch: {
    name: 'if-match',
    in: 'header',
    component: {
      name: 'If-Match',
      in: 'header',
      // Every operation that declares it refuses to change anything without it (428): required,
      // so a generated client makes its caller send it. The route checks it itself, for that 428
      // rather than the 400 a schema's check would give.
      required: true,
      description:
        'The `ETag` from your last read of the resource. Required for changes: without it the answer is 428 PRECONDITION_REQUIRED, and 412 PRECONDITION_FAILED if the resource has changed since.',
      schema: { type: 'string', maxLength: 200 },
    },
  },
  IdempotencyKey: {
    name: 'idempotency-key',
    in: 'header',
    component: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A key of your choosing (a UUID is good). A retry with the same key and body within 24 hours answers the first response again, with `Idempotent-Replayed: true`; the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED.',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  RasActor: {
    name: 'ras-actor',
    in: 'header',
    component: {
      name: 'Ras-Actor',
      in: 'header',
      required: false,
      description:
        'The person acting through the key, e.g. the record system’s user id; recorded with the change as an audit label. Separation of duties compares keys (one key is one person whatever this says), and two keys naming the same person are one person.',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  PageSize: {
    name: 'pageSize',
    in: 'query',
    component: {
      name: 'pageSize',
      in: 'query',
      required: false,
      description: 'Items per page (default 50, at most 200).',
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    },
  },
  PageToken: {
    name: 'pageToken',
    in: 'query',
    component: {
      name: 'pageToken',
      in: 'query',
      required: false,
      description: 'The `nextPageToken` of the page before; omit it for the first page.',
      schema: { type: 'string', maxLength: 200 },
    },
  },
};

const HEADERS: Record<string, JsonSchema> = {
  ETag: {
    description: 'The version of the resource: send it back as `If-Match` to change it.',
    schema: { type: 'string', example: '"3"' },
  },
  Location: { description: 'The URL of the resource created.', schema: { type: 'string', format: 'uri-reference' } },
  IdempotentReplayed: {
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
  RateLimitLimit: { description: 'Requests a minute this API key may make.', schema: { type: 'integer', minimum: 0 } },
  RateLimitRemaining: { description: 'Requests left in the current minute.', schema: { type: 'integer', minimum: 0 } },
  RateLimitReset: { description: 'Seconds until the current minute’s count starts again.', schema: { type: 'integer', minimum: 0 } },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
};

const header = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': header('RateLimitLimit'),
  'RateLimit-Remaining': header('RateLimitRemaining'),
  'RateLimit-Reset': header('RateLimitReset'),
};

function pascal(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A parameter a route declares as "Optional: …" stays its own (If-Match on a first PUT, say). */
const OPTIONAL = /^Optional: /;

function sharedParameter(parameter: JsonSchema): JsonSchema {
  if (typeof parameter.description === 'string' && OPTIONAL.test(parameter.description))
    // Spelt as the shared one is, so a generated client names the header the same way everywhere.
    return parameter.in === 'header' && String(parameter.name).toLowerCase() === 'if-match'
      ? { ...parameter, name: 'If-Match' }
      : parameter;
  for (const [component, shared] of Object.entries(SHARED_PARAMETERS)) {
    if (String(parameter.name).toLowerCase() === shared.name.toLowerCase() && parameter.in === shared.in) {
      return { $ref: `#/components/parameters/${component}` };
    }
  }
  return parameter;
}

/** What a successful answer is, in words, when the route does not say. */
function successDescription(method: string, status: string, operation: Operation, schemaName: string | undefined): string {
  const what = schemaName ? schemaName.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'answer';
  if (status === '204') return 'Done: nothing to send back.';
  if (status === '201') return `Created: the new ${what}, with its URL in Location.`;
  if (what.endsWith(' page')) return `A page of ${what.slice(0, -' page'.length)}s, with the token for the next.`;
  if (method === 'get') return `The ${what}.`;
  const summary = operation.summary ? String(operation.summary) : '';
  return summary ? `The ${what}: ${summary.charAt(0).toLowerCase()}${summary.slice(1)}.` : `The ${what}.`;
}

function problemResponse(codes: readonly ErrorCode[], keyed: boolean): JsonSchema {
  const [first] = codes;
  if (first === undefined) throw new Error('a problem response names at least one code');
  const status = ERROR_CATALOGUE[first].status;
  const headers: Record<string, unknown> = keyed ? { ...RATE_LIMIT_HEADERS } : {};
  if (status === 429 || status === 503) headers['Retry-After'] = header('RetryAfter');
  return {
    description: codes.map((code) => `${code}: ${ERROR_CATALOGUE[code].title}.`).join(' '),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: {
      'application/problem+json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }],
        },
      },
    },
  };
}

/**
 * Examples per operation, keyed `METHOD /path/{template}`: what the README journey
 * (examples/client/journey.ts) sent to the demo council and got back, kept in
 * openapi/examples.json.
 */
export type OperationExamples = Record<string, { request?: unknown; response: unknown; status: number; contentType: string }>;

/** A long text answer (an HTML page, a CSV file) shortened to its first lines for the document. */
function shortened(example: unknown): unknown {
  if (typeof example !== 'string' || example.length <= 1_200) return example;
  const lines = example.split('\n');
  let kept = '';
  for (const line of lines) {
    if (kept.length + line.length > 1_200) break;
    kept += `${line}\n`;
  }
  return kept === '' ? `${example.slice(0, 1_200)}…` : kept;
}

/** The finished document. */
export function finishDocument<D extends object>(document: D, examples: OperationExamples = {}): D {
  const given = fieldOf(document, 'components');
  const components = isSchema(given) ? given : {};
  const existing = isSchema(components.schemas) ? components.schemas : {};
  const registry = new ComponentRegistry(
    Object.fromEntries(Object.entries(existing).flatMap(([name, schema]) => (isSchema(schema) ? [[name, normaliseSchema(schema)]] : []))),
  );
  // The paths as @fastify/swagger writes them from the routes: the one shape this step assumes.
  const paths = fieldOf(document, 'paths') as Record<string, Record<string, Operation>>;
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const name = pascal(operation.operationId ?? `${method}${path}`);
      const where = `${method.toUpperCase()} ${path}`;
      const keyed = operation[KEYED_EXTENSION] === true;
      const declared = operation[PROBLEMS_EXTENSION];
      const codes = Array.isArray(declared) ? declared.filter(isErrorCode) : [];
      delete operation[KEYED_EXTENSION];
      delete operation[PROBLEMS_EXTENSION];
      if (!keyed) operation.security = [];

      if (operation.parameters) {
        operation.parameters = operation.parameters.map((parameter) => {
          const shared = sharedParameter(parameter);
          if (shared !== parameter) return shared;
          return { ...parameter, ...(parameter.schema ? { schema: normaliseSchema(parameter.schema) } : {}) };
        });
      }
      const example = examples[`${method.toUpperCase()} ${path}`];
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        media.schema = registry.body(normaliseSchema(media.schema), `${name}Request`, `${where} request`);
        const sent = example?.request;
        // Text (CSV, NDJSON) is kept as text; JSON as the value it is.
        const text = !type.includes('json') || type.includes('ndjson');
        if (sent !== undefined && (typeof sent === 'string') === text) Object.assign(media, { example: shortened(sent) });
      }

      const responses: Operation['responses'] = {};
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^2\d\d$/.test(status)) continue;
        let schemaName: string | undefined;
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (media.schema === undefined) continue;
          media.schema = registry.body(normaliseSchema(media.schema), `${name}Response`, `${where} ${status} ${type}`);
          if (example && String(example.status) === status && example.contentType === type) {
            Object.assign(media, { example: shortened(example.response) });
          }
          const ref = fieldOf(media.schema, '$ref');
          if (typeof ref === 'string' && schemaName === undefined) schemaName = ref.split('/').at(-1);
        }
        const headers: Record<string, unknown> = keyed ? { ...RATE_LIMIT_HEADERS } : {};
        if (status === '201') {
          headers.Location = header('Location');
          if ((operation.parameters ?? []).some((p) => p.$ref === '#/components/parameters/IdempotencyKey')) {
            headers['Idempotent-Replayed'] = header('IdempotentReplayed');
          }
        }
        const versioned = schemaName !== undefined && isVersioned(registry.schemas[schemaName]);
        if (versioned) headers.ETag = header('ETag');
        responses[status] = {
          ...response,
          description:
            response.description && response.description !== 'Default Response'
              ? response.description
              : successDescription(method, status, operation, schemaName),
          ...(Object.keys(headers).length > 0 ? { headers: { ...(isSchema(response.headers) ? response.headers : {}), ...headers } } : {}),
        };
      }
      for (const [status, statusCodes] of problemsByStatus(codes)) responses[String(status)] = problemResponse(statusCodes, keyed);
      operation.responses = responses;
    }
  }
  return {
    ...document,
    components: {
      ...components,
      schemas: registry.schemas,
      parameters: Object.fromEntries(Object.entries(SHARED_PARAMETERS).map(([name, shared]) => [name, shared.component])),
      headers: HEADERS,
    },
  };
}

/**
 * A resource carries an integer version, and its answers an ETag. (GET /version's `version` is the
 * service's, a string, and sends none.)
 */
function isVersioned(schema: JsonSchema | undefined): boolean {
  const required = fieldOf(schema, 'required');
  return (
    fieldOf(fieldOf(fieldOf(schema, 'properties'), 'version'), 'type') === 'integer' &&
    Array.isArray(required) &&
    required.includes('version')
  );
}
