import type { CriticalPathProgress, SelfRating, SelfRatingComponent, SelfRatingRound } from '../db/schema.js';
import { AppError, assertVersion, invalidState, notFound } from '../errors.js';
import {
  findProgressForUpdate,
  findRatingForUpdate,
  findRound,
  findRoundByKey,
  insertRound,
  saveProgress,
  saveRating,
} from '../repositories/self-review.js';
import type { WorkflowContext } from './context.js';

// The council's own improvement work (the Critical Path and the Minimum Process self-rating): each
// record's first save needs no If-Match; every later one does (`version` is asked for only then).

/** Records where the council stands on a step of the Critical Path, with its answers to the step's questions. */
export async function recordCriticalPathStep(
  context: WorkflowContext,
  input: {
    readonly pathVersion: string;
    readonly step: number;
    readonly status: CriticalPathProgress['status'];
    readonly statusDate: string | null;
    readonly notes: string | null;
    readonly answers: Record<string, string>;
    readonly version: () => number;
  },
): Promise<CriticalPathProgress> {
  const { tx, scope, changes } = context;
  const before = await findProgressForUpdate(tx, scope.councilId, input.pathVersion, input.step);
  if (before) assertVersion(input.version(), before.version);
  const after = await saveProgress(tx, scope.councilId, input.pathVersion, input.step, {
    status: input.status,
    statusDate: input.statusDate,
    notes: input.notes,
    answers: input.answers,
    updatedBy: context.actor.actor,
  });
  changes.record({
    action: 'critical-path.step-recorded',
    entityType: 'council',
    entityId: scope.councilId,
    before: before ? { step: input.step, status: before.status } : null,
    after: { step: input.step, status: after.status, statusDate: after.status_date },
  });
  return after;
}

/** Opens a self-rating round (its key shared by the councils of a region taking part in it). */
export async function openSelfRatingRound(
  context: WorkflowContext,
  input: { readonly roundKey: string; readonly title: string; readonly closesOn: string },
): Promise<SelfRatingRound> {
  const { tx, scope, changes } = context;
  const existing = await findRoundByKey(tx, scope.councilId, input.roundKey);
  if (existing)
    throw new AppError('ALREADY_EXISTS', `The council already has round ${input.roundKey}`, {
      errors: [{ pointer: '/roundKey', detail: 'is already used by this council' }],
    });
  const round = await insertRound(tx, scope.councilId, input);
  changes.record({
    action: 'self-rating.round-opened',
    entityType: 'self-rating-round',
    entityId: round.id,
    after: { id: round.id, roundKey: round.round_key, closesOn: round.closes_on },
  });
  return round;
}

/** Rates one component of the Minimum Process in an open round. */
export async function rateComponent(
  context: WorkflowContext,
  roundId: string,
  component: SelfRatingComponent,
  input: {
    readonly rating: SelfRating['rating'];
    readonly comment: string | null;
    readonly proposedAction: string | null;
    readonly userComments: readonly string[];
    readonly version: () => number;
  },
): Promise<SelfRating> {
  const { tx, scope, changes } = context;
  const round = await findRound(tx, scope.councilId, roundId);
  if (!round) throw notFound('self-rating round', roundId);
  if (round.closes_on < context.clock.today()) throw invalidState(`The round closed on ${round.closes_on}`);
  const before = await findRatingForUpdate(tx, scope.councilId, round.id, component);
  if (before) assertVersion(input.version(), before.version);
  const after = await saveRating(tx, scope.councilId, round.id, component, {
    rating: input.rating,
    comment: input.comment,
    proposedAction: input.proposedAction,
    userComments: [...input.userComments],
    updatedBy: context.actor.actor,
  });
  changes.record({
    action: 'self-rating.rated',
    entityType: 'self-rating-round',
    entityId: round.id,
    before: before ? { component, rating: before.rating } : null,
    after: { component, rating: after.rating },
  });
  return after;
}
