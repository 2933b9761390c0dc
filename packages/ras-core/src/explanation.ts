/** What an explanation step's figure counts. */
export type FigureUnit = 'points' | 'pence' | 'weeks' | 'percent' | 'count';

/**
 * One parameter a step used, named by its versioned source and its path in it, as OpenFisca's
 * trace names a variable's inputs: `scheme adults v3 / method.poundsPerPointPence`. An advocate or
 * an auditor can follow the name to the council's published rule (the scheme description and the
 * transparency record use the same paths).
 */
export interface TraceParameter {
  /** `<source> / <path>`, e.g. `scheme adults v3 / ceilingPence` or `input / weeksAtHome`. */
  readonly name: string;
  readonly value: number | string | boolean | null;
}

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
  /** The rule the step applied, e.g. `ras.linear` or `charge.tariff-income` (docs/how-to/show-fairness.md, "A structured trace"). */
  readonly rule?: string;
  /** The versioned parameters and inputs the rule used, in the order the sentence uses them. */
  readonly parameters?: readonly TraceParameter[];
}

/** Builds an explanation step, with its rule and parameters when given. */
export function step(
  key: string,
  text: string,
  value: number,
  unit: FigureUnit,
  rule?: string,
  parameters: readonly TraceParameter[] = [],
): ExplanationStep {
  return rule === undefined ? { key, text, value, unit } : { key, text, value, unit, rule, parameters };
}

/** A versioned source's name for the trace: `scheme adults v3`, or `scheme adults` when unversioned. */
export function traceSource(kind: string, key: string, version: number | null | undefined): string {
  return version === undefined || version === null ? `${kind} ${key}` : `${kind} ${key} v${version}`;
}

/** A parameter of `source` at `path`, with the value used. */
export function traced(source: string, path: string, value: TraceParameter['value']): TraceParameter {
  return { name: `${source} / ${path}`, value };
}

/** What the caller supplied (weeks at home, a funding stream) rather than a published rule. */
export const INPUT = 'input';
