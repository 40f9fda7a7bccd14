import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { HttpConnection } from './load';

/** The compiled service and bench entry points: this file runs from dist/bench. */
export const DIST = join(__dirname, '..');

const running = new Set<ChildProcess>();

/** Kills whatever child is still running when the bench exits, however it exits. */
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly baseUrl: string;
  /** The last lines the child wrote, for error messages. */
  output(): string;
  /** The set-up link a service child's first start logged for its first admin, once it has. */
  setupLink(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
  stop(graceMs?: number): Promise<void>;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv, port: number, ipc = false): Child {
  const child = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])] });
  running.add(child);
  let tail = '';
  let setupLink: string | undefined;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    setupLink ??= /"setupUrl":"([^"]+)"/.exec(tail)?.[1];
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));
  return {
    process: child,
    pid: child.pid!,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => tail,
    setupLink: () => setupLink,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ServiceOptions {
  readonly dataDir: string;
  /** Preloads the profiler hook, driven over IPC ('profile-start', 'profile-stop' writes the profile to this file). */
  readonly profileFile?: string;
  /** Settings beside the data folder's: EVENT_STORE=postgres and its DATABASE_URL, say. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The real service from the production build: node dist/main.js, LOG_LEVEL=warn, a free port. */
export async function startService(options: ServiceOptions): Promise<Child> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    ...(options.profileFile ? { BENCH_PROFILE_FILE: options.profileFile } : {}),
  };
  delete env.CLOCK;
  delete env.EVENT_STORE;
  delete env.OIDC_SIGN_IN_ISSUER;
  Object.assign(env, options.env);
  const args = [...(options.profileFile ? ['-r', join(DIST, 'bench', 'profiler-hook.js')] : []), join(DIST, 'main.js')];
  return start(args, env, port, options.profileFile !== undefined);
}

/** The bare Fastify endpoint (bare-server.ts) in its own process. */
export async function startBare(): Promise<Child> {
  const port = await freePort();
  return start([join(DIST, 'bench', 'bare-server.js')], { ...process.env, PORT: String(port) }, port);
}

export interface Health {
  readonly status: number;
  readonly caughtUp: boolean;
  readonly body: string;
}

async function health(child: Child, path: string): Promise<Health | undefined> {
  const connection = HttpConnection.of(child.baseUrl);
  try {
    const answer = await connection.request({ method: 'GET', path });
    let caughtUp = false;
    try {
      caughtUp = (JSON.parse(answer.body) as { projections?: { caughtUp?: boolean } }).projections?.caughtUp === true;
    } catch {
      caughtUp = false;
    }
    return { status: answer.status, caughtUp, body: answer.body };
  } catch {
    return undefined;
  } finally {
    connection.close();
  }
}

/**
 * Polls `path` every `everyMs` until it answers 200 (and, for the service's /health, the projections
 * say caughtUp); resolves with the milliseconds since `since`.
 */
export async function waitReady(child: Child, options: { path: string; needCaughtUp: boolean; since: bigint; timeoutMs: number; everyMs?: number }): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`the child exited (${child.process.exitCode ?? child.process.signalCode}) before it was ready:\n${child.output()}`);
    }
    const answer = await health(child, options.path);
    if (answer && answer.status === 200 && (!options.needCaughtUp || answer.caughtUp)) {
      return Number(process.hrtime.bigint() - options.since) / 1e6;
    }
    if (Date.now() > deadline) throw new Error(`not ready after ${options.timeoutMs} ms (last answer: ${answer?.status} ${answer?.body ?? ''}):\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 20));
  }
}

/** Resident and peak resident memory of a process, in MB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
