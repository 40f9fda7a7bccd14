import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config';
import { embeddedSecret, mintToken, TokenLifetimeError } from '../../src/infrastructure/http/auth';
import { client } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

/** `npm run token` as an operator runs it, in a child process with its own environment. */
function tokenCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  return new Promise((done) => {
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/token.ts', ...args], { cwd: ROOT, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const expectUnauthenticated = (result: { status: number; headers: Headers; body: any }, detail: RegExp) => {
  expect(result.status).toBe(401);
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(result.body.code).toBe('unauthenticated');
  expect(result.body.detail).toMatch(detail);
};

describe('token lifetimes', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let key: Uint8Array;
  const claims = { role: 'office', org: 'dept' };
  const sign = (build: (jwt: SignJWT) => SignJWT) =>
    build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer(running.config.auth.issuer).setAudience(running.config.auth.audience)).sign(key);

  beforeAll(async () => {
    running = await startTestApp();
    http = client(running);
    key = new TextEncoder().encode(embeddedSecret(running.config).secret);
  });
  afterAll(() => running.stop());

  it('refuses a correctly signed token that never expires', async () => {
    const forever = await sign((jwt) => jwt.setIssuedAt());
    expectUnauthenticated(await http.get('/projects', forever), /no expiry/);
  });

  it('refuses a token that lives longer than TOKEN_MAX_LIFETIME (24h by default), counted from iat or, without it, from now', async () => {
    const now = Math.floor(Date.now() / 1000);
    const long = await sign((jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 25 * 3600));
    expectUnauthenticated(await http.get('/projects', long), /longer than the maximum of 24h/);
    const longWithoutIat = await sign((jwt) => jwt.setExpirationTime(now + 25 * 3600));
    expectUnauthenticated(await http.get('/projects', longWithoutIat), /longer than the maximum of 24h/);
    // An iat in the future does not shorten the time the token is good for.
    const postdated = await sign((jwt) => jwt.setIssuedAt(now + 10 * 86400).setExpirationTime(now + 10 * 86400 + 3600));
    expectUnauthenticated(await http.get('/projects', postdated), /longer than the maximum/);
    const day = await sign((jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 24 * 3600));
    expect((await http.get('/projects', day)).status).toBe(200);
  });

  it('says that the signature did not verify when the token was signed with another secret', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'als-other-'));
    try {
      const foreign = await mintToken(loadConfig({ DATA_DIR: otherDir }), { sub: 'u', role: 'office', org: 'dept' });
      expectUnauthenticated(await http.get('/projects', foreign), /signature did not verify/);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('mints no token longer than the maximum, and reads the maximum from TOKEN_MAX_LIFETIME', async () => {
    await expect(mintToken(running.config, { sub: 'u', role: 'office', org: 'dept' }, '25h')).rejects.toThrow(TokenLifetimeError);
    const short = { ...running.config, tokenMaxLifetimeSeconds: loadConfig({ TOKEN_MAX_LIFETIME: '2h' }).tokenMaxLifetimeSeconds };
    expect(short.tokenMaxLifetimeSeconds).toBe(7200);
    await expect(mintToken(short, { sub: 'u', role: 'office', org: 'dept' }, '3h')).rejects.toThrow(/at most 2h/);
    expect(loadConfig({ TOKEN_MAX_LIFETIME: '3600' }).tokenMaxLifetimeSeconds).toBe(3600);
    expect(() => loadConfig({ TOKEN_MAX_LIFETIME: 'forever' })).toThrow(/TOKEN_MAX_LIFETIME/);
  });
});

describe('token CLI (npm run token)', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  beforeAll(async () => {
    running = await startTestApp();
    http = client(running);
  });
  afterAll(() => running.stop());

  it('--help lists every flag with its meaning and default', async () => {
    const help = await tokenCli(['--help'], { DATA_DIR: running.config.dataDir });
    expect(help.code).toBe(0);
    for (const flag of ['--role', '--org', '--sub', '--region', '--expires']) expect(help.stdout).toContain(flag);
    expect(help.stdout).toMatch(/--role .*office/);
    expect(help.stdout).toMatch(/--expires .*default 8h, at most 24h/);
    expect(help.stdout).toMatch(/JWT_SECRET.*DATA_DIR\/jwt-secret/s);
  });

  it("mints a token the service of the same DATA_DIR accepts, saying on stderr which secret it used; another DATA_DIR's token gets a 401 saying why", async () => {
    const minted = await tokenCli(['--role', 'office', '--org', '山西省教育厅', '--sub', 'office-1'], { DATA_DIR: running.config.dataDir });
    expect(minted.code).toBe(0);
    expect(minted.stderr).toContain(join(running.config.dataDir, 'jwt-secret'));
    expect((await http.get('/projects', minted.stdout.trim())).status).toBe(200);

    const otherDir = mkdtempSync(join(tmpdir(), 'als-cli-'));
    try {
      const foreign = await tokenCli(['--role', 'office', '--org', 'dept', '--sub', 'u'], { DATA_DIR: otherDir });
      expect(foreign.code).toBe(0);
      expect(foreign.stderr).toMatch(new RegExp(`${join(otherDir, 'jwt-secret')} \\(just generated\\)`));
      expectUnauthenticated(await http.get('/projects', foreign.stdout.trim()), /signature did not verify/);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }

    const fromVariable = await tokenCli(['--role', 'office', '--org', 'dept', '--sub', 'u'], { DATA_DIR: running.config.dataDir, JWT_SECRET: 'x'.repeat(32) });
    expect(fromVariable.stderr).toContain('JWT_SECRET');
  });

  it('refuses --expires beyond the maximum, and flags that are missing, with a clear message', async () => {
    const tooLong = await tokenCli(['--role', 'office', '--org', 'dept', '--sub', 'u', '--expires', '30d'], { DATA_DIR: running.config.dataDir });
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stdout).toBe('');
    expect(tooLong.stderr).toMatch(/--expires 30d: a token may live at most 24h \(TOKEN_MAX_LIFETIME\)/);

    const missing = await tokenCli(['--role', 'office'], { DATA_DIR: running.config.dataDir });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/missing --org, --sub/);
  });
});
