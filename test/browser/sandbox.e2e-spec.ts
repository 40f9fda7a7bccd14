import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_MISSING, launchChromium, openPage, screenshot } from '../support/browser';

/**
 * `npm run sandbox` as a newcomer runs it: the built script (node dist/demo/sandbox.js) plays the plan into a
 * new folder, prints one account per role, and each signs in to the console in chromium and finds work
 * waiting at home; stopped and run again it resumes the same sandbox with new passwords; a service without
 * SANDBOX=true refuses its folder.
 */
jest.setTimeout(240_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/sandbox.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

const ROOT = resolve(__dirname, '../..');

/**
 * What each role's home shows from the played plan and its next year (src/words.ts WORK, in Chinese): the
 * late school's 2026 draft (its lead's and its head's), its course update overdue since 31 August (seen by
 * its head, the office and the auditors), another school's application to check, a 2026 application to
 * score, others to assign experts to, and the enterprise's 2026 annual report.
 */
const EXPECTED: Record<string, { kinds: string[]; words: string[] }> = {
  'project lead': { kinds: ['submit-application'], words: ['待完成并提交的申报'] },
  'school head': { kinds: ['submit-application', 'overdue'], words: ['待完成并提交的申报', '有逾期事项的项目'] },
  'city bureau clerk': { kinds: ['formal-check'], words: ['待形式审查的申报'] },
  expert: { kinds: ['score-review'], words: ['待评分的项目'] },
  'office clerk': { kinds: ['assign-reviewers', 'overdue'], words: ['待分配评审专家的项目', '有逾期事项的项目'] },
  auditor: { kinds: ['overdue'], words: ['有逾期事项的项目'] },
  enterprise: { kinds: ['annual-report-due'], words: ['提交年度报告'] },
};

interface Printed {
  readonly role: string;
  readonly person: string;
  readonly organisation: string;
  readonly login: string;
  readonly password: string;
  readonly waiting: string[];
}

interface Run {
  readonly child: ChildProcess;
  readonly accounts: Printed[];
  readonly consoleUrl: string;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The table the sandbox prints: the rows under its rule line, columns apart by two spaces or more. */
function accountsOf(stdout: string): Printed[] {
  const lines = stdout.split('\n');
  // The accounts' rule line: under the table's head (the play's summary has rule lines of its own).
  const rule = lines.findIndex((l, i) => l.startsWith('──') && lines[i - 1]!.startsWith('role '));
  const rows: Printed[] = [];
  for (const line of lines.slice(rule + 1)) {
    if (!line.trim()) break;
    const [role, person, organisation, login, password, waiting] = line.trim().split(/\s{2,}/);
    // The role's Chinese name, then its English one.
    rows.push({ role: role!.replace(/^\S+\s/, ''), person: person!, organisation: organisation!, login: login!, password: password!, waiting: waiting!.split(', ') });
  }
  return rows;
}

/** Runs the built sandbox until it prints its table (or exits). */
async function runSandbox(dir: string, port: number): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/demo/sandbox.js'), '--dir', dir, '--port', String(port), '--scale', '11'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let exited = false;
  void exit.then(() => (exited = true));
  while (!stdout.includes('Stop it with')) {
    if (exited) throw new Error(`the sandbox exited before printing its accounts:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const consoleUrl = /Console: (http:\/\/localhost:\d+\/console\/)/.exec(stdout)![1]!;
  return { child, accounts: accountsOf(stdout), consoleUrl, output: () => `${stdout}\n${stderr}`, exit };
}

const eventsIn = (dir: string): number => {
  const db = new Database(join(dir, 'events.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

const signIn = async (port: number, login: string, password: string) =>
  (await fetch(`http://127.0.0.1:${port}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) })).status;

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'the sandbox (npm run sandbox) in chromium' : `the sandbox (npm run sandbox) in chromium — ${CHROMIUM_MISSING}`, () => {
  const root = mkdtempSync(join(tmpdir(), 'sandbox-e2e-'));
  const dir = join(root, 'sandbox');
  let port: number;
  let run: Run | undefined;
  let first: Printed[];
  let browser: Browser;

  const stopRun = async () => {
    const r = run;
    run = undefined;
    if (!r) return null;
    r.child.kill('SIGTERM');
    return r.exit;
  };

  beforeAll(async () => {
    // npm test builds the console (dist/console) but not the service: the sandbox runs the built one.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    port = await freePort();
    run = await runSandbox(dir, port);
    first = run.accounts;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopRun();
    rmSync(root, { recursive: true, force: true });
  });

  it('prints one account per role, each with what waits for it, and the console’s address', () => {
    expect(run!.consoleUrl).toBe(`http://localhost:${port}/console/`);
    expect(first.map((a) => a.role)).toEqual(Object.keys(EXPECTED));
    for (const account of first) expect({ role: account.role, waiting: account.waiting }).toEqual({ role: account.role, waiting: EXPECTED[account.role]!.kinds });
    // The lead and the head are of one school; every password is its own.
    expect(first[0]!.organisation).toBe(first[1]!.organisation);
    expect(new Set(first.map((a) => a.password)).size).toBe(first.length);
  });

  it('says it is a sandbox on /health, and warned so in its start-up log', async () => {
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', sandbox: true });
    expect(run!.output()).toMatch(/"level":40[^\n]*"context":"Sandbox"[^\n]*not a production installation/);
  });

  it('signs each account in to the console, whose home (待办事项) shows the work waiting for it', async () => {
    for (const account of first) {
      const errors: string[] = [];
      const tab = await openPage(browser, errors);
      try {
        await tab.goto(run!.consoleUrl);
        // Marked as a sandbox before anyone signs in, and on every page after.
        await tab.getByRole('status').filter({ hasText: '演示沙盒：数据为模拟数据，不是正式系统' }).waitFor();
        await tab.getByLabel('登录名').fill(account.login);
        await tab.getByLabel('密码').fill(account.password);
        await tab.getByLabel('密码').press('Enter');
        await tab.getByRole('heading', { name: '待办事项' }).waitFor();
        await tab.getByRole('status').filter({ hasText: '演示沙盒：数据为模拟数据，不是正式系统' }).waitFor();
        const todo = tab.getByRole('list', { name: '待办事项' });
        await todo.waitFor();
        const items = await todo.getByRole('listitem').allInnerTexts();
        for (const words of EXPECTED[account.role]!.words) expect({ role: account.role, items: items.some((item) => item.includes(words)) }).toEqual({ role: account.role, items: true });
        await screenshot(tab, `sandbox-home-${account.role.replace(/\s+/g, '-')}`);
        // The console asks for the session before anyone signed in: that 401 is on purpose; nothing else may fail.
        expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 401/.test(e))).toEqual([]);
      } finally {
        await tab.context().close();
      }
    }
  });

  it('resumes when run again: no replay, the same accounts with new passwords, the old ones refused', async () => {
    expect(await stopRun()).toBe(0);
    const events = eventsIn(dir);
    run = await runSandbox(dir, port);
    const again = run.accounts;
    expect(run.output()).toContain('Resuming the sandbox');
    expect(run.output()).not.toContain('open program cycles');
    expect(again.map(({ role, person, organisation, login }) => ({ role, person, organisation, login }))).toEqual(first.map(({ role, person, organisation, login }) => ({ role, person, organisation, login })));
    for (const [n, account] of again.entries()) {
      expect(account.password).not.toBe(first[n]!.password);
      expect({ login: account.login, newPassword: await signIn(port, account.login, account.password), oldPassword: await signIn(port, account.login, first[n]!.password) }).toEqual({
        login: account.login,
        newPassword: 200,
        oldPassword: 401,
      });
    }
    // Passwords and sessions are kept beside the log, not in it: the restart wrote no event.
    expect(await stopRun()).toBe(0);
    expect(eventsIn(dir)).toBe(events);
  });

  it('is refused by a service without SANDBOX=true, and refuses a folder that is not a sandbox', () => {
    const plain = spawnSync(process.execPath, [join(ROOT, 'dist/main.js')], { env: { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', SANDBOX: '' }, encoding: 'utf8', timeout: 30_000 });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/SANDBOX is not true, but DATA_DIR .* is a sandbox's/);

    const other = join(root, 'not-a-sandbox');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'somebody’s files\n');
    const refused = spawnSync(process.execPath, [join(ROOT, 'dist/demo/sandbox.js'), '--dir', other, '--port', String(port)], { encoding: 'utf8', timeout: 30_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('exists and is not a sandbox');
  });
});
