import createClient from 'openapi-fetch';
import type { components, paths } from './api/schema';

/** A problem (RFC 9457) as the service answers every error. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { readonly field: string; readonly reason?: string; readonly message?: string }[];
  readonly [key: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.code);
  }
}

export type Schemas = components['schemas'];
export type DocumentRef = Schemas['DocumentRefDto'];

/** The signed-in person as GET /auth/session tells them. */
export interface Session {
  readonly personId: string;
  readonly actor: { readonly id: string; readonly role: string; readonly org: string; readonly region?: string } | null;
  readonly grants: readonly { readonly grantId: string; readonly kind: string; readonly projectId: string | null; readonly role: string; readonly org: string; readonly orgName: string | null; readonly region: string | null; readonly signsOff: boolean }[];
  readonly csrfToken: string | null;
}

/** The session's CSRF token: every request that changes something sends it (the cookie alone is refused). */
let csrfToken: string | null = null;

/**
 * The service, typed from its own OpenAPI document (api/schema.d.ts, `npm run console:api`): the paths,
 * their parameters and the bodies the commands take.
 */
export const service = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
service.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

/** What a call answered, or its problem thrown; a session's answer also brings the CSRF token. */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<NonNullable<T>> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await pending;
  } catch {
    throw new ProblemError({ status: 0, code: 'network-error' });
  }
  if (!answer.response.ok) {
    const problem = answer.error as Problem | undefined;
    throw new ProblemError(problem && typeof problem === 'object' && 'code' in problem ? problem : { status: answer.response.status, code: 'unexpected-answer' });
  }
  const token = (answer.data as { csrfToken?: unknown } | undefined)?.csrfToken;
  if (typeof token === 'string') csrfToken = token;
  return answer.data as NonNullable<T>;
}

/** Who is signed in, or null when nobody is (or the session ended). */
export async function currentSession(): Promise<Session | null> {
  try {
    return (await call(service.GET('/auth/session'))) as unknown as Session;
  } catch (error) {
    if (error instanceof ProblemError && (error.problem.status === 401 || error.problem.status === 403)) return null;
    throw error;
  }
}

export const signOut = () => call(service.POST('/auth/sign-out'));

/**
 * Uploads one file as multipart (POST /documents, or the public pages' evidence route), telling its
 * progress: fetch cannot, so this is the one request made with XMLHttpRequest.
 */
export function upload(file: File, onProgress: (percent: number) => void, path: '/documents' | '/notices/evidence' = '/documents'): Promise<DocumentRef> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    if (csrfToken && path === '/documents') request.setRequestHeader('x-csrf-token', csrfToken);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(Math.round((event.loaded / event.total) * 100));
    request.onerror = () => reject(new ProblemError({ status: 0, code: 'network-error' }));
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 201) {
        const stored = body as DocumentRef;
        resolve({ sha256: stored.sha256, name: stored.name, size: stored.size, mediaType: stored.mediaType });
      } else reject(new ProblemError((body as Problem | undefined) ?? { status: request.status, code: 'unexpected-answer' }));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** Sent on the window when the person's read marks change, so the bell counts the unread again. */
export const NOTIFICATIONS_CHANGED = 'notifications-changed';

/** How many of the person's notifications are unread (the bell's count). */
export const unreadNotifications = async (): Promise<number> =>
  ((await call(service.GET('/notifications', { params: { query: { limit: 1 } } }))) as unknown as { unread: number }).unread;
