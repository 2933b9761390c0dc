import { Compile } from 'typebox/compile';
import type { ErrorCode, FieldProblem } from '../../../errors.js';
import { TOO_LONG } from '../../../http/ndjson.js';
import { type ProblemBody, problemBody, refusal } from '../../../plugins/problem-details.js';
import { toFieldProblems } from '../../../plugins/validation.js';
import { budgetSummary, calculateBudget } from '../../../rules/calculate-budget.js';
import type { CompiledRules, LoadedQuestionnaire, LoadedScheme } from '../../../rules/compiled-rules.js';
import { BudgetLine } from './schemas.js';

/** Lines one calculateBudgets request may carry. */
export const MAX_BATCH_LINES = 1_000_000;

/** Where a batch answers from, for the `instance` of each line's problem. */
const INSTANCE = '/v1/calculations/budgets';

/** Output is sent in pieces of about this many characters: one write a line would cost more than the calculation. */
const PIECE = 65_536;

const checkLine = Compile(BudgetLine);

interface Rules {
  readonly scheme: LoadedScheme;
  readonly questionnaire: LoadedQuestionnaire;
}

/**
 * calculateBudgets: one answer line for every line read, in the same order, as the lines arrive.
 * A good line answers `{"line":n,"ref":…,"calculation":{…}}`; a bad one (not JSON, not a budget
 * request, a scheme the council does not have, answers that do not fit) answers
 * `{"line":n,"ref":…,"problem":{…}}` with the problem a single calculateBudget would have given,
 * and the lines after it are answered as usual. Blank lines are skipped (their numbers still
 * count). Each scheme is looked up once a request.
 */
export async function* calculateBudgetLines(
  input: AsyncIterable<(string | typeof TOO_LONG)[]>,
  context: { readonly councilId: string; readonly rules: CompiledRules; readonly summary: boolean },
): AsyncGenerator<string> {
  const schemes = new Map<string, Rules | null>();
  let number = 0;
  let out = '';
  for await (const lines of input) {
    for (const line of lines) {
      number += 1;
      if (number > MAX_BATCH_LINES) {
        yield `${out}${problemLine(number, '', 'PAYLOAD_TOO_LARGE', `At most ${MAX_BATCH_LINES.toLocaleString('en-GB')} lines a request: this line and any after it were not read`)}\n`;
        return;
      }
      if (line !== TOO_LONG && line.trim() === '') continue;
      out += `${await answer(line, number, schemes, context)}\n`;
    }
    if (out.length >= PIECE) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

async function answer(
  line: string | typeof TOO_LONG,
  number: number,
  schemes: Map<string, Rules | null>,
  context: { readonly councilId: string; readonly rules: CompiledRules; readonly summary: boolean },
): Promise<string> {
  if (line === TOO_LONG) return problemLine(number, '', 'PAYLOAD_TOO_LARGE', 'The line is longer than 1 MiB');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return problemLine(number, '', 'MALFORMED_JSON', 'The line is not valid JSON');
  }
  if (!checkLine.Check(value)) {
    const ref = refOf(value);
    return problemLine(
      number,
      ref,
      'VALIDATION_FAILED',
      'The line is not valid: see errors',
      toFieldProblems(checkLine.Errors(value) as never[], 'body'),
    );
  }
  const ref = value.ref === undefined ? '' : `,"ref":${JSON.stringify(value.ref)}`;
  let rules = schemes.get(value.schemeId);
  if (rules === undefined) {
    rules = await load(context, value.schemeId);
    schemes.set(value.schemeId, rules);
  }
  if (rules === null) {
    return problemLine(number, ref, 'INVALID_INPUT', `No allocation scheme with id ${value.schemeId}`, [
      { pointer: '/schemeId', detail: 'is not a scheme of this council' },
    ]);
  }
  try {
    const calculation = calculateBudget(rules.questionnaire, rules.scheme, {
      answers: value.answers,
      weeksAtHome: value.weeksAtHome,
      fundingStreams: value.fundingStreams,
      weeklyContributionPence: value.weeklyContributionPence,
      explain: !context.summary,
    });
    return `{"line":${number}${ref},"calculation":${JSON.stringify(context.summary ? budgetSummary(calculation) : calculation)}}`;
  } catch (error) {
    const problem = refusal(error, INSTANCE);
    if (problem === null) throw error;
    // As a single calculateBudget's answer has it: each error's pointer and detail (a RasError's
    // problems also carry the question key, which the Problem schema leaves out).
    const errors = problem.errors?.map(({ pointer, detail }) => ({ pointer, detail }));
    return `{"line":${number}${ref},"problem":${JSON.stringify(errors ? { ...problem, errors } : problem)}}`;
  }
}

async function load(context: { readonly councilId: string; readonly rules: CompiledRules }, schemeId: string): Promise<Rules | null> {
  const scheme = await context.rules.scheme(context.councilId, schemeId);
  if (!scheme) return null;
  const questionnaire = await context.rules.questionnaire(context.councilId, scheme.row.questionnaire_id);
  if (!questionnaire) throw new Error(`scheme ${scheme.row.id} names a missing questionnaire`);
  return { scheme, questionnaire };
}

/** The caller's `ref` of a line that failed validation, when it is at least text. */
function refOf(value: unknown): string {
  const ref = (value as { ref?: unknown } | null)?.ref;
  return typeof ref === 'string' && ref.length <= 200 ? `,"ref":${JSON.stringify(ref)}` : '';
}

function problemLine(number: number, ref: string, code: ErrorCode, detail: string, errors?: readonly FieldProblem[]): string {
  const problem: ProblemBody = problemBody(code, detail, INSTANCE, errors);
  return `{"line":${number}${ref},"problem":${JSON.stringify(problem)}}`;
}
