import type { SupportPlan } from 'ras-core';

/**
 * The plan in force on a date, given the plan as it stands now and its approved revisions (earliest
 * first, each with the plan it replaced): before a revision's date, the plan it replaced. So the
 * payment run and the account follow a revision from its date, and not before.
 */
export function planInForce(
  current: SupportPlan,
  revisions: readonly { readonly effective_from: string; readonly previous: SupportPlan }[],
  date: string,
): SupportPlan {
  return revisions.find((revision) => revision.effective_from > date)?.previous ?? current;
}
