import { Type } from 'typebox';
import { CalendarDate, Id, Nullable, Text, Timestamp } from '../../../schemas/common.js';

export const PersonRecordQuery = Type.Object(
  { format: Type.Optional(Type.Enum(['json', 'html'], { description: 'Default json; `Accept: text/html` also gives the page' })) },
  { additionalProperties: false },
);

export const PersonRecord = Type.Object(
  {
    generatedAt: Timestamp,
    council: Type.String(),
    personId: Id,
    redacted: Type.Array(Type.String(), { description: 'The kinds of other people’s data shown as [redacted]' }),
    notIncluded: Type.Array(Type.Object({ table: Type.String(), why: Type.String() }), {
      description: 'What the service keeps that is not in the record, and why (a copy of something that is, kept briefly)',
    }),
    sections: Type.Object(
      {
        person: Type.Object({}, { additionalProperties: true }),
        equalityMonitoring: Nullable(Type.Object({}, { additionalProperties: true })),
      },
      {
        additionalProperties: Type.Array(Type.Object({}, { additionalProperties: true })),
        description:
          'Every record, as stored (camelCase names, pence, ISO dates): person, equalityMonitoring, carers, assessments, budgets, supportPlans, planDecisions, financialAssessments, paymentAgreements, paymentInstalments, directPaymentAgreements, accountReturns, directPaymentAudits, payments, upratings, desktopExercises, reviews, appeals, letters, ledger, events, auditTrail, accessLog',
      },
    ),
  },
  { title: 'PersonRecord', description: 'Everything the service holds about one person (a subject access request), streamed' },
);

export const LegalHoldBody = Type.Object(
  { reason: Text(1_000) },
  { additionalProperties: false, description: 'Why the records must be kept (litigation, an inquiry, a safeguarding review)' },
);

export const LegalHoldState = Type.Object(
  {
    personId: Id,
    legalHold: Nullable(
      Type.Object({ reason: Type.String(), placedBy: Type.String(), placedAt: Timestamp }, { additionalProperties: false }),
    ),
    version: Type.Integer(),
  },
  { title: 'LegalHoldState' },
);

export const ErasureBody = Type.Object(
  {
    note: Text(1_000),
  },
  {
    additionalProperties: false,
    description:
      'Why the council is erasing now rather than when the retention period ends (e.g. the reference of a granted erasure request). Kept in the audit trail; say nothing personal in it',
  },
);

export const PersonErasure = Type.Object(
  { id: Id, erasedAt: Timestamp, reason: Type.Enum(['retention', 'request']) },
  { title: 'PersonErasure' },
);

export const ErasureRunBody = Type.Object(
  {
    dryRun: Type.Boolean({ description: 'true: list who would be erased and who a legal hold keeps; nothing changes' }),
  },
  { additionalProperties: false },
);

const RetentionCase = Type.Object(
  { personId: Id, lastActivity: CalendarDate, retainUntil: Nullable(CalendarDate) },
  { additionalProperties: false },
);

export const ErasureRun = Type.Object(
  {
    asOf: CalendarDate,
    dryRun: Type.Boolean(),
    policy: Type.Object(
      {
        personRecordYears: Type.Integer(),
        auditRecordYears: Type.Integer(),
        statutoryMinimumYears: Type.Integer(),
        scheduledErasure: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    due: Type.Array(RetentionCase, { description: 'People past their date: erased by this run, or by one without dryRun' }),
    held: Type.Array(RetentionCase, { description: 'People a legal hold keeps' }),
    retained: Type.Integer({ description: 'People still within their period, or still supported' }),
    erased: Type.Array(Id),
    skipped: Type.Array(Type.Object({ personId: Id, code: Type.String(), detail: Type.String() }, { additionalProperties: false })),
    auditRecords: Type.Object(
      {
        before: CalendarDate,
        auditRecords: Type.Integer(),
        accessLog: Type.Integer(),
        removed: Type.Boolean(),
      },
      {
        additionalProperties: false,
        description: 'Audit records and access log entries from before `before` (past auditRecordYears): removed, or in a dry run counted',
      },
    ),
  },
  { title: 'ErasureRun' },
);

export const AccessLogQuery = Type.Object(
  {
    personId: Type.Optional(Id),
    keyId: Type.Optional(Id),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Items per page (default 100, max 500)' })),
    pageToken: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque token from nextPageToken' })),
  },
  { additionalProperties: false },
);

export const AccessLogEntry = Type.Object(
  {
    id: Id,
    at: Timestamp,
    keyId: Nullable(Id),
    subject: Nullable(
      Type.String({ description: "The verified subject of the identity provider's access token the read was made with (null for a key)" }),
    ),
    actorName: Nullable(
      Type.String({ description: "The named person acting: the token's name claim, or Ras-Actor through a key, when given" }),
    ),
    operationId: Type.String(),
    personId: Nullable(Id),
    what: Type.Array(Type.Enum(['record', 'special-category', 'money'])),
    entityType: Nullable(Type.String()),
    entityId: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
  },
  { title: 'AccessLogEntry' },
);

export const AccessLogPage = Type.Object(
  { items: Type.Array(AccessLogEntry), nextPageToken: Nullable(Type.String()) },
  { title: 'AccessLogPage' },
);
