import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, RasError, validateAnswers, validateQuestionnaire } from '../src/index.js';
import { SAQ } from './fixtures.js';

describe('validateQuestionnaire', () => {
  it('accepts a valid definition', () => {
    expect(validateQuestionnaire(SAQ)).toEqual([]);
  });

  it('lists every problem with its path', () => {
    const problems = validateQuestionnaire({
      key: '',
      title: 'Broken',
      sections: [
        {
          key: 'a',
          title: 'A',
          weight: 1.234,
          maxPoints: -1,
          questions: [
            { key: 'q1', text: 'One', type: 'single', options: [] },
            {
              key: 'q1',
              text: 'Dup',
              type: 'maybe',
              options: [
                { key: 'x', text: 'X', points: -2 },
                { key: 'x', text: 'Y', points: 1.5 },
              ],
            },
          ],
        },
        {
          key: 'a',
          title: 'Dup section',
          weight: 0,
          questions: [{ key: 'q3', text: 'Three', type: 'single', maxPoints: 3, options: [{ key: 'o', text: 'O', points: 1 }] }],
        },
      ],
    });
    expect(problems.map((problem) => problem.pointer)).toEqual([
      '/key',
      '/sections/0/weight',
      '/sections/0/maxPoints',
      '/sections/0/questions/0/options',
      '/sections/0/questions/1/key',
      '/sections/0/questions/1/type',
      '/sections/0/questions/1/options/0/points',
      '/sections/0/questions/1/options/1/key',
      '/sections/0/questions/1/options/1/points',
      '/sections/1/key',
      '/sections/1/weight',
      '/sections/1/questions/0/maxPoints',
    ]);
  });

  it('throws every problem when compiling an invalid definition', () => {
    const error = (() => {
      try {
        compileQuestionnaire({ key: 'x', title: 'x', sections: [] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RasError);
    expect((error as RasError).code).toBe('INVALID_QUESTIONNAIRE');
  });
});

describe('validateAnswers', () => {
  const saq = compileQuestionnaire(SAQ);

  it('lists every problem, each naming its question', () => {
    const problems = validateAnswers(saq, { washing: ['some'], aids: 'hoist', out: 'nowhere', mystery: 'x' });
    expect(problems.map(({ questionKey, pointer }) => [questionKey, pointer])).toEqual([
      ['mystery', '/answers/mystery'],
      ['washing', '/answers/washing'],
      ['aids', '/answers/aids'],
      ['out', '/answers/out'],
    ]);
    expect(problems.map((problem) => problem.detail)).toEqual([
      'is not a question of this questionnaire',
      'takes one option key, not a list',
      'takes a list of option keys, not a single key',
      'has no option "nowhere"',
    ]);
  });

  it('reports missing required answers, but not in partial mode, and never for optional questions', () => {
    expect(validateAnswers(saq, {}).map((problem) => problem.questionKey)).toEqual(['washing', 'out']);
    expect(validateAnswers(saq, {}, { partial: true })).toEqual([]);
  });

  it('refuses an option chosen twice and unknown options inside a list', () => {
    const problems = validateAnswers(saq, { washing: 'none', out: 'alone', aids: ['hoist', 'hoist', 'jet-pack'] });
    expect(problems.map((problem) => problem.pointer)).toEqual(['/answers/aids/1', '/answers/aids/2']);
  });
});
