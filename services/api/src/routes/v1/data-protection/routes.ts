import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorNameOf, actorOf, rolesAccess } from '../../../auth/roles.js';
import { renderDpiaPack } from '../../../documents/dpia-pack.js';
import { AppError, notFound } from '../../../errors.js';
import { etag } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { acceptAsJob, prefersAsync } from '../../../http/respond-async.js';
import { wantsHtml } from '../../../http/wants-html.js';
import { runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { erasureCounts, exportsSince, listAccessEntries } from '../../../repositories/access-log.js';
import { councilSettings, findCouncil } from '../../../repositories/councils.js';
import { findPerson } from '../../../repositories/people.js';
import { listWebhooks } from '../../../repositories/webhooks.js';
import { personRecordHtml, personRecordJson } from '../../../representations/person-record.js';
import { IdParams, problemResponses } from '../../../schemas/common.js';
import { AcceptedAsJob, PreferHeader } from '../../../schemas/jobs.js';
import { erasePerson, placeLegalHold, releaseLegalHold, retentionPolicyOf, retentionRun } from '../../../workflows/erasure.js';
import { openingFacts, personRecordExport } from '../../../workflows/subject-access.js';
import {
  AccessLogPage,
  AccessLogQuery,
  ErasureBody,
  ErasureRun,
  ErasureRunBody,
  LegalHoldBody,
  LegalHoldState,
  PersonErasure,
  PersonRecord,
  PersonRecordQuery,
} from './schemas.js';

const DPO = rolesAccess('admin', 'auditor');
const ADMIN = rolesAccess('admin');
/** Operations whose reads take many people's data, or one person's whole record, out of the service. */
const EXPORT_OPERATIONS = ['exportRecords', 'getPaymentRunFile', 'exportPersonRecord'];

/** Data protection: subject access, legal holds, retention and erasure, the access log and the DPIA pack. */
const dataProtectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Writes the reads still queued, or 503: the log is not shown incomplete as if it were whole. */
  const accessLogUpToDate = () =>
    app.accessLog.flush().catch((error: unknown) => {
      app.log.error({ err: error }, 'access log: could not bring it up to date');
      throw new AppError('SERVICE_UNAVAILABLE', 'The access log could not be brought up to date: try again shortly');
    });
  app.get(
    '/people/:id/record',
    {
      config: { access: DPO },
      schema: {
        operationId: 'exportPersonRecord',
        tags: ['data-protection'],
        summary: 'Everything held about one person, for a subject access request',
        description:
          'Every record of the person (assessments and answers, budgets with explanations, plans and decisions, financial assessments, payments and the account, direct payments, reviews, appeals, letters), the events that name them, the audit trail of who changed what and the access log of who read what. JSON (one document) or `?format=html` (a readable page). Streamed as it is read. Other people’s details are `[redacted]` where settings.dataProtection.redactInSubjectAccess marks them. The export is itself logged as a read. With `Prefer: respond-async` (JSON only) it answers 202 with a job that collects the document: read it at the job’s links.result once it has succeeded (getJobResult, logged as a read of the person); it is kept 7 days, and erasing the person removes it.',
        params: IdParams,
        headers: Type.Object(PreferHeader),
        querystring: PersonRecordQuery,
        produces: ['application/json', 'text/html'],
        response: {
          200: {
            content: { 'application/json': { schema: PersonRecord }, 'text/html': { schema: { type: 'string' } } },
          },
          ...AcceptedAsJob,
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const record = await findPerson(app.db, scope, request.params.id);
      if (!record) throw notFound('person', request.params.id);
      const html = wantsHtml(request.query.format, request.headers.accept);
      // A readable page is for reading now; the JSON document may be collected later.
      if (!html && prefersAsync(request))
        return acceptAsJob(request, reply, { operation: 'exportPersonRecord', input: { personId: record.person.id } });
      // Reads still queued are written first, so the record's access log holds every read until now.
      await accessLogUpToDate();
      const { header, sections } = await personRecordExport(app.db, scope.councilId, record.person, app.clock);
      const body = html
        ? personRecordHtml(header, sections, await openingFacts(app.db, scope.councilId, record.person, app.clock.today()))
        : personRecordJson(header, sections);
      return reply
        .type(html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `${html ? 'inline' : 'attachment'}; filename="person-${record.person.id}.${html ? 'html' : 'json'}"`)
        .send(Readable.from(body));
    },
  );

  app.put(
    '/people/:id/legal-hold',
    {
      config: { access: ADMIN, problems: ['PERSON_ERASED'] },
      schema: {
        operationId: 'placeLegalHold',
        tags: ['data-protection'],
        summary: 'Place a legal hold on a person’s records',
        description:
          'While it stands, nothing erases the person: not the retention job, not erasePerson (409 LEGAL_HOLD). Placing it again replaces the reason. The reason is kept in the audit trail; the event names only the person.',
        params: IdParams,
        body: LegalHoldBody,
        response: { 200: LegalHoldState, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { hold, version } = await runWorkflow(request, (context) => placeLegalHold(context, request.params.id, request.body.reason));
      reply.header('etag', etag(version));
      return { personId: request.params.id, legalHold: hold, version };
    },
  );

  app.delete(
    '/people/:id/legal-hold',
    {
      config: { access: ADMIN, problems: ['INVALID_STATE', 'PERSON_ERASED'] },
      schema: {
        operationId: 'releaseLegalHold',
        tags: ['data-protection'],
        summary: 'Release a person’s legal hold',
        description: 'The retention policy applies again from the next run. 409 INVALID_STATE when there is no hold.',
        params: IdParams,
        response: { 200: LegalHoldState, ...problemResponses },
      },
    },
    async (request, reply) => {
      const version = await runWorkflow(request, (context) => releaseLegalHold(context, request.params.id));
      reply.header('etag', etag(version));
      return { personId: request.params.id, legalHold: null, version };
    },
  );

  app.post(
    '/people/:id/erasure',
    {
      config: { access: ADMIN, problems: ['LEGAL_HOLD', 'SUPPORT_CONTINUES', 'MONEY_OWED', 'PERSON_ERASED'] },
      schema: {
        operationId: 'erasePerson',
        tags: ['data-protection'],
        summary: 'Erase one person’s personal data now',
        description:
          'For a granted erasure request, or a person the council decides to erase before their retention date. Personal fields become nothing, free text is removed from their records and from the audit trail and events about them, and their record-system ids are deleted, so no import can re-link them; amounts, points, dates and codes stay, so reports do not change. All or nothing, with a person.erased event. 409 LEGAL_HOLD under a legal hold, SUPPORT_CONTINUES while an agreed budget has not ended, MONEY_OWED (with `owed`: each budget, its unpaid instalments and amount) while a council instalment that fell due before a budget ended is unpaid, since nothing can be paid into an erased record (the retention run erases regardless, and payment runs leave erased people’s budgets out, counted in held.erased), PERSON_ERASED when already erased.',
        params: IdParams,
        body: ErasureBody,
        response: { 200: PersonErasure, ...problemResponses },
      },
    },
    async (request) =>
      runWorkflow(request, (context) => erasePerson(context, request.params.id, { reason: 'request', note: request.body.note })),
  );

  app.post(
    '/erasure-runs',
    {
      config: { access: ADMIN, problems: ['INVALID_STATE'] },
      schema: {
        operationId: 'runRetentionErasure',
        tags: ['data-protection'],
        summary: 'Apply the retention policy: list, or erase, everyone past their date',
        description:
          'Under settings.dataProtection.retention (409 INVALID_STATE when none is set): a person is due once personRecordYears have passed since their last activity and no agreed budget of theirs is current; audit records and access log entries are kept auditRecordYears, then removed. `dryRun: true` lists who is due and who a legal hold keeps, counts the audit records past their period, and changes nothing. Otherwise each due person is erased in a transaction of their own, with an audit row and a person.erased event: a run stopped part-way leaves each person untouched or wholly erased, and the next run carries on. The service runs this daily itself, as a job, for councils that set scheduledErasure. With `Prefer: respond-async` it answers 202 with a job (getJob; its result is this answer); cancelling it stops before the next person.',
        headers: Type.Object(PreferHeader),
        body: ErasureRunBody,
        response: { 200: ErasureRun, ...AcceptedAsJob, ...problemResponses },
      },
    },
    async (request, reply) => {
      if (prefersAsync(request)) {
        // A council with no retention policy is refused now (409), not by the job.
        await retentionPolicyOf(app.db, scopeOf(request).councilId);
        return acceptAsJob(request, reply, { operation: 'runRetentionErasure', input: { dryRun: request.body.dryRun } });
      }
      const base = {
        rules: app.rules,
        clock: app.clock,
        scope: scopeOf(request),
        actor: { actor: actorOf(request.principal), actorName: actorNameOf(request.principal) },
      };
      const { stopped: _stopped, ...run } = await retentionRun(app.db, base, (work) => runWorkflow(request, work), {
        dryRun: request.body.dryRun,
        requestId: request.id,
        log: (error, personId) => request.log.error({ err: error, personId }, 'retention: erasing a person failed'),
      });
      return run;
    },
  );

  app.get(
    '/access-log',
    {
      config: { access: DPO },
      schema: {
        operationId: 'listAccessLog',
        tags: ['data-protection'],
        summary: 'Who read whose record, special-category data or money, oldest first',
        description:
          'Append-only: one entry per person a read showed (a list shows many), or one for a read across many people (an export, a payment file) with personId null. Never the data itself. Filter by person, key and time. Reads are written in batches within a fraction of a second; this list writes any waiting first.',
        querystring: AccessLogQuery,
        response: { 200: AccessLogPage, ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { personId, keyId, from, to } = request.query;
      const page = pageRequest({ ...request.query, pageSize: request.query.pageSize ?? 100 });
      await accessLogUpToDate();
      const rows = await listAccessEntries(
        app.db,
        scope.councilId,
        { personId, keyId, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        page.after,
        page.size + 1,
      );
      return toPage(rows, page, (row) => ({
        id: row.id,
        at: iso(row.at),
        keyId: row.key_id,
        subject: row.subject,
        actorName: row.actor_name,
        operationId: row.operation_id,
        personId: row.person_id,
        what: row.what as ('record' | 'special-category' | 'money')[],
        entityType: row.entity_type,
        entityId: row.entity_id,
        requestId: row.request_id,
      }));
    },
  );

  app.get(
    '/dpia',
    {
      config: { access: DPO },
      schema: {
        operationId: 'getDpiaPack',
        tags: ['data-protection'],
        summary: 'The factual part of a data protection impact assessment, from the running service',
        description:
          'An HTML page: the personal data items held and what erasure leaves of each, which roles can read each kind (from the routes as registered), the retention rules in force, webhooks registered, exports run in the last year, erasures and legal holds, and the processors (the service’s database and the council’s own list in settings.dataProtection.processors).',
        produces: ['text/html'],
        response: { 200: { content: { 'text/html': { schema: { type: 'string' } } } }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const now = app.clock.now();
      const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
      const [council, settings, webhooks, exports, erasures] = await Promise.all([
        findCouncil(app.db, scope.councilId),
        councilSettings(app.db, scope.councilId),
        listWebhooks(app.db, scope.councilId, null, 1_000),
        (async () => {
          await accessLogUpToDate();
          return exportsSince(app.db, scope.councilId, yearAgo, EXPORT_OPERATIONS);
        })(),
        erasureCounts(app.db, scope.councilId, yearAgo),
      ]);
      const protection = settings.dataProtection;
      const html = renderDpiaPack({
        generatedAt: now.toISOString(),
        councilName: council?.name ?? '',
        controller: protection?.controller ?? null,
        dpoContact: protection?.dpoContact ?? null,
        retention: protection?.retention ?? null,
        redactions: protection?.redactInSubjectAccess ?? [],
        reads: app.personalDataRoutes.map((route) => ({
          operationId: route.operationId,
          method: route.method,
          url: route.url,
          roles: route.roles,
          what: route.read.what,
          bulk: route.read.bulk === true,
        })),
        webhooks: webhooks
          .filter((webhook) => webhook.status !== 'deleted')
          .map((webhook) => ({
            url: webhook.url,
            status: webhook.status,
            eventTypes: webhook.event_types,
            createdAt: webhook.created_at.toISOString(),
          })),
        exports: exports.map((row) => ({
          operationId: row.operation_id,
          kind: row.entity_type,
          keyId: row.key_id,
          runs: row.runs,
          lastAt: row.last_at.toISOString(),
        })),
        erasures,
        database:
          app.database.kind === 'pglite'
            ? 'an embedded PostgreSQL (PGlite) on the service’s own disk'
            : `a PostgreSQL server${app.reads.hasReplica ? ', with a streaming read replica for reports and exports' : ''}`,
        processors: protection?.processors ?? [],
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );
};

export default dataProtectionRoutes;
