#!/usr/bin/env node
// `npm run pack:check`: packs ras-core as npm would publish it, installs the tarball into an empty
// project, and uses it the four ways an embedder would: ESM import, require(), TypeScript (strict,
// NodeNext) and `npx ras`. Also checks that the internal helpers are not exported, that every
// source map points at a file in the package, and that the licence travels with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDir = join(root, 'packages/ras-core');
const work = mkdtempSync(join(tmpdir(), 'ras-core-pack-'));
const run = (command, args, cwd = work) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const check = (ok, what) => {
  if (!ok) throw new Error(`pack check failed: ${what}`);
  process.stdout.write(`ok  ${what}\n`);
};

try {
  const [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], packageDir));
  const files = packed.files.map((file) => file.path);
  check(files.includes('LICENSE') && files.includes('README.md'), `${packed.filename}: LICENSE and README.md in the package`);
  check(!files.some((file) => file.includes('test/') || file.endsWith('.tsbuildinfo')), 'no tests or build info in the package');
  check(
    files.some((file) => file.startsWith('examples/') && file.endsWith('.csv')),
    'sample CSVs in examples/',
  );

  const project = join(work, 'project');
  run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'embedder', private: true, type: 'commonjs' }));
  run(npm, ['install', '--no-audit', '--no-fund', '--offline', join(work, packed.filename)], project);
  const installed = join(project, 'node_modules/ras-core');

  // Source maps: each names sources that ship in the package.
  const maps = [];
  const collect = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) collect(join(dir, entry.name));
      else if (entry.name.endsWith('.map')) maps.push(join(dir, entry.name));
    }
  };
  collect(join(installed, 'dist'));
  const unresolved = maps.flatMap((map) =>
    JSON.parse(readFileSync(map, 'utf8'))
      .sources.map((source) => resolve(dirname(map), source))
      .filter((source) => !existsSync(source)),
  );
  check(maps.length > 0 && unresolved.length === 0, `${maps.length} source maps resolve to files in the package`);

  const program = `
    const saq = ras.compileQuestionnaire(JSON.parse(fs.readFileSync(path.join(dir, 'questionnaire.json'), 'utf8')));
    const scheme = ras.compileScheme(JSON.parse(fs.readFileSync(path.join(dir, 'scheme.json'), 'utf8')));
    const score = ras.scoreAnswers(saq, JSON.parse(fs.readFileSync(path.join(dir, 'answers.json'), 'utf8')));
    const budget = ras.allocateBudget(scheme, score, {});
    const hidden = ['fail', 'step', 'escapePointer', 'checkedPence', 'toScaledInteger', 'addDays'].filter((name) => name in ras);
    console.log(JSON.stringify({ points: score.totalPoints, pence: budget.rasAnnualPence, hidden }));`;
  const expected = JSON.stringify({ points: 19, pence: 427_500, hidden: [] });
  const examples = join(installed, 'examples');

  writeFileSync(
    join(project, 'esm.mjs'),
    `import * as ras from 'ras-core'; import fs from 'node:fs'; import path from 'node:path'; const dir = ${JSON.stringify(examples)};${program}`,
  );
  check(run(process.execPath, ['esm.mjs'], project).trim() === expected, 'import from ESM: 19 points, £4,275.00, no internal helpers');

  writeFileSync(
    join(project, 'cjs.cjs'),
    `const ras = require('ras-core'); const fs = require('node:fs'); const path = require('node:path'); const dir = ${JSON.stringify(examples)};${program}`,
  );
  check(run(process.execPath, ['cjs.cjs'], project).trim() === expected, 'require() from CommonJS: the same answer');

  writeFileSync(
    join(project, 'embed.ts'),
    `import { allocateBudget, compileQuestionnaire, compileScheme, scoreAnswers, type BudgetCalculation } from 'ras-core';
const saq = compileQuestionnaire({ key: 'q', title: 'Q', sections: [{ key: 's', title: 'S', questions: [
  { key: 'a', text: 'A', type: 'single', options: [{ key: 'x', text: 'X', points: 10 }] }] }] });
const scheme = compileScheme({ key: 'k', method: { type: 'linear', poundsPerPointPence: 22_500 } });
const budget: BudgetCalculation = allocateBudget(scheme, scoreAnswers(saq, { a: 'x' }), {});
const pence: number = budget.netAnnualPence;
export default pence;
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        noEmit: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['embed.ts'],
    }),
  );
  const compiled = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: project,
    encoding: 'utf8',
  });
  if (compiled.status !== 0) process.stdout.write(compiled.stdout);
  check(compiled.status === 0, 'TypeScript (strict, NodeNext, library types checked) compiles against it');

  const version = run(npm, ['exec', '--offline', '--', 'ras', '--version'], project).trim();
  check(version === JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version, `npx ras --version: ${version}`);
  const calibrated = run(
    npm,
    [
      'exec',
      '--offline',
      '--',
      'ras',
      'calibrate',
      join(examples, 'cases.csv'),
      '--top-slice',
      '10',
      '--proposed',
      join(examples, 'proposed-scheme.json'),
    ],
    project,
  );
  check(/Integrity test:\s+passes/.test(calibrated), 'npx ras calibrate on the shipped sample: the proposal passes the integrity test');
} finally {
  rmSync(work, { recursive: true, force: true });
}
