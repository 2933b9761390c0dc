import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** `npx ras …` typed in `cwd`, as the READMEs say (the build `npm test` runs first provides dist/). */
const npxRas = (cwd: string, ...args: string[]) => run('npx', ['--no-install', 'ras', ...args], { cwd, env: process.env });

describe('npx ras, as the READMEs say', () => {
  it('runs from the repository root', async () => {
    const { stdout } = await npxRas(root, '--version');
    expect(stdout.trim()).toBe(version);
  });

  it('reads the files named from the examples folder, where it was typed', async () => {
    const score = await npxRas(examples, 'score', 'questionnaire.json', 'answers.json');
    expect(JSON.parse(score.stdout).totalPoints).toBe(19);
    const budget = await npxRas(
      examples,
      'budget',
      'scheme.json',
      'questionnaire.json',
      'answers.json',
      '--weeks-at-home',
      '40',
      '--weekly-contribution',
      '15.00',
      '--explain',
    );
    expect(budget.stdout).toMatch(/Your answers add up to \d+ points/);
  });
});
