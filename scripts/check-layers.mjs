#!/usr/bin/env node
// The architecture as a lint rule (`npm run lint`): routes → workflows → ras-core (all money) +
// repositories, nothing pointing back up. The rules, each a table below:
//   1. MAY_IMPORT: which folders of services/api/src each folder may import (type imports too).
//      Routes may import anything but another resource's routes (only its schemas, to share a shape).
//   2. SQL only in repositories: no query builder or `sql` tag outside repositories/, db/ (the
//      connection, migrations, the change recorder) and files named *-repository.ts.
//   3. One clock: no `new Date()` or `Date.now()` outside clock.ts and WALL_CLOCK, the
//      infrastructure that measures real time (timeouts, rate windows, lock heartbeats).
//   4. Routes compute no money (no rounding or pro-rata arithmetic) and open no transaction of their
//      own: a state change is a workflow, run with runWorkflow (or createOnce with workflowContext).
//   5. No import cycles between the files of services/api/src, type imports included.
//   6. Types at the boundary: no `as never`, and no more `as` casts than CAST_CEILING allows (a
//      ratchet: lower it when casts go; a new one needs a reason a reviewer accepts, in a comment).
// It also draws the layers as they are into ARCHITECTURE.md (`--write`), and fails when that picture is stale.
// KNOWN lists the imports that break rule 1 today, each with the work that removes it; a
// broken rule not listed there fails, and so does an entry that no longer happens.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'services/api/src');

/** Leaf modules any layer may use: they import only each other. */
const KERNEL = [
  'errors.ts',
  'ids.ts',
  'clock.ts',
  'slices.ts',
  'version.ts',
  'logger.ts',
  'config.ts',
  'one-of.ts',
  'bounded-map.ts',
  'field-of.ts',
];
/** Entry points compose the whole service, so they may import anything. */
const ENTRY_POINTS = [
  'app.ts',
  'server.ts',
  'migrate.ts',
  'openapi.ts',
  'pglite-template.ts',
  'seed-scale.ts',
  'verify-figures.ts',
  'restore.ts',
];

/** Rule 1: what each folder may import, besides itself and the kernel. */
const MAY_IMPORT = {
  kernel: ['webhooks'], // config.ts parses the webhook address policy
  auth: [],
  html: [],
  schemas: ['http'], // a settings check uses the web-link rule
  db: ['auth', 'events', 'schemas'], // the types of a scope, an audit action, council settings
  events: ['db', 'http'],
  http: ['auth', 'db', 'plugins', 'representations', 'workflows'], // write.ts opens a route's transaction with its workflow context; respond-async.ts answers the job it queued
  openapi: ['plugins'],
  plugins: ['auth', 'db', 'http', 'jobs', 'openapi', 'repositories'], // plugins/jobs.ts starts the job runner
  repositories: ['auth', 'db', 'schemas'], // never rules, workflows or anything above
  representations: ['auth', 'db', 'html', 'http', 'self-review'], // pure: given rows, never reading them
  documents: ['db', 'html', 'http', 'schemas'], // what is rendered (HTML, PDF, CSV, Bacs) from what it is given; never repositories
  workflows: ['auth', 'db', 'documents', 'events', 'repositories', 'representations', 'schemas'], // never http or routes
  webhooks: ['db', 'events', 'repositories'],
  seed: ['db', 'repositories'],
  'self-review': ['db', 'documents', 'html'],
  observability: [], // tracing's set-up: entry points wire it in
  jobs: ['auth', 'db', 'plugins', 'repositories', 'representations', 'workflows'], // the runner and each operation's work as a job: like a route, it calls workflows
};

/** Imports that break rule 1 today, and what removes each (issue 31). */
const KNOWN = {};

/** Rule 3: files that measure real time, and why. */
const WALL_CLOCK = {
  'clock.ts': 'the clock itself',
  'ids.ts': 'a UUIDv7 carries the moment its row was made',
  'db/data-dir-lock.ts': 'the lock file records when its holder started',
  'db/replica.ts': 'how long since the replica was last looked at',
  'http/fixed-windows.ts': 'rate-limit windows are real seconds',
  'plugins/access-log.ts': "the writer's back-off after a failed flush",
  'plugins/auth.ts': 'how long a verified key and a failing address are remembered',
  'auth/access-token.ts': "how long an issuer's discovery document is cached",
  'webhooks/relay.ts': 'a delivery signs the moment it is sent, and pauses after real time failing',
  'webhooks/signature.ts': 'signatures carry the moment they were made',
  'webhooks/delivery-repository.ts': 'when a delivery was made or a webhook paused, for its operator',
  'jobs/schedule.ts': "a scheduled task's period (a day, an hour) is real time, whichever clock the app reads",
};

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** The layer a file of src/ belongs to: its top folder, `kernel`, or an entry point's own name. */
function layerOf(path) {
  const [top, ...rest] = relative(src, path).split(sep);
  if (rest.length > 0) return top;
  if (KERNEL.includes(top)) return 'kernel';
  if (ENTRY_POINTS.includes(top)) return 'entry';
  return `unlisted:${top}`;
}

const v1 = join(src, 'routes', 'v1');
const resourceOf = (path) => (path.startsWith(v1 + sep) ? relative(v1, path).split(sep)[0] : null);
const IMPORT = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const MONEY = /multiplyDivide\(|Math\.(?:round|floor|ceil)\(|Pence \*|Pence \//;
const TRANSACTION = /\.transaction\(\)|writeTransaction\(/;
const CLOCK = /new Date\(\)|Date\.now\(\)/;
const SQL = /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql(?:<[^>]*>)?`/;

const problems = [];
const knownSeen = new Set();
/** Rule 5: each file's imports within src/. */
const graph = new Map();
/** The layers' imports, folder to folder: the picture in ARCHITECTURE.md is drawn from them. */
const layerEdges = new Set();
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  const at = relative(root, file);
  const own = relative(src, file).split(sep).join('/');
  const layer = layerOf(file);
  if (layer.startsWith('unlisted:')) problems.push(`${at}: a top-level file in no layer; add it to KERNEL or ENTRY_POINTS`);

  graph.set(file, []);
  for (const match of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), match[1]).replace(/\.js$/, '.ts');
    if (!target.startsWith(src + sep)) continue;
    graph.get(file).push(target);
    const to = layerOf(target);
    const from = resourceOf(file);
    const toResource = resourceOf(target);
    if (to === 'routes' && layer !== 'routes' && own !== 'app.ts')
      problems.push(`${at}: imports ${match[1]}; only routes (and app.ts) import routes`);
    if (from && toResource && from !== toResource && !target.endsWith(`${sep}schemas.ts`))
      problems.push(`${at}: imports ${match[1]}; a resource's routes may share another's schemas, nothing else`);
    if (layer !== to && layer !== 'entry' && to !== 'kernel' && to !== 'entry') layerEdges.add(`${layer} --> ${to}`);
    if (layer === 'routes' || layer === 'entry' || to === layer || to === 'kernel') continue;
    if ((MAY_IMPORT[layer] ?? []).includes(to)) continue;
    const key = `${own} → ${to}`;
    if (key in KNOWN) {
      knownSeen.add(key);
      continue;
    }
    problems.push(`${at}: imports ${match[1]}; ${layer}/ may import ${[...(MAY_IMPORT[layer] ?? []), 'the kernel'].join(', ')}`);
  }

  const inRepositoryLayer =
    layer === 'repositories' || layer === 'db' || own.endsWith('-repository.ts') || layer === 'entry' || layer === 'seed';
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!inRepositoryLayer && SQL.test(line))
      problems.push(`${at}:${index + 1}: SQL outside a repository; move the query to repositories/`);
    if (!(own in WALL_CLOCK) && CLOCK.test(line))
      problems.push(`${at}:${index + 1}: the wall clock; take the time from the clock the app or workflow is given`);
    if (layer === 'routes' && MONEY.test(line)) problems.push(`${at}:${index + 1}: money arithmetic in a route; it belongs in ras-core`);
    if (layer === 'routes' && TRANSACTION.test(line))
      problems.push(`${at}:${index + 1}: a route opening a transaction; a state change is a workflow (runWorkflow)`);
  });
}
// Rule 5, by Tarjan's strongly connected components: a component of more than one file is a cycle.
{
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const visit = (file) => {
    index.set(file, index.size);
    low.set(file, index.get(file));
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file), low.get(next)));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file), index.get(next)));
    }
    if (low.get(file) !== index.get(file)) return;
    const component = [];
    for (let member = null; member !== file; ) {
      member = stack.pop();
      onStack.delete(member);
      component.push(relative(root, member));
    }
    if (component.length > 1) problems.push(`an import cycle: ${component.sort().join(' ⇄ ')}`);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
}
for (const key of Object.keys(KNOWN))
  if (!knownSeen.has(key)) problems.push(`scripts/check-layers.mjs: KNOWN lists "${key}", which no longer happens; remove it`);

// Rule 6: casts, read with TypeScript's own parser (`as const` is not a cast). Issue 31 took the
// service from 272 (16 `as never`) to 113.
const CAST_CEILING = { 'services/api/src': 113, 'packages/ras-core/src': 60 };
const ts = createRequire(import.meta.url)('typescript');
for (const [folder, ceiling] of Object.entries(CAST_CEILING)) {
  let casts = 0;
  for (const file of files(join(root, folder))) {
    const at = relative(root, file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
        const type = node.type.getText(source);
        if (type !== 'const') casts += 1;
        if (type === 'never') {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          problems.push(`${at}:${line}: \`as never\`; type the value where it comes from (db/schema.ts for stored JSON)`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  if (casts > ceiling)
    problems.push(`${folder}: ${casts} \`as\` casts, above the ceiling of ${ceiling}; type the value where it comes from`);
  else if (casts < ceiling)
    problems.push(`${folder}: ${casts} \`as\` casts, below the ceiling of ${ceiling}; lower CAST_CEILING to ${casts}`);
}

// The picture: ARCHITECTURE.md holds the graph between its markers; `--write` redraws it, and a
// stale one fails the check, so the picture is always the code's.
const picture = ['```mermaid', 'flowchart TD', ...[...layerEdges].sort().map((edge) => `  ${edge}`), '```'].join('\n');
const architecturePath = join(root, 'ARCHITECTURE.md');
const architecture = readFileSync(architecturePath, 'utf8');
const MARKERS = /(<!-- layers:start[^>]*-->\n)[\s\S]*?(<!-- layers:end -->)/;
if (!MARKERS.test(architecture)) problems.push('ARCHITECTURE.md: the layers picture markers are missing');
else {
  const drawn = architecture.replace(MARKERS, `$1${picture}\n$2`);
  if (process.argv.includes('--write')) writeFileSync(architecturePath, drawn);
  else if (drawn !== architecture)
    problems.push("ARCHITECTURE.md: the layers picture is not the code's; run node scripts/check-layers.mjs --write");
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`\n${problems.length} layering problem(s): see the tables in scripts/check-layers.mjs.`);
  process.exit(1);
}
console.log(
  `layers: routes → workflows → ras-core + repositories, nothing pointing back up${Object.keys(KNOWN).length > 0 ? ` (${Object.keys(KNOWN).length} known exceptions, each with its fix)` : ''}`,
);
