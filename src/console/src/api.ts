/** A problem (RFC 9457) as the service answers every error. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
  readonly [key: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.code);
  }
}

/** The signed-in person as GET /auth/session tells them. */
export interface Session {
  readonly personId: string;
  readonly actor: { readonly id: string; readonly role: string; readonly org: string; readonly region?: string } | null;
  readonly grants: readonly { readonly grantId: string; readonly kind: string; readonly projectId: string | null; readonly role: string; readonly org: string; readonly orgName: string | null; readonly region: string | null }[];
  readonly csrfToken: string | null;
}

/** The session's CSRF token: every request that changes something sends it (the cookie alone is refused). */
let csrfToken: string | null = null;

/** A call to the service with the session cookie; an error answer throws its problem. */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ProblemError({ status: 0, code: 'network-error' });
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ProblemError((parsed as Problem | undefined) ?? { status: response.status, code: 'unexpected-answer' });
  const token = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
  if (typeof token === 'string') csrfToken = token;
  return parsed as T;
}

/** Who is signed in, or null when nobody is (or the session ended). */
export async function currentSession(): Promise<Session | null> {
  try {
    return await api<Session>('GET', '/auth/session');
  } catch (error) {
    if (error instanceof ProblemError && (error.problem.status === 401 || error.problem.status === 403)) return null;
    throw error;
  }
}

export const signOut = () => api<unknown>('POST', '/auth/sign-out', {});
