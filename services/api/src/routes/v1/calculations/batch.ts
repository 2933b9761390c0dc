import { Compile } from 'typebox/compile';
import type { ErrorCode, FieldProblem } from '../../../errors.js';
import { findControlCharacter, mayHoldControlCharacter } from '../../../http/control-characters.js';
import { toFieldProblems } from '../../../http/field-problems.js';
import { JSON_DEPTH_DETAIL, nestsDeeperThan } from '../../../http/json-depth.js';
import { MAX_LINE_CHARACTERS, TOO_LONG } from '../../../http/ndjson.js';
import { type ProblemBody, problemBody, refusal } from '../../../plugins/problem-details.js';
import type { CompiledRules } from '../../../repositories/compiled-rules.js';
import { type BudgetRules, budgetAnswer, budgetRules } from '../../../workflows/calculate-budget.js';
import { BudgetLine } from './schemas.js';

/** Lines one calculateBudgets request may carry. */
export const MAX_BATCH_LINES = 1_000_000;

/** Different schemes one request may name: each is looked up once, and the lookups are kept for the request. */
export const MAX_BATCH_SCHEMES = 100;

/** Where a batch answers from, for the `instance` of each line's problem. */
const INSTANCE = '/v1/calculations/budgets';

/** Output is sent in pieces of about this many characters: one write a line would cost more than the calculation. */
const PIECE = 65_536;

const checkLine = Compile(BudgetLine);

interface BatchContext {
  readonly councilId: string;
  readonly rules: CompiledRules;
  readonly summary: boolean;
  /** Logs an error nobody meant (the line is answered 500, and the batch goes on). */
  readonly log: (error: unknown) => void;
}

/**
 * calculateBudgets: one answer line for every line read, in the same order, as the lines arrive.
 * A good line answers `{"line":n,"ref":…,"calculation":{…}}`; a bad one (not JSON, not a budget
 * request, a scheme the council does not have, answers that do not fit) answers
 * `{"line":n,"ref":…,"problem":{…}}` with the problem a single calculateBudget would have given,
 * and the lines after it are answered as usual. Blank lines are skipped (their numbers still
 * count). Lines past {@link MAX_BATCH_LINES} are read and not answered, after one line saying so:
 * stopping the reading would reset the connection before the answer is through.
 */
export async function* calculateBudgetLines(
  input: AsyncIterable<(string | typeof TOO_LONG)[]>,
  context: BatchContext,
): AsyncGenerator<string> {
  const schemes = new Map<string, BudgetRules | null>();
  let number = 0;
  let out = '';
  for await (const lines of input) {
    for (const line of lines) {
      number += 1;
      if (number > MAX_BATCH_LINES) {
        if (number === MAX_BATCH_LINES + 1) {
          const detail = `At most ${MAX_BATCH_LINES.toLocaleString('en-GB')} lines a request: this line and those after it are not answered`;
          out += `${problemLine(number, '', 'PAYLOAD_TOO_LARGE', detail)}\n`;
        }
        continue;
      }
      if (line !== TOO_LONG && line.trim() === '') continue;
      out += `${await answer(line, number, schemes, context)}\n`;
      if (out.length >= PIECE) {
        yield out;
        out = '';
      }
    }
  }
  if (out !== '') yield out;
}

async function answer(
  line: string | typeof TOO_LONG,
  number: number,
  schemes: Map<string, BudgetRules | null>,
  context: BatchContext,
): Promise<string> {
  if (line === TOO_LONG) {
    return problemLine(
      number,
      '',
      'PAYLOAD_TOO_LARGE',
      `The line is longer than ${MAX_LINE_CHARACTERS.toLocaleString('en-GB')} characters`,
    );
  }
  // As calculateBudget's body parser does: no nesting past the limit, no control characters in any text.
  if (nestsDeeperThan(line))
    return problemLine(number, '', 'VALIDATION_FAILED', 'The line is not valid: see errors', [{ pointer: '', detail: JSON_DEPTH_DETAIL }]);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return problemLine(number, '', 'MALFORMED_JSON', 'The line is not valid JSON');
  }
  let ref = '';
  try {
    const control = mayHoldControlCharacter(line) ? findControlCharacter(value) : null;
    if (control) return problemLine(number, refOf(value), 'VALIDATION_FAILED', 'The line is not valid: see errors', [control]);
    if (!checkLine.Check(value)) {
      const errors = toFieldProblems(checkLine.Errors(value), 'body');
      return problemLine(number, refOf(value), 'VALIDATION_FAILED', 'The line is not valid: see errors', errors);
    }
    ref = value.ref === undefined ? '' : `,"ref":${JSON.stringify(value.ref)}`;
    let rules = schemes.get(value.schemeId);
    if (rules === undefined) {
      if (schemes.size >= MAX_BATCH_SCHEMES) {
        return problemLine(number, ref, 'INVALID_INPUT', `At most ${MAX_BATCH_SCHEMES} different schemes a request`, [
          { pointer: '/schemeId', detail: 'is one scheme too many for this request' },
        ]);
      }
      rules = await budgetRules(context.rules, context.councilId, value.schemeId);
      schemes.set(value.schemeId, rules);
    }
    if (rules === null) {
      return problemLine(number, ref, 'INVALID_INPUT', `No allocation scheme with id ${value.schemeId}`, [
        { pointer: '/schemeId', detail: 'is not a scheme of this council' },
      ]);
    }
    return `{"line":${number}${ref},"calculation":${JSON.stringify(budgetAnswer(rules, value, context.summary))}}`;
  } catch (error) {
    const problem = refusal(error, INSTANCE);
    if (problem === null) {
      // Logged, answered as a single request would be (no internals), and the batch goes on.
      context.log(error);
      return problemLine(number, ref, 'INTERNAL', 'The line could not be calculated. It has been logged.');
    }
    return `{"line":${number}${ref},"problem":${JSON.stringify(documented(problem))}}`;
  }
}

/**
 * A problem as calculateBudget's answer has it: each error's pointer and detail (a RasError's
 * problems also carry the question key, which the Problem schema leaves out).
 */
function documented(problem: ProblemBody): ProblemBody {
  return problem.errors ? { ...problem, errors: problem.errors.map(({ pointer, detail }) => ({ pointer, detail })) } : problem;
}

/** The caller's `ref` of a line that failed validation, when it is at least text. */
function refOf(value: unknown): string {
  const ref = (value as { ref?: unknown } | null)?.ref;
  return typeof ref === 'string' && ref.length <= 200 ? `,"ref":${JSON.stringify(ref)}` : '';
}

function problemLine(number: number, ref: string, code: ErrorCode, detail: string, errors?: readonly FieldProblem[]): string {
  return `{"line":${number}${ref},"problem":${JSON.stringify(problemBody(code, detail, INSTANCE, errors))}}`;
}
