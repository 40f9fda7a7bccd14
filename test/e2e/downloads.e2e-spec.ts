import { inflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { EVENT_STORE, EventStore } from '../../src/application/event-store';
import { DeadlinesService } from '../../src/infrastructure/scheduling/deadlines.service';
import { Accounts } from '../support/accounts';
import { client, HttpResult } from '../support/http';
import { expectOk, FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** Raw bytes of a GET, with the headers, as a browser's download receives them. */
async function download(running: RunningApp, path: string, token?: string): Promise<{ status: number; type: string; disposition: string; bytes: Buffer }> {
  const response = await fetch(`${running.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, type: response.headers.get('content-type') ?? '', disposition: response.headers.get('content-disposition') ?? '', bytes: Buffer.from(await response.arrayBuffer()) };
}

/** A workbook's first sheet as rows of cell texts (the heading row first); numbers stay numbers. */
async function sheetRows(bytes: Buffer): Promise<(string | number | null)[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: (string | number | null)[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as (string | number | null)[]).slice(1).map((v) => (v === undefined ? null : v))));
  return rows;
}

/** A CSV file as rows of cells (the service quotes only where a cell holds a comma, a quote or a line break). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows;
}

/** Every text a PDF's ToUnicode maps say its embedded glyphs stand for, and whether a font file is embedded. */
function pdfFacts(bytes: Buffer): { pages: number; embeddedFont: boolean; baseFont: string; characters: Set<string> } {
  const text = bytes.toString('latin1');
  const characters = new Set<string>();
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = text.indexOf('endstream', start);
    let body: string;
    try {
      body = inflateSync(bytes.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    if (!body.includes('beginbfrange') && !body.includes('beginbfchar')) continue;
    // <glyph> <unicode> pairs and ranges [<u1> <u2> ...]: the unicode halves are UTF-16BE hex.
    for (const hex of body.matchAll(/<([0-9a-fA-F]{4,})>/g)) {
      const code = parseInt(hex[1], 16);
      if (hex[1].length === 4 && code >= 0x20) characters.add(String.fromCharCode(code));
    }
  }
  return {
    pages: Number(/\/Type \/Pages[\s\S]*?\/Count (\d+)/.exec(text)?.[1] ?? 0),
    embeddedFont: /\/FontFile2 \d+ 0 R/.test(text),
    baseFont: /\/BaseFont \/([A-Z]{6}\+[^\s/]+)/.exec(text)?.[1] ?? '',
    characters,
  };
}

/**
 * The lists clerks work from, downloaded as XLSX and as CSV (with a byte-order mark): each file holds the
 * rows and the words the list shows, whatever its page size; the public notice and an approval as PDFs
 * with their Chinese glyphs embedded.
 */
describe('downloads', () => {
  const clock = new FakeClock(on('2034-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  let http: ReturnType<typeof client>;
  let school: string;
  let otherSchool: string;
  let recommender: string;
  const cycleId = 'downloads-2034';
  const titles = ['机电一体化技术', '=HYPERLINK("http://example.com","点击")', '旅游管理', '数控技术'];
  const projects: string[] = [];
  let notice: { noticeId: string; endsOn: string };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    flow = await ProjectFlow.start(running, clock);
    const accounts = await Accounts.of(running);
    school = await accounts.token({ sub: 'dl-school', role: 'applicant', org: '太原市职业技术学校', region: '太原市' });
    otherSchool = await accounts.token({ sub: 'dl-school-2', role: 'applicant', org: '太原市第二职业学校', region: '太原市' });
    recommender = await accounts.token({ sub: 'dl-ty', role: 'recommender', org: '太原市教育局', region: '太原市' });
    // A brand major's review needs three experts' scores.
    const experts = await Promise.all([1, 2, 3].map((n) => accounts.account({ sub: `dl-expert-${n}`, role: 'reviewer', org: `专家单位${n}` })));
    await flow.openCycle(cycleId, 'brand-major', 2034, { rules: { quota: 3 }, rulesVersion: 'brand-major/2034-downloads' });
    clock.set(on('2034-09-02'));
    // A school applies at most three times in a cycle: the first two titles are one school's, the others another's.
    const applicants = titles.map((_, i) => (i < 2 ? school : otherSchool));
    for (const [i, title] of titles.entries()) projects.push(await flow.draft(applicants[i], cycleId, 'brand-major', title));
    await flow.review(2034, projects.map((id, i) => ({ id, applicant: applicants[i] })), recommender, experts.map((e) => ({ id: e.personId, org: e.org, token: e.token })));
    clock.set(on('2034-10-15'));
    const [first, second, third, fourth] = projects;
    await flow.ok(http.post(`/cycles/${cycleId}/shortlist`, flow.office, { shortlisted: [{ projectId: first }, { projectId: second }, { projectId: third }], notSelected: [{ projectId: fourth, reason: '得分未达入围线' }], reason: '评审会议纪要' }), 'shortlist');
    notice = await flow.openNotice(cycleId, '2034-10-16');
  }, 120_000);
  afterAll(() => running?.stop());

  const listed = async (path: string, token: string) => expectOk(await http.get(path, token), path);

  it('downloads a cycle’s applications as XLSX whose rows equal the list, however small its page, with the statuses in words', async () => {
    const list = await listed(`/projects?cycleId=${cycleId}&limit=500`, flow.office);
    const file = await download(running, `/projects?cycleId=${cycleId}&format=xlsx`, flow.office);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`项目-${cycleId}.xlsx`)}`);
    const [heading, ...rows] = await sheetRows(file.bytes);
    expect(heading.slice(0, 3)).toEqual(['项目名称', '项目类型', '申报批次']);
    const column = (name: string) => heading.indexOf(name);
    expect(rows.map((r) => [r[column('项目名称')], r[column('状态')], r[column('项目类型')]])).toEqual(
      list.items.map((p: { title: string; status: string }) => [p.title, p.status === 'InPublicNotice' ? '公示中' : '未入选', '职业教育品牌专业']),
    );
    // A page of one is still the whole list in a file only when asked for: a limit is kept.
    expect(await sheetRows((await download(running, `/projects?cycleId=${cycleId}&format=xlsx&limit=1`, flow.office)).bytes)).toHaveLength(2);
    // A title that reads as a formula is a string cell, never a formula.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const formulaLike = workbook.worksheets[0].getColumn(1).values.find((v) => typeof v === 'string' && v.startsWith('=HYPERLINK'));
    expect(formulaLike).toBe(titles[1]);
    let formulas = 0;
    workbook.worksheets[0].eachRow((row) => row.eachCell((cell) => void (cell.type === ExcelJS.ValueType.Formula && (formulas += 1))));
    expect(formulas).toBe(0);
  });

  it('downloads a city’s recommendation list as CSV with a byte-order mark, a formula defused, the same rows as on screen', async () => {
    // The shortlisted left "Recommended"; the one not selected is the city's list of what it recommended and was passed over.
    const list = await listed(`/projects?cycleId=${cycleId}&region=${encodeURIComponent('太原市')}&limit=500`, recommender);
    const file = await download(running, `/projects?cycleId=${cycleId}&region=${encodeURIComponent('太原市')}&format=csv`, recommender);
    expect([file.status, file.type]).toEqual([200, 'text/csv; charset=utf-8']);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [heading, ...rows] = csvRows(file.bytes.toString('utf8').slice(1));
    expect(heading[0]).toBe('项目名称');
    expect(rows.map((r) => r[0])).toEqual(list.items.map((p: { title: string }) => (p.title.startsWith('=') ? `'${p.title}` : p.title)));
    expect(rows.every((r) => r[heading.indexOf('所在城市')] === '太原市')).toBe(true);
    // The city ranked the four in the order they were drafted: each row carries its rank.
    expect(rows.map((r) => r[heading.indexOf('推荐排名')])).toEqual(list.items.map((p: { recommendationRank: number }) => String(p.recommendationRank)));
    expect(list.items.map((p: { recommendationRank: number }) => p.recommendationRank).sort()).toEqual([1, 2, 3, 4]);
  });

  it('downloads the shortlist with its scores and the public notice’s list, and the notice as a PDF in Chinese', async () => {
    const ranking = await listed(`/cycles/${cycleId}/ranking`, flow.office);
    const [heading, ...rows] = await sheetRows((await download(running, `/cycles/${cycleId}/ranking?format=xlsx`, flow.office)).bytes);
    expect(heading).toEqual(['名次', '项目名称', '申报单位', '所在城市', '档次', '评审得分', '评分专家数', '名额内', '低于分数线', '状态']);
    expect(rows.map((r) => [r[1], r[5], r[7]])).toEqual(ranking.items.map((i: { title: string; score: number; withinQuota: boolean }) => [i.title, i.score, i.withinQuota ? '是' : '否']));
    expect((await download(running, `/cycles/${cycleId}/ranking?format=xlsx`, school)).status).toBe(403);

    // The notice is public: no one signs in to download or print it.
    const publicList = await http.get('/notices');
    const file = await download(running, '/notices?format=csv');
    const [noticeHeading, ...noticeRows] = csvRows(file.bytes.toString('utf8').slice(1));
    expect(noticeHeading).toEqual(['批次', '公示编号', '公示截止', '项目名称', '申报单位', '档次', '异议数']);
    expect(noticeRows.map((r) => r[3].replace(/^'/, ''))).toEqual(publicList.body.items.flatMap((n: { projects: { title: string }[] }) => n.projects.map((p) => p.title)));
    expect(noticeRows.every((r) => !r.join(',').includes('dl-school'))).toBe(true);

    const pdf = await download(running, `/notices/${cycleId}/${notice.noticeId}/pdf`);
    expect([pdf.status, pdf.type, pdf.bytes.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-']);
    expect(pdf.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('公示-brand-major 2034.pdf')}`);
    const facts = pdfFacts(pdf.bytes);
    expect(facts).toMatchObject({ pages: 1, embeddedFont: true, baseFont: expect.stringContaining('NotoSansSC') });
    // The glyphs embedded are the paper's own: the title's, the list's, the objection's rule.
    for (const ch of '拟入选名单公示机电一体化技术旅游管理实名异议山西省教育厅') expect([ch, facts.characters.has(ch)]).toEqual([ch, true]);
    expect(pdf.bytes.length).toBeLessThan(200_000);
    expect((await download(running, `/notices/${cycleId}/no-such-notice/pdf`)).status).toBe(404);
  });

  it('prints an approval for whoever may read the project, refuses one not approved, and lists the approved and the funding per project', async () => {
    const [first, , , fourth] = projects;
    clock.set(on(notice.endsOn));
    clock.set(on('2034-10-31'));
    await flow.ok(http.post(`/cycles/${cycleId}/end-notice`, flow.office, { noticeId: notice.noticeId }), 'end notice');
    await flow.ok(http.post(`/cycles/${cycleId}/approve`, flow.office, { projectIds: projects.slice(0, 3), reason: '公示无异议，予以立项' }), 'approve');

    const approval = await download(running, `/projects/${first}/approval/pdf`, school);
    expect([approval.status, approval.type]).toEqual([200, 'application/pdf']);
    const facts = pdfFacts(approval.bytes);
    expect(facts.embeddedFont).toBe(true);
    for (const ch of '关于机电一体化技术立项的通知记录核验') expect([ch, facts.characters.has(ch)]).toEqual([ch, true]);
    const stored = await running.app.get<EventStore>(EVENT_STORE).readStream(`project-${first}`);
    const approved = stored.find((e) => e.type === 'ProjectApproved')!;
    expect(approved.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    // The paper names the approval's revision and hash, as ASCII digits in its text.
    for (const ch of `${approved.revision}${approved.metadata.hash}`) expect([ch, facts.characters.has(ch)]).toEqual([ch, true]);
    expect((await http.get(`/projects/${fourth}/approval/pdf`, otherSchool)).body).toMatchObject({ status: 409, code: 'not-approved' });
    const stranger = await (await Accounts.of(running)).token({ sub: 'dl-other', role: 'applicant', org: '大同市职业学校', region: '大同市' });
    expect((await http.get(`/projects/${first}/approval/pdf`, stranger)).status).toBe(403);

    const results = await http.get('/results');
    const [heading, ...rows] = await sheetRows((await download(running, '/results?format=xlsx')).bytes);
    expect(heading).toEqual(['批次', '立项日期', '项目名称', '申报单位', '档次', '已撤销']);
    expect(rows.map((r) => r[2])).toEqual(results.body.items.flatMap((c: { projects: { title: string }[] }) => c.projects.map((p) => p.title)));

    await flow.ok(http.post(`/cycles/${cycleId}/funds/budget`, flow.office, { source: 'provincial', amount: 900_000, reason: '晋财教〔2034〕1号' }), 'budget');
    await flow.ok(http.post(`/cycles/${cycleId}/funds/grants`, flow.office, { projectId: first, year: 2035, source: 'provincial', amount: 300_000, reason: '2035 年度建设资金' }), 'grant');
    const funding = (await listed(`/funding?by=project&cycleId=${cycleId}`, flow.office)).items;
    expect(funding).toEqual([expect.objectContaining({ project: first, name: titles[0], total: { granted: 300_000, disbursed: 0 } })]);
    const [fundHeading, ...fundRows] = await sheetRows((await download(running, `/funding?by=project&cycleId=${cycleId}&format=xlsx`, flow.office)).bytes);
    expect(fundHeading.slice(0, 3)).toEqual(['项目编号', '项目名称', '中央财政·已安排']);
    expect(fundRows).toEqual([[first, titles[0], 0, 300_000, 0, 0, 0, 0]]);
  });

  it('lists the overdue and the enterprise registry as files, and refuses a format it does not write', async () => {
    // The approved projects' construction plans fell due on their day; the scheduler records them overdue.
    clock.set(on('2035-03-01'));
    await running.app.get(DeadlinesService).scheduler.tick();
    const overdue = await listed('/overdue', flow.office);
    expect(overdue.projects.total).toBeGreaterThan(0);
    const [heading, ...rows] = await sheetRows((await download(running, '/overdue?format=xlsx', flow.office)).bytes);
    expect(heading).toEqual(['类别', '名称', '单位', '所在城市', '状态', '逾期事项']);
    expect(rows.map((r) => r[1])).toEqual(overdue.projects.items.map((p: { title: string }) => p.title));
    expect(rows.every((r) => r[5] === '建设方案和任务书')).toBe(true);

    const registry = await download(running, '/enterprises?format=csv', flow.office);
    expect(csvRows(registry.bytes.toString('utf8').slice(1))[0]).toEqual(['企业名称', '统一社会信用代码', '所在城市', '状态', '入库时间', '证书编号', '证书有效期至', '禁入期至', '逾期事项']);

    const refused: HttpResult = await http.get('/projects?format=pdf', flow.office);
    expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([400, 'validation-failed', 'format']);
  });
});
