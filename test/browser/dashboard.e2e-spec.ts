import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, Locator, Page } from 'playwright-core';
import { Accounts } from '../support/accounts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage, screenshot, signIn } from '../support/browser';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** The office's dashboard (charts loaded on it alone, their numbers in tables) and its funding page, in the real browser. */
jest.setTimeout(240_000);
if (!chromiumAvailable) process.stderr.write(`\ntest/browser/dashboard.e2e-spec.ts: ${CHROMIUM_MISSING}\n`);

/** The console's built chunks (vite's manifest): the charts' own file, the one module that imports ECharts. */
const MANIFEST = resolve(__dirname, '../../dist/console/.vite/manifest.json');
const chartsChunk = (): string => {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, { file: string }>;
  const entry = Object.entries(manifest).find(([source]) => source.endsWith('src/charts.tsx'));
  if (!entry) throw new Error(`no chunk of src/charts.tsx in ${MANIFEST}: is charts.tsx imported lazily?`);
  return entry[1].file;
};

/** Yuan as the ledger writes them, grouped and to the fen. */
const yuan = (amount: number) => new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
const SOURCE_NAMES = { central: '中央财政', provincial: '省级财政', matching: '学校配套' } as const;
/** The words of the stages this test's projects reach (src/console/src/words.ts). */
const STAGE_WORDS: Record<string, string> = { Draft: '草稿', Submitted: '已提交，待形式审查', Approved: '已立项，待提交建设方案' };

/** A table's body rows, each as its cells' texts. */
const cellsOf = async (table: Locator): Promise<string[][]> =>
  Promise.all((await table.locator('tbody tr:not(.ant-table-measure-row)').all()).map(async (row) => (await row.locator('td').allInnerTexts()).map((cell) => cell.trim())));

/** How many pixels a canvas has drawn (not transparent): 0 is a chart that drew nothing. */
const drawnPixels = (canvas: Locator): Promise<number> =>
  canvas.evaluate((element) => {
    const c = element as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn += 1;
    return drawn;
  });

(chromiumAvailable ? describe : describe.skip)(chromiumAvailable ? 'the office’s dashboard and funding in chromium' : `the office’s dashboard and funding in chromium — ${CHROMIUM_MISSING}`, () => {
  const clock = new FakeClock(on('2035-09-01'));
  const browserErrors: string[] = [];
  const requested: string[] = [];
  let running: RunningApp;
  let flow: ProjectFlow;
  let accounts: Accounts;
  let browser: Browser;
  let tab: Page;
  /** The 2035 batch's approved projects (tiers A and B) by title. */
  const approved: Record<string, string> = {};

  const signInAs = (personId: string) => signIn(tab, running.url, accounts.credentials(personId));
  /** Picks an option of a select (Ant Design's) by its visible words. */
  const choose = async (select: Locator, option: string) => {
    await select.click();
    await tab.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
  };
  // The cycle list has the latest batch first: 2035's is picked by its name, not as the first.
  const chooseCycle = (name: string) => choose(tab.getByLabel('申报批次'), name);
  /** The charts of a part of the page (Ant Design's icons are images too). */
  const chartsIn = (part: Locator) => part.locator('div[role="img"]');
  const section = (title: string) => tab.locator('.ant-card').filter({ has: tab.getByRole('heading', { name: title, exact: true }) });

  /**
   * A batch of brand majors played through selection: `titles` approved (shortlisted into the tier each
   * names, where the batch has tiers), plus in 2035 one application left a draft and one submitted and not yet checked.
   */
  const batch = async (cycleId: string, year: number, rules: Record<string, unknown>, titles: readonly (readonly [string, string | null])[], extra: boolean) => {
    await flow.openCycle(cycleId, 'brand-major', year, { rules, rulesVersion: `brand-major/${year}-dashboard` });
    const recommender = await flow.token({ sub: 'ty-edu', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const reviewers = await Promise.all([1, 2, 3].map(async (n) => {
      const account = await accounts.account({ sub: `dash-expert-${n}`, role: 'reviewer', org: `山西第${n}大学` });
      return { id: account.personId, org: account.org, token: account.token };
    }));
    clock.set(on(`${year}-09-02`));
    const school = (n: number) => flow.token({ sub: `dash-${year}-school-${n}`, role: 'applicant', org: `太原第${n}职业技术学院（${year}）`, region: '太原市' });
    const draft = (applicant: string, title: string) => flow.draft(applicant, cycleId, 'brand-major', title);
    const selected: { id: string; applicant: string; tier: string | null; title: string }[] = [];
    for (const [n, [title, tier]] of titles.entries()) {
      const applicant = await school(n + 1);
      selected.push({ id: await draft(applicant, title), applicant, tier, title });
    }
    if (extra) {
      await draft(await school(8), '电子商务品牌专业（草稿）');
      const submitted = await school(9);
      await flow.ok(flow.submit(submitted, await draft(submitted, '物流管理品牌专业（待审查）')), 'submit the unchecked application');
    }
    await flow.review(year, selected, recommender, reviewers);
    clock.set(on(`${year}-10-15`));
    const shortlisted = selected.map((p) => ({ projectId: p.id, ...(p.tier ? { tier: p.tier } : {}) }));
    await flow.ok(flow.http.post(`/cycles/${cycleId}/shortlist`, flow.office, { shortlisted, notSelected: [], reason: '评审会议纪要' }), 'shortlist');
    const { noticeId } = await flow.openNotice(cycleId, `${year}-10-16`);
    clock.set(on(`${year}-10-31`));
    await flow.ok(flow.http.post(`/cycles/${cycleId}/end-notice`, flow.office, { noticeId }), 'end notice');
    await flow.ok(flow.http.post(`/cycles/${cycleId}/approve`, flow.office, { projectIds: selected.map((p) => p.id), reason: '公示无异议，予以立项' }), 'approve');
    return selected;
  };

  beforeAll(async () => {
    // The built-in catalog: 200 brand majors over the plan's batches, the dashboard's target.
    running = await startTestApp({ PROGRAM_CATALOG_FILE: '' }, clock);
    flow = await ProjectFlow.start(running, clock);
    accounts = await Accounts.of(running);
    const tiers = { quota: 120, tiers: [{ name: 'A', quota: 40 }, { name: 'B', quota: 80 }] };
    for (const p of await batch('dash-brand-2035', 2035, tiers, [['机电一体化技术品牌专业', 'A'], ['数控技术品牌专业', 'B']], true)) approved[p.title] = p.id;
    await batch('dash-brand-2036', 2036, { quota: 80 }, [['汽车检测与维修技术品牌专业', null]], false);
    clock.set(on('2036-11-10'));
    browser = await launchChromium();
    tab = await openPage(browser, browserErrors);
    // Charts drawn at once, as for a person who asked for less motion: the screenshots show them finished.
    await tab.emulateMedia({ reducedMotion: 'reduce' });
    tab.on('request', (request) => requested.push(new URL(request.url()).pathname));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('loads ECharts on the dashboard alone, and shows the funnel, the quota gauges and the program’s target with the same numbers as the service', async () => {
    const chunk = `/console/${chartsChunk()}`;
    await signInAs((await accounts.account({ sub: 'office-1', role: 'office', org: '山西省教育厅' })).personId);
    await tab.getByRole('link', { name: '项目', exact: true }).click();
    await tab.getByRole('heading', { name: '项目列表' }).waitFor();
    await tab.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    // Sign-in, home and the projects list: the page is in use, and the charts' chunk was never asked for.
    expect(requested.filter((path) => path.endsWith('.js')).length).toBeGreaterThan(1);
    expect(requested).not.toContain(chunk);

    await tab.getByRole('link', { name: '数据看板' }).click();
    await tab.getByRole('heading', { name: '数据看板' }).waitFor();
    await chooseCycle('brand-major 2035');
    const funnel = tab.getByRole('table', { name: '阶段漏斗' });
    await funnel.locator('tbody tr.ant-table-row').first().waitFor();
    const dashboard = (await flow.http.get('/cycles/dash-brand-2035/dashboard', flow.office)).body;
    expect(dashboard.projectsPerStage).toEqual({ Draft: 1, Submitted: 1, Approved: 2 });
    // In the lifecycle's order, each stage's count as the service counts it.
    expect(await cellsOf(funnel)).toEqual(['Draft', 'Submitted', 'Approved'].map((stage) => [STAGE_WORDS[stage], String(dashboard.projectsPerStage[stage])]));
    expect(requested).toContain(chunk);

    const funnelChart = chartsIn(section('阶段漏斗'));
    expect(await funnelChart.getAttribute('aria-label')).toBe('各阶段项目数（按办理流程顺序）：草稿 1 个；已提交，待形式审查 1 个；已立项，待提交建设方案 2 个。');
    await funnelChart.locator('canvas').waitFor();
    expect(await drawnPixels(funnelChart.locator('canvas'))).toBeGreaterThan(500);

    // One gauge for the whole quota and one for each tier, each drawn, each summed up in words and in the table.
    const quota = section('名额使用');
    const gauges = chartsIn(quota);
    await gauges.nth(2).locator('canvas').waitFor();
    expect(await gauges.count()).toBe(3);
    for (let n = 0; n < 3; n += 1) expect(await drawnPixels(gauges.nth(n).locator('canvas'))).toBeGreaterThan(500);
    expect(dashboard).toMatchObject({ quota: 120, placesTaken: 2, remaining: 118, tiers: [{ tier: 'A', taken: 1 }, { tier: 'B', taken: 1 }] });
    // The cycle's status in words beside its counts, the window closed by now.
    expect(dashboard.status).toBe('WindowClosed');
    expect(await quota.locator('.ant-statistic').first().innerText()).toMatch(/状态\s+申报已截止/);
    expect(await gauges.nth(1).getAttribute('aria-label')).toBe('A 档：名额 40 个，已占 1 个，剩余 39 个。');
    expect(await cellsOf(quota.getByRole('table', { name: '名额使用' }))).toEqual([
      ['全部名额', String(dashboard.quota), String(dashboard.placesTaken), String(dashboard.remaining)],
      ...dashboard.tiers.map((t: { tier: string; quota: number; taken: number; remaining: number }) => [`${t.tier} 档`, String(t.quota), String(t.taken), String(t.remaining)]),
    ]);

    // The program of the cycle across its batches, the first first, against the plan's 200.
    const program = (await flow.http.get('/programs/brand-major', flow.office)).body;
    expect(program).toMatchObject({ target: 200, quotasGiven: 200, placesLeft: 0 });
    const target = section('建设目标与各批次立项');
    expect(await target.locator('.ant-select-content, .ant-select-selection-item').first().innerText()).toBe('职业教育品牌专业');
    await target.getByText('建设目标', { exact: true }).waitFor();
    expect(await target.locator('.ant-statistic').first().innerText()).toMatch(/建设目标\s+200/);
    const batches = [...program.cycles].reverse() as { name: string; quota: number; approved: number }[];
    expect(batches.map((b) => [b.name, b.approved])).toEqual([['brand-major 2035', 2], ['brand-major 2036', 1]]);
    let soFar = 0;
    expect(await cellsOf(target.getByRole('table', { name: '建设目标与各批次立项' }))).toEqual(batches.map((b) => [b.name, String(b.quota), String(b.approved), String((soFar += b.approved)), '是']));
    const targetChart = chartsIn(target);
    expect(await targetChart.getAttribute('aria-label')).toBe('职业教育品牌专业：建设目标 200；brand-major 2035立项 2 个（累计 2 个）；brand-major 2036立项 1 个（累计 3 个）。');
    expect(await drawnPixels(targetChart.locator('canvas'))).toBeGreaterThan(500);
    await screenshot(tab, 'dashboard');

    // In English the charts are drawn again in English words, their summaries too.
    await tab.getByRole('button', { name: 'English' }).click();
    await tab.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await cellsOf(tab.getByRole('table', { name: 'Stage funnel' }))).toEqual([
      ['Draft', '1'],
      ['Submitted, awaiting the formal check', '1'],
      ['Approved, construction plan due', '2'],
    ]);
    expect(await chartsIn(section('Quota used')).nth(2).getAttribute('aria-label')).toBe('Tier B: 1 of 80 places taken, 79 left.');
    await screenshot(tab, 'dashboard-en');
    await tab.getByRole('button', { name: '中文' }).click();
    await tab.getByRole('heading', { name: '数据看板' }).waitFor();
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('lets the office set a budget, grant an approved project and record a payment, the ledger then as the service keeps it', async () => {
    await tab.getByRole('menuitem', { name: '建设与资金' }).click();
    await tab.getByRole('link', { name: '资金', exact: true }).click();
    await tab.getByRole('heading', { name: '资金管理' }).waitFor();
    await chooseCycle('brand-major 2035');
    const ledger = tab.getByRole('table', { name: '资金台账' });
    await ledger.locator('tbody tr.ant-table-row').first().waitFor();
    expect((await cellsOf(ledger))[1]).toEqual(['省级财政', '未设定', '0.00', '0.00', '—']);

    // 6,000 万元 of provincial funds, typed in 万元 and shown in yuan before it is sent.
    const budget = section('设定预算');
    await choose(budget.getByLabel('资金来源'), '省级财政');
    await budget.getByLabel('金额', { exact: true }).fill('6000');
    await budget.getByText('即 60,000,000.00 元').waitFor();
    await budget.getByLabel('依据（如：财政厅下达资金的文号）').fill('晋财教〔2035〕8号');
    await budget.getByRole('button', { name: '设定预算' }).click();
    await tab.getByText('预算已设定').first().waitFor();
    await ledger.getByText('60,000,000.00').first().waitFor();

    // Granted to an approved project found by name: 150 万元 for 2035.
    const grant = section('安排资金');
    const project = grant.getByLabel('项目', { exact: true });
    await project.click();
    await project.pressSequentially('数控技术');
    await tab.locator('.ant-select-item-option-active').filter({ hasText: '数控技术品牌专业' }).waitFor();
    await tab.keyboard.press('Enter');
    await grant.getByLabel('预算年度').fill('2035');
    await choose(grant.getByLabel('资金来源'), '省级财政');
    // More than the budget first: refused in words with the amounts, and what was typed stays.
    await grant.getByLabel('金额', { exact: true }).fill('7000');
    await grant.getByLabel('安排理由（如：2035 年度品牌专业建设资金）').fill('2035 年度品牌专业建设资金');
    await grant.getByRole('button', { name: '安排资金' }).click();
    await grant.getByRole('alert').filter({ hasText: '超出预算：省级财政预算 60,000,000.00 元，已安排 0.00 元，尚余 60,000,000.00 元，不能再安排 70,000,000.00 元。' }).waitFor();
    expect(await grant.getByLabel('安排理由（如：2035 年度品牌专业建设资金）').inputValue()).toBe('2035 年度品牌专业建设资金');
    await grant.getByLabel('金额', { exact: true }).fill('150');
    await grant.getByRole('button', { name: '安排资金' }).click();
    await tab.getByText('资金已安排').first().waitFor();
    const grants = tab.getByRole('table', { name: '资金安排明细' });
    await grants.getByRole('link', { name: '数控技术品牌专业' }).waitFor();

    // Half of it paid, on a day before the service's today, with its voucher.
    await grants.getByRole('button', { name: /^记录拨付\s*：数控技术品牌专业$/ }).click();
    const dialog = tab.getByRole('dialog');
    await dialog.getByText('该笔资金 1,500,000.00 元，已拨付 0.00 元，尚可拨付 1,500,000.00 元。').waitFor();
    await dialog.getByLabel('拨付金额', { exact: true }).fill('75');
    await dialog.getByLabel('拨付日期').fill('2036-11-05');
    await dialog.getByLabel('拨付凭证或文号（选填）').fill('晋财教〔2036〕12号');
    await screenshot(tab, 'funding-payment');
    await dialog.getByRole('button', { name: '记录拨付' }).click();
    await tab.getByText('拨付已记录').first().waitFor();
    await grants.getByText('750,000.00').first().waitFor();

    const funds = (await flow.http.get('/cycles/dash-brand-2035/funds', flow.office)).body;
    expect(funds).toMatchObject({ budgets: { central: null, provincial: 60_000_000 }, granted: { provincial: 1_500_000 }, disbursed: { provincial: 750_000 }, left: { provincial: 58_500_000 } });
    const budgetCell = (source: 'central' | 'provincial' | 'matching') => (source === 'matching' ? '不设预算' : funds.budgets[source] === null ? '未设定' : yuan(funds.budgets[source]));
    const leftCell = (source: 'central' | 'provincial' | 'matching') => (source === 'matching' || funds.left[source] === null ? '—' : yuan(funds.left[source]));
    expect(await cellsOf(ledger)).toEqual((['central', 'provincial', 'matching'] as const).map((s) => [SOURCE_NAMES[s], budgetCell(s), yuan(funds.granted[s]), yuan(funds.disbursed[s]), leftCell(s)]));
    expect(funds.grants).toHaveLength(1);
    expect(await cellsOf(grants)).toEqual(
      funds.grants.map((g: { projectId: string; year: number; source: 'provincial'; amount: number; disbursed: number }) => [
        Object.entries(approved).find(([, id]) => id === g.projectId)![0],
        String(g.year),
        SOURCE_NAMES[g.source],
        yuan(g.amount),
        yuan(g.disbursed),
        yuan(g.amount - g.disbursed),
        expect.stringMatching(/^记录拨付\s*：数控技术品牌专业$/),
      ]),
    );

    // Beneath, the summary by program as GET /funding answers it, with its downloads.
    const summary = section('资金汇总');
    const byProgram = (await flow.http.get('/funding?by=program&cycleId=dash-brand-2035', flow.office)).body.items;
    expect(byProgram).toMatchObject([{ program: 'brand-major', projects: 1, budget: 60_000_000, granted: { provincial: 1_500_000 }, disbursed: { provincial: 750_000 } }]);
    const summaryTable = summary.getByRole('table', { name: '资金汇总' });
    await summaryTable.getByText('职业教育品牌专业').waitFor();
    const row = byProgram[0];
    expect(await cellsOf(summaryTable)).toEqual([
      ['职业教育品牌专业', String(row.projects), yuan(row.budget), ...['central', 'provincial', 'matching'].map((s) => yuan(row.granted[s])), yuan(row.total.granted), ...['central', 'provincial', 'matching'].map((s) => yuan(row.disbursed[s])), yuan(row.total.disbursed)],
    ]);
    expect(await summary.getByRole('link', { name: '导出 CSV' }).getAttribute('href')).toBe('/funding?by=program&cycleId=dash-brand-2035&format=csv');
    // The radio's input is Ant Design's hidden one: a person clicks its words.
    await summary.locator('label').filter({ hasText: '按学校' }).click();
    expect(await summary.getByRole('radio', { name: '按学校' }).isChecked()).toBe(true);
    await summaryTable.getByText('太原第2职业技术学院（2035）').waitFor();
    expect(await summary.getByRole('link', { name: '导出 CSV' }).getAttribute('href')).toBe('/funding?by=school&cycleId=dash-brand-2035&format=csv');
    await screenshot(tab, 'funding');
    // The refusal over the budget answered 409; nothing else went wrong.
    expect(browserErrors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
  });
});
