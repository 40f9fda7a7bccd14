import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { FakeClock, on } from '../support/lifecycle';
import { OidcTestProvider, startOidcTestProvider, TEST_ACCOUNTS } from '../support/oidc-test-provider';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The web console in a real browser: Debian's chromium driven by playwright-core against the real
 * service, which serves the console it built (npm test builds it first). Without chromium this file
 * checks nothing, so it is registered skipped with the reason in its name (and on stderr).
 */
const CHROMIUM = '/usr/bin/chromium';
const SKIPPED = `skipped: no chromium at ${CHROMIUM} (apt-get install chromium fonts-wqy-microhei, as .ci/run does)`;
/** Where every page's screenshot goes (the README names it). */
const SCREENSHOTS = resolve(__dirname, '../../screenshots/console');
const PASSWORD = '晋阳湖畔的长跑者2026';

const available = existsSync(CHROMIUM);

/** The WCAG rules axe-core finds broken on the page with serious or critical impact: rule, impact and the elements. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const results = await (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}
if (!available) process.stderr.write(`\ntest/browser/console.e2e-spec.ts: ${SKIPPED}\n`);

(available ? describe : describe.skip)(available ? 'the web console in chromium' : `the web console in chromium — ${SKIPPED}`, () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  /** What the browser reported as errors: none may appear on any page. */
  const browserErrors: string[] = [];

  /** Every page's screenshot, after axe-core found no violation of serious or critical impact on it. */
  const shot = async (name: string, on: Page = page) => {
    expect({ page: name, violations: await accessibilityViolations(on) }).toEqual({ page: name, violations: [] });
    await on.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    running = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    page.on('pageerror', (error) => browserErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('leads from / to the sign-in page, in Chinese, with a title and an icon', async () => {
    const answer = await page.goto(`${running.url}/`);
    expect(answer?.status()).toBe(200);
    await page.getByRole('heading', { name: '登录平台' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.title()).toBe('山西省职业教育项目认定管理平台');
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/console/favicon.svg');
    expect((await page.request.get(`${running.url}/console/favicon.svg`)).status()).toBe(200);
    await expect(page.getByLabel('登录名')).toBeDefined();
    await shot('sign-in');
  });

  it('sets up the first admin with the first start’s link: a refused password keeps what was typed and says why', async () => {
    const secret = running.app.get(FirstStart).setupLink!.split('#')[1];
    await page.goto(`${running.url}/console/setup#${secret}`);
    await page.getByRole('heading', { name: '设置您的账号' }).waitFor();
    await page.getByLabel('登录名').fill('sx-admin');
    await page.getByLabel('密码', { exact: true }).fill('太短了');
    await page.getByLabel('确认密码').fill('太短了');
    await page.getByRole('button', { name: '设置并登录' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('密码不符合要求');
    expect(await alert.textContent()).toContain('12');
    expect(await page.getByLabel('登录名').inputValue()).toBe('sx-admin');
    await shot('setup-refused');

    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByLabel('确认密码').press('Enter');
    await page.getByRole('heading', { name: '当前身份' }).waitFor();
    // The spent link leaves the address bar.
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByText('省教育厅系统管理员').first().isVisible()).toBe(true);
    expect(await page.getByText(running.config.office.creditCode).first().isVisible()).toBe(true);
    await shot('home');
  });

  it('signs out on the server, refuses a wrong password in words, and signs in again with the keyboard', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录平台' }).waitFor();
    // The session cookie no longer opens anything.
    expect((await page.request.get(`${running.url}/auth/session`)).status()).toBe(401);

    await page.getByLabel('登录名').fill('sx-admin');
    await page.getByLabel('密码').fill('不是这个口令-2026');
    await page.getByLabel('密码').press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('登录名或密码错误。');
    await shot('sign-in-refused');

    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await page.getByRole('heading', { name: '当前身份' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
  });

  it('opens a deep link and a reload on the page itself, switches to English, and logged no error', async () => {
    await page.reload();
    await page.getByRole('heading', { name: '当前身份' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Acting as' }).waitFor();
    expect(await page.getByText('Office admin').first().isVisible()).toBe(true);
    await shot('home-en');
    const deep = await page.request.get(`${running.url}/console/some/page/of/its/own`);
    expect([deep.status(), deep.headers()['content-type']]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    // A bad set-up link is told, not a blank page.
    await page.goto(`${running.url}/console/setup#not-a-secret`);
    await page.getByText('The set-up link is not valid').waitFor();
    await shot('setup-invalid-en');
    // Failed requests the pages made on purpose (a 401 while signed out, a refused password) are the browser's "errors" too; nothing else is.
    expect(browserErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|400)/.test(e))).toEqual([]);
  });

  describe('the public notices, without signing in', () => {
    const clock = new FakeClock(on('2025-09-01'));
    let service: RunningApp;

    beforeAll(async () => {
      service = await startTestApp({}, clock);
      const flow = await ProjectFlow.start(service, clock);
      const applicant = await flow.token({ sub: 'notice-school-user', role: 'applicant', org: '太原旅游职业学院', region: '太原市' });
      const recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
      const reviewers = await Promise.all([1, 2, 3].map(async (n) => {
        const expert = await flow.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });
        return { id: expert.personId, org: expert.org, token: expert.token };
      }));
      await flow.openCycle('brand-major-2025', 'brand-major', 2025);
      clock.set(on('2025-09-02'));
      const projectId = await flow.draft(applicant, 'brand-major-2025', 'brand-major', '旅游管理品牌专业');
      await flow.review(2025, [{ id: projectId, applicant }], recommender, reviewers);
      clock.set(on('2025-10-15'));
      await flow.ok(flow.http.post('/cycles/brand-major-2025/shortlist', flow.office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' }), 'shortlist');
      await flow.openNotice('brand-major-2025', '2025-10-16');
    });
    afterAll(() => service?.stop());

    it('lists the projects in notice, their applicants by name and the last day, from the sign-in page’s link', async () => {
      const visitor = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } });
      try {
        await visitor.goto(`${service.url}/console/sign-in`);
        await visitor.getByRole('link', { name: '公示公告' }).click();
        await visitor.getByRole('heading', { name: '职业教育品牌专业 · 公示' }).waitFor();
        const row = visitor.getByRole('row', { name: /旅游管理品牌专业/ });
        expect(await row.textContent()).toContain('太原旅游职业学院');
        expect(await visitor.getByText('公示截止 2025-10-22').isVisible()).toBe(true);
        await shot('notices', visitor);
      } finally {
        await visitor.close();
      }
    });
  });

  describe('sign-in through the identity platform', () => {
    let provider: OidcTestProvider;
    let service: RunningApp;

    beforeAll(async () => {
      const port = await new Promise<number>((done) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => done(free));
        });
      });
      const base = `http://127.0.0.1:${port}`;
      provider = await startOidcTestProvider({ redirectUri: `${base}/auth/oidc/callback` });
      service = await startTestApp({ PORT: String(port), PUBLIC_URL: base, OIDC_SIGN_IN_ISSUER: provider.issuer, OIDC_SIGN_IN_CLIENT_ID: provider.clientId, OIDC_SIGN_IN_CLIENT_SECRET: provider.clientSecret });
      // The first admin sets a password, then links their platform account, over HTTP as before.
      const token = service.app.get(FirstStart).setupLink!.split('#')[1];
      const setUp = await fetch(`${service.url}/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, login: 'admin', password: PASSWORD }) });
      const cookie = setUp.headers.getSetCookie().find((c) => c.startsWith('als_session='))!.split(';')[0]!;
      const link = await fetch(`${service.url}/auth/oidc/link`, { method: 'POST', headers: { cookie, 'x-csrf-token': ((await setUp.json()) as { csrfToken: string }).csrfToken } });
      const pending = link.headers.getSetCookie().find((c) => c.startsWith('als_oidc='))!.split(';')[0]!;
      const callback = await provider.login(((await link.json()) as { location: string }).location, TEST_ACCOUNTS[0]!.username, TEST_ACCOUNTS[0]!.password);
      expect((await fetch(callback, { headers: { cookie: pending }, redirect: 'manual' })).status).toBe(303);
    }, 60_000);
    afterAll(async () => {
      await service?.stop();
      await provider?.stop();
    });

    it('offers the platform on the sign-in page; its login leads back to the console, signed in', async () => {
      const visitor = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      try {
        await visitor.goto(`${service.url}/console/sign-in`);
        await visitor.getByRole('link', { name: '使用统一身份认证平台登录' }).waitFor();
        await shot('sign-in-identity-platform', visitor);
        await visitor.getByRole('link', { name: '使用统一身份认证平台登录' }).click();
        // The platform's own login form.
        await visitor.locator('input[name="username"]').fill(TEST_ACCOUNTS[0]!.username);
        await visitor.locator('input[name="password"]').fill(TEST_ACCOUNTS[0]!.password);
        await visitor.getByRole('button', { name: 'Sign in' }).click();
        await visitor.getByRole('heading', { name: '当前身份' }).waitFor();
        expect(new URL(visitor.url()).pathname).toBe('/console/');
        expect(await visitor.getByText('省教育厅系统管理员').first().isVisible()).toBe(true);
      } finally {
        await visitor.close();
      }
    });

    it('shows no platform button where none is configured', async () => {
      expect(await (await page.request.get(`${running.url}/auth/methods`)).json()).toEqual({ password: true, identityPlatform: false });
      const visitor = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      try {
        await visitor.goto(`${running.url}/console/sign-in`);
        await visitor.getByRole('heading', { name: '登录平台' }).waitFor();
        expect(await visitor.getByRole('link', { name: '使用统一身份认证平台登录' }).count()).toBe(0);
      } finally {
        await visitor.close();
      }
    });
  });
});
