import { AppError } from '../errors.js';

/** Who made a decision, as the separation-of-duties rule compares them. */
export interface Decider {
  /** `key:<id>`, `user:<subject>` or `client:<id>` (actorOf). */
  readonly actor: string;
  /** The person named in Ras-Actor, if any. */
  readonly actorName: string | null;
}

/** A name as people are compared: NFKC, trimmed, without case (`JSmith` and `jsmith` are one person). */
function person(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** A person the council's identity provider vouched for: their token's subject is who they are. */
const verified = (decider: Decider) => decider.actor.startsWith('user:');

/**
 * Whether two deciders may be the same person. Two people verified by the council's identity
 * provider are compared by subject alone: two different people behind one record system may
 * decide two stages, and two namesakes are not one person. Otherwise the key decides first: one
 * key is one person, whatever names its caller types in Ras-Actor, because nothing verifies those
 * names (one key holding several roles could otherwise decide every stage as `alice`, then `bob`).
 * Two keys, or a key and a token, are one person too when both named the same person.
 */
export function sameDecider(a: Decider, b: Decider): boolean {
  if (a.actor === b.actor) return true;
  if (verified(a) && verified(b)) return false;
  return a.actorName !== null && b.actorName !== null && person(a.actorName) === person(b.actorName);
}

const who = (decider: Decider) => (decider.actorName === null ? 'This key' : decider.actorName);

/**
 * The seeds put a coordinator, a team manager and a panel in sequence because they are different
 * people (seed 002, slides 10 to 15). Refuses a decision at `stage` by someone who already
 * decided another stage of the same plan. Writing the plan and agreeing it as its coordinator is
 * not two decisions, and stays allowed.
 *
 * @throws AppError SAME_ACTOR (409)
 */
export function assertSeparateStage(decider: Decider, stage: string, earlier: readonly (Decider & { readonly stage: string })[]): void {
  const clash = earlier.find((decision) => decision.stage !== stage && sameDecider(decision, decider));
  if (clash) {
    throw new AppError(
      'SAME_ACTOR',
      `${who(decider)} decided the ${clash.stage} stage of this plan; the ${stage} decision must be made by someone else (settings.separationOfDuties)`,
    );
  }
}

/**
 * Refuses a council payment recorded by whoever approved the budget's plan at panel: approving
 * and paying are kept apart as deciding stages are.
 *
 * @throws AppError SAME_ACTOR (409)
 */
export function assertNotPanelApprover(decider: Decider, panelApproval: Decider | undefined): void {
  if (panelApproval && sameDecider(panelApproval, decider)) {
    throw new AppError(
      'SAME_ACTOR',
      `${who(decider)} approved this budget's plan at panel, so it may not also record the council's payments (settings.separationOfDuties)`,
    );
  }
}
