import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { errorCode } from '../errors.js';

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
        'stop that process first, give this one another DATA_DIR, or set DATABASE_URL to share a PostgreSQL server. ' +
        `If that process is gone (a container that was replaced, another machine), delete ${join(dataDir, LOCK_FILE)}.`,
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
    return errorCode(error) === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder: Partial<LockHolder> = JSON.parse(readFileSync(file, 'utf8'));
    const { pid, hostname: host, command, startedAt } = holder;
    return typeof pid === 'number' && Number.isSafeInteger(pid) && typeof host === 'string'
      ? {
          pid,
          hostname: host,
          command: typeof command === 'string' ? command : 'unknown',
          startedAt: typeof startedAt === 'string' ? startedAt : 'unknown',
        }
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether a lock's holder is gone. On this host: when its pid is not running, or is this
 * process's own pid (a container restarted with the same pid and hostname). A holder on another
 * host (a volume shared between machines) cannot be checked, so it is never stale: the message
 * then says how to clear it by hand.
 */
function isStale(holder: LockHolder | null, me: LockHolder): boolean {
  if (holder === null) return true;
  if (holder.hostname !== me.hostname) return false;
  return holder.pid === me.pid || !isAlive(holder.pid);
}

/** Creates `file` holding `text`, atomically and only if it does not exist: the file is never seen empty. */
function createExclusive(file: string, text: string): boolean {
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, text, { mode: 0o600 });
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(draft);
  }
}

function removeIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the data directory for this process alone. PGlite is PostgreSQL in one process: two
 * processes opening one data directory each believe they own it, and one's acknowledged writes
 * are lost on the next start. The lock is a file holding this process's host and pid, created by
 * linking a finished file into place (so no process ever reads it half-written). A lock whose
 * holder is gone (a crash, kill -9) is taken over, under a second lock file so that two processes
 * finding it stale at once cannot both take it. A lock held by a live process throws
 * {@link DataDirInUseError} naming it.
 *
 * @param dataDir - the data directory (DATA_DIR)
 * @param command - what this process is, for the message another process shows
 */
export function lockDataDir(dataDir: string, command = basename(process.argv[1] ?? 'node')): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const takeover = `${file}.takeover`;
  const me: LockHolder = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, text)) return held(file);
    const holder = readHolder(file);
    if (holder !== null && !isStale(holder, me)) throw new DataDirInUseError(dataDir, holder);
    // Stale. Only the process holding the takeover lock may replace it, after reading it again.
    if (!createExclusive(takeover, text)) {
      const breaker = readHolder(takeover);
      // A takeover lock left by a process that died in the few lines below is itself stale.
      if (isStale(breaker, me)) removeIfThere(takeover);
      else pause(20);
      continue;
    }
    try {
      const again = readHolder(file);
      if (again?.pid === holder?.pid && again?.hostname === holder?.hostname && again?.startedAt === holder?.startedAt) {
        removeIfThere(file);
        if (createExclusive(file, text)) return held(file);
      }
    } finally {
      removeIfThere(takeover);
    }
  }
  throw new Error(`Could not take the lock ${file}: other processes keep taking and leaving it`);
}

function held(file: string): DataDirLock {
  const release = () => {
    const holder = readHolder(file);
    if (holder?.pid !== process.pid || holder.hostname !== hostname()) return;
    removeIfThere(file);
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
