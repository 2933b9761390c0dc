#!/usr/bin/env node
// ras-core speed, against the targets in the issue: score + allocate at ≥ 500,000 assessments/s
// on one core; calibrate 1,000,000 cases in under 1 s; `ras calibrate` on a 1,000,000-row CSV in
// under 10 s with peak memory under 500 MB. Run with `npm run bench` (it builds first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocateBudget, calibrate, compileQuestionnaire, compileScheme, scoreAnswers } from '../dist/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A seeded PRNG (mulberry32), so every run measures the same work. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
const answerSets = Array.from({ length: 10_000 }, () => {
  const answers = {};
  for (const section of sections) {
    for (const question of section.questions) {
      answers[question.key] =
        question.type === 'multi' ? ['o0', 'o1', 'o2', 'o3', 'o4'].filter(() => rand() < 0.4) : `o${Math.floor(rand() * 5)}`;
    }
  }
  return answers;
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
const scoring = Array.from({ length: RUNS }, () => scoreAndAllocate(500_000, false).perSecond);
const bulkScoring = Array.from({ length: RUNS }, () => scoreAndAllocate(500_000, true).perSecond);
if (scoreAndAllocate(10_000, true).checksum !== scoreAndAllocate(10_000, false).checksum) throw new Error('bulk and full paths disagree');

const cases = Array.from({ length: 1_000_000 }, (_, i) => {
  const points = 1 + Math.floor(rand() * 150);
  return {
    ref: `case-${i}`,
    points,
    currentAnnualPence: Math.max(0, points * 20_000 + Math.floor(rand() * 400_000) - 200_000),
    clientGroup: ['ld', 'op', 'mh', 'pd'][i % 4],
  };
});
calibrate({ cases: cases.slice(0, 100_000), topSlicePercent: 10 });
const calibrations = Array.from({ length: RUNS }, () => {
  const start = performance.now();
  calibrate({ cases, topSlicePercent: 10 });
  return performance.now() - start;
});

// The CLI on a 1,000,000-row file, as a separate process, for its wall time and peak memory.
const dir = mkdtempSync(join(tmpdir(), 'ras-bench-'));
const csv = join(dir, 'cases.csv');
writeFileSync(
  csv,
  `ref,points,currentAnnual,clientGroup\n${cases.map((c) => `${c.ref},${c.points},${(c.currentAnnualPence / 100).toFixed(2)},${c.clientGroup}`).join('\n')}\n`,
);
const cli = fileURLToPath(new URL('../dist/cli/ras.js', import.meta.url));
const cliRuns = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  const start = performance.now();
  const child = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, cli, 'calibrate', csv, '--top-slice', '10', '--report', join(dir, 'report.html')],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - start) / 1000;
  if (child.status !== 0) throw new Error(`ras calibrate failed: ${child.stderr}`);
  const peakKb = Number(child.stderr.trim().split('\n').at(-1));
  cliRuns.push({ seconds, peakMb: peakKb / 1024 });
}
rmSync(dir, { recursive: true, force: true });

const rows = [
  [
    'score + allocate, figures only (bulk), 8 sections / 40 questions (assessments/s, one core)',
    median(bulkScoring).toFixed(0),
    '≥ 500,000',
    median(bulkScoring) >= 500_000,
  ],
  ['score + allocate with every breakdown and the explanation (assessments/s, one core)', median(scoring).toFixed(0), '(no target)', true],
  ['calibrate 1,000,000 cases (s)', (median(calibrations) / 1000).toFixed(3), '< 1', median(calibrations) < 1000],
  [
    'ras calibrate, 1,000,000-row CSV + HTML report (s)',
    median(cliRuns.map((r) => r.seconds)).toFixed(2),
    '< 10',
    median(cliRuns.map((r) => r.seconds)) < 10,
  ],
  ['ras calibrate peak RSS (MB)', median(cliRuns.map((r) => r.peakMb)).toFixed(0), '< 500', median(cliRuns.map((r) => r.peakMb)) < 500],
];
process.stdout.write(
  `\nras-core benchmarks: Node ${process.version}, median of ${RUNS} runs (CLI: ${cliRuns.length})\n\n| Measure | Result | Target | Pass |\n|---|---|---|---|\n`,
);
for (const [measure, result, target, pass] of rows)
  process.stdout.write(`| ${measure} | ${result} | ${target} | ${pass ? 'yes' : 'NO'} |\n`);
process.stdout.write(
  `\nscore + allocate runs, bulk: ${bulkScoring.map((v) => v.toFixed(0)).join(', ')}; full: ${scoring.map((v) => v.toFixed(0)).join(', ')}\ncalibrate runs (ms): ${calibrations.map((v) => v.toFixed(0)).join(', ')}\n`,
);
