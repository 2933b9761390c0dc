#!/usr/bin/env node
// One process's figure for score + allocate on an 8-section, 40-question SAQ, printed as JSON
// for run.js. `node score.js` scores answers parsed from JSON, as they arrive in a request body,
// a file or a database column; `node score.js built` scores objects built key by key in code,
// which V8 often keeps as hash tables (these are; slower to read).
import { allocateBudget, compileQuestionnaire, compileScheme, scoreAnswers } from '../dist/index.js';
import { median, random } from './shared.js';

const built = process.argv[2] === 'built';

// An 8-section, 40-question SAQ: weights, caps, and one multi question per section.
const sections = Array.from({ length: 8 }, (_, s) => ({
  key: `section-${s}`,
  title: `Section ${s}`,
  ...(s % 3 === 0 ? { weight: 1.5, maxPoints: 40 } : {}),
  questions: Array.from({ length: 5 }, (_, q) =>
    q === 4
      ? {
          key: `s${s}q${q}`,
          text: 'Which apply?',
          type: 'multi',
          required: false,
          maxPoints: 8,
          options: Array.from({ length: 5 }, (_, o) => ({ key: `o${o}`, text: `Option ${o}`, points: o + 1 })),
        }
      : {
          key: `s${s}q${q}`,
          text: 'How much help?',
          type: 'single',
          options: Array.from({ length: 5 }, (_, o) => ({ key: `o${o}`, text: `Option ${o}`, points: o * 2 })),
        },
  ),
}));
const questionnaire = compileQuestionnaire({ key: 'bench', title: 'Bench SAQ', sections });
const scheme = compileScheme({
  key: 'bench',
  method: { type: 'linear', poundsPerPointPence: 22_500 },
  floorPoints: 5,
  ceilingPence: 6_000_000,
});
const rand = random(20261124);
// 10,000 different assessments, so the figure is not one answer set sitting in the CPU cache.
const answerSets = Array.from({ length: 10_000 }, () => {
  const answers = {};
  for (const section of sections) {
    for (const question of section.questions) {
      answers[question.key] =
        question.type === 'multi' ? ['o0', 'o1', 'o2', 'o3', 'o4'].filter(() => rand() < 0.4) : `o${Math.floor(rand() * 5)}`;
    }
  }
  return built ? answers : JSON.parse(JSON.stringify(answers));
});

/** Full: every breakdown and the explanation, as the API returns. Bulk: figures only, as a caseload re-run needs. */
function scoreAndAllocate(count, bulk) {
  let checksum = 0;
  const scoreOptions = bulk ? { questions: false } : {};
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const score = scoreAnswers(questionnaire, answerSets[i % answerSets.length], scoreOptions);
    checksum += allocateBudget(scheme, score, { weeklyContributionPence: 1_500, explain: !bulk }).netAnnualPence;
  }
  return { perSecond: count / ((performance.now() - start) / 1000), checksum };
}

scoreAndAllocate(200_000, false); // warm up the JIT
scoreAndAllocate(200_000, true);
if (scoreAndAllocate(10_000, true).checksum !== scoreAndAllocate(10_000, false).checksum) throw new Error('bulk and full paths disagree');
const bulk = median(Array.from({ length: 3 }, () => scoreAndAllocate(500_000, true).perSecond));
const full = median(Array.from({ length: 3 }, () => scoreAndAllocate(300_000, false).perSecond));
process.stdout.write(`${JSON.stringify({ bulk, full })}\n`);
