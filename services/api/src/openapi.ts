import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { buildApp } from './app.js';
import type { Database } from './db/database.js';
import type { DB } from './db/schema.js';

/**
 * `npm run openapi` writes openapi/openapi.json from the route schemas; `npm run openapi:check`
 * fails when the committed file is stale or is not a valid OpenAPI document.
 */
const target = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

/** The document the routes describe, built without a database (the routes are only registered). */
export async function generateOpenApi(): Promise<string> {
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const database: Database = {
    db,
    kind: 'postgres',
    ping: async () => {},
    connections: () => null,
    close: () => db.destroy(),
  };
  const app = await buildApp({ database, config: { bootstrapToken: null } });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const generated = await generateOpenApi();
  if (mode === '--write') {
    writeFileSync(target, generated);
    process.stdout.write(`wrote ${target}\n`);
  }
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(generated));
  if (!result.valid) {
    process.stderr.write(`The generated OpenAPI document is not valid:\n${JSON.stringify(result.errors, null, 2)}\n`);
    process.exit(1);
  }
  if (mode === '--check') {
    let committed = '';
    try {
      committed = readFileSync(target, 'utf8');
    } catch {}
    if (committed !== generated) {
      process.stderr.write(`${target} is stale: run \`npm run openapi\` and commit the result\n`);
      process.exit(1);
    }
    process.stdout.write(`openapi/openapi.json is current and valid (OpenAPI ${validator.version})\n`);
  }
}

await main();
