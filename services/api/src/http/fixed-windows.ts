import { makeRoom } from '../bounded-map.js';

/** Where one counter stands in its window. */
export interface WindowState {
  readonly count: number;
  /** Seconds until the window ends, at least 1. */
  readonly resetSeconds: number;
}

/**
 * Counts events per name in fixed windows, in this process's memory. When it tracks as many
 * names as it may, it forgets the name whose window started longest ago, one at a time: a flood
 * of new names pushes out old windows, never every counter at once (which would give every
 * limited caller a fresh allowance).
 */
export class FixedWindows {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #windowMs: number;
  readonly #maxTracked: number;

  constructor(windowMs: number, maxTracked: number) {
    this.#windowMs = windowMs;
    this.#maxTracked = maxTracked;
  }

  /** Counts one event for `name` and says where its window stands. */
  hit(name: string, now = Date.now()): WindowState {
    let window = this.#current(name, now);
    if (!window) {
      // Insertion order is window-start order: the first entry is the oldest window.
      makeRoom(this.#windows, this.#maxTracked);
      window = { start: now, count: 0 };
      this.#windows.set(name, window);
    }
    window.count += 1;
    return { count: window.count, resetSeconds: this.#reset(window.start, now) };
  }

  /** Where `name`'s window stands, without counting. */
  peek(name: string, now = Date.now()): WindowState {
    const window = this.#current(name, now);
    return window ? { count: window.count, resetSeconds: this.#reset(window.start, now) } : { count: 0, resetSeconds: 0 };
  }

  get size(): number {
    return this.#windows.size;
  }

  #current(name: string, now: number): { start: number; count: number } | undefined {
    const window = this.#windows.get(name);
    if (!window) return undefined;
    if (now - window.start < this.#windowMs) return window;
    this.#windows.delete(name);
    return undefined;
  }

  #reset(start: number, now: number): number {
    return Math.max(1, Math.ceil((start + this.#windowMs - now) / 1000));
  }
}
