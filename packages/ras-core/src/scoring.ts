import { RasError } from './errors.js';
import { divide } from './money.js';
import { type Answers, type CompiledQuestion, type CompiledQuestionnaire, validateAnswers } from './questionnaire.js';

/** The points one question gave. */
export interface QuestionScore {
  readonly key: string;
  /** The answer scored, or `null` when the question was not answered. */
  readonly answer: string | readonly string[] | null;
  /** Points after the question's cap. */
  readonly points: number;
  /** Points before the cap (the sum of the chosen options). */
  readonly uncappedPoints: number;
  readonly capped: boolean;
}

/** The points one section gave, and how they were reached. */
export interface SectionScore {
  readonly key: string;
  readonly title: string;
  /** Σ of the section's question points, less any for unpaid support (never below 0). */
  readonly questionPoints: number;
  /** Points taken off the section for needs met by unpaid support (0 when none). */
  readonly unpaidSupportPoints: number;
  /** The section weight (1 when none was set). */
  readonly weight: number;
  /** round-half-up(weight × questionPoints). */
  readonly weightedPoints: number;
  readonly maxPoints: number | null;
  /** min(maxPoints, weightedPoints): what the section adds to the total. */
  readonly points: number;
  readonly capped: boolean;
  readonly questions: readonly QuestionScore[];
}

/** Options for {@link scoreAnswers}. */
export interface ScoreOptions {
  /**
   * Include the per-question breakdown (default `true`). Bulk work that needs only the section
   * and total points, such as re-running a whole caseload under a new scheme, can leave it out.
   */
  readonly questions?: boolean;
}

const NO_QUESTIONS: QuestionScore[] = [];

/** A scored self-assessment. */
export interface Score {
  readonly questionnaire: { readonly key: string; readonly version: number | null };
  /** Σ of section points. */
  readonly totalPoints: number;
  /** `false` when a required question has no answer (the score counts it as 0 points). */
  readonly complete: boolean;
  readonly missingQuestionKeys: readonly string[];
  readonly sections: readonly SectionScore[];
}

function questionPoints(question: CompiledQuestion, answer: unknown): number {
  if (!question.multi) {
    const points = typeof answer === 'string' ? question.points.get(answer) : undefined;
    if (points === undefined) return -1;
    return points;
  }
  if (!Array.isArray(answer)) return -1;
  let sum = 0;
  for (let i = 0; i < answer.length; i++) {
    const choice: unknown = answer[i];
    const points = typeof choice === 'string' ? question.points.get(choice) : undefined;
    if (points === undefined) return -1;
    for (let j = 0; j < i; j++) if (answer[j] === choice) return -1;
    sum += points;
  }
  return sum;
}

/**
 * Scores answers: question points (a multi question adds its chosen options, capped by its
 * `maxPoints`); section points = min(section `maxPoints`, round-half-up(weight × Σ question
 * points)); total = Σ section points. Unanswered questions count 0 and make the score incomplete.
 *
 * @param questionnaire - from {@link compileQuestionnaire}
 * @param answers - answers keyed by question key
 * @param options - `questions: false` leaves out the per-question breakdown
 * @returns the total with its breakdown by section and question
 * @throws RasError `INVALID_ANSWERS` listing every answer that does not fit the questionnaire
 * @example
 * ```ts
 * const score = scoreAnswers(saq, { wash: 'some' });
 * score.totalPoints; // 5
 * ```
 */
export function scoreAnswers(questionnaire: CompiledQuestionnaire, answers: Answers, options: ScoreOptions = {}): Score {
  const breakdown = options.questions ?? true;
  const ordered = questionnaire.ordered;
  const sums: number[] = questionnaire.sections.map(() => 0);
  const deductions: number[] = questionnaire.sections.map(() => 0);
  const scored: QuestionScore[] = breakdown ? new Array(ordered.length) : NO_QUESTIONS;
  let requiredAnswered = 0;
  let invalid = false;
  let position = 0;
  // One pass over the answers as given, matched to questions by position: answers usually come
  // in questionnaire order, and V8 reads an object's values in a for-in loop straight from its
  // layout. Looking forty different keys up in each object instead goes through a hash-keyed
  // cache whose collisions make the speed vary from one process to the next (BENCHMARKS.md).
  for (const key in answers) {
    let question = ordered[position];
    if (question?.key !== key) {
      question = questionnaire.questions.get(key);
      if (question === undefined) {
        // Inherited enumerable properties are not answers; anything else is an unknown question.
        if (Object.hasOwn(answers, key)) invalid = true;
        continue;
      }
    }
    position = question.index + 1;
    const answer = answers[key];
    if (answer === undefined || answer === null) continue;
    const uncapped = questionPoints(question, answer);
    if (uncapped < 0) {
      invalid = true;
      continue;
    }
    if (question.required && !(question.multi && (answer as readonly string[]).length === 0)) requiredAnswered++;
    const capped = question.maxPoints !== undefined && uncapped > question.maxPoints;
    const points = capped ? (question.maxPoints as number) : uncapped;
    if (question.deducts) deductions[question.sectionIndex] = (deductions[question.sectionIndex] as number) + points;
    else sums[question.sectionIndex] = (sums[question.sectionIndex] as number) + points;
    if (breakdown) scored[question.index] = { key, answer, points, uncappedPoints: uncapped, capped };
  }
  if (invalid) throw new RasError('INVALID_ANSWERS', validateAnswers(questionnaire, answers, { partial: true }));

  let totalPoints = 0;
  const sections = questionnaire.sections.map((section, index): SectionScore => {
    // Unpaid support takes points off the section, never more than the section has.
    const unpaidSupportPoints = Math.min(sums[index] as number, deductions[index] as number);
    const sum = (sums[index] as number) - unpaidSupportPoints;
    const weightedPoints = divide(sum * section.weightHundredths, 100, 'half-up');
    const capped = section.maxPoints !== undefined && weightedPoints > section.maxPoints;
    const points = capped ? (section.maxPoints as number) : weightedPoints;
    totalPoints += points;
    return {
      key: section.key,
      title: section.title,
      questionPoints: sum,
      unpaidSupportPoints,
      weight: section.weightHundredths / 100,
      weightedPoints,
      maxPoints: section.maxPoints ?? null,
      points,
      capped,
      questions: breakdown ? section.questions.map((question) => scored[question.index] ?? unanswered(question)) : NO_QUESTIONS,
    };
  });
  const missing = requiredAnswered === questionnaire.requiredCount ? [] : missingQuestionKeys(questionnaire, answers);
  return {
    questionnaire: { key: questionnaire.definition.key, version: questionnaire.definition.version ?? null },
    totalPoints,
    complete: missing.length === 0,
    missingQuestionKeys: missing,
    sections,
  };
}

function unanswered(question: CompiledQuestion): QuestionScore {
  return { key: question.key, answer: null, points: 0, uncappedPoints: 0, capped: false };
}

/** Required questions with no answer (or no option chosen), in questionnaire order. */
function missingQuestionKeys(questionnaire: CompiledQuestionnaire, answers: Answers): string[] {
  const missing: string[] = [];
  for (const question of questionnaire.ordered) {
    if (!question.required) continue;
    const answer = answers[question.key];
    if (answer === undefined || answer === null || (question.multi && (answer as readonly string[]).length === 0))
      missing.push(question.key);
  }
  return missing;
}
