import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The demo's own service: `node dist/main.js` as a child, on a temporary data folder and a free port (or the sandbox's). */
export interface DemoService {
  readonly url: string;
  readonly dataDir: string;
  /** The one-time link its first start logged, with which the demo sets up the office's first admin (none on a folder with an admin). */
  readonly setupLink?: string;
  /** Echo the service's log lines to stderr from now on, the last 50 before first (quiet until then, with `showLog: false`). */
  readonly showLog: () => void;
  readonly stop: () => Promise<void>;
}

/** Where and how the sandbox runs its service; the demo's throwaway one takes none of these. */
export interface ServiceOptions {
  /** A data folder kept after the stop; without it a temporary one, removed at the stop. */
  readonly dataDir?: string;
  /** A fixed port; without it a free one. */
  readonly port?: number;
  /** More environment (SANDBOX, LOG_LEVEL, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Echo the log from the start (true), or not until showLog() (false); without it, once the service answers (the demo). */
  readonly showLog?: boolean;
}

export const CLOCK_START = '2020-09-01T01:00:00Z';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function startService(mainJs: string, options: ServiceOptions = {}): Promise<DemoService> {
  const throwaway = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'accreditation-demo-'));
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    CLOCK: 'simulated',
    CLOCK_START,
    SCHEDULER_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  // The demo's people sign in with passwords it sets: sign-in through an identity platform stays off.
  delete env.OIDC_SIGN_IN_ISSUER;
  const child: ChildProcess = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let setupLink: string | undefined;
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      setupLink ??= /"setupUrl":"([^"]+)"/.exec(line)?.[1];
      output.push(line);
      if (output.length > 50) output.shift();
      if (echo) process.stderr.write(`service: ${line}\n`);
    }
  };
  let echo = options.showLog === true;
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const remove = () => throwaway && rmSync(dataDir, { recursive: true, force: true });
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    remove();
  };
  const deadline = Date.now() + 60_000;
  while (!(await healthy(url))) {
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not start (${exited !== undefined ? `exit code ${exited}` : 'no answer on /health within 60 s'}):\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (options.showLog === undefined) echo = true;
  if (!setupLink && throwaway) {
    await stop();
    throw new Error(`the service logged no set-up link for its first admin:\n${output.join('\n')}`);
  }
  const showLog = () => {
    // The lines kept from before (the start's, with its warnings) first, then every line as it comes.
    if (!echo) for (const line of output) process.stderr.write(`service: ${line}\n`);
    echo = true;
  };
  return { url, dataDir, setupLink, showLog, stop };
}
