import type { SelfRating, SelfRatingComponent, SelfRatingRound } from '../db/schema.js';
import { iso } from '../http/iso.js';
import { COMPONENTS } from '../self-review/regional-report.js';

export function toRound(round: SelfRatingRound, ratings: readonly SelfRating[], today: string) {
  return {
    id: round.id,
    roundKey: round.round_key,
    title: round.title,
    closesOn: round.closes_on,
    closed: round.closes_on < today,
    ratings: COMPONENTS.map(({ key }) =>
      toRating(
        key,
        ratings.find((candidate) => candidate.component === key),
      ),
    ),
    createdAt: iso(round.created_at),
  };
}

export function toRating(component: SelfRatingComponent, rating: SelfRating | undefined) {
  return {
    component,
    title: COMPONENTS.find((candidate) => candidate.key === component)?.title ?? component,
    rating: rating?.rating ?? null,
    comment: rating?.comment ?? null,
    proposedAction: rating?.proposed_action ?? null,
    userComments: rating?.user_comments ?? [],
    version: rating?.version ?? null,
  };
}
