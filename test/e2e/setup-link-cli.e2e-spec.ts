import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { RunningApp, startTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

/** `npm run setup-link` as an operator runs it on the server, in a child process with its own environment. */
function setupLinkCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  return new Promise((done) => {
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/setup-link.ts', ...args], { cwd: ROOT, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run setup-link', () => {
  let running: RunningApp;
  let env: Record<string, string>;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { code?: string; [key: string]: unknown } };
  };
  const secretOf = (stdout: string) => {
    const link = stdout.trim();
    expect(link).toMatch(new RegExp(`^${running.config.publicUrl.replace(/[.:/]/g, '\\$&')}/console/setup#[A-Za-z0-9_-]{43}$`));
    return link.split('#')[1]!;
  };

  beforeAll(async () => {
    running = await startTestApp();
    env = { DATA_DIR: running.config.dataDir, PUBLIC_URL: running.config.publicUrl };
  });
  afterAll(() => running.stop());

  it('prints a link for the office’s first admin when the first start’s is lost, and the link sets them up', async () => {
    expect(running.app.get(FirstStart).setupLink).toBeDefined();
    const printed = await setupLinkCli([], env);
    expect(printed).toMatchObject({ code: 0, stderr: expect.stringMatching(/first admin.*24 hours/) });
    const setUp = await post('/auth/setup', { token: secretOf(printed.stdout), login: 'sx-admin', password: '汾河两岸的柳树-2026' });
    expect(setUp.status).toBe(200);
    expect(setUp.body).toMatchObject({ personId: FirstStart.ADMIN_ID, login: 'sx-admin', actor: { role: 'office', org: running.config.office.creditCode } });
  });

  it('prints a link for a login after a forgotten password: the link sets a new one, the login stays', async () => {
    const printed = await setupLinkCli(['--login', 'sx-admin'], env);
    expect(printed.code).toBe(0);
    const reset = await post('/auth/setup', { token: secretOf(printed.stdout), login: 'sx-admin', password: '晋祠的难老泉水长流-2027' });
    expect(reset).toMatchObject({ status: 200, body: { login: 'sx-admin' } });
    expect((await post('/auth/sign-in', { login: 'sx-admin', password: '汾河两岸的柳树-2026' })).status).toBe(401);
    expect((await post('/auth/sign-in', { login: 'sx-admin', password: '晋祠的难老泉水长流-2027' })).status).toBe(200);
    // Used once.
    expect((await post('/auth/setup', { token: secretOf(printed.stdout), login: 'sx-admin', password: '又一个很长的口令-2028' })).body.code).toBe('setup-link-invalid');
  });

  it('names an unknown login, prints its usage, and refuses the settings of the retired bearer JWTs', async () => {
    expect(await setupLinkCli(['--login', 'nobody'], env)).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/no account signs in with the login "nobody"/) });
    expect(await setupLinkCli(['--help'], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/usage: npm run -s setup-link -- \[--login <login>\]/) });
    expect(await setupLinkCli(['--user', 'x'], env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/--help/) });
    const retired = await setupLinkCli([], { ...env, JWT_SECRET: 'x'.repeat(32) });
    expect(retired).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^configuration: JWT_SECRET is no longer read: .*personal access tokens/) });
    for (const name of ['OIDC_JWKS_URL', 'TOKEN_MAX_LIFETIME', 'JWT_ISSUER']) expect(() => loadConfig({ [name]: 'x' })).toThrow(new RegExp(`^configuration: ${name} is no longer read`));
  });
});
