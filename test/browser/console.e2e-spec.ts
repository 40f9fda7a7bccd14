import { createServer } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { Accounts, creditCodeFor } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { FakeClock, on, upload } from '../support/lifecycle';
import { OidcTestProvider, startOidcTestProvider, TEST_ACCOUNTS } from '../support/oidc-test-provider';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The web console in a real browser: Debian's chromium driven by playwright-core against the real
 * service, which serves the console it built (npm test builds it first). Without chromium this file
 * checks nothing, so it is registered skipped with the reason in its name (and on stderr).
 */
const PASSWORD = '晋阳湖畔的长跑者2026';

const available = chromiumAvailable;
const SKIPPED = CHROMIUM_MISSING;
// A browser journey is many steps, each a round trip and a render; on a busy 2-core machine one can take minutes.
jest.setTimeout(180_000);

if (!available) process.stderr.write(`\ntest/browser/console.e2e-spec.ts: ${SKIPPED}\n`);

(available ? describe : describe.skip)(available ? 'the web console in chromium' : `the web console in chromium — ${SKIPPED}`, () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;
  /** What the browser reported as errors: none may appear on any page. */
  const browserErrors: string[] = [];

  /** Every page's screenshot, after axe-core found no violation of serious or critical impact on it. */
  const shot = (name: string, on: Page = page) => screenshot(on, name);

  beforeAll(async () => {
    running = await startTestApp();
    browser = await launchChromium();
    page = await openPage(browser, browserErrors, { width: 1280, height: 800 });
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

  describe('a school’s application, the city’s check and ranking, and a public objection', () => {
    const clock = new FakeClock(on('2025-09-01'));
    let service: RunningApp;
    let flow: ProjectFlow;
    let accounts: Accounts;
    const people: Record<string, { personId: string; token: string }> = {};
    const CYCLE = 'brand-major-2025';
    const SCHOOL = '太原旅游职业学院';
    let ownId: string;
    let otherId: string;
    let spareId: string;
    let failingId: string;
    let tab: Page;
    const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${name}\n`.repeat(50))]) });

    /** Signs `who` in through the sign-in page, with the login and password they set up. */
    const signInAs = async (who: string) => {
      await signIn(tab, service.url, accounts.credentials(people[who]!.personId));
    };
    const signOut = async () => {
      await tab.getByRole('button', { name: '退出登录' }).click();
      await tab.getByRole('heading', { name: '登录平台' }).waitFor();
    };
    /** The card titled `title`, as a person finds a section of a page. */
    const card = (title: string) => tab.locator('.ant-card').filter({ has: tab.getByRole('heading', { name: title, exact: true }) });
    const uploadTo = async (section: ReturnType<typeof card>, index: number, file: ReturnType<typeof pdf>) => {
      await section.locator('input[type=file]').nth(index).setInputFiles(file);
      await section.getByText(file.name).first().waitFor();
      // Uploaded: the list links the stored document for preview and download.
      await section.locator(`a[href^="/documents/"]`, { hasText: file.name }).waitFor();
    };
    const project = async (id: string) => (await flow.project(id)).body;
    /** Picks the cycle in the page's cycle list by typing its name and Enter, as with the keyboard. */
    const chooseCycle = async (name: string) => {
      await tab.getByLabel('申报批次').click();
      await tab.getByLabel('申报批次').pressSequentially(name);
      await tab.locator('.ant-select-item-option-active').filter({ hasText: name }).waitFor();
      await tab.keyboard.press('Enter');
      // Chosen: the list closes (its closing animation is not a page state worth a screenshot).
      await tab.locator('.ant-select-dropdown').waitFor({ state: 'hidden' });
    };

    beforeAll(async () => {
      // Documents up to 64 KB here, so a larger file shows the check made before sending.
      service = await startTestApp({ DOCUMENT_MAX_BYTES: '65536' }, clock);
      flow = await ProjectFlow.start(service, clock);
      accounts = await Accounts.of(service);
      const admin = await accounts.account({ sub: 'tyvtc-admin', role: 'applicant', org: SCHOOL, region: '太原市', schoolKind: '高职', grants: ['school-admin'] });
      people.lead = await accounts.account({ sub: 'tyvtc-lead', role: 'applicant', org: SCHOOL, region: '太原市', grants: ['project-lead'], grantedBy: admin });
      people.head = await accounts.account({ sub: 'tyvtc-head', role: 'applicant', org: SCHOOL, region: '太原市', grants: ['school-head'], grantedBy: admin });
      people.bureau = await accounts.account({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
      const other = await accounts.token({ sub: 'tyjd-admin', role: 'applicant', org: '太原机电工程学校', region: '太原市' });
      await flow.openCycle(CYCLE, 'brand-major', 2025);
      clock.set(on('2025-09-02'));
      otherId = await flow.draft(other, CYCLE, 'brand-major', '数控技术应用品牌专业');
      await flow.ok(flow.submit(other, otherId), 'submit the other school’s application');
      const third = await accounts.token({ sub: 'tyqg-admin', role: 'applicant', org: '太原轻工技工学校', region: '太原市', schoolKind: '中职' });
      failingId = await flow.draft(third, CYCLE, 'brand-major', '烹饪工艺与营养品牌专业');
      await flow.ok(flow.submit(third, failingId), 'submit the third school’s application');
      spareId = await flow.draft(people.lead.token, CYCLE, 'brand-major', '酒店管理品牌专业（备选）');
      tab = await openPage(browser, browserErrors);
    }, 60_000);
    afterAll(async () => {
      await tab?.close();
      await service?.stop();
    });

    it('lets the project lead draft the application and keep its documents, checked before sending', async () => {
      await signInAs('lead');
      await tab.getByRole('link', { name: '新建申报' }).click();
      await tab.getByRole('heading', { name: '新建申报' }).waitFor();
      await chooseCycle('brand-major 2025');
      await tab.getByLabel('项目名称').fill('   ');
      await tab.getByLabel('专业代码').fill('540101');
      await tab.getByLabel('专业名称').fill('旅游管理');
      // The service refuses a blank title: the page says so, and keeps everything typed.
      await tab.getByRole('button', { name: '保存草稿' }).click();
      await tab.getByRole('alert').filter({ hasText: '请填写项目名称' }).first().waitFor();
      // Beside the field it is about, too.
      const titleItem = tab.locator('.ant-form-item').filter({ has: tab.getByLabel('项目名称') });
      expect(await titleItem.locator('.ant-form-item-explain-error').textContent()).toBe('请填写项目名称（不能只有空格）。');
      expect([await tab.getByLabel('专业代码').inputValue(), await tab.getByLabel('专业名称').inputValue()]).toEqual(['540101', '旅游管理']);
      await tab.getByLabel('项目名称').fill('旅游管理品牌专业建设项目');
      await shot('apply', tab);
      await tab.getByRole('button', { name: '保存草稿' }).click();
      await tab.getByRole('heading', { name: '旅游管理品牌专业建设项目' }).waitFor();
      ownId = decodeURIComponent(new URL(tab.url()).pathname.split('/').pop()!);
      expect(await project(ownId)).toMatchObject({ status: 'Draft', title: '旅游管理品牌专业建设项目', subject: { kind: 'major', majorCode: '540101', majorName: '旅游管理' } });

      const documents = card('申报材料');
      // A file of another type is refused before it is sent, in words.
      await documents.locator('input[type=file]').first().setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('不是扫描件') });
      await documents.getByRole('alert').waitFor();
      expect(await documents.getByRole('alert').textContent()).toContain('只能上传 PDF、JPG 或 PNG 文件：说明.txt');
      // So is a file over the service's size limit (64 KB here).
      await documents.locator('input[type=file]').first().setInputFiles({ name: '扫描件过大.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100_000, 32)]) });
      await documents.getByRole('alert').filter({ hasText: '文件超过大小限制：扫描件过大.pdf（98 KB > 64 KB）' }).waitFor();
      // An upload shows its progress: on a network slowed to 16 KB/s, a 60 KB scan takes seconds.
      const cdp = await tab.context().newCDPSession(tab);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * 1024 });
      const slow = { name: '申报书.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(60_000, 32)]) };
      await documents.locator('input[type=file]').first().setInputFiles(slow);
      const progress = documents.getByRole('progressbar', { name: '上传进度：申报书' });
      await progress.waitFor();
      let seen = 0;
      for (let tries = 0; tries < 100 && !(seen > 0 && seen < 100); tries += 1) {
        seen = Number((await progress.getAttribute('aria-valuenow').catch(() => null)) ?? 0);
        await tab.waitForTimeout(100);
      }
      // Part of the way: the bar moves as the bytes go.
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(100);
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await documents.locator('a[href^="/documents/"]', { hasText: '申报书.pdf' }).waitFor();
      await uploadTo(documents, 1, pdf('专业建设佐证材料.pdf'));
      await documents.getByRole('button', { name: '保存材料' }).click();
      await tab.getByText('材料已保存').waitFor();
      const saved = await project(ownId);
      expect([saved.documents.applicationForm?.name, saved.documents.attachments.map((d: { name: string }) => d.name)]).toEqual(['申报书.pdf', ['专业建设佐证材料.pdf']]);
      // The lead cannot sign off: the page says who does.
      expect(await card('签发与提交').textContent()).toContain('申报须由校长（法定代表人）签发提交');
      // The stored document opens under its original name.
      const download = await tab.request.get(`${service.url}/documents/${saved.documents.applicationForm.sha256}`);
      expect([download.status(), download.headers()['content-disposition']]).toEqual([200, expect.stringContaining("filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf")]);
      await shot('project-draft', tab);

      // The draft stays editable: a new title, saved.
      const info = card('申报信息');
      await info.getByLabel('项目名称').fill('旅游管理品牌专业建设项目（修订）');
      await info.getByRole('button', { name: '保存' }).click();
      await tab.getByRole('heading', { name: '旅游管理品牌专业建设项目（修订）' }).waitFor();
      expect((await project(ownId)).title).toBe('旅游管理品牌专业建设项目（修订）');

      // The spare draft is withdrawn, with the reason.
      await tab.goto(`${service.url}/console/projects/${spareId}`);
      await tab.getByRole('button', { name: '撤回申报' }).click();
      await tab.getByRole('dialog').getByLabel('撤回原因').fill('学校决定集中申报一个专业');
      await tab.getByRole('dialog').getByRole('button', { name: '撤回申报' }).click();
      await tab.getByText('已撤回').first().waitFor();
      expect(await project(spareId)).toMatchObject({ status: 'Withdrawn' });
      await signOut();
    });

    it('has the head find the draft on the to-do list, sign off with the declarations and submit it', async () => {
      await signInAs('head');
      const todo = tab.getByRole('list', { name: '待办事项' });
      expect(await todo.textContent()).toMatch(/待完成并提交的申报.*截止 2025-09-15.*1 项/);
      await shot('home-school-head', tab);
      await todo.getByRole('link', { name: '待完成并提交的申报' }).click();
      await tab.getByRole('heading', { name: '项目列表' }).waitFor();
      await tab.getByRole('link', { name: '旅游管理品牌专业建设项目' }).click();
      const signOff = card('签发与提交');
      await uploadTo(signOff, 0, pdf('真实性声明.pdf'));
      await uploadTo(signOff, 1, pdf('承诺书.pdf'));
      const submit = signOff.getByRole('button', { name: '签发并提交' });
      // Not before the head confirms the declarations.
      expect(await submit.isDisabled()).toBe(true);
      await shot('project-sign-off', tab);
      await signOff.getByLabel('本人已审阅申报材料，确认内容真实，同意提交').check();
      await submit.click();
      await tab.getByText('已提交，待形式审查').first().waitFor();
      const submitted = await project(ownId);
      expect(submitted).toMatchObject({ status: 'Submitted', submissions: 1 });
      expect(submitted.documents.applicationForm.name).toBe('申报书.pdf');
      const history = card('办理记录');
      await history.getByText('校长签发并提交申报').waitFor();
      expect(await history.textContent()).toContain('创建申报草稿');
      await shot('project-submitted', tab);
      await signOut();
    });

    it('has the city check the application, then rank both of the cycle’s and recommend them in that order', async () => {
      await signInAs('bureau');
      const todo = tab.getByRole('list', { name: '待办事项' });
      expect(await todo.textContent()).toMatch(/待形式审查的申报.*截止 2025-10-13.*3 项/);
      await shot('home-bureau', tab);
      await todo.getByRole('link', { name: '待形式审查的申报' }).click();
      await tab.getByRole('row', { name: /数控技术应用品牌专业/ }).waitFor();
      await shot('projects-bureau', tab);
      clock.set(on('2025-09-20'));
      for (const title of ['旅游管理品牌专业建设项目（修订）', '数控技术应用品牌专业']) {
        await tab.goto(`${service.url}/console/projects?status=Submitted`);
        await tab.getByRole('link', { name: title }).click();
        const check = card('形式审查');
        await check.getByLabel('通过', { exact: true }).check();
        await check.getByRole('button', { name: '提交审查结果' }).click();
        await tab.getByText('形式审查通过，待推荐').first().waitFor();
      }
      expect((await project(otherId)).status).toBe('FormallyChecked');
      // The third fails, with its reasons, one a line.
      await tab.goto(`${service.url}/console/projects/${failingId}`);
      const failing = card('形式审查');
      await failing.getByLabel('不通过', { exact: true }).check();
      await failing.getByLabel('不通过原因（每行一条）').fill('申报书未加盖学校公章\n缺少近三年招生数据');
      await shot('formal-check-failed', tab);
      await failing.getByRole('button', { name: '提交审查结果' }).click();
      await tab.getByText('形式审查未通过').first().waitFor();
      await card('办理记录').getByText('申报书未加盖学校公章; 缺少近三年招生数据').waitFor();
      expect((await project(failingId)).status).toBe('FormallyRejected');

      await tab.getByRole('link', { name: '推荐排序' }).click();
      await chooseCycle('brand-major 2025');
      const ranking = tab.getByRole('list', { name: '推荐排序' });
      await ranking.getByRole('listitem').nth(1).waitFor();
      const statistic = (title: string) => tab.locator('.ant-statistic').filter({ hasText: title }).locator('.ant-statistic-content').textContent();
      // Brand majors: 20 ranked recommendations a city (the catalog's rule).
      expect(await statistic('推荐名额')).toBe('20');
      expect(await statistic('剩余名额')).toBe('20');
      const first = async () => (await ranking.getByRole('listitem').first().textContent()) ?? '';
      const before = await first();
      // The keyboard's way: the second one up, with Enter on its button.
      await ranking.getByRole('listitem').nth(1).getByRole('button', { name: /^上移/ }).focus();
      await tab.keyboard.press('Enter');
      expect(await first()).not.toBe(before);
      const leading = (await first()).includes('数控技术') ? otherId : ownId;
      await shot('recommend', tab);
      await tab.getByRole('button', { name: '按此顺序推荐' }).click();
      await tab.getByText('已推荐').waitFor();
      const ranks = [(await project(leading)).recommendation?.rank, (await project(leading === ownId ? otherId : ownId)).recommendation?.rank];
      expect(ranks).toEqual([1, 2]);
      await tab.getByRole('list', { name: '推荐排序' }).waitFor({ state: 'detached' });
      expect(await statistic('剩余名额')).toBe('18');
      await signOut();
    });

    it('lets a member of the public object to a project in notice with evidence, and gives a receipt', async () => {
      const reviewers = await Promise.all([1, 2, 3].map(async (n) => {
        const expert = await flow.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });
        return { id: expert.personId, org: expert.org, token: expert.token };
      }));
      for (const r of reviewers) await flow.ok(flow.http.post(`/projects/${ownId}/reviewers`, flow.office, { reviewerId: r.id, reviewerOrg: r.org, declaredRelations: [] }), 'assign');
      clock.set(on('2025-10-10'));
      for (const [n, r] of reviewers.entries()) await flow.ok(flow.http.post(`/projects/${ownId}/scores`, r.token, { score: 85 + n, comments: '良' }), 'score');
      clock.set(on('2025-10-15'));
      await flow.ok(flow.http.post(`/cycles/${CYCLE}/shortlist`, flow.office, { shortlisted: [{ projectId: ownId }], notSelected: [], reason: '评审会议纪要' }), 'shortlist');
      await flow.openNotice(CYCLE, '2025-10-16');
      clock.set(on('2025-10-17'));

      const visitor = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
      try {
        await visitor.goto(`${service.url}/console/notices`);
        await visitor.getByRole('button', { name: '提出异议 旅游管理品牌专业建设项目' }).click();
        const dialog = visitor.getByRole('dialog');
        await dialog.getByLabel('姓名').fill('李明');
        await dialog.getByLabel('所在单位（选填）').fill('太原市某旅行社');
        await dialog.getByLabel('联系电话或邮箱').fill('13912345678');
        await dialog.getByLabel('异议内容').fill('申报材料所列合作企业数量与实际不符。');
        await dialog.locator('input[type=file]').setInputFiles(pdf('合作协议复印件.pdf'));
        // Stored: the list shows it done, its progress bar gone.
        await dialog.locator('.ant-upload-list-item-done', { hasText: '合作协议复印件.pdf' }).waitFor();
        await dialog.locator('.ant-upload-list-item-uploading').waitFor({ state: 'detached' });
        await shot('objection-form', visitor);
        await dialog.getByRole('button', { name: '提交异议' }).click();
        await dialog.getByText('异议已提交').waitFor();
        const receipt = (await dialog.getByTestId('receipt').textContent())!.trim();
        expect(receipt).toMatch(/^[0-9a-f-]{36}$/);
        expect(await dialog.textContent()).toContain('已受理');
        await shot('objection-receipt', visitor);
        // Recorded under real name for the office alone; the public notice counts it without naming anyone.
        const recorded = (await project(ownId)).objections.find((o: { objectionId: string }) => o.objectionId === receipt);
        expect(recorded).toMatchObject({ status: 'open', objector: { name: '李明', organisation: '太原市某旅行社', contact: '13912345678' } });
        await visitor.keyboard.press('Escape');
        await visitor.getByRole('row', { name: /旅游管理品牌专业建设项目/ }).getByText('1', { exact: true }).waitFor();
        expect(await visitor.content()).not.toContain('李明');
        await visitor.goto(`${service.url}/console/results`);
        await visitor.getByText('暂无已公布的立项结果').waitFor();
        await shot('results-empty', visitor);
      } finally {
        await visitor.close();
      }
      expect(browserErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|400)/.test(e))).toEqual([]);
    });

    it('has the school hand in its construction plan once approved, and publishes the approved project', async () => {
      clock.set(on('2025-10-31'));
      for (const o of (await project(ownId)).objections.filter((x: { status: string }) => x.status === 'open')) {
        await flow.ok(flow.http.post(`/projects/${ownId}/objections/${o.objectionId}/resolve`, flow.office, { outcome: 'dismissed', reason: '经核查，合作企业数量属实' }), 'resolve');
      }
      const cycle = (await flow.http.get(`/cycles/${CYCLE}`, flow.office)).body;
      const noticeId = Object.values(cycle.notices as Record<string, { noticeId: string }>)[0]!.noticeId;
      await flow.ok(flow.http.post(`/cycles/${CYCLE}/end-notice`, flow.office, { noticeId }), 'end the notice');
      await flow.ok(flow.http.post(`/cycles/${CYCLE}/approve`, flow.office, { projectIds: [ownId], reason: '公示无异议，予以立项' }), 'approve');

      await signInAs('lead');
      const todo = tab.getByRole('list', { name: '待办事项' });
      // The to-do item opens the list of what owes a construction plan: this project alone.
      await todo.getByRole('link', { name: '提交建设方案和任务书' }).click();
      await tab.getByRole('heading', { name: '项目列表' }).waitFor();
      await tab.getByRole('row', { name: /旅游管理品牌专业建设项目（修订）/ }).waitFor();
      expect(await tab.getByText('1 个项目').isVisible()).toBe(true);
      await tab.getByRole('link', { name: '旅游管理品牌专业建设项目（修订）' }).click();
      const due = card('待提交事项');
      await due.getByText('提交建设方案和任务书').waitFor();
      expect(await due.textContent()).toMatch(/提交建设方案和任务书截止 \d{4}-\d{2}-\d{2}/);
      await uploadTo(due, 0, pdf('建设方案.pdf'));
      await uploadTo(due, 1, pdf('任务书.pdf'));
      await shot('project-hand-in', tab);
      await due.getByRole('button', { name: '提交', exact: true }).click();
      await tab.getByText('建设方案待审核').first().waitFor();
      expect(await project(ownId)).toMatchObject({ status: 'PlanSubmitted' });
      await signOut();

      const visitor = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
      try {
        await visitor.goto(`${service.url}/console/results`);
        const row = visitor.getByRole('row', { name: /旅游管理品牌专业建设项目（修订）/ });
        expect(await row.textContent()).toContain(SCHOOL);
        expect(await visitor.getByText('立项日期 2025-10-31').isVisible()).toBe(true);
        await shot('results', visitor);
      } finally {
        await visitor.close();
      }
    });

    it('lets an enterprise apply declaring each condition, its city recommend it, then incubate: three-year plan, a material change, the annual report, certification', async () => {
      const creditCode = creditCodeFor('太原重工股份有限公司', '91');
      people.enterprise = await accounts.account({ sub: 'tz-admin', role: 'applicant', org: creditCode, orgName: '太原重工股份有限公司', region: '太原市', grants: ['enterprise-admin'] });
      await signInAs('enterprise');
      await tab.getByRole('link', { name: '本企业' }).click();
      await tab.getByRole('heading', { name: '申请纳入产教融合型企业培育' }).waitFor();
      expect(await tab.getByLabel('企业名称').inputValue()).toBe('太原重工股份有限公司');
      for (const condition of ['在本省注册并依法纳税', '主营业务不是教育', '近三年未发生重大环保、安全、质量事故', '信用状况良好', '无违法违规纳税记录']) {
        await tab.getByLabel(condition).check();
      }
      await uploadTo(card('申报信息'), 0, pdf('产教融合型企业申请书.pdf'));
      await shot('enterprise-apply', tab);
      await tab.getByRole('button', { name: '提交申请' }).click();
      await tab.getByText('已申请，待市局推荐').first().waitFor();
      await card('办理记录').getByText('提交培育申请').waitFor();
      await shot('enterprise', tab);
      await signOut();

      await signInAs('bureau');
      const todo = tab.getByRole('list', { name: '待办事项' });
      await todo.getByRole('link', { name: '待推荐的企业申请' }).click();
      await tab.getByRole('link', { name: '太原重工股份有限公司' }).click();
      const recommend = card('推荐');
      await recommend.getByLabel('推荐意见 / 不予推荐理由').fill('该企业校企合作基础扎实，同意推荐');
      await recommend.getByRole('button', { name: '推荐', exact: true }).click();
      await tab.getByText('已推荐，待部门联审').first().waitFor();
      const recorded = (await flow.http.get(`/enterprises/${creditCode}`, flow.office)).body;
      expect(recorded).toMatchObject({ status: 'Recommended', name: '太原重工股份有限公司', region: '太原市' });
      await shot('enterprise-recommended', tab);
      await signOut();

      // The office's joint review, notice and admission (the office's pages are to come: over the API).
      const jointReview = { outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: { opinion: '同意', documents: [await upload(service, flow.office, '专家意见.pdf')] } };
      clock.set(on('2025-11-03'));
      await flow.ok(flow.http.post(`/enterprises/${creditCode}/joint-review`, flow.office, jointReview), 'joint review');
      await flow.ok(flow.http.post(`/enterprises/${creditCode}/open-notice`, flow.office, { startsOn: '2025-11-03' }), 'notice');
      clock.set(on('2025-11-14'));
      await flow.ok(flow.http.post(`/enterprises/${creditCode}/admit`, flow.office, {}), 'admit');

      await signInAs('enterprise');
      await tab.getByRole('link', { name: '本企业' }).click();
      await tab.getByText('培育中').first().waitFor();
      const plan = card('发布三年规划');
      await uploadTo(plan, 0, pdf('三年规划.pdf'));
      await plan.getByRole('button', { name: '发布' }).click();
      await card('办理记录').getByText('发布三年规划').waitFor();
      const change = card('报告重大变更');
      await change.getByLabel('变更类型').click();
      await change.getByLabel('变更类型').press('Enter');
      await tab.locator('.ant-select-dropdown').waitFor({ state: 'hidden' });
      await change.getByLabel('变更说明').fill('经市场监管部门核准更名');
      await change.getByLabel('变更后名称').fill('太原重工集团股份有限公司');
      await change.getByRole('button', { name: '报告重大变更' }).click();
      await tab.getByRole('heading', { name: '太原重工集团股份有限公司' }).waitFor();
      expect((await flow.http.get(`/enterprises/${creditCode}`, flow.office)).body).toMatchObject({ name: '太原重工集团股份有限公司', incubation: { threeYearPlan: { late: false } } });

      // The next January the year's report is due; after a year of incubation, certification may be requested.
      clock.set(on('2026-01-15'));
      await tab.reload();
      const report = card('提交年度报告 2025');
      await uploadTo(report, 0, pdf('2025年度报告.pdf'));
      await report.getByRole('button', { name: '提交' }).click();
      await card('办理记录').getByText('提交年度报告').waitFor();
      clock.set(on('2026-11-16'));
      await flow.ok(flow.http.post(`/enterprises/${creditCode}/minimum-incubation-reached`, flow.office, {}), 'a year of incubation');
      await tab.reload();
      const certification = card('申请认证');
      await uploadTo(certification, 0, pdf('认证申请书.pdf'));
      await shot('enterprise-incubating', tab);
      await certification.getByRole('button', { name: '申请认证' }).click();
      await tab.getByText('已申请认证').first().waitFor();
      expect((await flow.http.get(`/enterprises/${creditCode}`, flow.office)).body).toMatchObject({ status: 'CertificationRequested', incubation: { annualReports: [{ year: 2025, status: 'submitted' }] } });
      expect(browserErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|400|404)/.test(e))).toEqual([]);
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
