import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, RasError, scoreAnswers } from '../src/index.js';
import { SAQ } from './fixtures.js';

const saq = compileQuestionnaire(SAQ);

describe('scoreAnswers', () => {
  it.each([
    // care: (washing + min(5, aids)) × 1.5 half up, capped at 20; community: out
    [{ washing: 'none', out: 'alone' }, [0, 0], 0],
    [{ washing: 'some', out: 'alone' }, [5, 0], 5], // 3 × 1.5 = 4.5 → 5
    [{ washing: 'some', aids: ['rail'], out: 'with' }, [8, 5], 13], // 5 × 1.5 = 7.5 → 8
    [{ washing: 'lots', aids: ['hoist'], out: 'never' }, [20, 12], 32], // 13 × 1.5 = 19.5 → 20
    [{ washing: 'lots', aids: ['hoist', 'rail'], out: 'with' }, [20, 5], 25], // 9 + min(5, 6) = 14 × 1.5 = 21 → cap 20
  ])('%j scores sections %j, total %i', (answers, sections, total) => {
    const score = scoreAnswers(saq, answers);
    expect(score.sections.map((section) => section.points)).toEqual(sections);
    expect(score.totalPoints).toBe(total);
    expect(score.complete).toBe(true);
  });

  it('returns the breakdown by section and question, with caps marked', () => {
    const score = scoreAnswers(saq, { washing: 'lots', aids: ['hoist', 'rail'], out: 'with' });
    expect(score.questionnaire).toEqual({ key: 'saq', version: 3 });
    expect(score.sections[0]).toMatchObject({
      questionPoints: 14,
      weight: 1.5,
      weightedPoints: 21,
      maxPoints: 20,
      points: 20,
      capped: true,
    });
    expect(score.sections[0]?.questions[1]).toEqual({ key: 'aids', answer: ['hoist', 'rail'], points: 5, uncappedPoints: 6, capped: true });
    expect(score.sections[1]).toMatchObject({ weight: 1, maxPoints: null, capped: false });
  });

  it('counts unanswered questions as 0 and says the score is incomplete', () => {
    const score = scoreAnswers(saq, { washing: 'lots' });
    expect(score.complete).toBe(false);
    expect(score.missingQuestionKeys).toEqual(['out']);
    expect(score.totalPoints).toBe(14); // 9 × 1.5 = 13.5 → 14
  });

  it('throws INVALID_ANSWERS listing each answer that does not fit', () => {
    try {
      scoreAnswers(saq, { washing: 'sometimes', stranger: 'x', out: 'alone' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RasError);
      expect((error as RasError).code).toBe('INVALID_ANSWERS');
      expect((error as RasError).problems.map((problem) => problem.pointer)).toEqual(['/answers/stranger', '/answers/washing']);
    }
  });
});

describe('scoreAnswers without the per-question breakdown', () => {
  it('gives the same section and total points for bulk work', () => {
    for (const answers of [
      { washing: 'lots', aids: ['hoist', 'rail'], out: 'with' },
      { washing: 'some' },
      { washing: 'none', aids: [], out: 'never' },
    ]) {
      const full = scoreAnswers(saq, answers);
      const bulk = scoreAnswers(saq, answers, { questions: false });
      expect(bulk.totalPoints).toBe(full.totalPoints);
      expect(bulk.sections.map((section) => section.points)).toEqual(full.sections.map((section) => section.points));
      expect(bulk.missingQuestionKeys).toEqual(full.missingQuestionKeys);
      expect(bulk.sections.every((section) => section.questions.length === 0)).toBe(true);
    }
  });
});

describe('scoreAnswers whatever order the answers come in', () => {
  // Answers in the questionnaire's order take a fast path; any other order must score the same,
  // and an answer to an unknown question must be refused wherever it sits.
  const answerFor = {
    washing: fc.constantFrom('none', 'some', 'lots', null),
    aids: fc.subarray(['hoist', 'rail', 'none']),
    out: fc.constantFrom('alone', 'with', 'never'),
  };
  const entries = fc.record(answerFor, { requiredKeys: [] }).map((answers) => Object.entries(answers));
  const scoreOf = (pairs: [string, unknown][]) => {
    try {
      return scoreAnswers(saq, Object.fromEntries(pairs) as never);
    } catch (error) {
      return (error as RasError).problems;
    }
  };

  it('scores a shuffled set of answers exactly as the ordered one', () => {
    fc.assert(
      fc.property(entries, fc.infiniteStream(fc.nat()), (pairs, draws) => {
        const shuffled = [...pairs];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (draws.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as [string, unknown], shuffled[i] as [string, unknown]];
        }
        expect(scoreOf(shuffled)).toEqual(scoreOf(pairs));
      }),
    );
  });

  it('refuses an unknown question wherever it sits among the answers', () => {
    fc.assert(
      fc.property(entries, fc.nat(), (pairs, at) => {
        const withStranger = [...pairs];
        withStranger.splice(at % (pairs.length + 1), 0, ['stranger', 'x']);
        const problems = scoreOf(withStranger);
        expect(Array.isArray(problems)).toBe(true);
        expect((problems as { pointer: string }[]).map((problem) => problem.pointer)).toContain('/answers/stranger');
      }),
    );
  });
});

describe('unpaid support', () => {
  // Weight 1.5: (washing − family help, never below 0) × 1.5, half up.
  const withFamily = compileQuestionnaire({
    key: 'family',
    title: 'With family help',
    sections: [
      {
        key: 'care',
        title: 'Personal care',
        weight: 1.5,
        questions: [
          { key: 'washing', text: 'Washing', type: 'single', options: [{ key: 'lots', text: 'Lots', points: 9 }] },
          {
            key: 'family',
            text: 'Family help without pay',
            type: 'single',
            unpaidSupport: true,
            options: [
              { key: 'some', text: 'Some', points: 3 },
              { key: 'all', text: 'All of it', points: 12 },
            ],
          },
        ],
      },
    ],
  });

  it('takes the points off the section before weighting, and never below 0', () => {
    const some = scoreAnswers(withFamily, { washing: 'lots', family: 'some' });
    expect(some.sections[0]).toMatchObject({ questionPoints: 6, unpaidSupportPoints: 3, weightedPoints: 9, points: 9 });
    const all = scoreAnswers(withFamily, { washing: 'lots', family: 'all' });
    expect(all.sections[0]).toMatchObject({ questionPoints: 0, unpaidSupportPoints: 9, points: 0 });
    expect(all.totalPoints).toBe(0);
  });

  it('refuses an unpaidSupport flag that is not true or false', () => {
    expect(() =>
      compileQuestionnaire({
        key: 'x',
        title: 'x',
        sections: [
          {
            key: 's',
            title: 's',
            questions: [
              { key: 'q', text: 'q', type: 'single', unpaidSupport: 'yes' as never, options: [{ key: 'a', text: 'a', points: 1 }] },
            ],
          },
        ],
      }),
    ).toThrow(RasError);
  });
});
