import { Agent, request as httpRequest } from 'node:http';

/**
 * The demo's HTTP client: keep-alive connections (at most `concurrency` sockets), JSON in and out,
 * multipart uploads, and the retries a careful client makes. Every command the demo sends carries an
 * Idempotency-Key, so resending one after a dropped connection or a `concurrency-conflict` answer
 * (the service's "send it again") is exactly-once.
 */

export interface Answer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Idempotency-Key of a command. */
  readonly key?: string;
  /** A body sent as it is (an upload), with its content type. */
  readonly raw?: { readonly contentType: string; readonly bytes: Buffer };
}

/** A step the service refused, or a request that never got an answer: the demo stops on it. */
export class DemoStepError extends Error {
  constructor(
    readonly step: string,
    readonly answer?: Answer,
  ) {
    super(
      answer
        ? `${step}: ${answer.status} ${typeof answer.body === 'object' && answer.body ? `${answer.body.code ?? ''} ${answer.body.detail ?? JSON.stringify(answer.body)}` : String(answer.body)}`
        : step,
    );
    this.name = 'DemoStepError';
  }
}

const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ApiClient {
  private readonly agent: Agent;
  private readonly url: URL;
  /** The highest global position a command answered (X-Position): queries read with ?after= it. */
  lastPosition = 0n;
  /** Requests answered, retries included. */
  requests = 0;
  retries = 0;

  constructor(baseUrl: string, concurrency: number) {
    this.url = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request, resent on a dropped connection, a concurrency conflict or a read model still behind. */
  async request(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<Answer> {
    for (let attempt = 1; ; attempt += 1) {
      let answer: Answer;
      try {
        answer = await this.once(method, path, options);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (attempt < 5 && (RETRYABLE_NETWORK.has(code) || /socket hang up/.test((error as Error).message))) {
          this.retries += 1;
          await sleep(50 * attempt);
          continue;
        }
        throw new DemoStepError(`${method} ${path}: ${(error as Error).message}`);
      }
      const code = typeof answer.body === 'object' && answer.body ? answer.body.code : undefined;
      const retry = (answer.status === 409 && code === 'concurrency-conflict') || (answer.status === 503 && code === 'read-model-behind');
      if (retry && attempt < 8) {
        this.retries += 1;
        await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
        continue;
      }
      const position = answer.headers['x-position'];
      if (typeof position === 'string' && /^\d+$/.test(position)) {
        const value = BigInt(position);
        if (value > this.lastPosition) this.lastPosition = value;
      }
      return answer;
    }
  }

  get(path: string, token: string): Promise<Answer> {
    return this.request('GET', path, { token });
  }

  /** A command: 2xx or the demo stops with the service's problem. */
  async command(step: string, path: string, token: string, body: unknown, key: string, expected?: (answer: Answer) => boolean): Promise<Answer> {
    const answer = await this.request('POST', path, { token, body, key });
    if (expected ? !expected(answer) : answer.status < 200 || answer.status >= 300) throw new DemoStepError(step, answer);
    return answer;
  }

  /** A query that must answer 200. */
  async read(step: string, path: string, token: string): Promise<Answer> {
    const answer = await this.get(path, token);
    if (answer.status !== 200) throw new DemoStepError(step, answer);
    return answer;
  }

  private once(method: 'GET' | 'POST', path: string, options: RequestOptions): Promise<Answer> {
    const headers: Record<string, string | number> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key) headers['idempotency-key'] = options.key;
    let payload: Buffer | undefined;
    if (options.raw) {
      payload = options.raw.bytes;
      headers['content-type'] = options.raw.contentType;
    } else if (method === 'POST') {
      payload = Buffer.from(JSON.stringify(options.body ?? {}));
      headers['content-type'] = 'application/json';
    }
    if (payload) headers['content-length'] = payload.length;
    return new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        { agent: this.agent, protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, method, path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            this.requests += 1;
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (/json/.test(String(res.headers['content-type'] ?? '')) && text) {
              try {
                body = JSON.parse(text);
              } catch {
                // not JSON after all: the text itself
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Runs `work` on every item, at most `limit` at a time; the first failure stops the rest and is thrown. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/** Items of several lists taken in turns (a, b, c, a, b, c, …), so concurrent work spreads over the lists. */
export function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i += 1) for (const list of lists) if (i < list.length) out.push(list[i]);
  return out;
}
