import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Rows one statement of a long write carries. A statement's parameters are built and serialised on
 * the instance's one thread in one go (with the garbage they make): 20,000 audit rows took 0.6 to
 * 1.8 s under a CPU profile of an uprating, holding every other request that long; 2,000 keep it
 * to a tenth, and cost a round trip each (issue 30).
 */
export const ROWS_PER_STATEMENT = 2_000;

/** How long synchronous work runs before it lets the other requests on this instance in. */
const SLICE_MS = 10;

/**
 * For a long loop: a function to await in each round, which yields to the event loop once the
 * current slice of work has run {@link SLICE_MS}, and costs nothing otherwise. An instance serves
 * every request on one thread, so a loop over 25,000 budgets or 100,000 rows that never yields
 * holds every other request on the instance for its whole length (issue 30's bench:contention saw
 * ordinary writes wait two seconds behind an uprating).
 */
export function slicer(): () => Promise<void> | undefined {
  let started = performance.now();
  return () => {
    if (performance.now() - started < SLICE_MS) return undefined;
    return nextTurn().then(() => {
      started = performance.now();
    });
  };
}

/** `items` in runs of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
