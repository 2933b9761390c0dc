#!/usr/bin/env node
// `npm run client:journey`: generates the TypeScript client types from openapi/openapi.json,
// type-checks examples/client/journey.ts against them (strict, NodeNext), starts the built service
// on a fresh embedded database, and runs the journey against it. `-- --examples` also rewrites
// openapi/examples.json from what the journey sent and got back.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService } from './started-service.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules/.bin', name);
const run = (command, args, env = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

run(bin('openapi-typescript'), []);
run(bin('tsc'), ['-p', 'examples/tsconfig.json']);

const service = await startService({ ALLOW_PRIVATE_WEBHOOKS: 'true' });
try {
  const args = process.argv.includes('--examples') ? ['--examples', 'openapi/examples.json'] : [];
  run(process.execPath, ['examples/client/dist/journey.js', ...args], {
    RAS_URL: service.url,
    RAS_CREDENTIALS: join(service.dataDir, 'demo-credentials.json'),
    BOOTSTRAP_TOKEN: service.bootstrapToken,
  });
} finally {
  await service.stop();
}
