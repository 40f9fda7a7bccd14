import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Secret, TOTP } from 'otpauth';
import { EVENT_STORE, EventStore } from '../../src/application/event-store';
import { AccountStore } from '../../src/infrastructure/accounts/account-store';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * Local sign-in and browser sessions, end to end over real HTTP, as a browser and a machine client use
 * them: the first start's set-up link, the session cookie and its CSRF token, signing out, the sign-in
 * throttle, the authenticator app, personal access tokens, a revoked grant, and hostile input to every
 * /auth route. Cookies are handled by hand: what the service sets is what the next request sends.
 */

const OFFICE = '11140000405200012U';
const SCHOOL = '12140100MB1000001K';
const SECOND_SCHOOL = '12140100MB1000002N';
const ADMIN_LOGIN = 'admin';
const ADMIN_PASSWORD = '晋阳湖畔的长跑者2025';
const SECRET = /^[A-Za-z0-9_-]{43}$/;

interface Session {
  /** `als_session=<secret>`, as a Cookie header sends it. */
  readonly cookie: string;
  readonly csrf: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

interface Call {
  readonly session?: Session;
  /** Send the session's cookie without its CSRF token, as a cross-site form or script would. */
  readonly cookieOnly?: boolean;
  /** A CSRF token of one's own choosing. */
  readonly csrf?: string;
  readonly bearer?: string;
  readonly body?: unknown;
  /** A body sent as it is (malformed JSON, a form), with `contentType`. */
  readonly raw?: string;
  readonly contentType?: string;
}

/** The `name=value` a Set-Cookie header of the answer sets for `name`, if it sets one (empty when it clears it). */
function setCookie(headers: Headers, name: string): { pair: string; attributes: string[]; header: string } | undefined {
  const header = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair: pair!, attributes, header };
}

/** The session an answer starts: its cookie and the CSRF token in its body. */
function sessionOf(answer: Answer): Session {
  const cookie = setCookie(answer.headers, 'als_session');
  expect(cookie?.pair).toMatch(/^als_session=[A-Za-z0-9_-]{43}$/);
  expect(answer.body.csrfToken).toMatch(SECRET);
  return { cookie: cookie!.pair, csrf: answer.body.csrfToken };
}

/** The parts of a problem that say what went wrong (not which request it was). */
const gist = (body: any) => ({ type: body?.type, status: body?.status, code: body?.code, title: body?.title, detail: body?.detail });

const expectProblem = (answer: Answer, status: number, code?: string) => {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code: code ?? expect.any(String) });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
};

/** A code of the secret for `at`: what the authenticator app shows then. */
const totpCode = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });

/** A session's listed id: the first 8 hex characters of its cookie secret's SHA-256. */
const sessionIdOf = (session: Session) => createHash('sha256').update(session.cookie.split('=')[1]!).digest('hex').slice(0, 8);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function clientOf(running: () => RunningApp) {
  return async (method: string, path: string, call: Call = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (call.session) {
      headers.cookie = call.session.cookie;
      if (!call.cookieOnly) headers['x-csrf-token'] = call.csrf ?? call.session.csrf;
    } else if (call.csrf !== undefined) {
      headers['x-csrf-token'] = call.csrf;
    }
    if (call.bearer) headers.authorization = `Bearer ${call.bearer}`;
    let body: string | undefined = call.raw;
    if (call.body !== undefined) body = JSON.stringify(call.body);
    if (body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
    const response = await fetch(`${running().url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // NDJSON or text: kept as it is
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

describe('local sign-in and browser sessions', () => {
  let running: RunningApp;
  let store: EventStore;
  const call = clientOf(() => running);
  /** The first admin's session from the set-up link. */
  let admin: Session;
  /**
   * Every failed sign-in this file has made from 127.0.0.1 (the address the throttle limits at 20), so
   * the address limit can be checked exactly at the end.
   */
  let failuresFromHere = 0;

  const lastPosition = async () => (await store.status()).lastPosition?.toString() ?? null;
  const signIn = (body: Record<string, unknown>) => call('POST', '/auth/sign-in', { body });
  const failedSignIn = async (body: Record<string, unknown>) => {
    const answer = await signIn(body);
    failuresFromHere += 1;
    expectProblem(answer, 401, 'sign-in-failed');
    return answer;
  };

  /**
   * A person of the school with a password, signed in. No route issues a set-up link for a person the
   * office registered (only the first start makes one), so the link is made by the account store the
   * service itself uses, and then used over HTTP as the person would.
   */
  const personWithPassword = async (name: string, login: string, password: string, grant?: string): Promise<{ personId: string; grantId?: string; session: Session }> => {
    const registered = await call('POST', '/people', { session: admin, body: { name, organisationId: SCHOOL } });
    expect(registered.status).toBe(201);
    const personId = registered.body.personId as string;
    let grantId: string | undefined;
    if (grant) {
      const granted = await call('POST', `/people/${personId}/grants`, { session: admin, body: { kind: grant, reason: '负责 2026 年品牌专业申报' } });
      expect(granted.status).toBe(200);
      grantId = granted.body.grantId;
    }
    const issued = await call('POST', `/auth/people/${personId}/setup-link`, { session: admin });
    expect(issued.status).toBe(201);
    const setUp = await call('POST', '/auth/setup', { body: { token: issued.body.token, login, password } });
    expect(setUp.status).toBe(200);
    expect(setUp.body.personId).toBe(personId);
    return { personId, grantId, session: sessionOf(setUp) };
  };

  beforeAll(async () => {
    running = await startTestApp();
    store = running.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => running?.stop());

  describe('the first start', () => {
    let secret: string;

    it('prints a one-time set-up link on an empty data folder, and writes nothing to the log until it is used', async () => {
      const link = running.app.get(FirstStart).setupLink;
      expect(link).toMatch(new RegExp(`^${running.config.publicUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/console/setup#[A-Za-z0-9_-]{43}$`));
      secret = link!.split('#')[1]!;
      expect(await lastPosition()).toBeNull();
      expect(running.config.office.creditCode).toBe(OFFICE);
    });

    it('refuses a weak password with every reason, sets no cookie, writes nothing, and leaves the link usable', async () => {
      const short = await call('POST', '/auth/setup', { body: { token: secret, login: ADMIN_LOGIN, password: 'short' } });
      expectProblem(short, 400, 'password-refused');
      expect(short.body.details.reasons.map((r: { code: string }) => r.code)).toContain('password-too-short');
      expect(short.body.details.reasons[0]).toEqual({ code: 'password-too-short', message: expect.any(String), messageEn: expect.any(String) });
      expect(setCookie(short.headers, 'als_session')).toBeUndefined();

      const named = await call('POST', '/auth/setup', { body: { token: secret, login: ADMIN_LOGIN, password: 'admin-admin-admin-2025' } });
      expectProblem(named, 400, 'password-refused');
      expect(named.body.details.reasons.map((r: { code: string }) => r.code)).toEqual(['password-contains-account']);

      const common = await call('POST', '/auth/setup', { body: { token: secret, login: ADMIN_LOGIN, password: 'password1234' } });
      expectProblem(common, 400, 'password-refused');
      expect(common.body.details.reasons.map((r: { code: string }) => r.code)).toContain('password-common');

      expect(await lastPosition()).toBeNull();
      // Nothing was set up: the login does not exist yet.
      expect(await running.app.get(AccountStore).hasAnyLogin()).toBe(false);
    });

    it('with a good password: 200, an HttpOnly SameSite=Lax cookie (not Secure over http), the CSRF token and the office admin', async () => {
      const setUp = await call('POST', '/auth/setup', { body: { token: secret, login: ADMIN_LOGIN, password: ADMIN_PASSWORD } });
      expect(setUp.status).toBe(200);
      expect(running.config.secureCookies).toBe(false);
      const cookie = setCookie(setUp.headers, 'als_session')!;
      expect(cookie.attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${12 * 60 * 60}`]));
      expect(cookie.attributes.map((a) => a.toLowerCase())).not.toContain('secure');
      expect(setUp.body).toEqual({ personId: FirstStart.ADMIN_ID, csrfToken: expect.stringMatching(SECRET), actor: { id: FirstStart.ADMIN_ID, role: 'office', org: OFFICE }, login: ADMIN_LOGIN });
      // The cookie's secret and the CSRF token are different secrets.
      expect(cookie.pair).not.toContain(setUp.body.csrfToken);
      admin = sessionOf(setUp);
    });

    it('cannot be used twice, not even with another login', async () => {
      const before = await lastPosition();
      const again = await call('POST', '/auth/setup', { body: { token: secret, login: ADMIN_LOGIN, password: ADMIN_PASSWORD } });
      expectProblem(again, 404, 'setup-link-invalid');
      const other = await call('POST', '/auth/setup', { body: { token: secret, login: 'intruder', password: 'another-long-passphrase-9' } });
      expectProblem(other, 404, 'setup-link-invalid');
      expect(setCookie(other.headers, 'als_session')).toBeUndefined();
      const unknown = await call('POST', '/auth/setup', { body: { token: 'A'.repeat(43), login: 'intruder', password: 'another-long-passphrase-9' } });
      expectProblem(unknown, 404, 'setup-link-invalid');
      expect(await lastPosition()).toBe(before);
    });

    it('registered the office, its first admin and the admin’s office-admin grant in the log, read with the new session', async () => {
      const exported = await call('GET', '/audit/export', { session: admin });
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const events = exported.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(events.map((e) => [e.stream, e.type])).toEqual([
        ['registry-organisations', 'OrganisationRegistered'],
        [`person-${FirstStart.ADMIN_ID}`, 'PersonRegistered'],
        [`person-${FirstStart.ADMIN_ID}`, 'RoleGranted'],
      ]);
      expect(events[0].data.organisation).toEqual({ kind: 'office', creditCode: OFFICE, name: running.config.office.name });
      expect(events[1].data).toMatchObject({ personId: FirstStart.ADMIN_ID, organisationId: OFFICE });
      expect(events[2].data.grant).toMatchObject({ grantId: 'first-admin', kind: 'office-admin', organisationId: OFFICE });
      // What signing in keeps never reaches the log: no password, hash or cookie secret.
      expect(exported.text).not.toContain(ADMIN_PASSWORD);
      expect(exported.text).not.toContain('$scrypt$');
      expect(exported.text).not.toContain(admin.cookie.split('=')[1]);
      expect(exported.text).not.toContain(admin.csrf);

      const history = await call('GET', `/audit/streams/person-${FirstStart.ADMIN_ID}/history`, { session: admin });
      expect(history.status).toBe(200);
      expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['PersonRegistered', 'RoleGranted']);
    });
  });

  describe('the session and its CSRF token', () => {
    it('GET /auth/session answers the actor from the grant, the grants, and the CSRF token', async () => {
      const session = await call('GET', '/auth/session', { session: admin, cookieOnly: true });
      expect(session.status).toBe(200);
      expect(session.body).toEqual({
        personId: FirstStart.ADMIN_ID,
        actor: { id: FirstStart.ADMIN_ID, role: 'office', org: OFFICE },
        grants: [{ grantId: 'first-admin', kind: 'office-admin', projectId: null, role: 'office', org: OFFICE, orgName: '山西省教育厅', region: null, signsOff: false }],
        csrfToken: admin.csrf,
      });
      // Without the cookie, nobody is signed in.
      expectProblem(await call('GET', '/auth/session'), 401, 'unauthenticated');
      // A cookie the service never gave is no session.
      expectProblem(await call('GET', '/auth/session', { session: { cookie: `als_session=${'B'.repeat(43)}`, csrf: '' }, cookieOnly: true }), 401, 'unauthenticated');
    });

    it('a state-changing request with the cookie needs the session’s own CSRF token: missing or wrong is 403, right is served', async () => {
      const actAs = { grantId: 'first-admin' };
      expectProblem(await call('POST', '/auth/session/act-as', { session: admin, cookieOnly: true, body: actAs }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/auth/session/act-as', { session: admin, csrf: 'C'.repeat(43), body: actAs }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/auth/session/act-as', { session: admin, csrf: '', body: actAs }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/auth/session/act-as', { session: admin, csrf: admin.csrf.slice(0, 42), body: actAs }), 403, 'csrf-token-invalid');
      // The token of another session of the same person is not this session's.
      const other = sessionOf(await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD }));
      expect(other.csrf).not.toBe(admin.csrf);
      expectProblem(await call('POST', '/auth/session/act-as', { session: admin, csrf: other.csrf, body: actAs }), 403, 'csrf-token-invalid');

      const right = await call('POST', '/auth/session/act-as', { session: admin, body: actAs });
      expect(right.status).toBe(200);
      expect(right.body).toEqual({ actor: { id: FirstStart.ADMIN_ID, role: 'office', org: OFFICE } });
      expectProblem(await call('POST', '/auth/session/act-as', { session: admin, body: { grantId: 'someone-elses-grant' } }), 404, 'grant-not-found');
    });

    it('a cross-site request (the cookie alone: a form, a script) writes nothing, whatever it sends', async () => {
      const before = await lastPosition();
      const school = { kind: 'school', creditCode: SECOND_SCHOOL, name: '山西省机电职业技术学院', city: '长治市', schoolKind: '高职' };
      expectProblem(await call('POST', '/organisations', { session: admin, cookieOnly: true, body: school }), 403, 'csrf-token-invalid');
      // What an HTML form sends, and what a script may send without a preflight.
      const form = new URLSearchParams(Object.entries(school)).toString();
      expectProblem(await call('POST', '/organisations', { session: admin, cookieOnly: true, raw: form, contentType: 'application/x-www-form-urlencoded' }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/organisations', { session: admin, cookieOnly: true, raw: JSON.stringify(school), contentType: 'text/plain' }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/people', { session: admin, cookieOnly: true, body: { name: '王老师', organisationId: OFFICE } }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/auth/tokens', { session: admin, cookieOnly: true, body: { name: '偷来的', grantId: 'first-admin' } }), 403, 'csrf-token-invalid');
      expectProblem(await call('POST', '/auth/totp', { session: admin, cookieOnly: true }), 403, 'csrf-token-invalid');
      // Signing someone out is a change too.
      expectProblem(await call('POST', '/auth/sign-out', { session: admin, cookieOnly: true }), 403, 'csrf-token-invalid');

      expect(await lastPosition()).toBe(before);
      expectProblem(await call('GET', `/organisations/${SECOND_SCHOOL}`, { session: admin }), 404, 'organisation-not-found');
      expect((await call('GET', '/auth/tokens', { session: admin })).body).toEqual({ items: [] });
      expect(await running.app.get(AccountStore).pendingTotp(FirstStart.ADMIN_ID)).toBeNull();
      expect((await call('GET', '/auth/session', { session: admin })).status).toBe(200);
    });
  });

  describe('signing out', () => {
    it('ends the session on the server: the same cookie afterwards is 401, the person’s other sessions go on', async () => {
      const signedIn = await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD });
      expect(signedIn.status).toBe(200);
      const leaving = sessionOf(signedIn);
      expect((await call('GET', '/auth/session', { session: leaving })).status).toBe(200);
      const listed = (await call('GET', '/auth/sessions', { session: leaving })).body.items.length;

      const out = await call('POST', '/auth/sign-out', { session: leaving });
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ signedOut: true });
      const cleared = setCookie(out.headers, 'als_session')!;
      expect(cleared.pair).toBe('als_session=');
      expect(cleared.attributes).toEqual(expect.arrayContaining(['Max-Age=0', 'HttpOnly', 'Path=/']));

      // A browser that kept the cookie (or a thief who copied it) is not signed in any more.
      expectProblem(await call('GET', '/auth/session', { session: leaving }), 401, 'unauthenticated');
      expectProblem(await call('POST', '/auth/sign-out', { session: leaving }), 401, 'unauthenticated');
      expectProblem(await call('GET', '/organisations', { session: leaving }), 401, 'unauthenticated');
      const remaining = await call('GET', '/auth/sessions', { session: admin });
      expect(remaining.status).toBe(200);
      expect(remaining.body.items).toHaveLength(listed - 1);
    });

    it('ends another of one’s sessions by its listed id, and the office lists a person’s sessions', async () => {
      const other = sessionOf(await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD }));
      const listed = (await call('GET', '/auth/sessions', { session: other })).body.items as { sessionId: string; userAgent: string | null; address: string | null }[];
      const ids = listed.map((s) => s.sessionId);
      expect(ids).toEqual(expect.arrayContaining([sessionIdOf(admin), sessionIdOf(other)]));
      for (const item of listed) expect(item.address).toBe('127.0.0.1');
      // Never the cookie's secret, nor its CSRF token.
      const text = JSON.stringify(listed);
      expect(text).not.toContain(admin.cookie.split('=')[1]);
      expect(text).not.toContain(admin.csrf);
      const byOffice = (await call('GET', `/auth/people/${FirstStart.ADMIN_ID}/sessions`, { session: admin })).body.items as { sessionId: string }[];
      expect(byOffice.map((s) => s.sessionId)).toEqual(ids);

      const ended = await call('POST', `/auth/sessions/${sessionIdOf(admin)}/end`, { session: other });
      expect(ended.status).toBe(200);
      expect(ended.body).toEqual({ ended: true });
      expectProblem(await call('GET', '/auth/session', { session: admin }), 401, 'unauthenticated');
      expect((await call('GET', '/auth/session', { session: other })).status).toBe(200);
      expectProblem(await call('POST', `/auth/sessions/${sessionIdOf(admin)}/end`, { session: other }), 404, 'session-not-found');
      expectProblem(await call('POST', '/auth/sessions/ffffffff/end', { session: other }), 404, 'session-not-found');
      admin = other;
    });
  });

  describe('signing in with a password, and the throttle', () => {
    const password = '汾河岸边的晨跑者2026';

    beforeAll(async () => {
      const registered = await call('POST', '/organisations', { session: admin, body: { kind: 'school', creditCode: SCHOOL, name: '太原职业技术学院', city: '太原市', schoolKind: '高职' } });
      expect(registered.status).toBe(201);
    });

    it('a set-up link for a person the office registered: a taken login (any case) 409, a password with their name refused, then used once', async () => {
      const registered = await call('POST', '/people', { session: admin, body: { name: '欧阳明月', organisationId: SCHOOL } });
      expect(registered.status).toBe(201);
      const personId = registered.body.personId as string;
      expect((await call('GET', `/people?organisationId=${SCHOOL}&after=${registered.body.position}`, { session: admin })).status).toBe(200);
      const issued = await call('POST', `/auth/people/${personId}/setup-link`, { session: admin });
      expect([issued.status, issued.body.setupUrl]).toEqual([201, `${running.config.publicUrl}/console/setup#${issued.body.token}`]);
      const token = issued.body.token as string;
      const good = '桑干河畔的民歌手们2026';

      expectProblem(await call('POST', '/auth/setup', { body: { token, login: 'ADMIN', password: good } }), 409, 'login-taken');
      const named = await call('POST', '/auth/setup', { body: { token, login: 'ouyang', password: '欧阳明月的长跑日记2026' } });
      expectProblem(named, 400, 'password-refused');
      expect(named.body.details.reasons.map((r: { code: string }) => r.code)).toContain('password-contains-name');

      const setUp = await call('POST', '/auth/setup', { body: { token, login: 'ouyang', password: good } });
      expect(setUp.status).toBe(200);
      expect(setUp.body).toEqual({ personId, csrfToken: expect.stringMatching(SECRET), actor: null, login: 'ouyang' });
      expectProblem(await call('POST', '/auth/setup', { body: { token, login: 'ouyang2', password: good } }), 404, 'setup-link-invalid');
      const signedIn = await signIn({ login: 'Ouyang', password: good });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.personId).toBe(personId);
      // The admin's password is still the admin's.
      expect((await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD })).body.personId).toBe(FirstStart.ADMIN_ID);
    });

    it('signs in with the login in any case and spaces around it; the answer sets a fresh session', async () => {
      const signedIn = await signIn({ login: '  ADMIN ', password: ADMIN_PASSWORD });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body).toEqual({ personId: FirstStart.ADMIN_ID, csrfToken: expect.stringMatching(SECRET), actor: { id: FirstStart.ADMIN_ID, role: 'office', org: OFFICE } });
      expect(setCookie(signedIn.headers, 'als_session')!.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax']));
      const session = sessionOf(signedIn);
      expect((await call('GET', '/auth/session', { session })).body.personId).toBe(FirstStart.ADMIN_ID);
    });

    it('twenty sign-ins in a row each start a session of their own', async () => {
      const cookies = new Set<string>();
      for (let i = 0; i < 20; i += 1) {
        const signedIn = await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD });
        expect(signedIn.status).toBe(200);
        cookies.add(sessionOf(signedIn).cookie);
      }
      expect(cookies.size).toBe(20);
    });

    it('five wrong passwords: 401 each, the same answer as an unknown login; the sixth try, even right, is 429 with Retry-After', async () => {
      const zhao = await personWithPassword('赵六', 'zhao.liu', password);
      expect(zhao.session.csrf).toMatch(SECRET);

      const answers: Answer[] = [];
      for (let i = 0; i < 5; i += 1) answers.push(await failedSignIn({ login: 'zhao.liu', password: `not-the-password-${i}` }));
      const unknown = await failedSignIn({ login: 'nobody.here', password: 'not-the-password-0' });
      for (const answer of answers) {
        expect(gist(answer.body)).toEqual(gist(unknown.body));
        expect(setCookie(answer.headers, 'als_session')).toBeUndefined();
      }
      expect(Object.keys(answers[0]!.body).sort()).toEqual(Object.keys(unknown.body).sort());

      const locked = await signIn({ login: 'zhao.liu', password });
      expectProblem(locked, 429, 'sign-in-throttled');
      expect(locked.body.reason).toBe('account-locked');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(locked.body.retryAfterSeconds).toBe(retryAfter);
      expect(setCookie(locked.headers, 'als_session')).toBeUndefined();
      // The login in another case is the same account, locked too.
      expectProblem(await signIn({ login: 'ZHAO.LIU', password }), 429, 'sign-in-throttled');
      // The lock is the account's: another account signs in from the same address.
      expect((await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD })).status).toBe(200);
      // The session the person had before the lock goes on.
      expectProblem(await call('GET', '/auth/session', { session: zhao.session }), 403, 'no-grant');
    });
  });

  describe('an authenticator app as a second factor', () => {
    const password = '五台山顶的日出时分2026';
    let sun: { personId: string; grantId?: string; session: Session };
    let secret: string;

    it('enrols: a secret and an otpauth:// link; until confirmed, sign-in asks no code', async () => {
      sun = await personWithPassword('孙七', 'sun.qi', password, 'school-head');
      const enrolled = await call('POST', '/auth/totp', { session: sun.session });
      expect(enrolled.status).toBe(200);
      expect(enrolled.body).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{32}$/), uri: expect.stringMatching(/^otpauth:\/\/totp\//) });
      secret = enrolled.body.secret;
      const uri = new URL(enrolled.body.uri);
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('digits')).toBe('6');
      expect(uri.searchParams.get('period')).toBe('30');
      expect(decodeURIComponent(uri.pathname)).toContain('sun.qi');
      expect((await signIn({ login: 'sun.qi', password })).status).toBe(200);
    });

    it('refuses a wrong code to confirm, and accepts the current one', async () => {
      const now = Date.now();
      const window = new Set([-60_000, -30_000, 0, 30_000, 60_000].map((d) => totpCode(secret, now + d)));
      const wrong = ['000000', '123456', '999999', '314159'].find((code) => !window.has(code))!;
      expectProblem(await call('POST', '/auth/totp/confirm', { session: sun.session, body: { code: wrong } }), 400, 'totp-code-wrong');
      expectProblem(await call('POST', '/auth/totp/confirm', { session: sun.session, body: { code: '12345' } }), 400, 'validation-failed');
      const confirmed = await call('POST', '/auth/totp/confirm', { session: sun.session, body: { code: totpCode(secret, Date.now()) } });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toEqual({ totp: true });
      expectProblem(await call('POST', '/auth/totp/confirm', { session: sun.session, body: { code: totpCode(secret, Date.now()) } }), 404, 'no-pending-totp');
    });

    it('then sign-in needs the code: without it 401 totp-required, with it 200, the same code again 401', async () => {
      expectProblem(await signIn({ login: 'sun.qi', password }), 401, 'totp-required');
      // A wrong password says nothing of a second factor.
      await failedSignIn({ login: 'sun.qi', password: 'not-the-password' });
      await failedSignIn({ login: 'sun.qi', password: 'not-the-password', totp: totpCode(secret, Date.now() + 30_000) });

      // The step the confirmation used is spent; the next one (the window allows one either side) is not.
      const code = totpCode(secret, Date.now() + 30_000);
      const signedIn = await signIn({ login: 'sun.qi', password, totp: code });
      expect(signedIn.status).toBe(200);
      const session = sessionOf(signedIn);
      expect((await call('GET', '/auth/session', { session })).body.actor).toEqual({ id: sun.personId, role: 'applicant', org: SCHOOL, region: '太原市' });

      const replayed = await failedSignIn({ login: 'sun.qi', password, totp: code });
      expect(setCookie(replayed.headers, 'als_session')).toBeUndefined();
      // An older code than the one used is refused too.
      await failedSignIn({ login: 'sun.qi', password, totp: totpCode(secret, Date.now()) });
      expectProblem(await signIn({ login: 'sun.qi', password, totp: '12 456' }), 400, 'validation-failed');
    });

    // docs/api.md tells "authenticated" (any credential) from "signed in" (a person who signed in); the
    // authenticator app is added "signed in with a password".
    it('a personal access token is no sign-in: it cannot add or replace the account’s authenticator app', async () => {
      const pat = await call('POST', '/auth/tokens', { session: sun.session, body: { name: '学校同步', grantId: sun.grantId } });
      expect(pat.status).toBe(201);
      const enrol = await call('POST', '/auth/totp', { bearer: pat.body.token });
      const pending = await running.app.get(AccountStore).pendingTotp(sun.personId);
      // Whoever holds a copy of the token (a CI server, a script) would otherwise swap the second factor and lock the person out.
      expect({ status: enrol.status, refused: enrol.status >= 400 && enrol.status < 500, pending }).toEqual({ status: enrol.status, refused: true, pending: null });
    });
  });

  describe('personal access tokens', () => {
    let tokenId: string;
    let token: string;

    it('is created for one of one’s grants and shown once', async () => {
      const started = Date.now();
      const created = await call('POST', '/auth/tokens', { session: admin, body: { name: '夜间数据同步', grantId: 'first-admin' } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ tokenId: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), token: expect.stringMatching(/^als_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/), grantId: 'first-admin', expiresAt: expect.any(String) });
      ({ tokenId, token } = created.body);
      expect(token.startsWith(`als_${tokenId}_`)).toBe(true);
      const days = (Date.parse(created.body.expiresAt) - started) / 86_400_000;
      expect(days).toBeGreaterThan(89.99);
      expect(days).toBeLessThan(90.01);

      const short = await call('POST', '/auth/tokens', { session: admin, body: { name: '一天', grantId: 'first-admin', expiresInDays: 1 } });
      expect(short.status).toBe(201);
      expect(Date.parse(short.body.expiresAt) - Date.now()).toBeLessThanOrEqual(86_400_000);
      expectProblem(await call('POST', '/auth/tokens', { session: admin, body: { name: '别人的', grantId: 'someone-elses-grant' } }), 404, 'grant-not-found');
      for (const expiresInDays of [0, 367, 1.5, '30']) {
        expectProblem(await call('POST', '/auth/tokens', { session: admin, body: { name: '坏的', grantId: 'first-admin', expiresInDays } }), 400, 'validation-failed');
      }
    });

    it('works as Authorization: Bearer, without a cookie or a CSRF token, with the grant’s actor', async () => {
      const session = await call('GET', '/auth/session', { bearer: token });
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({ personId: FirstStart.ADMIN_ID, actor: { id: FirstStart.ADMIN_ID, role: 'office', org: OFFICE }, csrfToken: null });
      const written = await call('POST', '/organisations', { bearer: token, body: { kind: 'school', creditCode: SECOND_SCHOOL, name: '山西省机电职业技术学院', city: '长治市', schoolKind: '高职' } });
      expect(written.status).toBe(201);
      const history = await call('GET', '/audit/streams/registry-organisations/history', { bearer: token });
      expect(history.body.events.at(-1).actor).toMatchObject({ id: FirstStart.ADMIN_ID, role: 'office' });
      // A token of the right shape whose secret is wrong is no token.
      const forged = `als_${tokenId}_${'D'.repeat(43)}`;
      expectProblem(await call('GET', '/auth/session', { bearer: forged }), 401, 'unauthenticated');
      expectProblem(await call('GET', '/auth/session', { bearer: `als_${'x'.repeat(12)}_${token.slice(-43)}` }), 401, 'unauthenticated');
    });

    it('GET /auth/tokens lists them, never with their secrets', async () => {
      const listed = await call('GET', '/auth/tokens', { session: admin });
      expect(listed.status).toBe(200);
      const mine = listed.body.items.find((t: { tokenId: string }) => t.tokenId === tokenId);
      expect(mine).toEqual({ tokenId, name: '夜间数据同步', grantId: 'first-admin', createdAt: expect.any(String), expiresAt: expect.any(String), lastUsedAt: expect.any(String) });
      expect(listed.body.items).toHaveLength(2);
      expect(listed.text).not.toContain(token.slice(-43));
      expect(listed.text).not.toContain('als_');
      for (const item of listed.body.items) expect(Object.keys(item).sort()).toEqual(['createdAt', 'expiresAt', 'grantId', 'lastUsedAt', 'name', 'tokenId']);
    });

    it('cannot mint further tokens, which would outlive its own revocation', async () => {
      const minted = await call('POST', '/auth/tokens', { bearer: token, body: { name: '续期', grantId: 'first-admin', expiresInDays: 366 } });
      if (minted.status === 201) await call('POST', `/auth/tokens/${minted.body.tokenId}/revoke`, { session: admin });
      expect({ status: minted.status, refused: minted.status >= 400 && minted.status < 500 }).toEqual({ status: minted.status, refused: true });
    });

    it('revoked, it is 401 at once, and cannot be revoked twice', async () => {
      expectProblem(await call('POST', `/auth/tokens/${tokenId}/revoke`, { session: admin, cookieOnly: true }), 403, 'csrf-token-invalid');
      expect((await call('GET', '/auth/session', { bearer: token })).status).toBe(200);
      const revoked = await call('POST', `/auth/tokens/${tokenId}/revoke`, { session: admin });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ revoked: true });
      expectProblem(await call('GET', '/auth/session', { bearer: token }), 401, 'unauthenticated');
      expectProblem(await call('POST', '/organisations', { bearer: token, body: {} }), 401, 'unauthenticated');
      expectProblem(await call('POST', `/auth/tokens/${tokenId}/revoke`, { session: admin }), 404, 'token-not-found');
      expect((await call('GET', '/auth/tokens', { session: admin })).body.items.map((t: { tokenId: string }) => t.tokenId)).not.toContain(tokenId);
    });
  });

  describe('a revoked grant', () => {
    it('is refused within a second: the person’s session answers 403, and a token acting with it too', async () => {
      const qian = await personWithPassword('钱八', 'qian.ba', '云冈石窟前的守望者2026', 'school-admin');
      const before = await call('GET', '/auth/session', { session: qian.session });
      expect(before.status).toBe(200);
      expect(before.body.actor).toEqual({ id: qian.personId, role: 'applicant', org: SCHOOL, region: '太原市' });
      expect(before.body.grants).toEqual([{ grantId: qian.grantId, kind: 'school-admin', projectId: null, role: 'applicant', org: SCHOOL, orgName: '太原职业技术学院', region: '太原市', signsOff: false }]);
      const pat = await call('POST', '/auth/tokens', { session: qian.session, body: { name: '学校同步', grantId: qian.grantId } });
      expect(pat.status).toBe(201);
      expect((await call('GET', '/auth/session', { bearer: pat.body.token })).status).toBe(200);

      const revoked = await call('POST', `/people/${qian.personId}/grants/${qian.grantId}/revoke`, { session: admin, body: { reason: '调岗' } });
      expect(revoked.status).toBe(200);
      expect(revoked.body.events).toEqual(['GrantRevoked']);
      const since = performance.now();
      let refused: Answer | undefined;
      let elapsed = 0;
      while (elapsed < 2000) {
        const answer = await call('GET', '/auth/session', { session: qian.session });
        elapsed = performance.now() - since;
        if (answer.status !== 200) {
          refused = answer;
          break;
        }
        await sleep(50);
      }
      expect(refused?.status).toBe(403);
      expect(['grant-revoked', 'no-grant']).toContain(refused?.body.code);
      expect(elapsed).toBeLessThan(1000);

      expectProblem(await call('GET', '/auth/session', { bearer: pat.body.token }), 403, 'grant-revoked');
      expectProblem(await call('POST', '/organisations', { session: qian.session, body: {} }), 403);
      // Signing in again gives a session, but no grant to act with.
      const again = await signIn({ login: 'qian.ba', password: '云冈石窟前的守望者2026' });
      expect(again.status).toBe(200);
      expect(again.body.actor).toBeNull();
      expectProblem(await call('GET', '/auth/session', { session: sessionOf(again) }), 403, 'no-grant');
    });
  });

  describe('bad input to every /auth route', () => {
    let victim: Session;
    const huge = 'x'.repeat(200_000);

    beforeAll(async () => {
      victim = sessionOf(await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD }));
    });

    /** The routes that read a body, each with a valid body to spoil, and how they are called. */
    const routes = (): { path: string; valid: Record<string, unknown>; session?: Session }[] => [
      { path: '/auth/sign-in', valid: { login: ADMIN_LOGIN, password: ADMIN_PASSWORD } },
      { path: '/auth/setup', valid: { token: 'A'.repeat(43), login: 'someone', password: 'a-long-enough-passphrase-7' } },
      { path: '/auth/session/act-as', valid: { grantId: 'first-admin' }, session: victim },
      { path: '/auth/tokens', valid: { name: '同步', grantId: 'first-admin', expiresInDays: 30 }, session: victim },
      { path: '/auth/totp/confirm', valid: { code: '123456' }, session: victim },
    ];

    it('malformed JSON, and JSON that is not an object, are 400 problems on every route that reads a body', async () => {
      for (const { path, session } of routes()) {
        for (const raw of ['{"login":', '{login: "admin"}', "{'a':1}", '[1,2', '\u0000']) {
          const answer = await call('POST', path, { session, raw });
          expectProblem(answer, 400);
        }
        for (const raw of ['null', '[]', '42', '"text"', 'true', '[{"login":"admin"}]']) {
          const answer = await call('POST', path, { session, raw });
          expect({ path, raw, status: answer.status }).toEqual({ path, raw, status: 400 });
          expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
        expectProblem(await call('POST', path, { session, raw: 'login=admin&password=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
        expectProblem(await call('POST', path, { session, raw: JSON.stringify(routes()[0]!.valid), contentType: 'text/plain' }), 415, 'unsupported-media-type');
      }
    });

    it('wrong types, missing and unknown fields, and huge strings are 400 validation problems naming the field', async () => {
      for (const { path, valid, session } of routes()) {
        const field = Object.keys(valid)[0]!;
        const cases: Record<string, unknown>[] = [
          {},
          { ...valid, [field]: 12345 },
          { ...valid, [field]: null },
          { ...valid, [field]: ['a'] },
          { ...valid, [field]: { $ne: '' } },
          { ...valid, [field]: true },
          { ...valid, [field]: huge },
          { ...valid, isAdmin: true },
        ];
        for (const body of cases.map((c) => JSON.stringify(c))) {
          const answer = await call('POST', path, { session, raw: body });
          expect({ path, body: body.slice(0, 80), status: answer.status, code: answer.body?.code }).toEqual({ path, body: body.slice(0, 80), status: 400, code: 'validation-failed' });
          expect(answer.body.errors.length).toBeGreaterThan(0);
          expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
        // A body that would set an object's prototype is refused as it is parsed.
        for (const raw of [`{"__proto__":{"polluted":true},${JSON.stringify(valid).slice(1)}`, `{"constructor":{"prototype":{"polluted":true}},${JSON.stringify(valid).slice(1)}`]) {
          expectProblem(await call('POST', path, { session, raw }), 400);
        }
        // Every field, one at a time, a huge string.
        for (const key of Object.keys(valid)) {
          const answer = await call('POST', path, { session, body: { ...valid, [key]: huge } });
          expect({ path, key, status: answer.status }).toEqual({ path, key, status: 400 });
          expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(key);
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('a body over the limit is 413, a lone surrogate or NUL inside a string 400, never a 5xx', async () => {
      for (const { path, valid, session } of routes()) {
        const field = Object.keys(valid)[0]!;
        expectProblem(await call('POST', path, { session, body: { ...valid, [field]: 'y'.repeat(300 * 1024) } }), 413, 'payload-too-large');
        expectProblem(await call('POST', path, { session, raw: `{"${field}":"a\\ud800b"}` }), 400, 'invalid-characters');
        expectProblem(await call('POST', path, { session, raw: `{"${field}":"a\\u0000b"}` }), 400, 'invalid-characters');
        expectProblem(await call('POST', path, { session, raw: `${'['.repeat(5000)}${']'.repeat(5000)}` }), 400, 'json-too-deep');
      }
    });

    it('the routes without a body refuse malformed JSON and odd path parameters with problems, and change nothing', async () => {
      const listedBefore = (await call('GET', '/auth/sessions', { session: victim })).body.items.length;
      for (const path of ['/auth/sign-out', '/auth/totp', '/auth/tokens/abc/revoke', '/auth/sessions/abc/end', `/auth/people/${FirstStart.ADMIN_ID}/sessions/abc/end`]) {
        expectProblem(await call('POST', path, { session: victim, raw: '{"a":' }), 400, 'malformed-json');
        if (path.includes('abc')) expectProblem(await call('POST', path.replace('abc', encodeURIComponent(`'; DROP TABLE sessions; --`)), { session: victim }), 404);
      }
      expect(await running.app.get(AccountStore).pendingTotp(FirstStart.ADMIN_ID)).toBeNull();
      expectProblem(await call('GET', `/auth/people/${'p'.repeat(2000)}/sessions`, { session: victim }), 404, 'person-not-found');
      for (const path of [`/auth/tokens/${'t'.repeat(2000)}/revoke`, `/auth/sessions/${'s'.repeat(2000)}/end`, `/auth/people/${'p'.repeat(2000)}/sessions/abc/end`, `/auth/tokens/${'t'.repeat(5000)}/revoke`]) {
        const answer = await call('POST', path, { session: victim });
        expect({ path: path.slice(0, 40), clientError: answer.status >= 400 && answer.status < 500 }).toEqual({ path: path.slice(0, 40), clientError: true });
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expectProblem(await call('POST', '/auth/sessions/%ZZ/end', { session: victim }), 400);
      expectProblem(await call('GET', '/auth/session', { session: { cookie: `als_session=${'A'.repeat(100_000)}`, csrf: '' }, cookieOnly: true }), 431);
      expectProblem(await call('GET', '/auth/session', { bearer: 'als_' + huge.slice(0, 8000) }), 401, 'unauthenticated');
      // The session survived all of it.
      const after = await call('GET', '/auth/sessions', { session: victim });
      expect(after.status).toBe(200);
      expect(after.body.items).toHaveLength(listedBefore);
    });
  });

  describe('the address limit', () => {
    it('after 20 failed sign-ins from one address, over whatever accounts, that address is refused even with a right password', async () => {
      expect(failuresFromHere).toBeLessThan(20);
      while (failuresFromHere < 20) await failedSignIn({ login: `guess-${failuresFromHere}`, password: 'a-guessed-password' });
      const refused = await signIn({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD });
      expectProblem(refused, 429, 'sign-in-throttled');
      expect(refused.body.reason).toBe('address-limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
      // Sessions already open go on.
      expect((await call('GET', '/auth/session', { session: admin })).status).toBe(200);
    });
  });
});

describe('guesses sent all at once', () => {
  let running: RunningApp;
  const call = clientOf(() => running);

  beforeAll(async () => {
    running = await startTestApp();
    const token = running.app.get(FirstStart).setupLink!.split('#')[1];
    expect((await call('POST', '/auth/setup', { body: { token, login: ADMIN_LOGIN, password: ADMIN_PASSWORD } })).status).toBe(200);
  });
  afterAll(() => running?.stop());

  it('get no more than five passwords checked before the account locks', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call('POST', '/auth/sign-in', { body: { login: ADMIN_LOGIN, password: `guess-number-${i}` } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expectProblem(await call('POST', '/auth/sign-in', { body: { login: ADMIN_LOGIN, password: ADMIN_PASSWORD } }), 429, 'sign-in-throttled');
  });
});
