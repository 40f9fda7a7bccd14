import { createServer } from 'node:net';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { OidcTestProvider, startOidcTestProvider, TEST_ACCOUNTS } from '../support/oidc-test-provider';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * Sign-in through the identity platform, end to end: the service's own routes against a real OpenID
 * provider on localhost (oidc-provider), as a browser goes through them. A person links the platform's
 * account once, signed in with their password; from then on the platform signs them in.
 */
const [wang, li] = TEST_ACCOUNTS;
const PASSWORD = '晋阳湖畔的长跑者2025';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** The `name=value` of a Set-Cookie header for `name`, if the answer sets it (to something). */
function cookieOf(response: Response, name: string): string | undefined {
  const set = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  const pair = set?.split(';', 1)[0];
  return pair && pair !== `${name}=` ? pair : undefined;
}

/** A JSON answer's body. */
const json = async (response: Response): Promise<any> => response.json();

let provider: OidcTestProvider;
let running: RunningApp;
let admin: { cookie: string; csrf: string };

beforeAll(async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  provider = await startOidcTestProvider({ redirectUri: `${base}/auth/oidc/callback` });
  running = await startTestApp({
    PORT: String(port),
    PUBLIC_URL: base,
    OIDC_SIGN_IN_ISSUER: provider.issuer,
    OIDC_SIGN_IN_CLIENT_ID: provider.clientId,
    OIDC_SIGN_IN_CLIENT_SECRET: provider.clientSecret,
  });
  const token = running.app.get(FirstStart).setupLink!.split('#')[1];
  const setUp = await fetch(`${running.url}/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, login: 'admin', password: PASSWORD }) });
  expect(setUp.status).toBe(200);
  admin = { cookie: cookieOf(setUp, 'als_session')!, csrf: (await json(setUp)).csrfToken };
}, 30_000);

afterAll(async () => {
  await running?.stop();
  await provider?.stop();
});

/** The platform's round trip from an authorization URL: the provider's login, then our callback with the pending cookie. */
async function throughThePlatform(location: string, pending: string, account = wang!) {
  const callback = await provider.login(location, account.username, account.password);
  return fetch(callback, { headers: { cookie: pending }, redirect: 'manual' });
}

describe('sign-in through the identity platform', () => {
  it('links the platform account of a person signed in, then signs them in with it alone', async () => {
    const link = await fetch(`${running.url}/auth/oidc/link`, { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    expect(link.status).toBe(200);
    const { location } = await json(link);
    expect(new URL(location).searchParams.get('code_challenge_method')).toBe('S256');
    const linked = await throughThePlatform(location, cookieOf(link, 'als_oidc')!);
    expect([linked.status, linked.headers.get('location')]).toEqual([303, `${running.url}/console/`]);

    // Another browser, nobody signed in: the platform alone signs the admin in.
    const start = await fetch(`${running.url}/auth/oidc/start`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    const signedIn = await throughThePlatform(start.headers.get('location')!, cookieOf(start, 'als_oidc')!);
    expect(signedIn.status).toBe(303);
    const session = await fetch(`${running.url}/auth/session`, { headers: { cookie: cookieOf(signedIn, 'als_session')! } });
    expect(session.status).toBe(200);
    expect(await json(session)).toMatchObject({ personId: FirstStart.ADMIN_ID, actor: { role: 'office', org: running.config.office.creditCode } });
  });

  it('refuses a platform account linked to no one, without a session', async () => {
    const start = await fetch(`${running.url}/auth/oidc/start`, { redirect: 'manual' });
    const refused = await throughThePlatform(start.headers.get('location')!, cookieOf(start, 'als_oidc')!, li!);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await json(refused)).code).toBe('identity-not-linked');
    expect(cookieOf(refused, 'als_session')).toBeUndefined();
  });

  it('refuses a callback this browser did not start, and one used twice', async () => {
    const start = await fetch(`${running.url}/auth/oidc/start`, { redirect: 'manual' });
    const pending = cookieOf(start, 'als_oidc')!;
    const callback = await provider.login(start.headers.get('location')!, wang!.username, wang!.password);
    const stranger = await fetch(callback, { redirect: 'manual' });
    expect([stranger.status, (await json(stranger)).code]).toEqual([400, 'oidc-sign-in-expired']);
    const first = await fetch(callback, { headers: { cookie: pending }, redirect: 'manual' });
    expect(first.status).toBe(303);
    const again = await fetch(callback, { headers: { cookie: pending }, redirect: 'manual' });
    expect([again.status, (await json(again)).code]).toEqual([400, 'oidc-sign-in-expired']);
  });

  it('refuses a callback whose state was tampered with', async () => {
    const start = await fetch(`${running.url}/auth/oidc/start`, { redirect: 'manual' });
    const callback = new URL(await provider.login(start.headers.get('location')!, wang!.username, wang!.password));
    callback.searchParams.set('state', 'forged');
    const refused = await fetch(callback, { headers: { cookie: cookieOf(start, 'als_oidc')! }, redirect: 'manual' });
    expect([refused.status, (await json(refused)).code]).toEqual([400, 'oidc-state-mismatch']);
  });

  it('starts a link with a session cookie only together with its CSRF token', async () => {
    const withoutCsrf = await fetch(`${running.url}/auth/oidc/link`, { method: 'POST', headers: { cookie: admin.cookie } });
    expect([withoutCsrf.status, (await json(withoutCsrf)).code]).toEqual([403, 'csrf-token-invalid']);
  });
});

describe('a service without the identity platform', () => {
  it('answers its sign-in routes 404 oidc-not-configured', async () => {
    const plain = await startTestApp();
    try {
      const start = await fetch(`${plain.url}/auth/oidc/start`, { redirect: 'manual' });
      expect([start.status, (await json(start)).code]).toEqual([404, 'oidc-not-configured']);
    } finally {
      await plain.stop();
    }
  });
});
