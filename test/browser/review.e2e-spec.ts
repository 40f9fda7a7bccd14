import ExcelJS from 'exceljs';
import { Browser, Page } from 'playwright-core';
import { Accounts } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
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
  /** The ranking journey's projects: the two it shortlists, and the third left out. */
  let ranked: string[] = [];

  /** Signs a person in through the sign-in page (signing out whoever is signed in first), to their to-do list. */
  const signInAs = (personId: string) => signIn(tab, running.url, accounts.credentials(personId));
  /** Opens a page of the office's selection menu (遴选): its group first, then the page's link. */
  const openOfficePage = async (name: string) => {
    await tab.getByRole('menuitem', { name: '遴选' }).click();
    await tab.getByRole('link', { name }).click();
  };
  /** Picks a cycle in the page's cycle list by typing its name and Enter, as with the keyboard. */
  const chooseCycle = async (name: string) => {
    await tab.getByLabel('申报批次').click();
    await tab.getByLabel('申报批次').pressSequentially(name);
    await tab.locator('.ant-select-item-option-active').filter({ hasText: name }).waitFor();
    await tab.keyboard.press('Enter');
  };

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
    await signInAs(expert.personId);
    // A service that is not a sandbox says nothing of one.
    expect(await tab.getByRole('status').filter({ hasText: '演示沙盒' }).count()).toBe(0);
    await tab.getByRole('link', { name: '待评分的项目' }).click();
    await tab.getByRole('heading', { name: '评审任务' }).waitFor();
    await tab.getByText('待评分 1 个，已提交 0 个').waitFor();
    // Assigned on 20 September with the catalog's 14 days to score: due on 4 October, passed on the 8th.
    await tab.locator('.ant-table-tbody tr').filter({ hasText: '旅游管理品牌专业建设项目' }).getByText('2032-10-04 已逾期').waitFor();
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

  it('lets the office correct a submitted score by the rubric, with its reason, the replaced score kept in the history', async () => {
    await signInAs((await accounts.account({ sub: 'office-1', role: 'office', org: '山西省教育厅' })).personId);
    await tab.goto(`${running.url}/console/projects/${projectId}`);
    const card = tab.locator('.ant-card').filter({ has: tab.getByRole('heading', { name: '更正评分', exact: true }) });
    await card.waitFor();
    await card.getByLabel('评审专家').click();
    await tab.locator('.ant-select-item-option').filter({ hasText: '86.5' }).click();
    await card.getByText('现有评分：86.5').waitFor();
    // The form starts from the score as it stands: only the wrong indicator is changed.
    expect(await card.getByLabel('经费与制度保障（满分 25）').inputValue()).toBe('20.0');
    await card.getByLabel('经费与制度保障（满分 25）').fill('22');
    await card.getByRole('button', { name: '更正评分' }).click();
    await card.locator('.ant-form-item-explain-error').filter({ hasText: '此项为必填项' }).waitFor();
    await card.getByLabel('更正理由').fill('经专家确认，经费分项漏计 2 分');
    await screenshot(tab, 'project-correct-score');
    await card.getByRole('button', { name: '更正评分' }).click();
    await tab.getByText('评分已更正').first().waitFor();
    const reviewer = (await flow.project(projectId)).body.reviewers.find((r: { reviewerId: string }) => r.reviewerId === expert.personId);
    expect(reviewer).toMatchObject({ score: 88.5, indicators: [{ id: 'basis', score: 36 }, { id: 'goals', score: 30.5 }, { id: 'funds', score: 22 }] });
    const corrected = (await flow.http.get(`/audit/streams/project-${projectId}/history`, flow.office)).body.events.find((e: { type: string }) => e.type === 'ReviewScoreCorrected');
    expect(corrected.data).toMatchObject({ reviewerId: expert.personId, previousScore: 86.5, score: 88.5, reason: '经专家确认，经费分项漏计 2 分' });
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('shows the office the ranking with the quota and the line, shortlists the top two, and says plainly that no place is left for a third', async () => {
    await flow.openCycle('ranking-browser-2033', 'brand-major', 2033, { rules: { quota: 2, cutOff: 70 }, rulesVersion: 'brand-major/2033-two' });
    const recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const experts = await Promise.all([1, 2, 3].map((n) => accounts.account({ sub: `ranking-expert-${n}`, role: 'reviewer', org: `山西第${n}大学` })));
    const totals: Record<string, number[]> = { 机电一体化技术品牌专业: [90, 88, 86], 数控技术品牌专业: [80, 82, 84], 烹饪工艺品牌专业: [60, 66, 63] };
    const ids: string[] = [];
    clock.set(on('2033-09-02'));
    for (const [n, title] of Object.keys(totals).entries()) {
      const school = await flow.token({ sub: `ranking-school-${n}`, role: 'applicant', org: `太原第${n + 1}职业学校`, region: '太原市' });
      const id = await flow.draft(school, 'ranking-browser-2033', 'brand-major', title);
      await flow.ok(flow.submit(school, id), 'submit');
      ids.push(id);
    }
    clock.set(on('2033-09-20'));
    for (const [n, id] of ids.entries()) {
      await flow.ok(flow.http.post(`/projects/${id}/formal-check`, recommender, { result: 'passed' }), 'check');
      await flow.ok(flow.http.post(`/projects/${id}/recommend`, recommender, { rank: n + 1 }), 'recommend');
      for (const e of experts) await flow.ok(flow.http.post(`/projects/${id}/reviewers`, flow.office, { reviewerId: e.personId, reviewerOrg: e.org, declaredRelations: [] }), 'assign');
    }
    for (const [n, id] of ids.entries()) {
      const title = Object.keys(totals)[n]!;
      for (const [m, e] of experts.entries()) await flow.ok(flow.http.post(`/projects/${id}/scores`, e.token, { score: totals[title]![m], comments: '评审意见' }), 'score');
    }
    clock.set(on('2033-10-15'));

    await signInAs((await accounts.account({ sub: 'office-1', role: 'office', org: '山西省教育厅' })).personId);
    await openOfficePage('排名与入围');
    await tab.getByRole('heading', { name: '评审排名与入围' }).waitFor();
    await chooseCycle('brand-major 2033');
    const rows = tab.locator('.ant-table-tbody tr');
    await rows.nth(2).waitFor();
    // Ranked by the mean of three scores: 88, 82, 63 — the last below the line of 70; the quota's two preselected.
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(/1\s+机电一体化技术品牌专业[\s\S]*88（3 份评分）[\s\S]*名额内/),
      expect.stringMatching(/2\s+数控技术品牌专业[\s\S]*82（3 份评分）[\s\S]*名额内/),
      expect.stringMatching(/3\s+烹饪工艺品牌专业[\s\S]*63（3 份评分）[\s\S]*低于划线/),
    ]);
    // The ranking downloaded as a spreadsheet holds the rows on screen, in their order, with their scores.
    const [saved] = await Promise.all([tab.waitForEvent('download'), tab.getByRole('link', { name: '导出 Excel' }).click()]);
    expect(saved.suggestedFilename()).toBe('评审排名-brand-major 2033.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await saved.path());
    const sheet: (string | number | null)[][] = [];
    workbook.worksheets[0].eachRow((row) => sheet.push((row.values as (string | number | null)[]).slice(1)));
    const onScreen = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    // On screen: a checkbox, the place, the title, the applicant, the score with its count, the line, the stage.
    expect(sheet.slice(1).map((r) => [String(r[0]), r[1], r[2], `${r[5]}（${r[6]} 份评分）`])).toEqual(onScreen.map((td) => [td[1], td[2], td[3], td[4]]));
    expect(sheet[0]).toEqual(['名次', '项目名称', '申报单位', '所在城市', '档次', '评审得分', '评分专家数', '名额内', '低于分数线', '状态']);
    await tab.getByLabel('入围依据（如评审会议纪要）').fill('2033 年品牌专业评审会议纪要');
    await screenshot(tab, 'ranking');
    await tab.getByRole('button', { name: '将选中的 2 个项目列入拟立项名单' }).click();
    await tab.getByText('已列入拟立项名单').first().waitFor();
    expect([await flow.status(ids[0]!), await flow.status(ids[1]!)]).toEqual(['Shortlisted', 'Shortlisted']);

    // The third chosen, with no place left: the page says so in words, and nothing is written.
    await tab.getByLabel('选择入围：烹饪工艺品牌专业').check();
    await tab.getByLabel('入围依据（如评审会议纪要）').fill('补充入围');
    await tab.getByRole('button', { name: '将选中的 1 个项目列入拟立项名单' }).click();
    await tab.getByRole('alert').filter({ hasText: '名额已满：本批次名额 2 个，已占 2 个，只剩 0 个，不能再列入 1 个。' }).waitFor();
    expect(await flow.status(ids[2]!)).toBe('UnderReview');
    await screenshot(tab, 'ranking-quota-full');
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
    ranked = ids;
  });

  it('lets the office put the shortlist on notice with its working-day end shown, end it once it has run, and approve the list', async () => {
    clock.set(on('2033-10-17'));
    await openOfficePage('公示与立项');
    await tab.getByRole('heading', { name: '公示与立项' }).first().waitFor();
    await chooseCycle('brand-major 2033');
    await tab.getByText('待公示的入围项目 2 个。 公示期 5 个工作日。').waitFor();
    await tab.getByLabel('公示开始日期').fill('2033-10-17');
    await tab.getByRole('button', { name: '发布公示' }).click();
    await tab.getByText('公示已发布').first().waitFor();
    const cycle = (await flow.http.get('/cycles/ranking-browser-2033', flow.office)).body;
    const notice = Object.values(cycle.notices as Record<string, { startsOn: string; endsOn: string }>)[0]!;
    // Monday 17 October 2033 plus 5 working days: Friday the 21st.
    expect([notice.startsOn, notice.endsOn]).toEqual(['2033-10-17', '2033-10-21']);
    await tab.getByText('2033-10-17 – 2033-10-21').waitFor();
    // Too early to end: the page says why.
    await tab.getByRole('button', { name: '结束公示' }).click();
    await tab.getByRole('alert').filter({ hasText: '公示期尚未届满' }).waitFor();
    clock.set(on('2033-10-24'));
    await tab.getByRole('button', { name: '结束公示' }).click();
    await tab.getByText('公示已结束').first().waitFor();
    await tab.getByText('公示期满、待立项的项目 2 个。').waitFor();
    await tab.getByLabel('立项理由（如：公示无异议，予以立项）').fill('公示无异议，予以立项');
    await screenshot(tab, 'desk');
    await tab.getByRole('button', { name: '批准 2 个项目立项' }).click();
    await tab.getByText('已批准立项').first().waitFor();
    await tab.getByText('公示期满、待立项的项目 0 个。').waitFor();
    expect([await flow.status(ranked[0]!), await flow.status(ranked[1]!), await flow.status(ranked[2]!)]).toEqual(['Approved', 'Approved', 'UnderReview']);
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });

  it('lets the office form a panel of a field from the pool and assign it, naming the experts left out for a conflict', async () => {
    await flow.openCycle('panel-browser-2034', 'brand-major', 2034);
    const recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
    clock.set(on('2034-09-02'));
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const school = await flow.token({ sub: `panel-browser-school-${n}`, role: 'applicant', org: `晋中第${n}职业学校`, region: '太原市' });
      const id = await flow.draft(school, 'panel-browser-2034', 'brand-major', `晋中第${n}职业学校品牌专业`);
      await flow.ok(flow.submit(school, id), 'submit');
      ids.push(id);
    }
    clock.set(on('2034-09-20'));
    for (const [n, id] of ids.entries()) {
      await flow.ok(flow.http.post(`/projects/${id}/formal-check`, recommender, { result: 'passed' }), 'check');
      await flow.ok(flow.http.post(`/projects/${id}/recommend`, recommender, { rank: n + 1 }), 'recommend');
    }
    // Three experts of 装备制造, the third at the second school; a fourth of another field.
    const experts: { personId: string; name: string }[] = [];
    for (const [sub, org, fields] of [
      ['王建国', '太原理工大学', ['装备制造']],
      ['李红', '中北大学', ['装备制造']],
      ['赵强', '晋中第2职业学校', ['装备制造']],
      ['孙丽', '山西财经大学', ['财经商贸']],
    ] as const) {
      const account = await accounts.account({ sub, role: 'reviewer', org });
      await flow.ok(flow.http.post(`/people/${account.personId}/expert-profile`, account.token, { fields, affiliations: [] }), `profile ${sub}`);
      experts.push({ personId: account.personId, name: sub });
    }

    await openOfficePage('专家组');
    await tab.getByRole('heading', { name: '评审专家组' }).waitFor();
    await chooseCycle('brand-major 2034');
    await tab.getByText('本批次尚未组建专家组。').waitFor();
    await tab.getByLabel('专业领域').fill('装备制造');
    const chooser = tab.getByLabel('专家', { exact: true });
    for (const name of ['王建国', '李红', '赵强']) {
      await chooser.click();
      await chooser.pressSequentially(name);
      await tab.locator('.ant-select-item-option-active').filter({ hasText: name }).waitFor();
      await tab.keyboard.press('Enter');
    }
    // Only experts of the field are offered: 孙丽 reviews 财经商贸.
    await chooser.pressSequentially('孙丽');
    await tab.locator('.ant-select-dropdown .ant-empty').first().waitFor();
    await tab.keyboard.press('Escape');
    await tab.getByRole('button', { name: '组建专家组' }).click();
    await tab.getByText('专家组已组建').first().waitFor();
    await tab.getByText('王建国、李红、赵强').waitFor();

    await tab.getByLabel('每个项目专家数').fill('2');
    await tab.getByRole('button', { name: '分配到 2 个待评审项目' }).click();
    await tab.getByText('已分配 4 人次。').waitFor();
    await tab.getByText('以下专家因利害关系未分配：').waitFor();
    await tab.getByText('赵强 — 晋中第2职业学校品牌专业').waitFor();
    const reviewersOf = async (id: string) => ((await flow.project(id)).body.reviewers as { reviewerId: string }[]).map((r) => r.reviewerId);
    expect(await reviewersOf(ids[1]!)).not.toContain(experts[2]!.personId);
    expect((await reviewersOf(ids[0]!)).length + (await reviewersOf(ids[1]!)).length).toBe(4);
    await tab.locator('.ant-table-tbody tr').nth(2).waitFor();
    await screenshot(tab, 'panels');
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });

  it('lets an auditor find the reviewed project, read its history, see it as of its first revision against now, and verify it', async () => {
    await signInAs((await accounts.account({ sub: 'audit-wang', role: 'auditor', org: '山西省教育厅' })).personId);
    await tab.getByRole('link', { name: '审计' }).click();
    await tab.getByRole('heading', { name: '审计', exact: true }).waitFor();
    // Found by its name among the projects, as an auditor who does not know its id would.
    await tab.getByLabel('按名称查找').click();
    await tab.getByLabel('按名称查找').pressSequentially('旅游管理品牌专业建设项目');
    await tab.locator('.ant-select-item-option-active').filter({ hasText: '旅游管理品牌专业建设项目' }).waitFor();
    await tab.keyboard.press('Enter');
    await tab.getByRole('heading', { name: `历史： project-${projectId}` }).waitFor();
    const rows = tab.locator('.ant-table-tbody').first().locator('tr');
    await rows.nth(4).waitFor();
    // The first events in plain words, with who did them.
    expect(await rows.nth(0).innerText()).toMatch(/0\s+2032-09-02[\s\S]*起草申报|0\s+2032-09-02/);
    expect(await tab.getByText('ReviewScored').count()).toBe(0);

    // As of 3 September, the end of a day it was still a draft (drafted on the 2nd, submitted on the 5th), beside now.
    await tab.getByLabel('或日期（当日终了）').fill('2032-09-03');
    await tab.getByRole('button', { name: '回放' }).click();
    await tab.getByText('与现状的差别').waitFor();
    const stages = tab.locator('.ant-descriptions-item-content');
    expect([await stages.nth(0).innerText(), await stages.nth(1).innerText()]).toEqual(['草稿', '专家评审中']);
    // And as of its revision 1, the head's submission.
    await tab.getByLabel('版本号').fill('1');
    await tab.getByRole('button', { name: '回放' }).click();
    await tab.locator('.ant-descriptions-item-content').first().filter({ hasText: '已提交，待形式审查' }).waitFor();

    await tab.getByRole('button', { name: '校验本事件流' }).click();
    await tab.getByText(/^完整：project-.* 的 \d+ 个事件校验通过，哈希链未被改动。$/).waitFor();
    await tab.getByRole('button', { name: '校验全部日志' }).click();
    await tab.getByText(/^完整：全部日志 的 \d+ 个事件校验通过/).waitFor();
    await screenshot(tab, 'audit');

    // The school's records gathered: its registry entry and its project, each opening its history.
    await tab.getByLabel('记录类型').click();
    await tab.locator('.ant-select-item-option').filter({ hasText: '单位（汇集其全部记录）' }).click();
    await tab.getByLabel('按名称查找').click();
    await tab.getByLabel('按名称查找').pressSequentially('太原旅游职业学院');
    await tab.locator('.ant-select-item-option-active').filter({ hasText: '太原旅游职业学院' }).waitFor();
    await tab.keyboard.press('Enter');
    await tab.getByRole('heading', { name: /^单位的记录 / }).waitFor();
    const gathered = tab.locator('.ant-card').filter({ has: tab.getByRole('heading', { name: /^单位的记录 / }) }).locator('.ant-table-tbody tr');
    await gathered.nth(1).waitFor();
    expect(await gathered.allInnerTexts()).toEqual([expect.stringMatching(/单位登记[\s\S]*registry-organisations/), expect.stringMatching(new RegExp(`旅游管理品牌专业建设项目[\\s\\S]*project-${projectId}`))]);
    await tab.getByRole('link', { name: `project-${projectId}` }).click();
    await tab.getByRole('heading', { name: `历史： project-${projectId}` }).waitFor();
    await screenshot(tab, 'audit-organisation');
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });
});
