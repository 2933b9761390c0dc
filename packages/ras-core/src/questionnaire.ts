import { type Problem, RasError } from './errors.js';
import { toScaledInteger } from './money.js';

/** One statement a person can choose, with the points it carries. */
export interface OptionDefinition {
  readonly key: string;
  readonly text: string;
  /** Whole points, 0 or more. */
  readonly points: number;
}

/** A question of the self-assessment. */
export interface QuestionDefinition {
  readonly key: string;
  readonly text: string;
  /** `single`: one option; `multi`: any number, their points added up. */
  readonly type: 'single' | 'multi';
  /** Defaults to `true`: the assessment cannot be submitted without an answer. */
  readonly required?: boolean;
  /** For `multi` questions: the most points the question can give. */
  readonly maxPoints?: number;
  /**
   * Needs met by unpaid support (family, friends, neighbours): the question's points are taken
   * off its section's points instead of added, never below 0, and the explanation says so
   * (seed 000 step 17: a reduction where natural support meets a need).
   */
  readonly unpaidSupport?: boolean;
  readonly options: readonly OptionDefinition[];
}

/** A section of the self-assessment (e.g. personal care), with an optional weight and cap. */
export interface SectionDefinition {
  readonly key: string;
  readonly title: string;
  /** Multiplies the section's points; default 1, at most 2 decimal places. */
  readonly weight?: number;
  /** The most points the section can give after weighting. */
  readonly maxPoints?: number;
  readonly questions: readonly QuestionDefinition[];
}

/** A self-assessment questionnaire, in the shape of the API's `createQuestionnaire`. */
export interface QuestionnaireDefinition {
  readonly key: string;
  readonly title: string;
  /** Set by whoever stores the questionnaire; named in every result that used it. */
  readonly version?: number;
  readonly sections: readonly SectionDefinition[];
}

/** Answers keyed by question key: an option key for `single`, an array of option keys for `multi`. */
export type Answers = Readonly<Record<string, string | readonly string[]>>;

/** A problem with an answer, naming the question it belongs to. */
export interface AnswerProblem extends Problem {
  readonly questionKey: string;
}

/** @internal A question prepared for fast scoring. */
export interface CompiledQuestion {
  readonly definition: QuestionDefinition;
  readonly key: string;
  readonly multi: boolean;
  readonly required: boolean;
  readonly maxPoints: number | undefined;
  /** `true` for an unpaid-support question: its points are taken off the section. */
  readonly deducts: boolean;
  readonly points: ReadonlyMap<string, number>;
  /** Where the question sits: its section's index, and its own index in questionnaire order. */
  readonly sectionIndex: number;
  readonly index: number;
}

/** @internal A section prepared for fast scoring. */
export interface CompiledSection {
  readonly definition: SectionDefinition;
  readonly key: string;
  readonly title: string;
  /** The weight in hundredths: 1.5 is 150. */
  readonly weightHundredths: number;
  readonly maxPoints: number | undefined;
  readonly questions: readonly CompiledQuestion[];
}

/**
 * A questionnaire checked once and prepared for scoring many assessments. Make one with
 * {@link compileQuestionnaire}; it is immutable.
 */
export interface CompiledQuestionnaire {
  readonly definition: QuestionnaireDefinition;
  readonly sections: readonly CompiledSection[];
  readonly questions: ReadonlyMap<string, CompiledQuestion>;
  /** Every question in questionnaire order (`questions[i].index === i`). */
  readonly ordered: readonly CompiledQuestion[];
  /** How many questions must be answered. */
  readonly requiredCount: number;
}

const MAX_WEIGHT_HUNDREDTHS = 10_000;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isWholePoints(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a questionnaire definition and lists every problem with its JSON Pointer: missing or
 * duplicate keys, empty option lists, negative or fractional points, bad weights and caps.
 *
 * @param definition - a questionnaire, typically parsed from JSON
 * @returns every problem found; an empty list means the definition is valid
 * @example
 * ```ts
 * const problems = validateQuestionnaire({ key: 'saq', title: 'SAQ', sections: [] });
 * // [{ pointer: '/sections', detail: 'must list at least one section' }]
 * ```
 */
export function validateQuestionnaire(definition: unknown): Problem[] {
  const problems: Problem[] = [];
  const add = (pointer: string, detail: string) => problems.push({ pointer, detail });
  if (!isRecord(definition)) {
    add('', 'must be an object with key, title and sections');
    return problems;
  }
  if (!isNonEmptyString(definition.key)) add('/key', 'must be a non-empty string');
  if (!isNonEmptyString(definition.title)) add('/title', 'must be a non-empty string');
  const sections = definition.sections;
  if (!Array.isArray(sections) || sections.length === 0) {
    add('/sections', 'must list at least one section');
    return problems;
  }
  const sectionKeys = new Map<string, number>();
  const questionKeys = new Map<string, string>();
  sections.forEach((section: unknown, s) => {
    const at = `/sections/${s}`;
    if (!isRecord(section)) {
      add(at, 'must be an object');
      return;
    }
    if (!isNonEmptyString(section.key)) add(`${at}/key`, 'must be a non-empty string');
    else if (sectionKeys.has(section.key))
      add(`${at}/key`, `duplicates the key "${section.key}" of section ${sectionKeys.get(section.key)}`);
    else sectionKeys.set(section.key, s);
    if (!isNonEmptyString(section.title)) add(`${at}/title`, 'must be a non-empty string');
    if (section.weight !== undefined) {
      const hundredths = typeof section.weight === 'number' ? toScaledInteger(section.weight, 2) : undefined;
      if (hundredths === undefined || hundredths <= 0 || hundredths > MAX_WEIGHT_HUNDREDTHS) {
        add(`${at}/weight`, 'must be a number above 0 and at most 100, with at most 2 decimal places');
      }
    }
    if (section.maxPoints !== undefined && !isWholePoints(section.maxPoints)) {
      add(`${at}/maxPoints`, 'must be a whole number of points, 0 or more');
    }
    const questions = section.questions;
    if (!Array.isArray(questions) || questions.length === 0) {
      add(`${at}/questions`, 'must list at least one question');
      return;
    }
    questions.forEach((question: unknown, q) => {
      const qat = `${at}/questions/${q}`;
      if (!isRecord(question)) {
        add(qat, 'must be an object');
        return;
      }
      if (!isNonEmptyString(question.key)) add(`${qat}/key`, 'must be a non-empty string');
      else if (questionKeys.has(question.key))
        add(`${qat}/key`, `duplicates the question key "${question.key}" at ${questionKeys.get(question.key)}`);
      else questionKeys.set(question.key, qat);
      if (!isNonEmptyString(question.text)) add(`${qat}/text`, 'must be a non-empty string');
      if (question.type !== 'single' && question.type !== 'multi') add(`${qat}/type`, 'must be "single" or "multi"');
      if (question.required !== undefined && typeof question.required !== 'boolean') add(`${qat}/required`, 'must be true or false');
      if (question.unpaidSupport !== undefined && typeof question.unpaidSupport !== 'boolean')
        add(`${qat}/unpaidSupport`, 'must be true or false');
      if (question.maxPoints !== undefined) {
        if (question.type !== 'multi') add(`${qat}/maxPoints`, 'applies only to "multi" questions');
        else if (!isWholePoints(question.maxPoints)) add(`${qat}/maxPoints`, 'must be a whole number of points, 0 or more');
      }
      const options = question.options;
      if (!Array.isArray(options) || options.length === 0) {
        add(`${qat}/options`, 'must list at least one option');
        return;
      }
      const optionKeys = new Set<string>();
      options.forEach((option: unknown, o) => {
        const oat = `${qat}/options/${o}`;
        if (!isRecord(option)) {
          add(oat, 'must be an object');
          return;
        }
        if (!isNonEmptyString(option.key)) add(`${oat}/key`, 'must be a non-empty string');
        else if (optionKeys.has(option.key)) add(`${oat}/key`, `duplicates the option key "${option.key}" in this question`);
        else optionKeys.add(option.key);
        if (!isNonEmptyString(option.text)) add(`${oat}/text`, 'must be a non-empty string');
        if (!isWholePoints(option.points))
          add(`${oat}/points`, `must be a whole number of points, 0 or more (got ${String(option.points)})`);
      });
    });
  });
  return problems;
}

/**
 * Checks a questionnaire and prepares it for scoring. Do this once per questionnaire version and
 * reuse the result for every assessment.
 *
 * @param definition - the questionnaire
 * @returns the compiled questionnaire
 * @throws RasError `INVALID_QUESTIONNAIRE` with every problem when the definition is invalid
 * @example
 * ```ts
 * const saq = compileQuestionnaire({
 *   key: 'saq', title: 'Self-assessment',
 *   sections: [{ key: 'care', title: 'Personal care', questions: [{ key: 'wash', text: 'Washing', type: 'single',
 *     options: [{ key: 'none', text: 'I manage', points: 0 }, { key: 'some', text: 'Some help', points: 5 }] }] }],
 * });
 * ```
 */
export function compileQuestionnaire(definition: QuestionnaireDefinition): CompiledQuestionnaire {
  const problems = validateQuestionnaire(definition);
  if (problems.length > 0) throw new RasError('INVALID_QUESTIONNAIRE', problems);
  const questions = new Map<string, CompiledQuestion>();
  const ordered: CompiledQuestion[] = [];
  const sections = definition.sections.map((section, sectionIndex): CompiledSection => {
    const compiledQuestions = section.questions.map((question): CompiledQuestion => {
      const compiled: CompiledQuestion = {
        definition: question,
        key: question.key,
        multi: question.type === 'multi',
        required: question.required ?? true,
        maxPoints: question.maxPoints,
        deducts: question.unpaidSupport === true,
        points: new Map(question.options.map((option) => [option.key, option.points])),
        sectionIndex,
        index: ordered.length,
      };
      questions.set(question.key, compiled);
      ordered.push(compiled);
      return compiled;
    });
    return {
      definition: section,
      key: section.key,
      title: section.title,
      weightHundredths: toScaledInteger(section.weight ?? 1, 2) ?? 100,
      maxPoints: section.maxPoints,
      questions: compiledQuestions,
    };
  });
  const requiredCount = ordered.filter((question) => question.required).length;
  return { definition, sections, questions, ordered, requiredCount };
}

/** Options for {@link validateAnswers}. */
export interface ValidateAnswersOptions {
  /** Accept missing required answers, as a draft may (default `false`). */
  readonly partial?: boolean;
}

/**
 * Checks answers against a questionnaire and lists every problem, each naming its question key:
 * unknown question, unknown option, an array for a single question, a string for a multi,
 * a missing required answer.
 *
 * @param questionnaire - the compiled questionnaire
 * @param answers - answers keyed by question key
 * @param options - `partial: true` for drafts
 * @returns every problem found; empty when the answers can be submitted
 * @example
 * ```ts
 * validateAnswers(saq, { wash: 'lots' });
 * // [{ questionKey: 'wash', pointer: '/answers/wash', detail: 'has no option "lots"' }]
 * ```
 */
export function validateAnswers(
  questionnaire: CompiledQuestionnaire,
  answers: unknown,
  options: ValidateAnswersOptions = {},
): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  if (!isRecord(answers)) {
    return [{ questionKey: '', pointer: '/answers', detail: 'must be an object keyed by question key' }];
  }
  const add = (questionKey: string, detail: string, suffix = '') =>
    problems.push({ questionKey, pointer: `/answers/${escapePointer(questionKey)}${suffix}`, detail });
  for (const key of Object.keys(answers)) {
    if (!questionnaire.questions.has(key)) add(key, 'is not a question of this questionnaire');
  }
  for (const question of questionnaire.questions.values()) {
    const answer = answers[question.key];
    if (answer === undefined || answer === null) {
      if (question.required && !options.partial) add(question.key, 'is required and has no answer');
      continue;
    }
    if (!question.multi) {
      if (Array.isArray(answer)) add(question.key, 'takes one option key, not a list');
      else if (typeof answer !== 'string') add(question.key, 'must be an option key');
      else if (!question.points.has(answer)) add(question.key, `has no option "${answer}"`);
      continue;
    }
    if (typeof answer === 'string') {
      add(question.key, 'takes a list of option keys, not a single key');
      continue;
    }
    if (!Array.isArray(answer)) {
      add(question.key, 'must be a list of option keys');
      continue;
    }
    if (answer.length === 0 && question.required && !options.partial) add(question.key, 'is required: choose at least one option');
    const seen = new Set<string>();
    answer.forEach((choice: unknown, index) => {
      if (typeof choice !== 'string') add(question.key, 'must be an option key', `/${index}`);
      else if (!question.points.has(choice)) add(question.key, `has no option "${choice}"`, `/${index}`);
      else if (seen.has(choice)) add(question.key, `chooses "${choice}" twice`, `/${index}`);
      else seen.add(choice);
    });
  }
  return problems;
}

/** Escapes a key for use inside a JSON Pointer (RFC 6901). */
export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
