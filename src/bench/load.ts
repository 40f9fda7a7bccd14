import { connect, Socket } from 'node:net';

/**
 * A small keep-alive HTTP/1.1 client over raw sockets, for load generation on the same (small)
 * machine as the server: it writes prebuilt request bytes and parses only the status line, the
 * headers and a Content-Length or chunked body, so the client takes as little CPU from the server
 * under test as possible. One request at a time per connection (no pipelining).
 */

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface HttpAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadResult {
  readonly requests: number;
  /** Answers outside 2xx. */
  readonly failures: number;
  /** Answers by status code. */
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  /** Answered requests (of any status) per second. */
  readonly perSecond: number;
  /** 2xx answers per second. */
  readonly okPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

const round2 = (n: number) => Math.round(n * 100) / 100;

function encode(host: string, spec: LoadRequest): Buffer {
  const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  if (payload) head += `content-type: application/json\r\ncontent-length: ${payload.length}\r\n`;
  for (const [name, value] of Object.entries(spec.headers ?? {})) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  return payload ? Buffer.concat([Buffer.from(head), payload]) : Buffer.from(head);
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** One keep-alive connection; reconnects when the server closes it. */
export class HttpConnection {
  private socket?: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (answer: HttpAnswer) => void; reject: (error: Error) => void };
  private readonly host: string;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
  ) {
    this.host = `${hostname}:${port}`;
  }

  static of(baseUrl: string): HttpConnection {
    const url = new URL(baseUrl);
    return new HttpConnection(url.hostname, Number(url.port));
  }

  request(spec: LoadRequest): Promise<HttpAnswer> {
    return this.send(encode(this.host, spec));
  }

  /** Sends request bytes prepared with `encode`-like framing. */
  send(bytes: Buffer): Promise<HttpAnswer> {
    if (this.pending) return Promise.reject(new Error('one request at a time per connection'));
    return new Promise<HttpAnswer>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.open().write(bytes);
    });
  }

  /** Opens the connection ahead of the first request, so that the request's latency excludes the TCP handshake. */
  connect(): Promise<void> {
    const socket = this.open();
    if (!socket.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host: this.hostname, port: this.port, noDelay: true });
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    const fail = (error: Error) => {
      if (this.socket === socket) this.socket = undefined;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before the answer')));
    this.socket = socket;
    return socket;
  }

  private parse(): void {
    if (!this.pending) return;
    const end = this.buffer.indexOf(CRLFCRLF);
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(head[0].split(' ')[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < head.length; i += 1) {
      const colon = head[i].indexOf(':');
      if (colon > 0) headers[head[i].slice(0, colon).toLowerCase()] = head[i].slice(colon + 1).trim();
    }
    const bodyStart = end + 4;
    let body: Buffer;
    let consumed: number;
    if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
      const chunks: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = this.buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(this.buffer.toString('latin1', at, lineEnd), 16);
        if (this.buffer.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          consumed = lineEnd + 4;
          break;
        }
        chunks.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < bodyStart + length) return;
      body = this.buffer.subarray(bodyStart, bodyStart + length);
      consumed = bodyStart + length;
    }
    this.buffer = this.buffer.subarray(consumed);
    const pending = this.pending;
    this.pending = undefined;
    if (headers.connection?.toLowerCase() === 'close') this.close();
    pending.resolve({ status, headers, body: body.toString('utf8') });
  }
}

/** One request on a short-lived connection. */
export async function send(baseUrl: string, spec: LoadRequest): Promise<HttpAnswer> {
  const connection = HttpConnection.of(baseUrl);
  try {
    return await connection.request(spec);
  } finally {
    connection.close();
  }
}

/**
 * Opens `connections` keep-alive connections, then keeps them busy, one request in flight on each, until `total`
 * requests have been answered; `next(i, connection)` builds the i-th request (sent on `connection`).
 */
export async function load(
  baseUrl: string,
  connections: number,
  total: number,
  next: (i: number, connection: number) => LoadRequest,
  onAnswer?: (i: number, answer: HttpAnswer) => void,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const host = `${url.hostname}:${url.port}`;
  const sockets = Array.from({ length: connections }, () => new HttpConnection(url.hostname, Number(url.port)));
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  let issued = 0;
  let failures = 0;
  let started = process.hrtime.bigint();
  try {
    // Clients of a service keep their connections: the handshakes are not part of the measure.
    await Promise.all(sockets.map((socket) => socket.connect()));
    started = process.hrtime.bigint();
    await Promise.all(
      sockets.map(async (socket, c) => {
        while (issued < total) {
          const i = issued++;
          const bytes = encode(host, next(i, c));
          const sent = process.hrtime.bigint();
          const answer = await socket.send(bytes);
          latencies[i] = Number(process.hrtime.bigint() - sent) / 1e6;
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status < 200 || answer.status >= 300) failures += 1;
          onAnswer?.(i, answer);
        }
      }),
    );
  } finally {
    for (const socket of sockets) socket.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    requests: total,
    failures,
    statuses,
    seconds: round2(seconds),
    perSecond: Math.round(total / seconds),
    okPerSecond: Math.round((total - failures) / seconds),
    p50Ms: round2(percentile(sorted, 50)),
    p99Ms: round2(percentile(sorted, 99)),
    maxMs: round2(sorted[sorted.length - 1] ?? 0),
  };
}
