import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/**
 * Debian's chromium driven by playwright-core, for the tests that use the console as a person does.
 * Without chromium such a file checks nothing: it registers itself skipped, with this reason in its name.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_MISSING = `skipped: no chromium at ${CHROMIUM} (apt-get install chromium fonts-wqy-microhei, as .ci/run does)`;
export const chromiumAvailable = existsSync(CHROMIUM);

/** Where every page's screenshot goes (the README names it). */
export const SCREENSHOTS = resolve(__dirname, '../../screenshots/console');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page in Chinese on Beijing time, whose console errors and uncaught exceptions land in `errors`. */
export async function openPage(browser: Browser, errors: string[], viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG rules axe-core finds broken on the page with serious or critical impact: rule, impact and the elements. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated by the browser's debugging protocol rather than added as a <script>: the console's content
  // security policy refuses inline scripts, and the tests keep that policy on to show the console works under it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const results = await (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/** A page's screenshot, once settled and once axe-core found no violation of serious or critical impact on it. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // A settled page: transitions and entrance animations (a toast fading in) are not what a person reads.
  // (Finite ones only, and at most 3 s: a loading indicator spins until what it waits for arrives.)
  await page.evaluate(() => {
    type Running = { finished: Promise<unknown>; effect: { getComputedTiming(): { endTime?: number | string } } | null };
    const { document } = globalThis as unknown as { document: { getAnimations(): Running[] } };
    const finite = document.getAnimations().filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)));
    const settled = Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
    return Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 3000))]);
  });
  expect({ page: name, violations: await accessibilityViolations(page) }).toEqual({ page: name, violations: [] });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs a person in through the sign-in page as they would (signing out whoever is signed in first), to their to-do list. */
export async function signIn(tab: Page, baseUrl: string, { login, password }: { readonly login: string; readonly password: string }): Promise<void> {
  if (await tab.getByRole('button', { name: '退出登录' }).isVisible().catch(() => false)) {
    await tab.getByRole('button', { name: '退出登录' }).click();
    await tab.getByRole('heading', { name: '登录平台' }).waitFor();
  } else await tab.goto(`${baseUrl}/console/sign-in`);
  await tab.getByLabel('登录名').fill(login);
  await tab.getByLabel('密码').fill(password);
  await tab.getByLabel('密码').press('Enter');
  await tab.getByRole('heading', { name: '待办事项' }).waitFor();
}
