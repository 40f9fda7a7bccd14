import { Browser, Page } from 'playwright-core';
import { Accounts, Account } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { client } from '../support/http';
import { FakeClock, on } from '../support/lifecycle';
import { SmtpTestServer } from '../support/smtp-test-server';
import { RunningApp, startTestApp } from '../support/test-app';

/** A person's delivery preferences in the real browser: by the keyboard, refusals beside their fields, what was typed kept, saved. */
jest.setTimeout(180_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/notification-preferences.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'delivery preferences in chromium' : `delivery preferences in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2033-09-01'));
  const browserErrors: string[] = [];
  let smtp: SmtpTestServer;
  let running: RunningApp;
  let accounts: Accounts;
  let browser: Browser;
  let tab: Page;
  let school: Account;

  beforeAll(async () => {
    smtp = await SmtpTestServer.start();
    running = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: '"山西省教育厅" <noreply@jyt.example.cn>' }, clock);
    accounts = await Accounts.of(running);
    school = await accounts.account({ sub: 'prefs-browser-school', role: 'applicant', org: '太原机电职业学校', region: '太原市', email: 'wang@tyjd.example.cn' });
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await smtp?.stop();
  });

  it('sets SMS reminders, the digest and English by the keyboard, refuses a wrong number beside its field keeping what was typed, and saves', async () => {
    await signIn(tab, running.url, accounts.credentials(school.personId));
    await tab.goto(`${running.url}/console/notifications#notification-preferences`);
    const card = tab.locator('#notification-preferences');
    await card.getByRole('heading', { name: '通知方式' }).waitFor();
    await card.getByText('邮件发送至 wang@tyjd.example.cn').waitFor();
    // Every kind is sent by default.
    expect(await card.getByRole('checkbox', { checked: true }).count()).toBeGreaterThanOrEqual(15);

    // By the keyboard: the switch turned on with Space, a kind unticked with Space, the digest chosen with the arrow keys.
    await card.getByRole('switch', { name: '用短信提醒截止日期和逾期事项' }).focus();
    await tab.keyboard.press('Space');
    await card.getByRole('checkbox', { name: '推荐结果' }).focus();
    await tab.keyboard.press('Space');
    await card.getByRole('radio', { name: '即时发送，每条通知一封邮件' }).focus();
    await tab.keyboard.press('ArrowDown');
    expect(await card.getByRole('radio', { name: /每日汇总/ }).isChecked()).toBe(true);
    await card.getByRole('radio', { name: 'English' }).check();

    // SMS without a number, then a wrong number: each refused beside the field, nothing else lost.
    await card.getByRole('button', { name: '保存通知方式' }).click();
    await card.getByText('开启短信提醒需要填写手机号码').waitFor();
    await card.getByLabel('手机号码').fill('2391234');
    await card.getByLabel('手机号码').press('Enter');
    await card.getByText('请输入 11 位、以 1 开头的手机号码').waitFor();
    expect(await card.getByRole('checkbox', { name: '推荐结果' }).isChecked()).toBe(false);
    expect(await card.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    await screenshot(tab, 'notification-preferences-refused');

    await card.getByLabel('手机号码').fill('13912345678');
    await card.getByRole('button', { name: '保存通知方式' }).click();
    await tab.getByText('通知方式已保存').waitFor();
    const saved = (await client(running).get('/notifications/preferences', school.token)).body;
    expect(saved).toMatchObject({ emailMode: 'digest', language: 'en', mobile: '13912345678', smsReminders: true });
    expect(saved.emailKinds).not.toContain('recommendation');
    expect(saved.emailKinds).toContain('approval');

    // Kept: a reload shows what was saved.
    await tab.reload();
    await card.getByRole('heading', { name: '通知方式' }).waitFor();
    for (let tries = 0; (await card.getByLabel('手机号码').inputValue()) !== '13912345678'; tries += 1) {
      if (tries > 50) throw new Error('the saved mobile number never showed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await card.getByRole('switch', { name: '用短信提醒截止日期和逾期事项' }).isChecked()).toBe(true);
    expect(await card.getByRole('checkbox', { name: '推荐结果' }).isChecked()).toBe(false);
    await screenshot(tab, 'notification-preferences');
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
