#!/usr/bin/env node
// `npm run readme:check`: runs every ```sh block of the README and of the guides under docs/, in
// the order a newcomer reads them, as a newcomer would.
//
// The README's first block's `npm install && npm start` line is run as written, in the background,
// with PORT on a free port, DATA_DIR in a fresh directory and ALLOW_PRIVATE_WEBHOOKS=true (the
// integration guide's local webhook receiver needs it); its `npm test` line is left to CI, which
// runs the suite itself. Every other block runs in one bash session (so variables carry from the
// README's first session into the guides) with RAS_URL and DATA_DIR pointing at that service,
// `set -euo pipefail`, and curl stopping on any HTTP error, so a command that fails or an answer
// that is not 2xx fails the check. Files the blocks write into the repository are removed afterwards.
// A page under docs/ with a shell block must be in GUIDES or in NOT_RUN (with why): a new guide
// whose commands nobody runs fails the check.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The pages whose shell blocks run, in this order: each guide carries on from the README's first session. */
const GUIDES = [
  'README.md',
  'docs/tutorials/from-assessment-to-first-payment.md',
  'docs/how-to/calculate-many-budgets.md',
  'docs/how-to/publish-how-budgets-are-worked-out.md',
  'docs/how-to/run-the-councils-year.md',
  'docs/how-to/integrate-with-a-record-system.md',
  'docs/how-to/protect-personal-data.md',
];
/** Pages with shell blocks that this check does not run, and why. */
const NOT_RUN = {
  'docs/how-to/develop.md': "CI's own steps, this check among them",
};

const SH_BLOCK = /^( *)```sh\n([\s\S]*?)^\1```$/gm;
const blocksOf = (page) =>
  [...readFileSync(join(root, page), 'utf8').matchAll(SH_BLOCK)].map((match) =>
    match[2]
      .split('\n')
      .map((line) => line.slice(match[1].length))
      .join('\n'),
  );
function* pages(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* pages(path);
    else if (entry.name.endsWith('.md')) yield relative(root, path);
  }
}
const unrun = [...pages(join(root, 'docs'))].filter((page) => blocksOf(page).length > 0 && !GUIDES.includes(page) && !(page in NOT_RUN));
if (unrun.length > 0) throw new Error(`Shell blocks nobody runs: add ${unrun.join(', ')} to GUIDES (or NOT_RUN, saying why)`);
const blocks = GUIDES.flatMap((page) => blocksOf(page).map((block) => ({ page, block })));
if (blocks.length < 4) throw new Error(`The guides have only ${blocks.length} sh blocks: the check would prove little`);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const [{ block: setUp }, ...rest] = blocks;
const startLine = setUp.split('\n').find((line) => line.includes('npm start'));
if (!startLine) throw new Error('The first sh block no longer starts the service with npm start');
const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'ras-readme-'));
const env = {
  ...process.env,
  PORT: String(port),
  DATA_DIR: dataDir,
  ALLOW_PRIVATE_WEBHOOKS: 'true',
  DATABASE_URL: '',
  LOG_LEVEL: 'warn',
  RAS_URL: `http://127.0.0.1:${port}`,
  RECEIVER_PORT: String(await freePort()),
};
const before = new Set(readdirSync(root));

process.stdout.write(`$ ${startLine.replace(/\s+#.*$/, '')}   (PORT=${port}, DATA_DIR=${dataDir})\n`);
const service = spawn('bash', ['-c', startLine.replace(/\s+#.*$/, '')], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
let failed = false;
try {
  await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the service did not start in 180 s:\n${seen}`)), 180_000);
    service.stdout.on('data', (chunk) => {
      seen += chunk;
      process.stdout.write(chunk);
      if (/listening on http/.test(seen) && /Demo council/.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    service.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${seen}`)));
  });

  const script = [
    'set -euo pipefail',
    // Stop on an HTTP error as well as on a failed command; the README's own calls stay readable.
    'curl() { command curl --show-error --fail-with-body "$@"; }',
    ...rest.map(({ page, block }, i) => `echo "--- block ${i + 2}, ${page}"\nset -x\n${block}\nset +x`),
  ].join('\n');
  const file = join(dataDir, 'readme-blocks.sh');
  writeFileSync(file, script);
  const result = spawnSync('bash', [file], { cwd: root, env, stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(`Guide check failed: a block exited with ${result.status ?? result.signal}\n`);
  } else {
    process.stdout.write(
      `Guide check: ${blocks.length} sh blocks of ${GUIDES.length} pages ran against the service started by the first\n`,
    );
  }
} finally {
  try {
    process.kill(-service.pid, 'SIGTERM');
  } catch {}
  await new Promise((resolve) => (service.exitCode === null ? service.once('exit', resolve) : resolve()));
  for (const entry of readdirSync(root)) if (!before.has(entry)) rmSync(join(root, entry), { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
