import { Browser, Page } from 'playwright-core';
import { Accounts } from '../support/accounts';
import { chromiumAvailable, CHROMIUM_MISSING, launchChromium, openPage, screenshot } from '../support/browser';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** An expert's review in the real browser: the queue, the rubric's form, a draft kept across a reload, the submission. */
jest.setTimeout(180_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/review.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'an expert’s review in chromium' : `an expert’s review in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2032-09-01'));
  const browserErrors: string[] = [];
  let running: RunningApp;
  let flow: ProjectFlow;
  let accounts: Accounts;
  let browser: Browser;
  let tab: Page;
  let projectId: string;
  let expert: { personId: string; token: string };

  const RUBRIC = {
    dimensions: [
      { name: '建设基础', indicators: [{ id: 'basis', name: '专业基础与办学条件', max: 40 }] },
      { name: '建设方案', indicators: [{ id: 'goals', name: '建设目标与任务', max: 35 }, { id: 'funds', name: '经费与制度保障', max: 25 }] },
    ],
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    accounts = await Accounts.of(running);
    await flow.openCycle('rubric-browser-2032', 'brand-major', 2032, { rules: { rubric: RUBRIC }, rulesVersion: 'brand-major/2032-rubric' });
    const school = await flow.token({ sub: 'rubric-browser-school', role: 'applicant', org: '太原旅游职业学院', region: '太原市' });
    const recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
    clock.set(on('2032-09-02'));
    projectId = await flow.draft(school, 'rubric-browser-2032', 'brand-major', '旅游管理品牌专业建设项目');
    clock.set(on('2032-09-05'));
    await flow.ok(flow.submit(school, projectId), 'submit');
    clock.set(on('2032-09-20'));
    await flow.ok(flow.http.post(`/projects/${projectId}/formal-check`, recommender, { result: 'passed' }), 'check');
    await flow.ok(flow.http.post(`/projects/${projectId}/recommend`, recommender, { rank: 1 }), 'recommend');
    expert = await accounts.account({ sub: 'zhang-expert', role: 'reviewer', org: '山西大学' });
    await flow.ok(flow.http.post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: expert.personId, reviewerOrg: '山西大学', declaredRelations: [] }), 'assign');
    clock.set(on('2032-10-08'));
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('leads from the to-do list to the queue and the rubric’s form, keeps a draft across a reload, and submits it read-only', async () => {
    const { login, password } = accounts.credentials(expert.personId);
    await tab.goto(`${running.url}/console/sign-in`);
    await tab.getByLabel('登录名').fill(login);
    await tab.getByLabel('密码').fill(password);
    await tab.getByLabel('密码').press('Enter');
    await tab.getByRole('heading', { name: '待办事项' }).waitFor();
    await tab.getByRole('link', { name: '待评分的项目' }).click();
    await tab.getByRole('heading', { name: '评审任务' }).waitFor();
    await tab.getByText('待评分 1 个，已提交 0 个').waitFor();
    await screenshot(tab, 'reviews');
    await tab.getByRole('link', { name: '旅游管理品牌专业建设项目' }).click();
    await tab.getByRole('heading', { name: '旅游管理品牌专业建设项目' }).waitFor();

    // Each indicator of the rubric, with its maximum; the total as it is typed.
    const basis = tab.getByLabel('专业基础与办学条件（满分 40 分）');
    const goals = tab.getByLabel('建设目标与任务（满分 35 分）');
    const funds = tab.getByLabel('经费与制度保障（满分 25 分）');
    await basis.fill('36');
    await goals.fill('30.5');
    await tab.getByText('合计：66.5').waitFor();
    await tab.locator('.ant-form-item').filter({ has: basis }).locator('xpath=following-sibling::*').getByLabel('评语（可选）').fill('实训条件较好');
    // Saved as a draft, half done: it is there after a reload.
    await tab.getByRole('button', { name: '保存草稿' }).click();
    await tab.getByText('草稿已保存').first().waitFor();
    await tab.reload();
    await tab.getByRole('heading', { name: '旅游管理品牌专业建设项目' }).waitFor();
    await tab.getByText(/草稿保存于/).waitFor();
    expect([await basis.inputValue(), await goals.inputValue(), await funds.inputValue()]).toEqual(['36.0', '30.5', '']);
    await screenshot(tab, 'review-draft');

    // Submitting needs every indicator and the comments: the form says which are missing.
    await tab.getByRole('button', { name: '提交评分' }).click();
    await tab.locator('.ant-form-item-explain-error').first().waitFor();
    await funds.fill('20');
    await tab.getByLabel('总体评审意见').fill('建设目标明确，校企合作基础较好');
    await tab.getByText('合计：86.5').waitFor();
    await tab.getByRole('button', { name: '提交评分' }).click();
    const confirm = tab.getByRole('dialog');
    await confirm.getByText('提交后评分不能修改').waitFor();
    await confirm.getByRole('button', { name: '提交评分' }).click();
    await tab.getByText('评分已提交，不能修改；如需更正，请联系省教育厅。').waitFor();
    expect(await basis.isDisabled()).toBe(true);
    await screenshot(tab, 'review-submitted');

    const reviewer = (await flow.project(projectId)).body.reviewers.find((r: { reviewerId: string }) => r.reviewerId === expert.personId);
    expect(reviewer).toMatchObject({ score: 86.5, indicators: [{ id: 'basis', score: 36, comment: '实训条件较好' }, { id: 'goals', score: 30.5 }, { id: 'funds', score: 20 }] });
    expect(reviewer).not.toHaveProperty('draft');
    // The sign-in page asks who is signed in before anyone is: that one 401 is expected.
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
