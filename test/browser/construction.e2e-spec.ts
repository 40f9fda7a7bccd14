import { Browser, Locator, Page } from 'playwright-core';
import { Accounts } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { FakeClock, on, upload } from '../support/lifecycle';
import { ProjectFlow, Reviewer } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The program office's work on a project in the real browser: an objection of the public notice
 * resolved from the objections page, a mid-term evaluation that orders a rectification accepted once
 * handed in, a revocation with its evidence and the funds recovered, a final evaluation and accreditation.
 * The projects' earlier stages are played through the HTTP API, as their owners would.
 */
jest.setTimeout(240_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/construction.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

/** A small PDF as the browser's file chooser hands it over. */
const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${name}\n`.repeat(20))]) });

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'the office’s work on a project in chromium' : `the office’s work on a project in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2035-09-01'));
  const browserErrors: string[] = [];
  let running: RunningApp;
  let flow: ProjectFlow;
  let accounts: Accounts;
  let browser: Browser;
  let tab: Page;
  let recommender: string;
  let reviewers: Reviewer[];
  let officeId: string;
  /** The project rectified in the mid-term journey, evaluated and accredited in the last. */
  let rectified: { id: string; applicant: string };
  /** The project revoked, which an auditor then looks up. */
  let revokedId: string;

  const signInAs = (personId: string) => signIn(tab, running.url, accounts.credentials(personId));
  /** A card of the page by its heading. */
  const card = (title: string): Locator => tab.locator('.ant-card').filter({ has: tab.getByRole('heading', { name: title, exact: true }) });
  /** Chooses a file in a card's upload field and waits until the service has stored it. */
  const attach = async (within: Locator, name: string) => {
    await within.locator('input[type=file]').setInputFiles(pdf(name));
    await within.getByRole('link', { name }).waitFor();
  };
  /** Picks an option of a labelled select, as a click on the list does. */
  const choose = async (within: Locator, label: string, option: string) => {
    await within.getByLabel(label).click();
    await tab.locator('.ant-select-item-option').filter({ hasText: option }).click();
  };
  /** Waits until the page's stage reads `words`: a step's reload follows its success message. */
  const stageIs = (words: string) => tab.locator('h1 + .ant-tag').filter({ hasText: new RegExp(`^${words}$`) }).waitFor();
  const openProject = async (id: string, title: string) => {
    await tab.goto(`${running.url}/console/projects/${id}`);
    await tab.getByRole('heading', { name: title, level: 1 }).waitFor();
  };
  const timelineTypes = async (id: string) => ((await flow.http.get(`/projects/${id}/timeline`, flow.office)).body.events as { type: string }[]).map((e) => e.type);

  /** A brand major of `school` through selection in `year` up to its public notice, opened on 16 October. */
  const toNotice = async (year: number, school: string, title: string) => {
    const cycleId = `construction-browser-${year}`;
    await flow.openCycle(cycleId, 'brand-major', year);
    const applicant = await flow.token({ sub: `${cycleId}-school`, role: 'applicant', org: school, region: '太原市' });
    clock.set(on(`${year}-09-02`));
    const id = await flow.draft(applicant, cycleId, 'brand-major', title);
    await flow.review(year, [{ id, applicant }], recommender, reviewers);
    clock.set(on(`${year}-10-15`));
    await flow.ok(flow.http.post(`/cycles/${cycleId}/shortlist`, flow.office, { shortlisted: [{ projectId: id }], notSelected: [], reason: '评审会议纪要' }), 'shortlist');
    const notice = await flow.openNotice(cycleId, `${year}-10-16`);
    return { id, cycleId, applicant, notice };
  };
  /** The same, approved on 31 October, its construction plan accepted on 20 November: construction runs 36 months from then. */
  const underConstruction = async (year: number, school: string, title: string) => {
    const project = await toNotice(year, school, title);
    clock.set(on(`${year}-10-31`));
    await flow.ok(flow.http.post(`/cycles/${project.cycleId}/end-notice`, flow.office, { noticeId: project.notice.noticeId }), 'end notice');
    await flow.ok(flow.http.post(`/cycles/${project.cycleId}/approve`, flow.office, { projectIds: [project.id], reason: '公示无异议，予以立项' }), 'approve');
    const [plan, taskBook] = await Promise.all([upload(running, project.applicant, '建设方案.pdf'), upload(running, project.applicant, '任务书.pdf')]);
    clock.set(on(`${year}-11-10`));
    await flow.ok(flow.http.post(`/projects/${project.id}/construction-plan`, project.applicant, { plan, taskBook }), 'plan');
    clock.set(on(`${year}-11-20`));
    await flow.ok(flow.http.post(`/projects/${project.id}/construction-plan/accept`, flow.office, {}), 'accept plan');
    return project;
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    accounts = await Accounts.of(running);
    recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
    reviewers = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const expert = await accounts.account({ sub: `construction-expert-${n}`, role: 'reviewer', org: `山西第${n}大学` });
        return { id: expert.personId, org: expert.org, token: expert.token };
      }),
    );
    officeId = (await accounts.account({ sub: 'office-1', role: 'office', org: '山西省教育厅' })).personId;
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('lists an objection filed through the public notice with its objector for the office, and resolves it on the project page', async () => {
    const title = '机电一体化技术品牌专业建设项目';
    const { id } = await toNotice(2035, '太原机电职业学校', title);
    clock.set(on('2035-10-18'));
    // A member of the public, not signed in: the evidence, then the objection under real name.
    const form = new FormData();
    const evidence = pdf('双师型教师名单.pdf');
    form.append('file', new Blob([evidence.buffer], { type: evidence.mimeType }), evidence.name);
    const stored = await flow.http.request('POST', '/notices/evidence', { raw: form });
    expect(stored.status).toBe(201);
    const filed = await flow.http.post('/notices/objections', undefined, {
      projectId: id,
      objector: { name: '李明', organisation: '太原市某机械公司', contact: '13900000000' },
      statement: '申报材料中的“双师型”教师比例与实际不符',
      evidence: [{ sha256: stored.body.sha256, name: stored.body.name, size: stored.body.size, mediaType: stored.body.mediaType }],
    });
    expect(filed.body).toMatchObject({ admissible: true });

    await signInAs(officeId);
    await tab.getByRole('menuitem', { name: '遴选' }).click();
    await tab.getByRole('link', { name: '异议处理' }).click();
    await tab.getByRole('heading', { name: '异议处理', level: 1 }).waitFor();
    await tab.getByText('待处理异议 1 件').waitFor();
    const row = tab.locator('.ant-table-tbody tr');
    expect(await row.innerText()).toMatch(new RegExp(`${title}[\\s\\S]*李明 · 太原市某机械公司 · 13900000000[\\s\\S]*“双师型”教师比例与实际不符[\\s\\S]*2035-10-18 10:00[\\s\\S]*2035-10-22`));
    await screenshot(tab, 'objections');

    await tab.getByRole('link', { name: `前往处理：${title}` }).click();
    await tab.getByRole('heading', { name: title, level: 1 }).waitFor();
    const objections = card('公示异议');
    await objections.getByText('公示期：2035-10-16 至 2035-10-22。').waitFor();
    await objections.getByText('李明 · 太原市某机械公司 · 13900000000').waitFor();
    await objections.getByRole('link', { name: '双师型教师名单.pdf' }).waitFor();
    // Nothing chosen: the form says what is missing, beside each field, and sends nothing.
    await objections.getByRole('button', { name: '提交处理结果' }).click();
    await objections.locator('.ant-form-item-explain-error').filter({ hasText: '此项为必填项' }).nth(1).waitFor();
    await objections.getByLabel('异议不成立').check();
    await objections.getByLabel('处理理由（核查情况）').fill('经核查人事档案，“双师型”教师比例属实，异议不成立');
    await screenshot(tab, 'project-objection');
    await objections.getByRole('button', { name: '提交处理结果' }).click();
    await tab.getByText('异议处理结果已记录').first().waitFor();
    await objections.getByText('经核查人事档案，“双师型”教师比例属实，异议不成立（2035-10-18 10:00）').waitFor();
    expect(await objections.locator('.ant-tag').innerText()).toBe('异议不成立');
    expect(await objections.getByRole('button', { name: '提交处理结果' }).count()).toBe(0);

    const project = (await flow.project(id)).body;
    expect(project.status).toBe('InPublicNotice');
    expect(project.objections).toEqual([expect.objectContaining({ objectionId: filed.body.receipt, status: 'dismissed', objector: { name: '李明', organisation: '太原市某机械公司', contact: '13900000000' } })]);
    expect(await timelineTypes(id)).toContain('ObjectionDismissed');

    await tab.getByRole('menuitem', { name: '遴选' }).click();
    await tab.getByRole('link', { name: '异议处理' }).click();
    await tab.getByText('没有待处理的异议').waitFor();
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('records a mid-term evaluation that orders a rectification, will not accept it before the school hands it in, and accepts it after', async () => {
    const title = '数控技术品牌专业建设项目';
    const { id, applicant } = await underConstruction(2036, '太原第一职业学校', title);
    rectified = { id, applicant };
    clock.set(on('2038-05-20'));
    await openProject(id, title);
    await stageIs('建设中');

    const midterm = card('中期评价');
    await midterm.getByLabel('目标任务完成情况').fill('年度建设目标基本达成，实训基地建设滞后');
    await midterm.getByLabel('资金使用情况').fill('资金使用规范，预算执行率 82%');
    await midterm.getByLabel('建设成效').fill('新建实训室 3 个，开发校本教材 5 部');
    await midterm.getByLabel('示范引领与社会服务').fill('服务区域装备制造业能力提升');
    await choose(midterm, '等次', '良好');
    await midterm.getByLabel('建设任务完成率').fill('62');
    await attach(midterm, '中期评价报告.pdf');
    await screenshot(tab, 'project-midterm');
    await midterm.getByRole('button', { name: '提交中期评价' }).click();
    await tab.getByText('中期评价已记录').first().waitFor();
    await tab.getByText('已中期评价').first().waitFor();
    expect(await card('中期评价').count()).toBe(0);

    const order = card('责令整改');
    await order.getByLabel('存在的问题（每行一条）').fill('实训基地建设进度滞后\n专项资金支出进度偏慢');
    await order.getByLabel('整改期限').fill('2038-09-30');
    await order.getByRole('button', { name: '责令整改' }).click();
    await tab.getByText('已责令整改').first().waitFor();
    await stageIs('整改中');
    let project = (await flow.project(id)).body;
    expect(project).toMatchObject({ status: 'Rectification', midterm: { grade: '良好', tasksCompletedPercent: 62, belowMinTasks: false } });
    expect(project.rectifications).toEqual([expect.objectContaining({ deadline: '2038-09-30', orderedFrom: 'MidtermEvaluated', submitted: false, outcome: 'open' })]);

    // Nothing handed in yet: the service refuses to accept it, and the page says why.
    const rectification = card('整改验收');
    await rectification.getByText('实训基地建设进度滞后；专项资金支出进度偏慢').waitFor();
    await rectification.getByText('学校尚未提交').waitFor();
    await rectification.getByLabel('整改通过').check();
    await rectification.getByLabel('理由').fill('整改措施落实到位');
    await rectification.getByRole('button', { name: '整改通过' }).click();
    await rectification.getByRole('alert').filter({ hasText: '学校尚未提交整改报告，不能认定整改通过。' }).waitFor();
    expect(await rectification.getByLabel('理由').inputValue()).toBe('整改措施落实到位');
    expect((await flow.project(id)).body.rectifications[0].outcome).toBe('open');

    const report = await upload(running, applicant, '整改报告.pdf');
    clock.set(on('2038-07-01'));
    await flow.ok(flow.http.post(`/projects/${id}/rectification/submit`, applicant, { report }), 'rectification report');
    await tab.reload();
    await card('整改验收').getByRole('link', { name: '整改报告.pdf' }).waitFor();
    await card('整改验收').getByLabel('整改通过').check();
    await card('整改验收').getByLabel('理由').fill('整改措施落实到位，实训基地已建成');
    await screenshot(tab, 'project-rectification');
    await card('整改验收').getByRole('button', { name: '整改通过' }).click();
    await tab.getByText('已认定整改通过').first().waitFor();
    await stageIs('已中期评价');
    expect(await card('整改验收').count()).toBe(0);
    project = (await flow.project(id)).body;
    expect(project.status).toBe('MidtermEvaluated');
    expect(project.rectifications).toEqual([expect.objectContaining({ submitted: true, outcome: 'accepted' })]);
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });

  it('revokes a project under construction with its ground and evidence once confirmed, and recovers no more of its funds than were paid', async () => {
    const title = '烹饪工艺品牌专业建设项目';
    const { id, cycleId } = await underConstruction(2038, '太原第二职业学校', title);
    clock.set(on('2038-12-01'));
    revokedId = id;
    const funds = `/cycles/${cycleId}/funds`;
    await flow.ok(flow.http.post(`${funds}/budget`, flow.office, { source: 'provincial', amount: 1_000_000, reason: '晋财教〔2038〕8号' }), 'budget');
    const grant = await flow.ok(flow.http.post(`${funds}/grants`, flow.office, { projectId: id, year: 2039, source: 'provincial', amount: 600_000, reason: '2039 年度建设资金' }), 'grant');
    const grantId = grant.headers.get('location')!.split('/').pop()!;
    await flow.ok(flow.http.post(`${funds}/grants/${grantId}/disburse`, flow.office, { amount: 250_000, disbursedOn: '2038-12-01', reference: '晋财教〔2038〕12号' }), 'pay');

    await openProject(id, title);
    const revoke = card('撤销项目');
    await choose(revoke, '撤销原因', '申报或报告弄虚作假');
    await revoke.getByLabel('事实与依据').fill('经查实，申报材料中的校企合作协议系伪造');
    await attach(revoke, '核查报告.pdf');
    await screenshot(tab, 'project-under-construction');

    // Asked once more; cancelled, nothing is written.
    await revoke.getByRole('button', { name: '撤销项目' }).click();
    const confirm = tab.getByRole('dialog');
    await confirm.getByText(`撤销“${title}”后，项目终止，申报单位 5 年内不得申报，已拨付资金须追回。此操作不能撤回。确认撤销？`).waitFor();
    await confirm.getByRole('button', { name: '取消' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await flow.status(id)).toBe('UnderConstruction');
    await revoke.getByRole('button', { name: '撤销项目' }).click();
    await tab.getByRole('dialog').getByRole('button', { name: '撤销项目' }).click();
    await tab.getByText('项目已撤销').first().waitFor();
    await stageIs('已撤销');
    const revoked = (await flow.project(id)).body;
    expect(revoked).toMatchObject({ status: 'Revoked', ban: { until: '2043-12-01', mayReapply: true } });
    const revocation = ((await flow.http.get(`/projects/${id}/timeline`, flow.office)).body.events as { type: string; data: { reason: string; explanation: string; evidence: { name: string }[] } }[]).find((e) => e.type === 'ProjectRevoked')!;
    expect(revocation.data).toMatchObject({ reason: 'fraud', explanation: '经查实，申报材料中的校企合作协议系伪造', evidence: [{ name: '核查报告.pdf' }] });
    // The history says the ground in words, not its code.
    await card('办理记录').getByText('申报或报告弄虚作假：经查实，申报材料中的校企合作协议系伪造').waitFor();

    // More than was paid: refused beside the amount, in words, with what was typed kept.
    const recovery = card('追回资金');
    await recovery.getByLabel('追回金额').fill('300000');
    await recovery.getByLabel('缴回期限').fill('2039-03-31');
    await recovery.getByLabel('追回理由').fill('项目撤销，追回已拨付的省级专项资金');
    await recovery.getByRole('button', { name: '责令追回资金' }).click();
    const beside = recovery.locator('.ant-form-item').filter({ has: tab.getByLabel('追回金额') }).locator('.ant-form-item-explain-error');
    await beside.filter({ hasText: '该项目已拨付资金 250,000.00 元，追回金额不能超过已拨付的资金。' }).waitFor();
    expect(await recovery.getByLabel('追回理由').inputValue()).toBe('项目撤销，追回已拨付的省级专项资金');
    await screenshot(tab, 'project-fund-recovery-refused');
    expect((await flow.project(id)).body.fundRecovery).toBeNull();
    await recovery.getByLabel('追回金额').fill('250000');
    await recovery.getByRole('button', { name: '责令追回资金' }).click();
    await tab.getByText('已责令追回资金').first().waitFor();

    const returned = card('资金追回情况');
    await returned.getByText('250,000.00 元').first().waitFor();
    await returned.getByLabel('本次缴回金额').fill('100000');
    await returned.getByLabel('缴回日期').fill('2038-12-01');
    await returned.getByLabel('缴款凭证号（选填）').fill('非税收入缴款书 14000038000123');
    await returned.getByRole('button', { name: '登记缴回' }).click();
    await tab.getByText('缴回已登记').first().waitFor();
    await returned.getByText('150,000.00 元').waitFor();
    await screenshot(tab, 'project-revoked');
    expect((await flow.project(id)).body.fundRecovery).toEqual({ amount: 250_000, deadline: '2039-03-31', recovered: 100_000 });
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });

  it('records the final evaluation of the rectified project once its construction has ended, and accredits it', async () => {
    const title = '数控技术品牌专业建设项目';
    const { id, applicant } = rectified;
    // Construction ran 36 months from 20 November 2036.
    clock.set(on('2039-11-21'));
    const report = await upload(running, applicant, '终期自评报告.pdf');
    await flow.ok(flow.http.post(`/projects/${id}/final-self-assessment`, applicant, { report }), 'self-assessment');

    await openProject(id, title);
    await stageIs('已提交终期自评');
    const evaluation = card('终期验收');
    await evaluation.getByRole('link', { name: '终期自评报告.pdf' }).waitFor();
    await evaluation.getByText('2038-09-30 整改通过').waitFor();
    await choose(evaluation, '等次', '优秀（通过）');
    await evaluation.getByLabel('验收意见').fill('建设任务全面完成，标志性成果突出');
    await attach(evaluation, '验收报告.pdf');
    await screenshot(tab, 'project-final-evaluation');
    await evaluation.getByRole('button', { name: '提交验收结果' }).click();
    await tab.getByText('验收结果已记录').first().waitFor();
    await stageIs('验收通过，待认定');
    expect((await flow.project(id)).body).toMatchObject({ status: 'FinalEvaluated', evaluations: [{ grade: '优秀', outcome: 'passed' }] });

    const accreditation = card('正式认定');
    await accreditation.getByText('终期验收等次为“优秀”，可以正式认定。').waitFor();
    await attach(accreditation, '认定文件.pdf');
    await accreditation.getByRole('button', { name: '予以认定' }).click();
    await tab.getByText('项目已正式认定').first().waitFor();
    await stageIs('已认定');
    // Once accredited, only revocation is left to the office on a brand major.
    expect(await tab.locator('.ant-card-head-title h2').allInnerTexts()).toEqual(['撤销项目', '办理记录']);
    await screenshot(tab, 'project-accredited');
    expect((await flow.project(id)).body).toMatchObject({ status: 'Accredited', accreditation: { accreditedOn: '2039-11-21' } });
    expect(await timelineTypes(id)).toEqual(expect.arrayContaining(['FinalEvaluated', 'ProjectAccredited']));
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });

  it('lets an auditor find the revoked project by its name, read its history, see it as of a day before the revocation against now, and verify it', async () => {
    await signInAs((await accounts.account({ sub: 'audit-li', role: 'auditor', org: '山西省教育厅' })).personId);
    await tab.getByRole('link', { name: '审计' }).click();
    await tab.getByLabel('按名称查找').click();
    await tab.getByLabel('按名称查找').pressSequentially('烹饪工艺品牌专业建设项目');
    await tab.locator('.ant-select-item-option-active').filter({ hasText: '烹饪工艺品牌专业建设项目' }).waitFor();
    await tab.keyboard.press('Enter');
    const history = card(`历史： project-${revokedId}`);
    await history.waitFor();
    // The revocation in plain words, by whom, when (Beijing time), with its ground and the evidence by hash.
    const row = history.locator('.ant-table-tbody tr').filter({ hasText: '撤销' }).first();
    expect(await row.innerText()).toMatch(/2038-12-01[\s\S]*省教育厅[\s\S]*核查报告\.pdf/);
    // The day before: under construction; now: revoked.
    await tab.getByLabel('或日期（当日终了）').fill('2038-11-30');
    await tab.getByRole('button', { name: '回放' }).click();
    await tab.getByText('与现状的差别').waitFor();
    const stages = tab.locator('.ant-descriptions-item-content');
    expect([await stages.nth(0).innerText(), await stages.nth(1).innerText()]).toEqual(['建设中', '已撤销']);
    await tab.getByRole('button', { name: '校验本事件流' }).click();
    await tab.getByText(new RegExp(`^完整：project-${revokedId} 的 \\d+ 个事件校验通过，哈希链未被改动。$`)).waitFor();
    await screenshot(tab, 'audit-revoked');
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });
});
