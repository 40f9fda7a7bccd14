import { Accounts, Who } from './accounts';
import { RunningApp } from './test-app';

type RequestBody = NonNullable<Parameters<typeof fetch>[1]>['body'];

export interface HttpResult<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A small client over real HTTP: JSON in, parsed JSON (or problem+json) out. */
export function client(running: RunningApp) {
  const request = async (method: string, path: string, options: { token?: string; body?: unknown; raw?: RequestBody; headers?: Record<string, string> } = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: RequestBody | undefined = options.raw;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${running.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the text itself
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    request,
    get: (path: string, token?: string, headers?: Record<string, string>) => request('GET', path, { token, headers }),
    post: (path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) => request('POST', path, { token, body: body ?? {}, headers }),
    /** The personal access token of a person the test names, registered through the API the first time (accounts.ts). */
    token: async (who: Who) => (await Accounts.of(running)).token(who),
  };
}
