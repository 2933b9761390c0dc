#!/usr/bin/env node
// Drives every operation of the OpenAPI document with generated and hostile requests, longer than
// CI does, and prints what came back:
//   npm run fuzz -- --runs 100000 [--seed 42]
// Set DATABASE_URL to fuzz against a PostgreSQL server instead of embedded PGlite.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const runs = Number(option('runs', '100000'));
const seed = Number(option('seed', String(Math.floor(Math.random() * 2 ** 31))));
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- --runs <requests> [--seed <integer>]');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const child = spawn(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, 'run', 'services/api/test/fuzz.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_REQUESTS: String(runs), FUZZ_SEED: String(seed), FUZZ_REPORT: '1' },
});
child.on('exit', (code) => process.exit(code ?? 1));
