import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

/** The built service running as a process of its own, as `npm start` runs it. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has gone. */
  readonly exited: Promise<number | string | null>;
  /** kill -9: no shutdown, nothing finished, nothing flushed. */
  kill(): Promise<void>;
  /** SIGTERM, waiting for the graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * Starts services/api/dist/server.js with `env` over the test runner's environment (DATABASE_URL
 * is removed unless `env` gives one: the embedded database in DATA_DIR is used then).
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const merged: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  if (!env.DATABASE_URL) delete merged.DATABASE_URL;
  const child = spawn(process.execPath, [join(root, 'services/api/dist/server.js')], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start in 60 s: ${output}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before it was ready: ${output}`));
    });
  });
  return {
    url,
    child,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A fresh database on the PostgreSQL server DATABASE_URL names, for service processes of a test's own; `drop` removes it. */
export async function freshPostgresDatabase(sharedUrl: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: sharedUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
