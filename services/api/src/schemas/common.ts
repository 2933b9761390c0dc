import { MAX_AMOUNT_PENCE } from 'ras-core';
import { type TSchema, Type } from 'typebox';

/**
 * Integer pence: whole, 0 or more, and at most £1,000,000,000 (ras-core's MAX_AMOUNT_PENCE), so
 * that every sum the service works out from such amounts stays exact.
 */
export const Pence = (description?: string) =>
  Type.Integer({ minimum: 0, maximum: MAX_AMOUNT_PENCE, ...(description ? { description } : {}) });

/** A total of many amounts (a cohort, a report): exact, but not bounded by one amount's limit. */
export const PenceTotal = (description?: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...(description ? { description } : {}) });

/** Integer pence that may be negative (differences, headroom, balances). */
export const SignedPence = (description?: string) =>
  Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...(description ? { description } : {}) });

/** A percentage; ras-core refuses more than 2 decimal places (JSON Schema's multipleOf is unreliable on binary floats). */
export const Percent = (description?: string) =>
  Type.Number({ minimum: 0, maximum: 100, description: `${description ? `${description}. ` : ''}At most 2 decimal places.` });

/** A number of weeks with at most 2 decimal places. */
export const Weeks = (description?: string, maximum = 53) =>
  Type.Number({ minimum: 0, maximum, description: `${description ? `${description}. ` : ''}At most 2 decimal places.` });

export const Id = Type.String({ format: 'uuid', description: 'Identifier (UUID)' });
export const CalendarDate = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp, UTC' });

/** A short piece of text from a person: trimmed length limits keep bodies bounded. */
export const Text = (maxLength = 500, minLength = 1) => Type.String({ minLength, maxLength });
/** A stable machine key such as a questionnaire, section or option key. */
export const Key = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
  description: 'Letters, digits and _ . : -',
});

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const FieldProblem = Type.Object(
  {
    pointer: Type.String({ description: 'JSON Pointer to the offending input (/query/…, /path/…, /headers/… outside the body)' }),
    detail: Type.String(),
    line: Type.Optional(Type.Integer({ description: 'For a file import: the line of the file' })),
  },
  { title: 'FieldProblem' },
);

/** RFC 9457 problem details, as every 4xx and 5xx answer carries. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable UPPER_SNAKE error code' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldProblem)),
    existingId: Type.Optional(
      Type.String({ format: 'uuid', description: 'ALREADY_EXISTS: the id of the record that already holds the value' }),
    ),
    allowed: Type.Optional(Type.Array(Type.String(), { description: 'A value outside a set the council defines: the values allowed' })),
    owed: Type.Optional(
      Type.Array(
        Type.Object({
          budgetId: Type.String({ format: 'uuid' }),
          instalments: Type.Integer(),
          amountPence: Type.Integer(),
          firstDueDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
        }),
        { description: 'MONEY_OWED: each budget still owed council instalments that fell due before it ended, and how much' },
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem' },
);

/** The shared error responses every route declares. */
export const problemResponses = {
  '4xx': Type.Ref('Problem'),
  '5xx': Type.Ref('Problem'),
} as const;

/**
 * The `produces` and `response` of a route answering JSON by default or a self-contained HTML
 * page (`?format=html` or `Accept: text/html`; see wantsHtml), with the shared problems.
 */
export const JsonOrHtml = <T extends TSchema>(json: T) => ({
  produces: ['application/json', 'text/html'],
  response: {
    200: {
      content: {
        'application/json': { schema: json },
        'text/html': { schema: Type.String({ description: 'A self-contained HTML page' }) },
      },
    },
    ...problemResponses,
  },
});

export const PageQuery = {
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (default 50, max 200)' })),
  pageToken: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque token from nextPageToken' })),
};

/** A page of a list: `{ items, nextPageToken }`. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextPageToken: Type.Union([Type.String(), Type.Null()]) });

/** An explanation step: a sentence and the figure it arrives at. */
export const TraceParameter = Type.Object(
  {
    name: Type.String({
      description: '`<versioned source> / <path>`, e.g. `scheme adults v3 / method.poundsPerPointPence` or `input / weeksAtHome`',
    }),
    value: Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]),
  },
  { title: 'TraceParameter', description: 'A parameter or input a step used, with the value it had' },
);

export const ExplanationStep = Type.Object(
  {
    key: Type.String(),
    text: Type.String(),
    value: Type.Number(),
    unit: Type.Union([
      Type.Literal('points'),
      Type.Literal('pence'),
      Type.Literal('weeks'),
      Type.Literal('percent'),
      Type.Literal('count'),
    ]),
    rule: Type.Optional(
      Type.String({ description: 'The rule the step applied, e.g. `ras.linear` (docs/how-to/show-fairness.md, "A structured trace")' }),
    ),
    parameters: Type.Optional(Type.Array(TraceParameter)),
  },
  { title: 'ExplanationStep' },
);

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag from the last read; required (428 without, 412 on mismatch)' })),
});

/** If-Match where it is needed only to change what is already there (a PUT that creates needs none). */
export const IfMatchWhenReplacingHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'Optional: the ETag from the last read, needed to change what is already set (412 on mismatch)' }),
  ),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Makes a retry return the first response (24 h); reuse with a different body is 422',
    }),
  ),
});

/** The optional header naming the person acting through a key. */
export const ActorHeader = {
  'ras-actor': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'The person acting through the key, e.g. the record system’s user id; recorded with the change as an audit label. Separation of duties compares keys (one key is one person whatever this says), and two keys naming the same person are one person.',
    }),
  ),
};

/** Capacity, best interests and who helps the person decide and arrange their support. */
export const Representation = Type.Object(
  {
    capacity: Type.Optional(
      Type.Object(
        {
          assessedOn: CalendarDate,
          outcome: Type.Enum(['has-capacity', 'lacks-capacity']),
          decision: Text(300),
        },
        {
          additionalProperties: false,
          description: 'The latest capacity assessment (Mental Capacity Act 2005) for the decisions about support',
        },
      ),
    ),
    bestInterests: Type.Optional(
      Type.Object(
        { decidedOn: CalendarDate, decidedBy: Text(300), decision: Text(2000) },
        { additionalProperties: false, description: 'The best-interests decision, when the person lacks capacity' },
      ),
    ),
    supporters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Text(200),
            role: Type.Enum(['advocate', 'broker', 'deputy', 'attorney', 'other'], {
              description:
                'advocate (independent, Care Act 2014 s.67), broker (support planning and brokerage), deputy or attorney (legal authority)',
            }),
            organisation: Type.Optional(Text(200)),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
  },
  {
    additionalProperties: false,
    title: 'Representation',
    description:
      'Capacity and representation: shown to the panel (checklist item capacity-and-representation: someone who lacks capacity needs a best-interests decision and an advocate, deputy or attorney) and named in letters',
  },
);
