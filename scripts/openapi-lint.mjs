#!/usr/bin/env node
// `npm run openapi:lint`: lints openapi/openapi.json with Redocly's `recommended` ruleset
// (redocly.yaml) and Spectral's `spectral:oas` ruleset (.spectral.yaml), and fails on any error
// or warning from either: both linters exit 0 on warnings by themselves.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const document = 'openapi/openapi.json';
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** The JSON a linter printed on stdout (Redocly prints a banner around it on Node 20). */
function jsonOf(text, open) {
  const start = text.indexOf(open);
  if (start < 0) throw new Error(`no JSON in the linter's output:\n${text}`);
  return JSON.parse(text.slice(start));
}

let failed = false;

const redocly = run(bin('redocly'), ['lint', document, '--format=json']);
const redoclyReport = jsonOf(redocly.stdout, '{');
for (const problem of redoclyReport.problems) {
  failed = true;
  const where = problem.location?.[0]?.pointer ?? '';
  process.stdout.write(`redocly ${problem.severity} ${problem.ruleId} ${where}: ${problem.message}\n`);
}
process.stdout.write(`Redocly (recommended): ${redoclyReport.totals.errors} errors, ${redoclyReport.totals.warnings} warnings\n`);

const spectral = run(bin('spectral'), ['lint', document, '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet']);
const spectralResults = spectral.stdout.trim() === '' ? [] : jsonOf(spectral.stdout, '[');
const severities = ['error', 'warning', 'information', 'hint'];
for (const result of spectralResults) {
  failed = true;
  process.stdout.write(`spectral ${severities[result.severity]} ${result.code} ${result.path.join('.')}: ${result.message}\n`);
}
const count = (severity) => spectralResults.filter((result) => result.severity === severity).length;
process.stdout.write(`Spectral (spectral:oas): ${count(0)} errors, ${count(1)} warnings, ${count(2) + count(3)} notes\n`);

if (failed || (spectral.status !== 0 && spectralResults.length === 0)) {
  if (spectral.status !== 0 && spectralResults.length === 0) process.stderr.write(spectral.stderr);
  process.exit(1);
}
