import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { lockDataDirOrExit } from './db/data-dir-lock.js';
import { openDatabase } from './db/database.js';
import { CompiledRules } from './repositories/compiled-rules.js';
import type { VerificationSummary } from './workflows/verify-figures.js';
import { verifyStoredFigures } from './workflows/verify-figures.js';

/**
 * `npm run verify:figures`: works every stored budget, calculated contribution and clawback out
 * again and exits 1 unless every one matches to the penny (100%). On the configured database
 * (DATABASE_URL, else PGlite in DATA_DIR); with `--log FILE`, sums the results the test suite
 * wrote there instead (the suite's PGlite databases live in memory and are verified as each test
 * file closes).
 */
async function main(): Promise<void> {
  const logAt = process.argv.indexOf('--log');
  const summaries: VerificationSummary[] = [];
  let where: string;
  if (logAt !== -1) {
    const file = process.argv[logAt + 1];
    if (!file) throw new ConfigError(['--log needs a file: the one VERIFY_FIGURES_LOG named for the suite']);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    summaries.push(...lines.map((line) => JSON.parse(line) as VerificationSummary));
    where = `${lines.length} test databases (${file})`;
  } else {
    const config = loadConfig();
    const lock = config.databaseUrl ? null : lockDataDirOrExit(config.dataDir);
    const database = await openDatabase(
      config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
    );
    try {
      summaries.push(await verifyStoredFigures(database.db, new CompiledRules(database.db)));
    } finally {
      await database.close();
      lock?.release();
    }
    where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  }
  const kinds = ['budget', 'financial-assessment', 'clawback'] as const;
  let checked = 0;
  let matched = 0;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Figures worked out again on ${where}:`);
  for (const kind of kinds) {
    const total = { checked: 0, matched: 0, entered: 0 };
    for (const summary of summaries) {
      total.checked += summary.byKind[kind].checked;
      total.matched += summary.byKind[kind].matched;
      total.entered += summary.byKind[kind].entered;
    }
    checked += total.checked - total.entered;
    matched += total.matched;
    out(
      `  ${kind}: ${total.matched} of ${total.checked - total.entered} match to the penny${total.entered ? ` (${total.entered} entered, nothing to recompute)` : ''}`,
    );
  }
  const differing = summaries.flatMap((summary) => summary.differing);
  for (const result of differing) out(`  DIFFERS ${result.kind} ${result.id}: ${result.differences.join('; ')}`);
  const percent = checked === 0 ? 0 : (matched * 100) / checked;
  out(`${matched} of ${checked} (${percent.toFixed(2)}%) match.`);
  if (checked === 0) {
    out('No calculated figures are stored: nothing was verified.');
    process.exit(1);
  }
  if (matched !== checked) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
