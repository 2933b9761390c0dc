#!/usr/bin/env node
// The architecture as a lint rule: routes → workflows → ras-core (all money) + repositories,
// nothing pointing back up. Run by `npm run lint`.
//   1. Nothing outside services/api/src/routes imports from routes/.
//   2. A resource's routes import no other resource's routes: only its schemas, to share a shape.
//   3. Routes compute no money: no rounding or pro-rata arithmetic in a route file.
//   4. Workflows and repositories read the injected clock: no bare `new Date()` or `Date.now()` in
//      workflows/ or repositories/ (a repository is given the time by its caller).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'services/api/src');
const routes = join(src, 'routes');
const v1 = join(routes, 'v1');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

const resourceOf = (path) => (path.startsWith(v1 + sep) ? relative(v1, path).split(sep)[0] : null);
const IMPORT = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const MONEY = /multiplyDivide\(|Math\.(?:round|floor|ceil)\(|Pence \*|Pence \//;
const CLOCK = /new Date\(\)|Date\.now\(\)/;

const problems = [];
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  const at = relative(root, file);
  const inRoutes = file.startsWith(routes + sep);
  for (const match of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), match[1]).replace(/\.js$/, '.ts');
    if (!inRoutes && file !== join(src, 'app.ts') && target.startsWith(routes + sep))
      problems.push(`${at}: imports ${match[1]}; only routes may import routes`);
    const from = resourceOf(file);
    const to = resourceOf(target);
    if (from && to && from !== to && !target.endsWith(`${sep}schemas.ts`))
      problems.push(`${at}: imports ${match[1]}; a resource's routes may share another's schemas, nothing else`);
  }
  if (inRoutes) {
    text.split('\n').forEach((line, index) => {
      if (MONEY.test(line)) problems.push(`${at}:${index + 1}: money arithmetic in a route; it belongs in ras-core`);
    });
  }
  if (file.startsWith(join(src, 'workflows') + sep) || file.startsWith(join(src, 'repositories') + sep)) {
    text.split('\n').forEach((line, index) => {
      if (CLOCK.test(line))
        problems.push(`${at}:${index + 1}: workflows and repositories take the time from the clock they are given, not the wall clock`);
    });
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`\n${problems.length} layering problem(s): see scripts/check-layers.mjs for the rules.`);
  process.exit(1);
}
console.log('layers: routes → workflows → ras-core + repositories, nothing pointing back up');
