import { Browser, Locator, Page } from 'playwright-core';
import { Accounts, creditCodeFor } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The provincial office's steps on an enterprise (产教融合型企业) in the real browser: the joint review of
 * a recommended application, the admission notice with an objection dismissed, admission to incubation,
 * the minimum incubation recorded, the certification evaluation, the certification notice and the
 * certificate; and the disqualification of another enterprise on its ground and evidence. The steps that
 * are the enterprise's or its city's (applying, recommending, the three-year plan, the request for
 * certification) and the objector's are played through the HTTP API, as they would take them.
 */
jest.setTimeout(240_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/enterprise-office.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

/** A small PDF as the browser's file chooser hands it over. */
const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${name}\n`.repeat(20))]) });

const DECLARED = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'the office’s steps on an enterprise in chromium' : `the office’s steps on an enterprise in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2036-03-03'));
  const browserErrors: string[] = [];
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let accounts: Accounts;
  let browser: Browser;
  let tab: Page;
  let office: { personId: string; token: string };
  let recommender: string;
  let objector: string;
  /** The enterprise taken from its recommendation to its certificate, over the first two tests. */
  const certified = { name: '太原重型装备制造有限公司', id: creditCodeFor('太原重型装备制造有限公司', '91'), token: '' };

  const signInAsOffice = () => signIn(tab, running.url, accounts.credentials(office.personId));
  /** A card of the page by its heading. */
  const card = (title: string): Locator => tab.locator('.ant-card').filter({ has: tab.getByRole('heading', { name: title, exact: true }) });
  /** The headings of the page's cards, in order: what the office is offered. */
  const cards = () => tab.locator('.ant-card-head-title h2').allInnerTexts();
  /** Chooses a file in a card's upload field (the `index`th) and waits until the service has stored it. */
  const attach = async (within: Locator, name: string, index = 0) => {
    await within.locator('input[type=file]').nth(index).setInputFiles(pdf(name));
    await within.getByRole('link', { name }).waitFor();
  };
  /** Picks an option of a labelled select, as a click on the list does. */
  const choose = async (within: Locator, label: string, option: string) => {
    await within.getByLabel(label).click();
    await tab.locator('.ant-select-item-option').filter({ hasText: option }).click();
  };
  const stage = () => tab.locator('h1 + .ant-tag').innerText();
  const openEnterprise = async (id: string, name: string) => {
    await tab.goto(`${running.url}/console/enterprises/${id}`);
    await tab.getByRole('heading', { name, level: 1 }).waitFor();
  };
  const enterprise = async (id: string) => {
    const read = await http.get(`/enterprises/${id}`, office.token);
    expect(read.status).toBe(200);
    return read.body;
  };
  const events = async (id: string) => (await http.get(`/enterprises/${id}/timeline`, office.token)).body.events as { type: string; data: Record<string, unknown> }[];
  const ok = async (step: string, result: ReturnType<typeof http.post>) => expectOk(await result, step);

  /** An enterprise of 太原市 that applied and was recommended by its city (over the API), with its token. */
  const recommended = async (name: string, sub: string) => {
    const id = creditCodeFor(name, '91');
    const token = await accounts.token({ sub, role: 'applicant', org: id, orgName: name, region: '太原市', grants: ['enterprise-admin'] });
    const documents = [await upload(running, token, `${name}申请书.pdf`)];
    await ok('apply', http.post('/enterprises', token, { creditCode: id, name, region: '太原市', declarations: DECLARED, documents }));
    await ok('recommend', http.post(`/enterprises/${id}/recommend`, recommender, { opinion: '该企业校企合作基础扎实，同意推荐', documents: [await upload(running, recommender, '市级推荐函.pdf')] }));
    return { id, token };
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    accounts = await Accounts.of(running);
    office = await accounts.account({ sub: 'office-1', role: 'office', org: '山西省发展改革委' });
    recommender = await accounts.token({ sub: 'ty-bureau', role: 'recommender', org: '太原市教育局', region: '太原市' });
    objector = await accounts.token({ sub: 'objecting-expert', role: 'reviewer', org: '山西大学' });
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
    await signInAsOffice();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('records the joint review of a recommended enterprise, opens its admission notice, resolves the objection filed and admits it to incubation', async () => {
    clock.set(on('2036-03-03'));
    certified.token = (await recommended(certified.name, 'tz-heavy-admin')).token;
    const { id, name } = certified;
    await openEnterprise(id, name);
    expect(await stage()).toBe('已推荐，待部门联审');
    expect(await cards()).toEqual(['部门联审', '取消资格', '办理记录']);

    const review = card('部门联审');
    await review.getByText('该企业校企合作基础扎实，同意推荐').waitFor();
    await review.getByRole('link', { name: `${name}申请书.pdf` }).waitFor();
    await review.getByRole('link', { name: '市级推荐函.pdf' }).waitFor();
    // Nothing chosen: the form says what is missing, beside each field, and sends nothing.
    await review.getByRole('button', { name: '提交联审结果' }).click();
    await review.getByText('请至少选择一个参加联审的部门').waitFor();
    expect(await review.locator('.ant-form-item-explain-error').filter({ hasText: '此项为必填项' }).count()).toBe(3);
    expect((await enterprise(id)).status).toBe('Recommended');
    await review.getByLabel('省发展改革委').check();
    await review.getByLabel('省教育厅').check();
    await review.getByLabel('省财政厅').check();
    await review.getByLabel('专家评估意见').fill('企业与 5 所职业院校开展订单培养，实训基地运行良好，同意纳入培育');
    await attach(review, '专家评估报告.pdf');
    await review.getByLabel('联审不通过').check();
    // Failing asks for the reasons; passing does not.
    await review.getByLabel('不通过原因（每行一条）').waitFor();
    await review.getByLabel('联审通过', { exact: true }).check();
    await review.getByLabel('不通过原因（每行一条）').waitFor({ state: 'detached' });
    await screenshot(tab, 'enterprise-joint-review');
    await review.getByRole('button', { name: '提交联审结果' }).click();
    await tab.getByText('部门联审结果已记录').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '联审通过，待公示' }).waitFor();
    expect(await card('部门联审').count()).toBe(0);
    expect(await enterprise(id)).toMatchObject({ status: 'JointlyReviewed' });
    const passed = (await events(id)).find((e) => e.type === 'JointReviewPassed')!;
    expect(passed.data).toMatchObject({ departments: ['省发展改革委', '省教育厅', '省财政厅'], expertAssessment: { opinion: '企业与 5 所职业院校开展订单培养，实训基地运行良好，同意纳入培育', documents: [{ name: '专家评估报告.pdf' }] }, reasons: [] });

    // A notice that would start yesterday: refused in words, the date typed kept.
    const notice = card('入库公示');
    await notice.getByText('联审通过的企业，纳入培育库前须向社会公示。公示期 5 个工作日，自开始日起计算。').waitFor();
    await notice.getByLabel('公示开始日期').fill('2036-03-02');
    await notice.getByRole('button', { name: '开始公示' }).click();
    await notice.getByRole('alert').filter({ hasText: '公示开始日期不能早于今天。' }).waitFor();
    expect(await notice.getByLabel('公示开始日期').inputValue()).toBe('2036-03-02');
    expect((await enterprise(id)).status).toBe('JointlyReviewed');
    await notice.getByLabel('公示开始日期').fill('2036-03-03');
    await notice.getByRole('button', { name: '开始公示' }).click();
    await tab.getByText('公示已开始').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '公示中' }).waitFor();
    // Five working days, Monday 3 to Friday 7 March.
    expect((await enterprise(id)).notice).toEqual({ stage: 'admission', noticeNo: 1, startsAt: '2036-03-03T00:00:00+08:00', endsAt: '2036-03-08T00:00:00+08:00' });
    await card('入库公示异议').getByText('本次公示尚未收到异议。').waitFor();
    await card('纳入培育库').getByText('公示期至 2036-03-07 止。公示期满且异议均已处理后，可以纳入培育库。').waitFor();

    // Someone objects under real name, with evidence.
    clock.set(on('2036-03-04'));
    const evidence = await upload(running, objector, '合作协议核查材料.pdf');
    const filed = expectOk(await http.post(`/enterprises/${id}/objections`, objector, { objector: { name: '王芳', contact: '13900000000' }, grounds: '申报材料中的合作院校数量与实际不符', evidence: [evidence] }), 'object');
    expect(filed.events).toEqual(['ObjectionFiled']);

    // The notice over, the objection still open: admission is refused, and the page says why.
    clock.set(on('2036-03-10'));
    await tab.reload();
    const objections = card('入库公示异议');
    await objections.getByText('王芳 · 13900000000').waitFor();
    await objections.getByText('申报材料中的合作院校数量与实际不符').waitFor();
    await objections.getByRole('link', { name: '合作协议核查材料.pdf' }).waitFor();
    expect(await objections.locator('.ant-tag').innerText()).toBe('待处理');
    const admission = card('纳入培育库');
    await admission.getByText('尚有 1 件异议待处理。').waitFor();
    await admission.getByRole('button', { name: '纳入培育库' }).click();
    await admission.getByRole('alert').filter({ hasText: '尚有异议未处理，请先处理公示期间收到的全部异议。' }).waitFor();
    expect((await enterprise(id)).status).toBe('InPublicNotice');

    await objections.getByLabel('异议不成立').check();
    await objections.getByLabel('处理理由（核查情况）').fill('经核查合作协议原件，合作院校数量属实，异议不成立');
    await screenshot(tab, 'enterprise-admission-objection');
    await objections.getByRole('button', { name: '提交处理结果' }).click();
    await tab.getByText('异议处理结果已记录').first().waitFor();
    await objections.getByText('经核查合作协议原件，合作院校数量属实，异议不成立（2036-03-10 10:00）').waitFor();
    expect(await objections.locator('.ant-tag').innerText()).toBe('异议不成立');
    expect(await objections.getByRole('button', { name: '提交处理结果' }).count()).toBe(0);
    expect((await enterprise(id)).objections).toEqual([{ objectionId: filed.objectionId, noticeNo: 1, stage: 'admission', status: 'dismissed', objector: { name: '王芳', contact: '13900000000' } }]);

    await card('纳入培育库').getByRole('button', { name: '纳入培育库' }).click();
    await tab.getByText('已纳入培育库').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '培育中' }).waitFor();
    // A year of incubation at the least, before certification may be requested.
    await card('培育期').getByText('2037-03-10').waitFor();
    expect(await cards()).toEqual(['培育期', '取消资格', '办理记录']);
    await screenshot(tab, 'enterprise-admitted');
    expect(await enterprise(id)).toMatchObject({
      status: 'InIncubation',
      notice: null,
      incubation: { admittedAt: '2036-03-10T02:00:00.000Z', earliestCertificationAt: '2037-03-10T02:00:00.000Z', minimumIncubationReached: false },
    });
    expect(browserErrors.filter((e) => !/status of (400|401|409)/.test(e))).toEqual([]);
  });

  it('records the minimum incubation reached, evaluates the certification request, opens the certification notice and certifies the enterprise', async () => {
    const { id, name, token } = certified;
    clock.set(on('2036-04-01'));
    await ok('three-year plan', http.post(`/enterprises/${id}/three-year-plan`, token, { plan: await upload(running, token, '三年规划.pdf') }));

    // A year and a day after admission: the office records the minimum incubation over.
    clock.set(on('2037-03-11'));
    await openEnterprise(id, name);
    const incubation = card('培育期');
    await incubation.getByText('已发布 2036-04-01').waitFor();
    await incubation.getByRole('button', { name: '记录培育期已满' }).click();
    await tab.getByText('已记录培育期满').first().waitFor();
    await card('培育期').waitFor({ state: 'detached' });
    expect((await enterprise(id)).incubation.minimumIncubationReached).toBe(true);

    await ok('request certification', http.post(`/enterprises/${id}/request-certification`, token, { documents: [await upload(running, token, '认证申请书.pdf')] }));
    await tab.reload();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '已申请认证' }).waitFor();
    const evaluation = card('认证评价');
    await evaluation.getByRole('link', { name: '认证申请书.pdf' }).waitFor();
    await evaluation.getByText('2037-03-11 10:00').waitFor();
    await evaluation.getByLabel('专家评估意见').fill('培育期内共建专业 3 个，接收实习学生 260 人，培育成效显著');
    await attach(evaluation, '认证评价专家意见.pdf');
    await evaluation.getByLabel('评价通过').check();
    await screenshot(tab, 'enterprise-certification-evaluation');
    await evaluation.getByRole('button', { name: '提交评价结果' }).click();
    await tab.getByText('认证评价结果已记录').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '认证评价通过，待公示' }).waitFor();
    expect(await enterprise(id)).toMatchObject({ status: 'CertificationEvaluated', certification: { kind: 'initial' } });
    expect((await events(id)).find((e) => e.type === 'CertificationEvaluationPassed')!.data).toMatchObject({ assessment: { opinion: '培育期内共建专业 3 个，接收实习学生 260 人，培育成效显著', documents: [{ name: '认证评价专家意见.pdf' }] } });

    const notice = card('认证公示');
    await notice.getByText('认证评价通过的企业，认证前须向社会公示。公示期 5 个工作日，自开始日起计算。').waitFor();
    await notice.getByLabel('公示开始日期').fill('2037-03-11');
    await notice.getByRole('button', { name: '开始公示' }).click();
    await tab.getByText('公示已开始').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '公示中' }).waitFor();
    // Wednesday 11 to Tuesday 17 March, the weekend skipped.
    expect((await enterprise(id)).notice).toEqual({ stage: 'certification', noticeNo: 2, startsAt: '2037-03-11T00:00:00+08:00', endsAt: '2037-03-18T00:00:00+08:00' });
    // The admission notice's objection, resolved, is not this notice's.
    await card('认证公示异议').getByText('本次公示尚未收到异议。').waitFor();
    const certification = card('认证');
    await certification.getByText('公示期至 2037-03-17 止。公示期满且异议均已处理后，可以认证为产教融合型企业。').waitFor();
    expect(await cards()).toEqual(['认证公示异议', '认证', '取消资格', '办理记录']);
    await screenshot(tab, 'enterprise-certification-notice');

    // The notice still running: refused, and the page says so.
    await certification.getByRole('button', { name: '予以认证' }).click();
    await certification.getByRole('alert').filter({ hasText: '公示期尚未届满' }).waitFor();
    expect((await enterprise(id)).status).toBe('InPublicNotice');

    clock.set(on('2037-03-18'));
    await tab.reload();
    await card('认证').getByRole('button', { name: '予以认证' }).click();
    await tab.getByText('已认证为产教融合型企业').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '已认证' }).waitFor();
    // Three years of certificate, shown on the page; disqualification is all that is left to the office.
    await tab.getByText('2040-03-18').waitFor();
    expect(await cards()).toEqual(['取消资格', '办理记录']);
    await screenshot(tab, 'enterprise-certified');
    expect(await enterprise(id)).toMatchObject({ status: 'Certified', notice: null, certification: null, certificates: [{ certificateNo: 1, certifiedAt: '2037-03-18T02:00:00.000Z', validUntil: '2040-03-18T02:00:00.000Z', ended: null }] });
    expect((await events(id)).map((e) => e.type)).toEqual(expect.arrayContaining(['MinimumIncubationReached', 'CertificationEvaluationPassed', 'EnterpriseCertified']));
    expect(browserErrors.filter((e) => !/status of (400|401|409)/.test(e))).toEqual([]);
  });

  it('disqualifies an incubating enterprise on its ground and evidence once confirmed, and bans it for five years', async () => {
    const name = '晋中智能制造科技有限公司';
    clock.set(on('2037-04-01'));
    const { id } = await recommended(name, 'jz-smart-admin');
    await ok('joint review', http.post(`/enterprises/${id}/joint-review`, office.token, { outcome: 'passed', departments: ['省发展改革委'], expertAssessment: { opinion: '同意', documents: [await upload(running, office.token, '联审意见.pdf')] } }));
    await ok('notice', http.post(`/enterprises/${id}/open-notice`, office.token, { startsOn: '2037-04-01' }));
    clock.set(on('2037-04-08'));
    await ok('admit', http.post(`/enterprises/${id}/admit`, office.token, {}));

    await openEnterprise(id, name);
    expect(await stage()).toBe('培育中');
    const disqualify = card('取消资格');
    await disqualify.getByText('取消资格须有事实依据和证据材料。取消后，企业的认证证书（如有）随即撤销，5 年内不得再次申请。').waitFor();
    // Nothing given: each missing field said beside it, nothing asked or sent.
    await disqualify.getByRole('button', { name: '取消资格' }).click();
    expect(await disqualify.locator('.ant-form-item-explain-error').filter({ hasText: '此项为必填项' }).count()).toBe(3);
    expect(await tab.getByRole('dialog').count()).toBe(0);
    await choose(disqualify, '取消资格的原因', '申报材料、年度报告或评估中弄虚作假');
    await disqualify.getByLabel('事实与依据').fill('经查实，申请材料中与 3 所院校签订的合作协议系伪造');
    await attach(disqualify, '核查报告.pdf');
    await screenshot(tab, 'enterprise-disqualify');

    // Asked once more; cancelled, nothing is written and what was typed stays.
    await disqualify.getByRole('button', { name: '取消资格' }).click();
    const confirm = tab.getByRole('dialog');
    await confirm.getByText(`取消“${name}”的资格后，其认证证书（如有）随即撤销，5 年内不得再次申请。此操作不能撤回。确认取消资格？`).waitFor();
    await confirm.getByRole('button', { name: '取消', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await enterprise(id)).status).toBe('InIncubation');
    expect(await disqualify.getByLabel('事实与依据').inputValue()).toBe('经查实，申请材料中与 3 所院校签订的合作协议系伪造');

    await disqualify.getByRole('button', { name: '取消资格' }).click();
    await tab.getByRole('dialog').getByRole('button', { name: '取消资格', exact: true }).click();
    await tab.getByText('已取消该企业的资格').first().waitFor();
    await tab.locator('h1 + .ant-tag').filter({ hasText: '已取消资格' }).waitFor();
    expect(await cards()).toEqual(['办理记录']);
    await card('办理记录').getByText('经查实，申请材料中与 3 所院校签订的合作协议系伪造').waitFor();
    await screenshot(tab, 'enterprise-disqualified');
    expect(await enterprise(id)).toMatchObject({ status: 'Disqualified', disqualification: { ground: 'fraud', at: '2037-04-08T02:00:00.000Z', bannedUntil: '2042-04-08T02:00:00.000Z' } });
    expect((await events(id)).find((e) => e.type === 'EnterpriseDisqualified')!.data).toMatchObject({ ground: 'fraud', reason: '经查实，申请材料中与 3 所院校签订的合作协议系伪造', evidence: [{ name: '核查报告.pdf' }], banYears: 5 });
    expect(browserErrors.filter((e) => !/status of (400|401|409)/.test(e))).toEqual([]);
  });
});
