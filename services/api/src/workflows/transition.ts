import type { Role } from '../auth/roles.js';
import { AppError, assertVersion, invalidState, notFound } from '../errors.js';
import type { AuditAction } from '../events/catalogue.js';
import { erasedAmong } from '../repositories/erasure.js';
import type { WorkflowContext } from './context.js';

/**
 * One step of a resource's state machine: the statuses it may start from (`any` for a change that
 * keeps the status, such as an edit), the status it leads to, the roles that may take it, and the
 * audit action (also the event type) it records.
 */
export interface Step<Status extends string, Row = unknown> {
  readonly from: readonly Status[] | 'any';
  /**
   * Statuses in which the step has already been taken: a retry finds the row there and gets it
   * back as it is, with nothing recorded (cancelling a cancelled payment run).
   */
  readonly done?: readonly Status[];
  /** The status after the step; `null` keeps the one it started from. */
  readonly to: Status | null;
  readonly roles: readonly Role[];
  readonly audit: AuditAction;
  /** The 409's words when the step is taken from a status it does not start from. */
  readonly refusal?: (status: Status, row: Row) => string;
}

/**
 * A resource's state machine as data: what it is called, how a row becomes the payload its audit
 * records and events carry, whose record it is (for the erased-person guard), and its steps.
 * Routes declare who may call each operation from the same table (`roles`), so the two never drift.
 */
export interface StateMachine<Status extends string, Action extends string, Row> {
  /** The resource's entity type in audit records and events, e.g. `support-plan`. */
  readonly entity: string;
  /** What a person calls it in an error, e.g. `support plan` (default: the entity type). */
  readonly noun?: string;
  /** Reads the row a step changes, locked until the transaction ends; undefined when the scope cannot see it. */
  readonly lock?: (context: Pick<WorkflowContext, 'tx' | 'scope'>, id: string) => Promise<Row | undefined>;
  readonly statusOf: (row: Row) => Status;
  readonly eventOf: (row: Row) => Record<string, unknown>;
  /** The person the row belongs to; their erasure closes it to every step. */
  readonly personOf?: (row: Row) => string | null;
  /** The row's id and version, where they are not its own `id` and `version` (a person's record holds them in `person`). */
  readonly identity?: (row: Row) => { readonly id: string; readonly version: number };
  /** `false` for a resource whose changes are audited but never published as events (a webhook's own settings). */
  readonly events?: false;
  readonly steps: { readonly [A in Action]: Step<Status, Row> };
}

/** Declares a state machine (typed, so each step's statuses are the resource's own). */
export function stateMachine<Status extends string, Action extends string, Row>(
  machine: StateMachine<Status, Action, Row>,
): StateMachine<Status, Action, Row> {
  return machine;
}

/** A row's own id and version: what most rows carry. */
function ownIdentity(row: unknown): { readonly id: string; readonly version: number } {
  return row as { id: string; version: number };
}

/** What a step's change returns: the row after it, and anything its audit record adds. */
export interface Changed<Row> {
  readonly after: Row;
  readonly extra?: Record<string, unknown>;
  /**
   * The event's payload, where it is not the audit record's `after` (which may say more, such as a
   * reason); `false` for a step recorded in the audit trail only (consumers see what it leads to).
   */
  readonly event?: Record<string, unknown> | false;
  /** `false` when the change found its work already under way and changed nothing: no audit row. */
  readonly record?: false;
}

/**
 * An erased person's record is closed for good: every change to it (a new assessment, a plan, a
 * payment, an appeal, a review) is 409 PERSON_ERASED, checked in the change's own transaction.
 * `ids` are people or any record of theirs (an assessment, budget, plan, review, appeal, agreement).
 * Reads still answer, with what erasure left.
 */
export async function refuseErased(context: Pick<WorkflowContext, 'tx' | 'scope'>, ...ids: string[]): Promise<void> {
  if (ids.length > 0 && (await erasedAmong(context.tx, context.scope.councilId, ids)))
    throw new AppError('PERSON_ERASED', 'The person’s personal data has been erased: their record can no longer change');
}

/**
 * Takes one step of a state machine, in the caller's transaction, the same way for every resource:
 * lock the row (404 when the scope cannot see it), refuse an erased person's record (409
 * PERSON_ERASED), check If-Match against its version (412), check the step may start from its
 * status (409) and the caller's role may take it (403), apply the change, then record the audit
 * row and event. A step already taken (its `done` statuses) answers the row as it is. `change`
 * gets the row as it was and the status the step leads to.
 */
export async function transition<Status extends string, Action extends string, Row>(
  context: Pick<WorkflowContext, 'tx' | 'scope' | 'changes' | 'roles'>,
  machine: StateMachine<Status, Action, Row>,
  /** The step, or how to choose it from the row as it is (a plan's decision depends on the stage after it). */
  action: Action | ((before: NoInfer<Row>) => Action),
  target: {
    readonly id: string;
    /** The version the client last saw (If-Match); `null` where the operation's contract takes none. */
    readonly expectedVersion: number | null;
    /** Where the row is reached another way than the machine's `lock` (a revision, through its plan). */
    readonly lock?: () => Promise<NoInfer<Row> | undefined>;
  },
  change: (before: NoInfer<Row>, to: Status) => Promise<Changed<NoInfer<Row>>>,
): Promise<Row> {
  const lock = target.lock ?? (machine.lock && (() => machine.lock?.(context, target.id)));
  if (!lock) throw new Error(`the ${machine.entity} state machine names no way to lock its row`);
  const before = await lock();
  if (!before) throw notFound(machine.noun ?? machine.entity, target.id);
  const person = machine.personOf?.(before);
  if (person) await refuseErased(context, person);
  const identity = machine.identity ?? ownIdentity;
  if (target.expectedVersion !== null) assertVersion(target.expectedVersion, identity(before).version);
  const step = machine.steps[typeof action === 'function' ? action(before) : action];
  const status = machine.statusOf(before);
  const done = step.done?.includes(status) === true;
  if (!done && step.from !== 'any' && !step.from.includes(status))
    throw invalidState(
      step.refusal?.(status, before) ?? `The ${machine.noun ?? machine.entity} is ${status}: it cannot be changed that way`,
    );
  if (context.roles !== undefined && !step.roles.some((role) => context.roles?.includes(role)))
    throw new AppError('FORBIDDEN', `Only ${step.roles.join(', ')} keys may do this`);
  // Taken already (a retry): answered as it is, by a caller who may take it.
  if (done) return before;
  const { after, extra, event, record } = await change(before, step.to ?? status);
  if (record === false) return after;
  context.changes.record({
    action: step.audit,
    entityType: machine.entity,
    entityId: identity(after).id,
    before: machine.eventOf(before),
    after: { ...machine.eventOf(after), ...extra },
    ...(machine.events === false ? { event: false } : event !== undefined ? { event } : {}),
  });
  return after;
}
