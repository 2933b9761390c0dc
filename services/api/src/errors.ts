import { textFieldOf } from './field-of.js';

/** A field-level problem: the JSON Pointer of the offending input and what is wrong with it. */
export interface FieldProblem {
  readonly pointer: string;
  readonly detail: string;
}

/**
 * The one catalogue of error codes the service answers with, each with its HTTP status and
 * title. Codes are stable: consumers branch on them.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  INVALID_PAGE_TOKEN: { status: 400, title: 'The page token is not valid' },
  UNAUTHENTICATED: { status: 401, title: 'Missing or invalid credentials' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this API key' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  INVALID_STATE: { status: 409, title: 'Not allowed in the current state' },
  NOTHING_TO_PAY: { status: 409, title: 'The file would pay nothing' },
  SAME_ACTOR: { status: 409, title: 'The same person may not decide two stages of one plan (separation of duties)' },
  LAST_ADMIN_KEY: { status: 409, title: 'The council’s last admin key cannot be revoked' },
  ALREADY_EXISTS: { status: 409, title: 'Already exists' },
  CHARGING_POLICY_OVERLAP: { status: 409, title: 'Another charging policy is in force on some of these dates' },
  DIRECT_PAYMENTS_SUSPENDED: { status: 409, title: 'Direct payments on this budget are suspended' },
  PAYMENT_RUN_CONFIRMED: { status: 409, title: 'A payment run for this date is already confirmed' },
  PAYMENT_RUN_OPEN: { status: 409, title: 'Another payment run of the council is open: confirm or cancel it first' },
  UPRATING_IN_PROGRESS: { status: 409, title: 'An uprating is being applied to the council’s budgets: try again when it has finished' },
  LEGAL_HOLD: { status: 409, title: 'The person’s records are under a legal hold: they cannot be erased until it is released' },
  PERSON_ERASED: { status: 409, title: 'The person’s personal data has been erased: their record can no longer change' },
  SUPPORT_CONTINUES: { status: 409, title: 'The person still has a current budget: end it before erasing their records' },
  MONEY_OWED: { status: 409, title: 'Money is still owed on the person’s budget: pay it before erasing their records' },
  RETURN_PERIOD_AUDITED: { status: 409, title: 'The period has already been audited' },
  JOB_NOT_CANCELLABLE: { status: 409, title: 'The job cannot stop safely part-way' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource has changed (If-Match does not match its ETag)' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'The request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  UNSUPPORTED_CONTENT_ENCODING: { status: 415, title: 'Unsupported content encoding' },
  NOT_ACCEPTABLE: { status: 406, title: 'Cannot produce the requested media type' },
  PRECONDITION_REQUIRED: { status: 428, title: 'If-Match is required for this change' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used with a different request' },
  INVALID_QUESTIONNAIRE: { status: 422, title: 'The questionnaire is not valid' },
  INVALID_SCHEME: { status: 422, title: 'The allocation scheme is not valid' },
  INVALID_ANSWERS: { status: 422, title: 'The answers do not fit the questionnaire' },
  INVALID_CALIBRATION: { status: 422, title: 'The desktop exercise cannot be run on these cases' },
  INVALID_INPUT: { status: 422, title: 'The input breaks a rule' },
  NO_SCHEME_IN_FORCE: { status: 422, title: 'No allocation scheme is in force for this client group on this date' },
  ASSESSMENT_NOT_AGREED: { status: 422, title: 'The assessment is not agreed' },
  NOT_ELIGIBLE: { status: 422, title: 'The person is not eligible for a personal budget' },
  NO_CHARGING_POLICY: { status: 422, title: 'No charging policy is in force on this date' },
  NO_SUCCESSOR_SCHEME: { status: 422, title: 'The allocation scheme has no later version to uprate to' },
  NO_LETTER_TEMPLATE: { status: 422, title: 'The council has no template for this letter in this language' },
  NO_DIRECT_PAYMENT_LINES: { status: 422, title: 'The budget’s approved plan has no line of that way of managing' },
  DIRECT_PAYMENT_AGREEMENT_REQUIRED: {
    status: 422,
    title: 'An agreement is needed before the first payment to a holder (direct payment, indirect payment, trust)',
  },
  PROVIDER_REQUIRED: { status: 422, title: 'An individual service fund line needs its provider in the register before it is paid' },
  REVISION_NEEDS_APPROVAL: { status: 409, title: 'The revision is more than the coordinator may approve alone' },
  RING_FENCED: { status: 422, title: 'A funding stream’s money is spent only on the plan lines it funds' },
  PAYMENT_FILE_SETTINGS_MISSING: { status: 422, title: 'The council has not set its Bacs originator details (settings.paymentFile)' },
  PAYEE_BANK_DETAILS_MISSING: { status: 422, title: 'A payee’s account reference is not a sort code and account number' },
  RETENTION_BELOW_STATUTORY_MINIMUM: {
    status: 422,
    title: 'A retention period is shorter than the statutory minimum the council declared',
  },
  INTERNAL: { status: 500, title: 'Something went wrong on our side' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
} as const;

/** A code from {@link ERROR_CATALOGUE}. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Whether a value names an entry of the catalogue. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

/** The extension members a problem may carry beside the standard ones (see the Problem schema). */
export interface ProblemExtensions {
  /** ALREADY_EXISTS: the id of the record that already holds the value. */
  readonly existingId?: string;
  /** A value outside a set the council defines: the values allowed. */
  readonly allowed?: readonly string[];
  /** MONEY_OWED: each budget still owed council instalments, and how much. */
  readonly owed?: readonly { budgetId: string; instalments: number; amountPence: number; firstDueDate: string | null }[];
}

/** An error the service answers with as `application/problem+json`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly title: string;
  readonly errors: readonly FieldProblem[] | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** Extension members of the problem body (RFC 9457 §3.2), e.g. `existingId`, `allowed`. */
  readonly extensions: Readonly<ProblemExtensions> | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { errors?: readonly FieldProblem[]; headers?: Record<string, string>; extensions?: ProblemExtensions } = {},
  ) {
    super(detail);
    this.extensions = options.extensions;
    this.code = code;
    this.statusCode = ERROR_CATALOGUE[code].status;
    this.title = ERROR_CATALOGUE[code].title;
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

/** 404 for anything that does not exist or belongs to another council: never reveal which. */
export function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', `No ${what} with id ${id}`);
}

/** 409 for a transition the resource's state does not allow. */
export function invalidState(detail: string): AppError {
  return new AppError('INVALID_STATE', detail);
}

/** 422 with every field problem listed. */
export function unprocessable(code: ErrorCode, detail: string, errors?: readonly FieldProblem[]): AppError {
  return new AppError(code, detail, errors === undefined ? {} : { errors });
}

/** 412 unless the stored version is the one the client saw. */
export function assertVersion(expected: number, actual: number): void {
  if (expected !== actual) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `The resource has changed since you read it (ETag "${actual}", If-Match "${expected}"); read it again`,
    );
  }
}

/** The `code` a thrown value carries (a Node errno code, a PostgreSQL SQLSTATE), if it carries one. */
export function errorCode(error: unknown): string | undefined {
  return textFieldOf(error, 'code');
}

/** A thrown value's message, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const CONNECTION_CODES = new Set([
  // The socket: refused, reset, timed out, closed under us.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  // PostgreSQL's admin shutdown (57P0x) and connection exception (08xxx) classes.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** A failure to reach the database server (refused, reset, shut down, pool timed out), not a query's own error. */
export function isConnectionFailure(error: unknown): boolean {
  return (
    CONNECTION_CODES.has(errorCode(error) ?? '') ||
    /timeout exceeded when trying to connect|Connection terminated|connection error/i.test(errorMessage(error))
  );
}

/**
 * Thrown into a step of a job whose lease another instance has taken over (this one stalled past
 * it): the step rolls back, and the work is that instance's now.
 */
export class JobLeaseLost extends Error {
  override readonly name = 'JobLeaseLost';
  constructor(id: string) {
    super(`job ${id}: another instance holds it now`);
  }
}
