// Starts the built service (services/api/dist/server.js) the way `npm start` does, on a fresh
// embedded database in a temporary directory and a free port, for scripts that drive it from
// outside: the generated-client journey, the guides' shell blocks, the browser checks.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * A running service: `url` (no trailing slash), `dataDir` (holds demo-credentials.json),
 * `bootstrapToken`, and `stop()`. `env` adds to the service's environment.
 */
export async function startService(env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ras-service-'));
  const bootstrapToken = `operator-${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, ['services/api/dist/server.js'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BOOTSTRAP_TOKEN: bootstrapToken,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`the service did not start in 60 s:\n${seen}`));
    }, 60_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code} before it was ready:\n${seen}`));
    });
  });
  child.stdout.resume();
  return {
    url,
    dataDir,
    bootstrapToken,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
