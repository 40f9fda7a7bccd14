/**
 * A real OpenID provider for tests: oidc-provider (the certified Node implementation) on 127.0.0.1, on a
 * free port, with one confidential client, PKCE required, the accounts below, and a minimal login
 * interaction: its login page is an HTML form that takes a username and a password; consent is then
 * granted without a page. `login()` plays the browser over plain HTTP.
 *
 * The provider runs in a child Node process, not inside jest: oidc-provider is ESM-only, and its
 * `import Koa from 'koa'` needs the ES-module/CommonJS interop that only Node's own loader gives (jest's
 * registry, with the repository's ESM-to-CommonJS transform, hands it `undefined` for koa's default
 * export). The child imports it natively; the script below is plain JavaScript for that reason.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TestAccount {
  readonly sub: string;
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly email: string;
}

export const TEST_ACCOUNTS: readonly TestAccount[] = [
  { sub: 'sx-4b1e0c62', username: 'wang.li', password: 'correct horse battery', name: 'Wang Li', email: 'wang.li@example.test' },
  { sub: 'sx-9d73a5f0', username: 'zhao.min', password: 'staple tulip lantern', name: 'Zhao Min', email: 'zhao.min@example.test' },
];

export interface OidcTestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Follows the redirects from `authorizationUrl` through the login interaction as a browser would
   * (cookies kept per path), posts the credentials to the login form, and resolves with the final
   * redirect to the redirect URI (not followed). Rejects if the form refuses the credentials.
   */
  login(authorizationUrl: string, username: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** Runs in the child process as an ES module. Configuration arrives in OIDC_TEST_PROVIDER (JSON). */
const PROVIDER_SCRIPT = String.raw`
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const { modulePath, clientId, clientSecret, redirectUri, accounts } = JSON.parse(process.env.OIDC_TEST_PROVIDER);
const { default: Provider } = await import(pathToFileURL(modulePath).href);

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const page = (uid, message) => '<!doctype html><title>Sign in</title>' + (message ? '<p role="alert">' + escape(message) + '</p>' : '') +
  '<form method="post" action="/interaction/' + escape(uid) + '/login">' +
  '<input name="username" autocomplete="username"><input name="password" type="password" autocomplete="current-password">' +
  '<button>Sign in</button></form>';
const readForm = async (req) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
};

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = 'http://127.0.0.1:' + server.address().port;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    const account = accounts.find((a) => a.sub === sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, name: account.name, email: account.email, email_verified: true };
      },
    };
  },
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  interactions: { url: (ctx, interaction) => '/interaction/' + interaction.uid },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig', kid: 'test' }] },
});
const handle = provider.callback();

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params } = details;
  if (prompt.name === 'login' && !action && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(uid));
  } else if (prompt.name === 'login' && action === 'login' && req.method === 'POST') {
    const form = await readForm(req);
    const account = accounts.find((a) => a.username === form.get('username') && a.password === form.get('password'));
    if (!account) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' }).end(page(uid, 'Unknown username or wrong password.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  } else if (prompt.name === 'consent' && !action && req.method === 'GET') {
    // Consent without a page: grant what the prompt says is missing.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  } else {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('unexpected interaction step ' + prompt.name);
  }
}

server.on('request', (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?(?:\?|$)/.exec(req.url);
  if (!match) return handle(req, res);
  interaction(req, res, match[1], match[2]).catch((err) => {
    if (!res.headersSent) res.writeHead(err.status ?? 500, { 'content-type': 'text/plain' });
    res.end(String(err.message));
  });
});

process.stdin.on('end', () => process.exit(0)); // the test process went away
process.stdin.resume();
process.stdout.write(JSON.stringify({ issuer }) + '\n');
`;

export async function startOidcTestProvider(options: { redirectUri: string }): Promise<OidcTestProvider> {
  const clientId = 'accreditation-service';
  const clientSecret = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, ['--input-type=module', '--eval', PROVIDER_SCRIPT], {
    env: {
      ...process.env,
      OIDC_TEST_PROVIDER: JSON.stringify({
        modulePath: require.resolve('oidc-provider'),
        clientId,
        clientSecret,
        redirectUri: options.redirectUri,
        accounts: TEST_ACCOUNTS,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const { issuer } = await ready(child);
  return {
    issuer,
    clientId,
    clientSecret,
    login: (authorizationUrl, username, password) => browse(authorizationUrl, options.redirectUri, username, password),
    stop: () => stop(child),
  };
}

function ready(child: ChildProcess): Promise<{ issuer: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n', 2);
      if (line.length === 2) resolve(JSON.parse(line[0]!) as { issuer: string });
    });
    child.once('exit', (code) => reject(new Error(`OIDC test provider exited (${code}) before it was ready: ${err}`)));
    child.once('error', reject);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Cookie {
  readonly value: string;
  readonly path: string;
}

/** The browser's part: redirects, cookies, and the login form. */
async function browse(start: string, redirectUri: string, username: string, password: string): Promise<string> {
  const target = new URL(redirectUri);
  const jar = new Map<string, Cookie>();
  let request: { url: URL; init: RequestInit } = { url: new URL(start), init: { method: 'GET' } };
  for (let hop = 0; hop < 20; hop++) {
    const cookie = [...jar]
      .filter(([, c]) => request.url.pathname === c.path || request.url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    const headers = new Headers(request.init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(request.url, { ...request.init, headers, redirect: 'manual' });
    keepCookies(jar, response, request.url);

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.origin === target.origin && next.pathname === target.pathname) return next.href;
      request = { url: next, init: { method: 'GET' } };
      continue;
    }
    const body = await response.text();
    if (request.init.method === 'POST') {
      throw new Error(`the provider refused the sign-in (${response.status}): ${body.replace(/<[^>]*>/g, ' ').trim()}`);
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
    if (response.status !== 200 || !action) {
      throw new Error(`unexpected answer from ${request.url.href} (${response.status}): ${body.slice(0, 300)}`);
    }
    request = {
      url: new URL(action.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))), request.url),
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      },
    };
  }
  throw new Error('too many redirects before the callback');
}

function keepCookies(jar: Map<string, Cookie>, response: Response, url: URL): void {
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key, val = ''] = attribute.split('=', 2).map((s) => s.trim());
      if (key!.toLowerCase() === 'path') path = val;
      if (key!.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      if (key!.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
    }
    if (expired || value === '') jar.delete(name);
    else jar.set(name, { value, path });
  }
}
