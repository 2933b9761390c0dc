import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { buildApp } from './app.js';
import type { Database } from './db/database.js';
import type { DB } from './db/schema.js';
import { DEFAULT_SERVER_URL, toOpenApi30 } from './openapi/openapi-30.js';

/**
 * `npm run openapi` writes openapi/openapi.json from the route schemas; `npm run openapi:check`
 * fails when the committed file is stale or is not a valid OpenAPI document.
 */
const target = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));
/** The OpenAPI 3.0.3 rendition beside it, for generators that read only 3.0 (openapi/openapi-30.ts). */
const target30 = fileURLToPath(new URL('../../../openapi/openapi-3.0.json', import.meta.url));

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

/** Writes, or checks, one document: valid against its version's schema, and (checking) as committed. */
async function writeOrCheck(mode: string | undefined, path: string, generated: string): Promise<void> {
  if (mode === '--write') {
    writeFileSync(path, generated);
    process.stdout.write(`wrote ${path}\n`);
  }
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(generated));
  if (!result.valid) {
    process.stderr.write(`The generated OpenAPI document ${path} is not valid:\n${JSON.stringify(result.errors, null, 2)}\n`);
    process.exit(1);
  }
  if (mode === '--check') {
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {}
    if (committed !== generated) {
      process.stderr.write(`${path} is stale: run \`npm run openapi\` and commit the result\n`);
      process.exit(1);
    }
    process.stdout.write(`${path} is current and valid (OpenAPI ${validator.version})\n`);
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const generated = await generateOpenApi();
  await writeOrCheck(mode, target, generated);
  await writeOrCheck(mode, target30, `${JSON.stringify(toOpenApi30(JSON.parse(generated), DEFAULT_SERVER_URL), null, 2)}\n`);
}

await main();
