/** What an explanation step's figure counts. */
export type FigureUnit = 'points' | 'pence' | 'weeks' | 'percent' | 'count';

/**
 * One step of an explanation: a sentence a person can read, and the figure it arrives at.
 * Steps are ordered from answers to pounds.
 */
export interface ExplanationStep {
  /** Stable machine key, e.g. `ras-amount`, `section:personal-care`. */
  readonly key: string;
  /** The step in plain English, with its arithmetic. */
  readonly text: string;
  /** The figure the step arrives at, in `unit` (pence for money). */
  readonly value: number;
  readonly unit: FigureUnit;
}

/** Builds an explanation step. */
export function step(key: string, text: string, value: number, unit: FigureUnit): ExplanationStep {
  return { key, text, value, unit };
}
