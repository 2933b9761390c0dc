#!/usr/bin/env node
// `npm run readme:check`: runs every ```sh block of README.md's guide, in order, as a newcomer would.
//
// The first block's `npm install && npm start` line is run as written, in the background, with
// PORT on a free port, DATA_DIR in a fresh directory and ALLOW_PRIVATE_WEBHOOKS=true (the guide's
// local webhook receiver needs it); its `npm test` line is left to CI, which runs the suite itself.
// Every other block runs in one bash session (so variables carry from block to block) with
// RAS_URL and DATA_DIR pointing at that service, `set -euo pipefail`, and curl stopping on any
// HTTP error, so a command that fails or an answer that is not 2xx fails the check. Files the
// blocks write into the repository are removed afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The guide: set-up, the first session and the integration guide, everything before "## Security"
// (the Development section's commands are CI's own steps, one of them this check).
const readme = readFileSync(join(root, 'README.md'), 'utf8').split(/^## Security$/m)[0] ?? '';
const blocks = [...readme.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map((match) =>
  match[2]
    .split('\n')
    .map((line) => line.slice(match[1].length))
    .join('\n'),
);
if (blocks.length < 4) throw new Error(`README.md has only ${blocks.length} sh blocks: the check would prove little`);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const [setUp, ...rest] = blocks;
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
    ...rest.map((block, i) => `echo "--- README block ${i + 2}"\nset -x\n${block}\nset +x`),
  ].join('\n');
  const file = join(dataDir, 'readme-blocks.sh');
  writeFileSync(file, script);
  const result = spawnSync('bash', [file], { cwd: root, env, stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(`README check failed: a block exited with ${result.status ?? result.signal}\n`);
  } else {
    process.stdout.write(`README check: ${blocks.length} sh blocks ran against the service started by the first\n`);
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
