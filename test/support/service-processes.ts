import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Real service processes (src/main.ts under ts-node) and a client that talks to them as people's browsers
 * and scripts would: for the tests of several processes on one data folder or one PostgreSQL store.
 */

const ROOT = join(__dirname, '..', '..');

export interface Service {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Lines the service logged at error level or above, or wrote other than as a log line. */
  readonly errors: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Answer {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: any;
  readonly headers?: Headers;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export function startService(name: string, env: NodeJS.ProcessEnv, port: number): Service {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 200) output.shift();
      // Pino levels: 50 error, 60 fatal; anything not JSON is a crash's own text.
      let level = 60;
      try {
        level = Number(JSON.parse(line).level);
      } catch {
        // not a log line
      }
      if (level >= 50) errors.push(line);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name, url: `http://127.0.0.1:${port}`, child, output, errors, exited };
}

/** Runs the tasks with at most `limit` in flight. */
export async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Every answer the services gave, every request they did not answer, and the conflicts sent again. */
export class Client {
  readonly answers: Answer[] = [];
  /** Requests that got no HTTP answer at all (connection refused or reset, timeout). */
  readonly unanswered: string[] = [];
  /** 409 concurrency-conflict answers, each sent again as the problem asks. */
  conflictsResent = 0;

  constructor(private readonly services: () => readonly Service[]) {}

  /**
   * Sends a request as a client would: a 409 concurrency-conflict (the stream kept changing under the
   * service's own retries, here because another process wrote it) is sent again, a few times.
   */
  async call(service: Service, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    for (let resend = 0; ; resend += 1) {
      const answer = await this.callOnce(service, method, path, token, body, headers);
      if (answer.status !== 409 || answer.body?.code !== 'concurrency-conflict' || resend === 5) return answer;
      this.conflictsResent += 1;
      await sleep(10 + Math.random() * 40);
    }
  }

  async callOnce(service: Service, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit = { method, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(30_000) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    try {
      const response = await fetch(`${service.url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      const answer = { service: service.name, method, path, status: response.status, body: parsed, headers: response.headers };
      this.answers.push(answer);
      return answer;
    } catch (error) {
      this.unanswered.push(`${service.name} ${method} ${path}: ${(error as Error).message}`);
      return { service: service.name, method, path, status: 0, body: undefined };
    }
  }

  ok(answer: Answer, step: string): Answer {
    if (answer.status >= 200 && answer.status < 300) return answer;
    const log = answer.status >= 500 ? `\n${this.services().find((s) => s.name === answer.service)?.output.slice(-5).join('\n')}` : '';
    throw new Error(`${step} on ${answer.service}: ${answer.status} ${JSON.stringify(answer.body)}${log}`);
  }

  async healthy(service: Service, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`${service.name} did not become healthy:\n${service.output.join('\n')}`);
      await sleep(100);
    }
  }

  /** The answers of 5xx, which no test allows. */
  serverErrors(): string[] {
    return this.answers.filter((r) => r.status >= 500).map((r) => `${r.service} ${r.method} ${r.path} ${r.status} ${JSON.stringify(r.body)}`);
  }
}
