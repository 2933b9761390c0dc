/**
 * A small, fast, repeatable generator of numbers in [0, 1): FNV-1a of the seed, then mulberry32.
 * The same seed always gives the same sequence, so a figure worked out with it can be worked out
 * again to the penny. Not for secrets: anyone with the seed can run it.
 *
 * @param seed - any text
 * @returns a function giving the next number of the sequence each time it is called
 * @example
 * ```ts
 * const next = repeatableRandom('fairness');
 * next(); // the same number on every run
 * ```
 */
export function repeatableRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
