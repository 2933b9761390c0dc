import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { restorePgliteDataDir } from './db/database.js';

/**
 * `npm run restore -- --from ras-backup.tar.gz --data-dir ./restored`: makes an empty folder the
 * embedded database a backup (GET /backup) was taken of. Start the service on it with
 * DATA_DIR=./restored, after `DATA_DIR=./restored npm run verify:figures` has checked every stored
 * figure on the copy. PostgreSQL is restored with its own tools (pg_restore): see the README.
 */
async function main(): Promise<void> {
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  const from = option('--from');
  const dataDir = option('--data-dir');
  if (!from || !dataDir) {
    process.stderr.write('Usage: npm run restore -- --from <backup.tar.gz> --data-dir <empty folder>\n');
    process.exit(64);
  }
  await restorePgliteDataDir(resolve(dataDir), new Blob([readFileSync(from)]));
  process.stdout.write(`Restored ${from} into ${resolve(dataDir)}. Check it with: DATA_DIR=${resolve(dataDir)} npm run verify:figures\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`The restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
