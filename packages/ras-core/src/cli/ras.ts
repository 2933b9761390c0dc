#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allocateBudget } from '../allocation.js';
import { calibrate, type ProposedScheme } from '../calibration.js';
import { renderCalibrationReport } from '../calibration-report.js';
import { RasError } from '../errors.js';
import { formatPounds, poundsToPence } from '../money.js';
import { type Answers, compileQuestionnaire, type QuestionnaireDefinition } from '../questionnaire.js';
import { type AllocationScheme, compileScheme } from '../scheme.js';
import { scoreAnswers } from '../scoring.js';
import { readCases } from './read-cases.js';

const USAGE = `ras: the Resource Allocation System from the command line

  ras --version
      Print the version of ras-core.

  ras score <questionnaire.json> <answers.json>
      Score answers; prints the score with its breakdown as JSON.

  ras budget <scheme.json> <questionnaire.json> <answers.json> [--weeks-at-home N] [--weekly-contribution 12.50] [--explain]
      Work out the indicative budget; prints it as JSON (--explain: the steps in words).

  ras calibrate <cases.csv> --top-slice <percent> [--budget <pounds>] [--proposed <scheme.json>]
                [--report <out.html>] [--json <out.json>]
      Run the desktop exercise on current cases. CSV with a header row: ref, points, and
      currentAnnualPence (whole pence) or currentAnnual (pounds), optional clientGroup.
      --proposed names a JSON file { "method": { "type": "linear", "poundsPerPointPence": 30000 }
      | { "type": "banded", "bands": [...] }, "floorPoints"?, "ceilingPence"? } to project the
      cases under; without it the rate the budget affords is the proposal.
      Prints £/point, the integrity test (no dearer than today) and who gains and loses;
      --report writes the HTML report for committee, --json the full result. Exit status 3 when
      the proposal fails the integrity test.

Money on the command line is in pounds (12.50); in files and output, in integer pence.
Exit status: 0 done, 1 the data has problems, 2 the command is wrong, 3 the proposal fails the integrity test.`;

class UsageError extends Error {}

/** The version in ras-core's package.json (dist/cli/ras.js → ../../package.json). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * A file's JSON, as the type the command hands it to: the compile functions check it and throw
 * RasError naming each problem, so nothing unchecked reaches the maths.
 */
function readJson<T>(path: string | undefined, what: string): T {
  if (!path) throw new UsageError(`Name the ${what} file`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} file ${path}: ${(error as Error).message}`);
  }
}

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function score(args: string[]): void {
  const [questionnairePath, answersPath] = args;
  const questionnaire = compileQuestionnaire(readJson<QuestionnaireDefinition>(questionnairePath, 'questionnaire'));
  out(JSON.stringify(scoreAnswers(questionnaire, readJson<Answers>(answersPath, 'answers')), null, 2));
}

function budget(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'weeks-at-home': { type: 'string' }, 'weekly-contribution': { type: 'string' }, explain: { type: 'boolean' } },
  });
  const [schemePath, questionnairePath, answersPath] = positionals;
  const scheme = compileScheme(readJson<AllocationScheme>(schemePath, 'scheme'));
  const questionnaire = compileQuestionnaire(readJson<QuestionnaireDefinition>(questionnairePath, 'questionnaire'));
  const points = scoreAnswers(questionnaire, readJson<Answers>(answersPath, 'answers'));
  const weeks = values['weeks-at-home'];
  if (weeks !== undefined && !/^\d+(\.\d{1,2})?$/.test(weeks)) throw new UsageError('--weeks-at-home takes a number of weeks, such as 38');
  const result = allocateBudget(scheme, points, {
    ...(weeks === undefined ? {} : { weeksAtHome: Number(weeks) }),
    ...(values['weekly-contribution'] === undefined
      ? {}
      : { weeklyContributionPence: poundsToPence(values['weekly-contribution'], '--weekly-contribution') }),
  });
  if (values.explain) out(result.explanation.map((step) => `- ${step.text}`).join('\n'));
  else out(JSON.stringify(result, null, 2));
}

async function calibrateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'top-slice': { type: 'string' },
      budget: { type: 'string' },
      proposed: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const [path] = positionals;
  if (!path) throw new UsageError('Name the cases CSV file');
  const topSlice = values['top-slice'];
  if (topSlice === undefined || !/^\d+(\.\d{1,2})?$/.test(topSlice))
    throw new UsageError('--top-slice takes the percentage kept back, such as 10 or 12.5');
  const budgetPence = values.budget === undefined ? undefined : poundsToPence(values.budget, '--budget');
  const { cases, badRows, badRowCount } = await readCases(path);
  if (badRowCount > 0) {
    for (const row of badRows) process.stderr.write(`line ${row.line}: ${row.reason}\n`);
    if (badRowCount > badRows.length) process.stderr.write(`… and ${badRowCount - badRows.length} more bad rows\n`);
    process.stderr.write(`${badRowCount} bad rows: nothing calculated. Fix them and run again.\n`);
    return 1;
  }
  const proposed = values.proposed === undefined ? undefined : readJson<ProposedScheme>(values.proposed, 'proposed scheme');
  const result = calibrate({
    cases,
    topSlicePercent: Number(topSlice),
    ...(budgetPence === undefined ? {} : { budgetPence }),
    ...(proposed === undefined ? {} : { proposed }),
  });
  const integrity = result.integrity;
  const s = result.summary;
  out(
    [
      `Cases:               ${result.caseCount} (${result.totalPoints} points)`,
      `Budget:              ${formatPounds(result.budgetPence)}`,
      `Top slice:           ${result.topSlicePercent}% = ${formatPounds(result.topSlicePence)}`,
      `Available:           ${formatPounds(result.availablePence)}`,
      `Amount per point:    ${formatPounds(result.poundsPerPointPence)} (what the budget affords)`,
      `Proposed scheme:     ${result.proposed.derived ? 'linear at that rate' : values.proposed}`,
      `Cost today:          ${formatPounds(integrity.currentTotalPence)}`,
      `Projected cost:      ${formatPounds(result.projectedTotalPence)}`,
      `Integrity test:      ${
        integrity.passes
          ? `passes, ${formatPounds(-integrity.differencePence)} less than today`
          : `FAILS: ${formatPounds(integrity.differencePence)} more than today`
      }; headroom against the budget ${formatPounds(integrity.headroomPence)}`,
      `Would get more:      ${s.winners}   less: ${s.losers}   same: ${s.unchanged}`,
      `Mean / median change: ${formatPounds(s.meanAbsoluteDifferencePence)} / ${formatPounds(s.medianAbsoluteDifferencePence)}`,
      `Least-squares £/pt:  ${formatPounds(result.diagnostic.leastSquaresPoundsPerPointPence)} (R² ${result.diagnostic.rSquared})`,
    ].join('\n'),
  );
  if (values.report) {
    writeFileSync(values.report, renderCalibrationReport(result, { generatedOn: new Date().toISOString().slice(0, 10) }));
    out(`Report written to ${values.report}`);
  }
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(result));
    out(`Result written to ${values.json}`);
  }
  return integrity.passes ? 0 : 3;
}

/**
 * The folder file names are read from. Run by `npx ras` inside an npm workspace (this repository,
 * or a project that has ras-core as a workspace), npm starts the command in the workspace's root,
 * not where it was typed; it says where that was in INIT_CWD, so the names resolve as the person
 * typed them.
 */
function invokedFrom(env: NodeJS.ProcessEnv): string {
  return env.npm_command === 'exec' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

async function main(argv: string[]): Promise<number> {
  process.chdir(invokedFrom(process.env));
  const [command, ...args] = argv;
  if (command === '--version' || command === '-v') {
    out(packageVersion());
    return 0;
  }
  if (!command || command === '--help' || command === '-h' || args.includes('--help')) {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'score') score(args);
  else if (command === 'budget') budget(args);
  else if (command === 'calibrate') return calibrateCommand(args);
  else throw new UsageError(`Unknown command "${command}"; try ras --help`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof RasError) {
      process.stderr.write(
        `${error.message}\n${error.problems.map((problem) => `  ${problem.pointer || '/'}: ${problem.detail}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
