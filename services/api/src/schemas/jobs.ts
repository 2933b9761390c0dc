import { Type } from 'typebox';

/** A job: long work asked for with `Prefer: respond-async`, polled at its Location. */
export const JobResource = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    operation: Type.String({ description: 'The operation it runs, e.g. importPeople' }),
    status: Type.Enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    progress: Type.Object(
      {
        done: Type.Integer({ minimum: 0, description: 'Units of work done (rows, payments, people)' }),
        total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Units in all; null until the job knows' }),
        percent: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()]),
        estimatedSecondsLeft: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
          description: 'From the pace so far, while it runs; null when there is no pace yet',
        }),
        updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
          description: 'When progress was last written: at least every 2 seconds while it runs',
        }),
      },
      { title: 'JobProgress' },
    ),
    input: Type.Object({}, { additionalProperties: true, description: 'What it was asked: ids and options (never the file sent)' }),
    result: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
      description:
        'Once it has ended: what the operation answers without Prefer (an import report, an erasure run), or a summary with the resource at links.result. A cancelled job shows what it had done.',
    }),
    problem: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
      description: 'Why it failed: the problem+json the operation would have answered',
    }),
    startedBy: Type.Object(
      {
        actor: Type.String({ description: 'key:<id>, token:<subject>, or system:<what> for scheduled work' }),
        actorName: Type.Union([Type.String(), Type.Null()]),
      },
      { title: 'JobStarter' },
    ),
    cancelRequested: Type.Boolean(),
    attempts: Type.Integer({ description: 'How many times an instance took it up (more than 1: an instance stopped mid-job)' }),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    links: Type.Object(
      {
        self: Type.String(),
        result: Type.Union([Type.String(), Type.Null()], { description: 'Where the outcome is read once it has succeeded' }),
      },
      { title: 'JobLinks' },
    ),
    version: Type.Integer(),
  },
  { title: 'Job' },
);

/** RFC 7240: `Prefer: respond-async` asks for a 202 and a job in place of waiting for the answer. */
export const PreferHeader = {
  prefer: Type.Optional(
    Type.String({
      description:
        '`respond-async` (RFC 7240): answer 202 at once with Location of a job to poll (getJob), instead of holding the request open until the work is done',
    }),
  ),
};

/** The 202 an operation answers when asked to respond asynchronously. */
export const AcceptedAsJob = { 202: JobResource };
