import { Browser, Page } from 'playwright-core';
import { Accounts, Account } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** A school's notifications in the real browser: the bell's count, the list, a link to the project, marking read. */
jest.setTimeout(180_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/notifications.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'a school’s notifications in chromium' : `a school’s notifications in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2033-09-01'));
  const browserErrors: string[] = [];
  let running: RunningApp;
  let accounts: Accounts;
  let browser: Browser;
  let tab: Page;
  let school: Account;
  const TITLE = '数控技术品牌专业建设项目';

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    const flow = await ProjectFlow.start(running, clock);
    accounts = await Accounts.of(running);
    await flow.openCycle('notify-browser-2033', 'brand-major', 2033);
    school = await accounts.account({ sub: 'notify-browser-school', role: 'applicant', org: '太原机电职业学校', region: '太原市' });
    const recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
    clock.set(on('2033-09-02'));
    const projectId = await flow.draft(school.token, 'notify-browser-2033', 'brand-major', TITLE);
    clock.set(on('2033-09-05'));
    await flow.ok(flow.submit(school.token, projectId), 'submit');
    await flow.ok(flow.http.post(`/projects/${projectId}/return-for-revision`, flow.office, { reason: '材料不全' }), 'return');
    clock.set(on('2033-09-06'));
    await flow.ok(flow.submit(school.token, projectId), 'resubmit');
    clock.set(on('2033-09-20'));
    await flow.ok(flow.http.post(`/projects/${projectId}/formal-check`, recommender, { result: 'passed' }), 'check');
    await flow.ok(flow.http.post(`/projects/${projectId}/recommend`, recommender, { rank: 1 }), 'recommend');
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('counts the unread on the bell, lists them in words, leads to the project, and counts down as they are marked read', async () => {
    await signIn(tab, running.url, accounts.credentials(school.personId));
    // Three steps of the project and the admin's two duties (学校管理员, 校长/法人).
    const bell = (count: number) => tab.getByRole('link', { name: `通知，${count} 条未读` });
    await bell(5).waitFor();
    // Reached by the keyboard: focused and opened with Enter.
    await bell(5).focus();
    await tab.keyboard.press('Enter');
    await tab.getByRole('heading', { name: '通知', exact: true }).waitFor();
    await tab.getByText('5 条未读').waitFor();
    const rows = tab.locator('.ant-table-tbody tr');
    await rows.filter({ hasText: `“${TITLE}”已获推荐` }).waitFor();
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`未读\\s*“${TITLE}”已获推荐\\s*2033-09-20 10:00`)),
      expect.stringContaining(`“${TITLE}”通过形式审查`),
      expect.stringContaining(`申报“${TITLE}”被退回修改`),
      expect.stringMatching(/您获得了“(学校管理员|校长\/法人)”职责/),
      expect.stringMatching(/您获得了“(学校管理员|校长\/法人)”职责/),
    ]);
    await screenshot(tab, 'notifications');

    // A notification leads to its record.
    await tab.getByRole('link', { name: `“${TITLE}”已获推荐` }).click();
    await tab.getByRole('heading', { name: TITLE }).waitFor();
    expect(new URL(tab.url()).pathname).toMatch(/^\/console\/projects\//);

    // Back by the bell: one marked read, then the rest.
    await bell(5).click();
    await rows.filter({ hasText: `“${TITLE}”已获推荐` }).getByRole('button', { name: '标为已读', exact: true }).click();
    await bell(4).waitFor();
    await tab.getByText('4 条未读').waitFor();
    expect(await rows.filter({ hasText: `“${TITLE}”已获推荐` }).getByText('未读', { exact: true }).count()).toBe(0);
    await tab.getByRole('button', { name: '全部标为已读' }).click();
    await bell(0).waitFor();
    await tab.getByText('0 条未读').waitFor();
    expect(await tab.getByRole('button', { name: '标为已读', exact: true }).count()).toBe(0);
    await screenshot(tab, 'notifications-read');
    // The marks are kept: a reload counts none unread.
    await tab.reload();
    await bell(0).waitFor();
    // The sign-in page asks who is signed in before anyone is: that one 401 is expected.
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
