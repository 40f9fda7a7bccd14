import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * Two service instances on one PostgreSQL store, each with a data folder of its own (as on two
 * machines): the accounts and the sign-in throttle are in the store, so what one instance does with an
 * account holds on the other: the first admin set up once, a session and a token made on one used on
 * the other, a sign-out and a revocation seen by both, guesses spread over both counted together, read
 * marks shared.
 */

const PASSWORD = '晋阳湖畔的长跑者2025';
const PERSON_PASSWORD = '汾河岸边的骑行者2026';

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

interface Call {
  readonly session?: Session;
  readonly bearer?: string;
  readonly body?: unknown;
}

async function call(on: RunningApp, method: string, path: string, options: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.session) Object.assign(headers, { cookie: options.session.cookie, 'x-csrf-token': options.session.csrf });
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${on.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function sessionOf(answer: Answer): Session {
  const cookie = answer.headers
    .getSetCookie()
    .find((c) => c.startsWith('als_session='))
    ?.split(';')[0];
  expect(cookie).toMatch(/^als_session=[A-Za-z0-9_-]{43}$/);
  return { cookie: cookie!, csrf: answer.body.csrfToken };
}

const expectStatus = (answer: Answer, status: number, code?: string) => expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code: code ?? answer.body?.code });

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('accounts shared by two instances on PostgreSQL', () => {
  const schema = freshSchema('accounts_e2e');
  const env = { EVENT_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
  let a: RunningApp;
  let b: RunningApp;
  let adminToken: string;
  let person: { personId: string; grantId: string; login: string };

  const sql = async (text: string, values: unknown[] = []) => {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    // Both start at once on an empty schema.
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
  });

  it('sets the first admin up once across the instances, and a later start prints no set-up link', async () => {
    expect(a.config.dataDir).not.toBe(b.config.dataDir);
    const links = [a, b].map((running) => running.app.get(FirstStart).setupLink);
    // Nobody had an account when either started: each printed a link of its own.
    expect(links.every((link) => /#[A-Za-z0-9_-]{43}$/.test(link ?? ''))).toBe(true);
    expect(links[0]).not.toBe(links[1]);

    // Both links used at the same moment, one through each instance, with different logins.
    const answers = await Promise.all([
      call(a, 'POST', '/auth/setup', { body: { token: links[0]!.split('#')[1], login: 'first-admin', password: PASSWORD } }),
      call(b, 'POST', '/auth/setup', { body: { token: links[1]!.split('#')[1], login: 'second-admin', password: PASSWORD } }),
    ]);
    const set = answers.filter((answer) => answer.status === 200);
    expect(set.length).toBeGreaterThanOrEqual(1);
    for (const refused of answers.filter((answer) => answer.status !== 200)) expectStatus(refused, 409, 'login-taken');
    // One login for the first admin, whichever use made it; every answer that set it up names that one.
    const logins = await sql(`SELECT login, person_id FROM "${schema}".account_logins`);
    expect(logins).toEqual([{ login: expect.stringMatching(/^(first|second)-admin$/), person_id: FirstStart.ADMIN_ID }]);
    for (const answer of set) expect(answer.body).toMatchObject({ personId: FirstStart.ADMIN_ID, login: logins[0].login });
    // The office, the admin and the admin's grant are in the log once each.
    const events = await sql(`SELECT stream, type, count(*)::int AS n FROM "${schema}".events WHERE stream = $1 OR type = 'OrganisationRegistered' GROUP BY stream, type`, [
      `person-${FirstStart.ADMIN_ID}`,
    ]);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((row) => row.n === 1)).toBe(true);

    const admin = sessionOf(set[0]!);
    const grants = await call(b, 'GET', '/auth/session', { session: admin });
    expect(grants.status).toBe(200);
    const token = await call(b, 'POST', '/auth/tokens', { session: admin, body: { name: '管理脚本', grantId: grants.body.grants[0].grantId } });
    expect(token.status).toBe(201);
    adminToken = token.body.token;

    // A third instance started now finds the admin: it prints no link.
    const third = await startTestApp(env);
    try {
      expect(third.app.get(FirstStart).setupLink).toBeUndefined();
      expect((await call(third, 'GET', '/auth/tokens', { bearer: adminToken })).status).toBe(200);
    } finally {
      await third.stop();
    }
    // No instance opened accounts.db in its data folder.
    for (const running of [a, b]) expect(existsSync(join(running.config.dataDir, 'accounts.db'))).toBe(false);
  });

  it('takes a set-up link made on one instance on the other, and a session made on one works on the other', async () => {
    const registered = await call(a, 'POST', '/people', { bearer: adminToken, body: { name: '李娜', organisationId: a.config.office.creditCode } });
    expect(registered.status).toBe(201);
    const personId = registered.body.personId as string;
    const granted = await call(a, 'POST', `/people/${personId}/grants`, { bearer: adminToken, body: { kind: 'office-staff', reason: '负责项目受理' } });
    expect(granted.status).toBe(200);
    person = { personId, grantId: granted.body.grantId, login: 'li.na' };
    const link = await call(a, 'POST', `/auth/people/${personId}/setup-link`, { bearer: adminToken });
    expect(link.status).toBe(201);
    const setUp = await call(b, 'POST', '/auth/setup', { body: { token: link.body.token, login: person.login, password: PERSON_PASSWORD } });
    expect(setUp.status).toBe(200);
    // Used once, whichever instance is asked again.
    expectStatus(await call(a, 'POST', '/auth/setup', { body: { token: link.body.token, login: person.login, password: PERSON_PASSWORD } }), 404, 'setup-link-invalid');

    const signedIn = await call(a, 'POST', '/auth/sign-in', { body: { login: 'LI.NA', password: PERSON_PASSWORD } });
    expect(signedIn.status).toBe(200);
    const session = sessionOf(signedIn);
    const onB = await call(b, 'GET', '/auth/session', { session });
    expect(onB.status).toBe(200);
    expect(onB.body).toMatchObject({ personId, csrfToken: session.csrf, grants: [expect.objectContaining({ grantId: person.grantId, kind: 'office-staff' })] });
    // Both of the person's sessions are listed on either instance.
    expect((await call(b, 'GET', '/auth/sessions', { session })).body.items).toHaveLength(2);

    // A token made on B works on A, and is listed there.
    const made = await call(b, 'POST', '/auth/tokens', { session, body: { name: '受理同步', grantId: person.grantId } });
    expect(made.status).toBe(201);
    expect((await call(a, 'GET', '/auth/session', { bearer: made.body.token })).body).toMatchObject({ personId, actor: { role: 'office' } });
    expect((await call(a, 'GET', '/auth/tokens', { session })).body.items).toEqual([expect.objectContaining({ tokenId: made.body.tokenId, name: '受理同步' })]);

    // Signed out on A: the session is over on B too; the token lives on.
    expect((await call(a, 'POST', '/auth/sign-out', { session })).status).toBe(200);
    expectStatus(await call(b, 'GET', '/auth/session', { session }), 401);
    expectStatus(await call(a, 'GET', '/auth/session', { session }), 401);
    expect((await call(b, 'GET', '/auth/session', { bearer: made.body.token })).status).toBe(200);

    // Revoked on B: refused on A.
    expect((await call(b, 'POST', `/auth/tokens/${made.body.tokenId}/revoke`, { bearer: made.body.token })).status).toBe(200);
    expectStatus(await call(a, 'GET', '/auth/session', { bearer: made.body.token }), 401);
    expectStatus(await call(b, 'GET', '/auth/session', { bearer: made.body.token }), 401);
  });

  it('shares the read marks: what is marked read on one instance is read on the other', async () => {
    const signedIn = await call(b, 'POST', '/auth/sign-in', { body: { login: person.login, password: PERSON_PASSWORD } });
    const session = sessionOf(signedIn);
    const token = (await call(b, 'POST', '/auth/tokens', { session, body: { name: '通知', grantId: person.grantId } })).body.token as string;
    // The grant given to the person is a notification on both instances, once their read models have it.
    const listed = (on: RunningApp) =>
      eventually(
        () => call(on, 'GET', '/notifications', { bearer: token }),
        (answer) => answer.status === 200 && answer.body.items.length > 0,
      );
    const before = await listed(a);
    expect(before.body.items.map((n: { kind: string }) => n.kind)).toContain('grant-given');
    expect(before.body.unread).toBe(before.body.items.length);
    expect((await listed(b)).body.unread).toBe(before.body.items.length);

    const marked = await call(b, 'POST', '/notifications/read', { bearer: token, body: { all: true } });
    expect(marked.body).toEqual({ marked: before.body.items.length, unread: 0 });
    const after = await call(a, 'GET', '/notifications', { bearer: token });
    expect(after.body.unread).toBe(0);
    expect(after.body.items.every((n: { read: boolean }) => n.read)).toBe(true);
  });

  it('lets an operator on any machine print a set-up link with npm run setup-link, from the store rather than a data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'als-cli-'));
    try {
      const printed = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, DATA_DIR: dataDir, PUBLIC_URL: b.config.publicUrl };
        execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/setup-link.ts', '--login', 'Li.Na'], { cwd: resolve(__dirname, '../..'), env: childEnv, timeout: 60_000 }, (error, stdout, stderr) =>
          done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(printed).toMatchObject({ code: 0, stdout: expect.stringMatching(/#[A-Za-z0-9_-]{43}\n$/) });
      expect(existsSync(join(dataDir, 'accounts.db'))).toBe(false);
      const used = await call(b, 'POST', '/auth/setup', { body: { token: printed.stdout.trim().split('#')[1], login: person.login, password: PERSON_PASSWORD } });
      expect(used.body).toMatchObject({ personId: person.personId, login: person.login });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('counts wrong passwords sent to both instances together: five lock the login on both', async () => {
    for (const [n, on] of [a, b, a, b, a].entries()) {
      expectStatus(await call(on, 'POST', '/auth/sign-in', { body: { login: person.login, password: `wrong-password-${n}` } }), 401, 'sign-in-failed');
    }
    // The right password no longer gets in, on either instance, until the lock is over.
    for (const on of [b, a]) {
      const refused = await call(on, 'POST', '/auth/sign-in', { body: { login: person.login, password: PERSON_PASSWORD } });
      expectStatus(refused, 429, 'sign-in-throttled');
      expect(refused.body).toMatchObject({ reason: 'account-locked' });
    }
    const rows = await sql(`SELECT account, count(*)::int AS n FROM "${schema}".sign_in_failures WHERE counts_for_account GROUP BY account`);
    expect(rows).toEqual([{ account: person.login, n: 5 }]);
  });
});
