import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { isUuid } from '../ids.js';
import type { DeclaredRoute } from '../openapi/declared-route.js';
import { erasedAmong } from '../repositories/erasure.js';

/** Body fields that name a person or one of their records. */
const PERSON_REFERENCES = ['personId', 'caresForPersonId', 'budgetId', 'assessmentId', 'planId', 'decisionId', 'reviewId', 'agreementId'];
/** Resources whose `:id` is a person or one of their records. */
const PERSON_RECORD_PATH = /^\/v1\/(people|assessments|budgets|support-plans|appeals|reviews|direct-payment-agreements)\/:id(\/|$)/;

function bodyProperties(route: DeclaredRoute): string[] {
  const properties = (route.schema?.body as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/**
 * Whether a route changes a person's records (so answers 409 PERSON_ERASED for one whose personal
 * data was erased): a keyed write on a person-record path, or one whose body names a person or
 * their record.
 */
export function changesPersonRecords(route: DeclaredRoute): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.every((method) => method === 'GET' || method === 'HEAD')) return false;
  if (route.config?.access?.kind !== 'roles') return false;
  if (route.url !== undefined && PERSON_RECORD_PATH.test(route.url)) return true;
  return bodyProperties(route).some((name) => PERSON_REFERENCES.includes(name));
}

/** The ids a request names: its `:id` and any person or record reference in its body. */
function namedIds(request: FastifyRequest): string[] {
  const ids: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && isUuid(value)) ids.push(value.toLowerCase());
  };
  add((request.params as { id?: unknown } | undefined)?.id);
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') for (const name of PERSON_REFERENCES) add(body[name]);
  return ids;
}

/**
 * An erased person's record is closed for good: every change to it (a new assessment, a plan, a
 * payment, an appeal, a review) is 409 PERSON_ERASED, in one query over the ids the request
 * names, before the route runs. Reads still answer, with what erasure left.
 */
export default fp(
  async function erasedPeople(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      if (!changesPersonRecords(route)) return;
      const guard = async (request: FastifyRequest) => {
        if (request.principal?.kind !== 'key') return;
        const ids = namedIds(request);
        if (ids.length === 0) return;
        if (await erasedAmong(app.db, request.principal.councilId, ids))
          throw new AppError('PERSON_ERASED', 'The person’s personal data has been erased: their record can no longer change');
      };
      const existing = route.preHandler;
      route.preHandler = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), guard as never];
    });
  },
  { name: 'erased-people', dependencies: ['database'] },
);
