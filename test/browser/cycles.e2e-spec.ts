import { randomUUID } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { EVENT_STORE, EventStore } from '../../src/application/event-store';
import { addCalendarDays } from '../../src/domain/calendar';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { DeadlinesService } from '../../src/infrastructure/scheduling/deadlines.service';
import { Accounts } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { select, selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

/** The office's cycles and overdue pages in the real browser: a cycle opened through the form, a refusal kept beside its field, an overdue plan, a failed reaction. */
jest.setTimeout(180_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/cycles.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'the office’s cycles and overdue pages in chromium' : `the office’s cycles and overdue pages in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2036-09-01'));
  const browserErrors: string[] = [];
  let running: RunningApp;
  let flow: ProjectFlow;
  let browser: Browser;
  let tab: Page;
  /** The browser's errors but the expected ones: the sign-in page's first 401, and the refusals a test provokes. */
  const unexpectedErrors = () => browserErrors.filter((e) => !/status of (401|400)/.test(e));

  /** Signs the office in through the sign-in page, to its to-do list. */
  const signInAsOffice = async () => {
    const office = await (await Accounts.of(running)).account({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    await signIn(tab, running.url, (await Accounts.of(running)).credentials(office.personId));
  };
  /** Picks an option of an Ant Design select by its words. */
  const pick = async (label: string, option: string) => {
    await tab.getByLabel(label, { exact: true }).click();
    await tab.locator('.ant-select-item-option').filter({ hasText: option }).click();
  };
  /** The error said beside a form's field, by the field's label. */
  const errorBeside = (label: string | RegExp) => tab.locator('.ant-form-item').filter({ has: tab.getByLabel(label) }).locator('.ant-form-item-explain-error');
  const cycles = async () => (await flow.http.get('/cycles?limit=500', flow.office)).body.items as { id: string; name: string }[];

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('reaches the cycles through the menu, opens one with an overridden quota, tiers and window, and the service answers it with those rules', async () => {
    await signInAsOffice();
    // The office's menu groups its selection pages under 遴选, opened by a click.
    await tab.getByRole('menuitem', { name: '遴选' }).click();
    const cyclesLink = tab.getByRole('link', { name: '批次', exact: true });
    await cyclesLink.waitFor();
    for (const name of ['专家组', '排名与入围', '公示与立项', '异议处理']) await tab.getByRole('link', { name, exact: true }).waitFor({ state: 'visible' });
    await screenshot(tab, 'menu-selection-open');
    await cyclesLink.click();
    await tab.getByRole('heading', { name: '申报批次' }).waitFor();
    await tab.getByText('尚未开设批次').waitFor();

    await pick('项目类别', '职业教育品牌专业');
    // The catalog's rules for the program, filled in: a quota of 200, 20 recommendations a city, 14 days for an expert's score, a 5-working-day notice.
    const quota = tab.getByLabel(/^名额/);
    await tab.getByText('以下规则按项目目录（规则版本 brand-major/2026.2）预填。').waitFor();
    expect([await quota.inputValue(), await tab.getByLabel(/^每个推荐单位最多推荐数/).inputValue(), await tab.getByLabel(/^专家评分期限/).inputValue(), await tab.getByLabel(/^公示期长度/).inputValue()]).toEqual(['200', '20', '14', '5']);
    const changedLabels = tab.locator('.ant-form-item-label').filter({ hasText: '已改' });
    expect(await changedLabels.count()).toBe(0);
    // No change, no version of the office's own to name.
    expect(await tab.getByLabel('规则版本', { exact: true }).count()).toBe(0);

    await tab.getByLabel('批次名称', { exact: true }).fill('2037 年职业教育品牌专业遴选');
    await tab.getByLabel('年度', { exact: true }).fill('2037');
    await tab.getByLabel('批次编号（选填）').fill('brand-major-2037');
    await tab.getByLabel('申报开始时间（北京时间）').fill('2037-03-01T09:00');
    await tab.getByLabel('申报截止时间（北京时间）').fill('2037-04-15T17:30');
    await quota.fill('120');
    await tab.getByRole('button', { name: '添加档次' }).click();
    await tab.getByRole('button', { name: '添加档次' }).click();
    await tab.getByLabel('档次名称 1').fill('A');
    await tab.getByLabel('档次名额 1').fill('40');
    await tab.getByLabel('档次名称 2').fill('B');
    await tab.getByLabel('档次名额 2').fill('80');
    await tab.getByLabel(/^名额/).press('Tab');
    // Each change is shown as an override of the catalog's default.
    await tab.getByText('目录默认：200').waitFor();
    expect(await changedLabels.allInnerTexts()).toEqual([expect.stringMatching(/^名额\s*已改/), expect.stringMatching(/^档次\s*已改/)]);
    await tab.getByLabel('规则版本', { exact: true }).fill('brand-major/2037.1');
    await screenshot(tab, 'cycle-open-form');
    await tab.getByRole('button', { name: '开设批次' }).click();
    await tab.getByText('批次已开设').first().waitFor();

    const row = tab.locator('.ant-table-tbody tr').filter({ hasText: '2037 年职业教育品牌专业遴选' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/已开设[\s\S]*不在申报时间内[\s\S]*2037-03-01 09:00 – 2037-04-15 17:30[\s\S]*0 \/ 120（剩余 120 个）[\s\S]*A 档：0 \/ 40[\s\S]*B 档：0 \/ 80/);
    // The service keeps the overrides, and the catalog's defaults for everything else.
    const cycle = (await flow.http.get('/cycles/brand-major-2037', flow.office)).body;
    expect(cycle).toMatchObject({ name: '2037 年职业教育品牌专业遴选', label: '2037', programType: 'brand-major', rulesVersion: 'brand-major/2037.1', status: 'Open' });
    expect([Date.parse(cycle.opensAt), Date.parse(cycle.closesAt)]).toEqual([Date.parse('2037-03-01T01:00:00Z'), Date.parse('2037-04-15T09:30:00Z')]);
    expect(cycle.rules).toMatchObject({
      quota: 120,
      tiers: [
        { name: 'A', quota: 40 },
        { name: 'B', quota: 80 },
      ],
      perRecommenderLimit: 20,
      reviewDays: 14,
      publicNotice: { length: 5, unit: 'working-days' },
      reapplication: { identity: 'major' },
    });
    expect(cycle.rules).not.toHaveProperty('cutOff');
    // The form is empty again, for the next cycle.
    expect(await tab.getByLabel('批次名称', { exact: true }).inputValue()).toBe('');
    await screenshot(tab, 'cycles');

    // The cycle leads to the pages that work on it, with it chosen.
    await row.getByRole('link', { name: /^排名与入围\s*：2037 年职业教育品牌专业遴选$/ }).click();
    await tab.getByRole('heading', { name: '评审排名与入围' }).waitFor();
    expect(new URL(tab.url()).searchParams.get('cycleId')).toBe('brand-major-2037');
    await tab.getByText('本批次暂无申报。').waitFor();
    await tab.goBack();
    await tab.getByRole('heading', { name: '申报批次' }).waitFor();
    expect(unexpectedErrors()).toEqual([]);
  });

  it('says beside the field why the service refused a window closing before it opens, then a mid-term evaluation after construction, keeps what was typed, and opens the cycle once it is put right', async () => {
    const before = await cycles();
    await pick('项目类别', '职业教育品牌专业');
    await tab.getByLabel(/^名额/).fill('90');
    await tab.getByLabel('批次名称', { exact: true }).fill('2038 年职业教育品牌专业遴选');
    await tab.getByLabel('年度', { exact: true }).fill('2038');
    await tab.getByLabel('申报开始时间（北京时间）').fill('2038-05-01T09:00');
    await tab.getByLabel('申报截止时间（北京时间）').fill('2038-04-01T09:00');
    await tab.getByLabel('规则版本', { exact: true }).fill('brand-major/2038.1');
    await tab.getByRole('button', { name: '开设批次' }).click();

    await errorBeside('申报截止时间（北京时间）').filter({ hasText: '申报截止时间须晚于开始时间。' }).waitFor();
    await tab.getByRole('alert').filter({ hasText: '申报截止时间须晚于开始时间。' }).waitFor();
    expect(await errorBeside('申报开始时间（北京时间）').count()).toBe(0);
    expect([
      await tab.getByLabel('批次名称', { exact: true }).inputValue(),
      await tab.getByLabel('申报开始时间（北京时间）').inputValue(),
      await tab.getByLabel('申报截止时间（北京时间）').inputValue(),
      await tab.getByLabel(/^名额/).inputValue(),
      await tab.getByLabel('规则版本', { exact: true }).inputValue(),
    ]).toEqual(['2038 年职业教育品牌专业遴选', '2038-05-01T09:00', '2038-04-01T09:00', '90', 'brand-major/2038.1']);
    expect(await cycles()).toEqual(before);
    await screenshot(tab, 'cycle-refused');

    // A rule refused for another's sake, with the months in words: said beside the rule the service names.
    const midterm = tab.getByLabel(/^中期评价时间/);
    await tab.getByLabel('申报截止时间（北京时间）').fill('2038-06-01T09:00');
    await midterm.fill('40');
    await tab.getByRole('button', { name: '开设批次' }).click();
    const midtermRefused = '中期评价须在建设期内：第 40 个月评价，须少于建设期的 36 个月。';
    await errorBeside(/^中期评价时间/).filter({ hasText: midtermRefused }).waitFor();
    await tab.getByRole('alert').filter({ hasText: midtermRefused }).waitFor();
    expect(await errorBeside('申报截止时间（北京时间）').count()).toBe(0);
    expect(await cycles()).toEqual(before);

    await midterm.fill('18');
    await tab.getByLabel(/^专家评分期限/).fill('10');
    await tab.getByRole('button', { name: '开设批次' }).click();
    await tab.getByText('批次已开设').first().waitFor();
    expect(await errorBeside('申报截止时间（北京时间）').count()).toBe(0);
    expect(await errorBeside(/^中期评价时间/).count()).toBe(0);
    const opened = (await cycles()).find((c) => c.name === '2038 年职业教育品牌专业遴选');
    expect(opened).toBeDefined();
    const cycle = (await flow.http.get(`/cycles/${opened!.id}`, flow.office)).body;
    expect([cycle.rules.quota, cycle.rules.reviewDays, cycle.rules.midtermAfterMonths, cycle.rulesVersion, Date.parse(cycle.closesAt)]).toEqual([90, 10, 18, 'brand-major/2038.1', Date.parse('2038-06-01T01:00:00Z')]);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shows an overdue construction plan with its due day, linked to its project, reached through the menu with the keyboard', async () => {
    const tokens = await selectionTokens(running);
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'brand-major', subject: () => ({ kind: 'major', majorCode: '460301', majorName: '机电一体化技术' }) }, 'jincheng-late-school', ids, 2038);
    const due = (await flow.project(projectId)).body.approval.constructionPlanDueOn as string;
    // The day after the plan was due, the scheduler records it overdue.
    clock.set(on(addCalendarDays(due, 1)));
    const readModels = running.app.get(ReadModels);
    await readModels.reach((await readModels.store.status()).lastPosition);
    await running.app.get(DeadlinesService).scheduler.tick();
    expect((await flow.eventTypes(`project-${projectId}`)).filter((type) => type === 'ConstructionPlanOverdue')).toHaveLength(1);

    // Years later by the service's clock, the office's session has long ended: it signs in again.
    await signInAsOffice();
    // 建设与资金 opened from the keyboard: the group's title focused, Enter, the arrow to its page, Enter.
    const group = tab.getByRole('menuitem', { name: '建设与资金' });
    await group.focus();
    await tab.keyboard.press('Enter');
    const overdueLink = tab.getByRole('link', { name: '逾期与异常' });
    await overdueLink.waitFor();
    await tab.getByRole('link', { name: '资金', exact: true }).waitFor({ state: 'visible' });
    await screenshot(tab, 'menu-construction-open');
    // The group opens on its first page; the arrow key moves on to the next.
    await tab.keyboard.press('ArrowDown');
    // The menu moves the focus on the next animation frame: read once it has had the chance, however busy the machine.
    const focused = () => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent;
    await tab.waitForFunction((name) => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent === name, '逾期与异常', { timeout: 5_000 }).catch(() => undefined);
    expect(await tab.evaluate(focused)).toBe('逾期与异常');
    await tab.keyboard.press('Enter');
    await tab.getByRole('heading', { name: '逾期与异常', level: 1 }).waitFor();

    const row = tab.locator('.ant-table-tbody tr').filter({ hasText: 'jincheng-late-school brand-major' });
    await row.getByText(`建设方案和任务书 截止 ${due}`).waitFor();
    expect(await row.innerText()).toMatch(/jincheng-late-school[\s\S]*已立项，待提交建设方案/);
    expect([await tab.getByRole('link', { name: '导出 Excel' }).getAttribute('href'), await tab.getByRole('link', { name: '导出 CSV' }).getAttribute('href')]).toEqual(['/overdue?format=xlsx', '/overdue?format=csv']);
    await tab.getByText('没有失败的自动操作').waitFor();
    await screenshot(tab, 'overdue');
    await row.getByRole('link', { name: 'jincheng-late-school brand-major' }).click();
    await tab.getByRole('heading', { name: 'jincheng-late-school brand-major' }).waitFor();
    expect(new URL(tab.url()).pathname).toBe(`/console/projects/${projectId}`);
    await tab.goBack();
    await tab.getByRole('heading', { name: '逾期与异常', level: 1 }).waitFor();
    expect(unexpectedErrors()).toEqual([]);
  });

  it('lists a reaction that keeps failing: retrying with its next attempt, then dead-lettered', async () => {
    await flow.openCycle('reaction-ghost-2039', 'brand-major', 2039);
    // No command can make a reaction fail: the cycle refuses to shortlist a project that is not its own.
    // As reactor.spec does, an event naming a project never drafted is written to the store itself;
    // the reactor, its retries and GET /reactions/failures are the service's own.
    const store = running.app.get<symbol, EventStore>(EVENT_STORE);
    const [opened] = await store.readStream('cycle-reaction-ghost-2039');
    const decidedAt = on('2039-10-15');
    await store.append(
      'cycle-reaction-ghost-2039',
      [{ id: randomUUID(), type: 'ProjectShortlisted', data: { decisionId: 'ghost-decision', projectId: 'ghost-project', tier: null, reason: '评审会议纪要', rulesVersion: 'brand-major/2026.2', quota: 200, placesTaken: 1, tierQuota: null, tierPlacesTaken: null, decidedAt }, metadata: { actor: opened!.metadata.actor, recordedAt: decidedAt } }],
      'any',
    );
    const failures = async () => (await flow.http.get('/reactions/failures', flow.office)).body as { items: { stream: string; attempts: number; dead: boolean; nextAttemptAt: string | null }[]; retrying: number; dead: number };
    const until = async (check: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(await failures())}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await until(async () => (await failures()).items.length === 1);
    const first = (await failures()).items[0]!;
    expect(first).toMatchObject({ stream: 'project-ghost-project', attempts: 1, dead: false });

    await signInAsOffice();
    await tab.goto(`${running.url}/console/overdue`);
    const row = tab.locator('.ant-table-tbody tr').filter({ hasText: 'project-ghost-project' });
    await row.waitFor();
    // The next attempt is a second after the first, by the service's clock, in Beijing time.
    expect(await row.innerText()).toMatch(/将遴选结果记入项目\s+project-ghost-project[\s\S]*\s1\s[\s\S]*2039-09-01 10:00\s+重试中/);
    await tab.getByText('重试中 1 个，已转入死信 0 个').waitFor();

    // Each retry waits on the service's clock: moved on, the reactor tries again, up to its eighth attempt.
    for (let attempts = 1; attempts < 8; attempts += 1) {
      clock.set(new Date(clock.now().getTime() + 15 * 60_000).toISOString());
      await until(async () => (await failures()).items[0]!.attempts > attempts);
    }
    expect((await failures()).items[0]).toMatchObject({ attempts: 8, dead: true, nextAttemptAt: null });
    // Two hours on, the session has been idle too long.
    await signInAsOffice();
    await tab.goto(`${running.url}/console/overdue`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/将遴选结果记入项目\s+project-ghost-project[\s\S]*\s8\s[\s\S]*不再重试\s+已转入死信/);
    await tab.getByText('重试中 0 个，已转入死信 1 个').waitFor();
    // The target's link opens its history in the audit page.
    expect(await row.getByRole('link', { name: 'project-ghost-project' }).getAttribute('href')).toBe('/console/audit?stream=project-ghost-project');
    await screenshot(tab, 'overdue-failures');
    expect(unexpectedErrors()).toEqual([]);
  });
});
