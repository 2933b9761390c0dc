import { AppError } from '../errors.js';

/** Who made a decision, as the separation-of-duties rule compares them. */
export interface Decider {
  /** `key:<id>`. */
  readonly actor: string;
  /** The person named in Ras-Actor, if any. */
  readonly actorName: string | null;
}

/** Whether two deciders are the same: the same key, or the same named person. */
export function sameDecider(a: Decider, b: Decider): boolean {
  return a.actor === b.actor || (a.actorName !== null && a.actorName === b.actorName);
}

const who = (decider: Decider) => (decider.actorName === null ? 'This key' : `This key or ${decider.actorName}`);

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
