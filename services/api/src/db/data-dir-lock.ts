import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';

/** Who holds a data directory: written into its lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly command: string;
  readonly startedAt: string;
}

/** Thrown when another live process holds the data directory. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  readonly holder: LockHolder;

  constructor(dataDir: string, holder: LockHolder) {
    super(
      `DATA_DIR ${dataDir} is in use by another RAS process: pid ${holder.pid} (${holder.command}, started ${holder.startedAt}` +
        `${holder.hostname === hostname() ? '' : ` on ${holder.hostname}`}). Embedded PGlite allows one process per data directory: ` +
        'stop that process first, give this one another DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.',
    );
    this.holder = holder;
  }
}

/** A held lock; release it when the database is closed. */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export const LOCK_FILE = 'ras.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && Number.isSafeInteger(holder.pid) ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}

/**
 * Takes the data directory for this process alone. PGlite is PostgreSQL in one process: two
 * processes opening one data directory each believe they own it, and one's acknowledged writes
 * are lost on the next start. The lock is a file created with O_EXCL holding this process's pid;
 * a lock left by a process that is gone (a crash, kill -9) is stale and taken over. A lock held
 * by a live process (on this host) throws {@link DataDirInUseError} naming it.
 *
 * @param dataDir - the data directory (DATA_DIR)
 * @param command - what this process is, for the message another process shows
 */
export function lockDataDir(dataDir: string, command = basename(process.argv[1] ?? 'node')): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let descriptor: number;
    try {
      descriptor = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      // A lock from another host (a shared volume) cannot be checked by pid: it is honoured.
      if (holder && (holder.hostname !== me.hostname || isAlive(holder.pid)) && holder.pid !== process.pid)
        throw new DataDirInUseError(dataDir, holder);
      try {
        unlinkSync(file);
      } catch {}
      continue;
    }
    writeSync(descriptor, `${JSON.stringify(me)}\n`);
    closeSync(descriptor);
    const release = () => {
      if (readHolder(file)?.pid !== process.pid) return;
      try {
        unlinkSync(file);
      } catch {}
    };
    process.once('exit', release);
    return {
      file,
      release: () => {
        process.removeListener('exit', release);
        release();
      },
    };
  }
  throw new Error(`Could not take the lock ${file}`);
}

/**
 * {@link lockDataDir} for a command's start (`npm start`, `npm run migrate`): when another process
 * holds the directory, says which on standard error and exits with status 75 (try again later).
 */
export function lockDataDirOrExit(dataDir: string): DataDirLock {
  try {
    return lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(75);
  }
}
