import ExcelJS from 'exceljs';
import { EVENT_STORE, EventStore } from '../../src/application/event-store';
import { isCreditCode } from '../../src/domain/organisation/organisation';
import { IMPORT_MAX_BYTES } from '../../src/infrastructure/http/organisation-import';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { Accounts } from '../support/accounts';
import { client, HttpResult } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

/** A valid credit code from its first 17 characters: the check character found by the registry's own test. */
function creditCode(first17: string): string {
  const check = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].find((c) => isCreditCode(first17 + c));
  if (!check) throw new Error(`no check character for ${first17}`);
  return first17 + check;
}
const school = (n: number) => creditCode(`12140100MB1${String(n).padStart(6, '0')}`);

const OFFICE = '11140000405200012U';
const SCHOOL_A = '12140100MB1000001K';
const SCHOOL_B = '12140100MB1000002N';
const BUREAU = '11140100MB10000066';
const ADMIN = FirstStart.ADMIN_ID;

type Problem = { code?: string; details?: { rows?: { row: number; creditCode: string; problems: { field: string; code: string }[] }[] }; [key: string]: unknown };

const expectProblem = (result: HttpResult<Problem>, status: number, code?: string) => {
  expect({ status: result.status, code: result.body?.code }).toEqual({ status, code: code ?? expect.any(String) });
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
};

describe('organisations, people and grants over HTTP', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let store: EventStore;
  let office: string;
  let outsider: string;
  let accounts: Accounts;

  /** The position of the last event in the log: unchanged when a request wrote nothing. */
  const lastPosition = async () => (await store.status()).lastPosition?.toString() ?? null;

  const upload = async (token: string, name: string, bytes: Buffer | string, type: string, options: { field?: string; headers?: Record<string, string> } = {}) => {
    const form = new FormData();
    form.append(options.field ?? 'file', new Blob([bytes], { type }), name);
    const response = await fetch(`${running.url}/organisations/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...options.headers }, body: form });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined } as HttpResult;
  };

  const csvOf = (rows: string[][]) => `${rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')).join('\r\n')}\r\n`;
  const CSV = 'text/csv';
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const xlsxOf = async (rows: unknown[][]) => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('学校名单');
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  };

  const organisationsTotal = async (after: string | null, filter = '') => (await http.get(`/organisations?limit=1${filter}${after ? `&after=${after}` : ''}`, office)).body.total as number;

  beforeAll(async () => {
    running = await startTestApp();
    http = client(running);
    store = running.app.get<EventStore>(EVENT_STORE);
    // The office's first admin, set up with the first start's link.
    accounts = await Accounts.of(running);
    office = accounts.admin.token;
    // Signed in, but nobody of the schools or the office: a clerk of another city's bureau.
    outsider = await accounts.token({ sub: 'outsider', role: 'recommender', org: '大同市教育局', region: '大同市' });
  });
  afterAll(() => running.stop());

  describe('the registry', () => {
    it('registers a school and a bureau, answers each under its credit code, and lists them by kind and city', async () => {
      const created = await http.post('/organisations', office, { kind: 'school', creditCode: ` ${SCHOOL_A.toLowerCase()} `, name: ' 太原职业技术学院 ', city: '太原市', schoolKind: '高职' });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/organisations/${SCHOOL_A}`);
      expect(created.body).toMatchObject({ stream: 'registry-organisations', events: ['OrganisationRegistered'], creditCode: SCHOOL_A });
      const bureau = await http.post('/organisations', office, { kind: 'bureau', creditCode: BUREAU, name: '太原市教育局', city: '太原市', bureauKind: '教育局' });
      expect(bureau.status).toBe(201);

      const read = await http.get(`/organisations/${SCHOOL_A.toLowerCase()}`, outsider);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ id: SCHOOL_A, revision: Number(bureau.headers.get('etag')!.replace(/"/g, '')), kind: 'school', creditCode: SCHOOL_A, name: '太原职业技术学院', city: '太原市', schoolKind: '高职' });
      expect(read.headers.get('etag')).toBe(bureau.headers.get('etag'));

      const bureaus = await http.get(`/organisations?kind=bureau&city=${encodeURIComponent('太原市')}&after=${bureau.body.position}`, outsider);
      expect(bureaus.status).toBe(200);
      expect(bureaus.body).toMatchObject({ total: 1, items: [{ kind: 'bureau', creditCode: BUREAU, name: '太原市教育局', city: '太原市', bureauKind: '教育局' }] });
      const offices = await http.get('/organisations?kind=office', office);
      expect(offices.body.items).toEqual([{ kind: 'office', creditCode: OFFICE, name: '山西省教育厅' }]);
    });

    it('leaves codes, cities and places to the registry, and registering to the office', async () => {
      const before = await lastPosition();
      expectProblem(await http.post('/organisations', office, { kind: 'school', creditCode: '12140100MB1000001A', name: '学校', city: '太原市', schoolKind: '高职' }), 400, 'invalid-credit-code');
      expectProblem(await http.post('/organisations', office, { kind: 'school', creditCode: SCHOOL_B, name: '学校', city: '北京市', schoolKind: '高职' }), 400, 'unknown-city');
      expectProblem(await http.post('/organisations', office, { kind: 'school', creditCode: SCHOOL_A, name: '另一个名字', city: '太原市', schoolKind: '高职' }), 409, 'organisation-already-registered');
      expectProblem(await http.post('/organisations', office, { kind: 'bureau', creditCode: creditCode('11140100MB1000009'), name: '又一个教育局', city: '太原市', bureauKind: '教育局' }), 409, 'place-already-held');
      expectProblem(await http.post('/organisations', outsider, { kind: 'school', creditCode: SCHOOL_B, name: '学校', city: '太原市', schoolKind: '高职' }), 403, 'role-not-allowed');
      expectProblem(await http.get(`/organisations/${SCHOOL_B}`, office), 404, 'organisation-not-found');
      expect(await lastPosition()).toBe(before);
    });

    it('renames and moves an organisation with a reason; an unknown one is not found', async () => {
      const moved = await http.post(`/organisations/${SCHOOL_A}/update`, office, { city: '晋中市', reason: '整体搬迁至晋中市' });
      expect(moved.status).toBe(200);
      expect(moved.body.events).toEqual(['OrganisationUpdated']);
      expect((await http.get(`/organisations/${SCHOOL_A}`, office)).body).toMatchObject({ city: '晋中市', name: '太原职业技术学院' });
      const back = await http.post(`/organisations/${SCHOOL_A}/update`, office, { city: '太原市', reason: '回迁' });
      expect(back.body.events).toEqual(['OrganisationUpdated']);
      expect((await http.get(`/organisations?city=${encodeURIComponent('晋中市')}&after=${back.body.position}`, office)).body.total).toBe(0);
      expectProblem(await http.post(`/organisations/${SCHOOL_B}/update`, office, { name: '新名字', reason: '更名' }), 404, 'organisation-not-found');
      expectProblem(await http.post(`/organisations/${SCHOOL_A}/update`, office, { name: '新名字' }), 400, 'validation-failed');
      expectProblem(await http.post(`/organisations/${SCHOOL_A}/update`, outsider, { name: '新名字', reason: '更名' }), 403, 'role-not-allowed');
    });
  });

  describe('importing the office’s list', () => {
    const CSV_SCHOOLS = [school(101), school(102), school(103)];
    const XLSX_SCHOOLS = [school(201), school(202), school(203)];
    const csvList = csvOf([
      ['单位名称', '统一社会信用代码', '所在城市', '学校类型'],
      ['山西省机电职业技术学院', CSV_SCHOOLS[0], '长治市', '高职'],
      ['大同市第一职业中学校, 东校区', CSV_SCHOOLS[1], '大同市', '中职'],
      ['阳泉市技工学校', CSV_SCHOOLS[2], '阳泉市', '技工学校'],
    ]);

    it('imports a CSV of three schools, and the same list again changes nothing', async () => {
      const schoolsBefore = await organisationsTotal(await lastPosition(), '&kind=school');
      const imported = await upload(office, '学校名单.csv', csvList, CSV);
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ imported: 3, unchanged: 0, format: 'csv', events: ['OrganisationsImported'] });
      expect(await organisationsTotal(imported.body.position, '&kind=school')).toBe(schoolsBefore + 3);
      expect((await http.get(`/organisations/${CSV_SCHOOLS[1]}`, office)).body).toMatchObject({ name: '大同市第一职业中学校, 东校区', city: '大同市', schoolKind: '中职' });

      const before = await lastPosition();
      const again = await upload(office, '学校名单.csv', csvList, CSV);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ imported: 0, unchanged: 3, events: [] });
      expect(await lastPosition()).toBe(before);
    });

    it('imports an XLSX of three schools (the first sheet, English headers, a column it does not know, a blank row, a kind column)', async () => {
      const workbook = await xlsxOf([
        ['No.', 'Name', 'Credit Code', 'City', 'School Kind', 'Kind'],
        [1, '山西工程职业学院', XLSX_SCHOOLS[0], '太原市', '高职', ''],
        [],
        [3, { richText: [{ text: '晋城' }, { text: '职业技术学院' }] }, XLSX_SCHOOLS[1], '晋城市', '高职', '学校'],
        [4, '运城学院', XLSX_SCHOOLS[2], '运城市', '本科', 'school'],
      ]);
      const imported = await upload(office, 'schools.xlsx', workbook, XLSX);
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ imported: 3, unchanged: 0, format: 'xlsx' });
      const listed = await http.get(`/organisations?kind=school&city=${encodeURIComponent('晋城市')}&after=${imported.body.position}`, office);
      expect(listed.body.items).toEqual([{ kind: 'school', creditCode: XLSX_SCHOOLS[1], name: '晋城职业技术学院', city: '晋城市', schoolKind: '高职' }]);
      // Rows already registered exactly so are counted, not refused.
      const mixed = await http.post('/organisations/import', office, { rows: [{ kind: 'school', creditCode: XLSX_SCHOOLS[2], name: '运城学院', city: '运城市', schoolKind: '本科' }, { kind: 'school', creditCode: school(204), name: '吕梁职业技术学院', city: '吕梁市', schoolKind: '高职' }] });
      expect(mixed.status).toBe(200);
      expect(mixed.body).toMatchObject({ imported: 1, unchanged: 1 });
    });

    it('refuses a list with two bad rows, naming exactly those rows as the file numbers them, and writes nothing', async () => {
      const total = await organisationsTotal(await lastPosition());
      const before = await lastPosition();
      const list = csvOf([
        ['单位名称', '统一社会信用代码', '所在城市', '学校类型'],
        ['好学校一', school(301), '太原市', '高职'],
        ['坏学校：代码', '12140100MB1000301Z', '太原市', '高职'],
        [''],
        ['好学校二', school(302), '晋中市', '中职'],
        ['坏学校：城市', school(303), '北京市', '中职'],
      ]);
      const refused = await upload(office, 'bad.csv', list, CSV);
      expectProblem(refused, 400, 'import-rows-invalid');
      // The header is row 1 and the blank row 5 still counts: the bad rows are the file's rows 3 and 6.
      expect(refused.body.details.rows).toEqual([
        { row: 3, creditCode: '12140100MB1000301Z', problems: [expect.objectContaining({ field: 'creditCode', code: 'invalid-credit-code' })] },
        { row: 6, creditCode: school(303), problems: [expect.objectContaining({ field: 'city', code: 'unknown-city' })] },
      ]);
      expect(await lastPosition()).toBe(before);
      expect(await organisationsTotal(before)).toBe(total);
      expectProblem(await http.get(`/organisations/${school(301)}`, office), 404, 'organisation-not-found');
    });

    it('reports the rows it could not hand to the registry beside those the registry refuses, in one report', async () => {
      const before = await lastPosition();
      const workbook = await xlsxOf([
        ['单位名称', '统一社会信用代码', '所在城市', '学校类型', '单位类型'],
        ['好学校', school(401), '太原市', '高职', '学校'],
        ['外星机构', school(402), '太原市', '', '星际联盟'],
        ['数字代码学校', 121401000000000001, '太原市', '高职', ''],
        ['重复的学校', school(401), '太原市', '高职', ''],
      ]);
      const refused = await upload(office, 'mixed.xlsx', workbook, XLSX);
      expectProblem(refused, 400, 'import-rows-invalid');
      expect(refused.body.details.rows.map((r: { row: number; problems: { code: string }[] }) => [r.row, r.problems.map((p) => p.code)])).toEqual([
        [3, ['unknown-kind']],
        [4, ['credit-code-stored-as-number']],
        [5, ['duplicate-in-file']],
      ]);
      // JSON rows are numbered by their place in `rows`, the first being row 1.
      const json = await http.post('/organisations/import', office, {
        rows: [
          { kind: 'school', creditCode: school(403), name: '好学校', city: '太原市', schoolKind: '高职' },
          { kind: 'school', creditCode: school(404), name: ' ', city: '太原市', schoolKind: '高职' },
          { kind: 'bureau', creditCode: creditCode('11140100MB1000040'), name: '太原市人社局', city: '太原市', bureauKind: '文旅局' },
        ],
      });
      expectProblem(json, 400, 'import-rows-invalid');
      expect(json.body.details.rows.map((r: { row: number }) => r.row)).toEqual([2, 3]);
      expect(await lastPosition()).toBe(before);
    });

    it('answers an upload that is no list with 400 unreadable-import-file, and a broken multipart body with 400', async () => {
      const before = await lastPosition();
      const unreadable = [
        await upload(office, 'list.pdf', Buffer.from('%PDF-1.7\n\u0000\u0001binary'), 'application/pdf'),
        await upload(office, 'list.xlsx', Buffer.from('PK\u0003\u0004 not really a workbook'), XLSX),
        await upload(office, 'list.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'application/vnd.ms-excel'),
        await upload(office, 'list.csv', csvOf([['名称', '代码'], ['学校', school(501)]]), CSV),
        await upload(office, 'empty.csv', '', CSV),
      ];
      for (const result of unreadable) expectProblem(result, 400, 'unreadable-import-file');
      expect(unreadable[3].body).toMatchObject({ missingColumns: ['name', 'creditCode'] });
      expect(unreadable[2].body.detail).toMatch(/\.xlsx or \.csv/);

      expectProblem(await upload(office, 'list.csv', csvList, CSV, { field: 'list' }), 400, 'import-file-field');
      const raw = (body: string, type: string) => http.request('POST', '/organisations/import', { token: office, raw: body, headers: { 'content-type': type } });
      const part = `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n${csvList}\r\n--XYZ--\r\n`;
      const broken: [string, string, string][] = [
        [part, 'multipart/form-data', 'malformed-multipart'],
        [part.slice(0, 120), 'multipart/form-data; boundary=XYZ', 'malformed-multipart'],
        ['garbage', 'multipart/form-data; boundary=XYZ', 'malformed-multipart'],
        // A part beside the list is refused, as a JSON body's unknown field is: before the file, after it, or a second file.
        [`--XYZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n${part}`, 'multipart/form-data; boundary=XYZ', 'import-unexpected-part'],
        [`${part.replace('--XYZ--', '--XYZ')}Content-Disposition: form-data; name="note"\r\n\r\nhello\r\n--XYZ--\r\n`, 'multipart/form-data; boundary=XYZ', 'import-unexpected-part'],
        [`${part.replace('--XYZ--', '--XYZ')}${part.slice('--XYZ\r\n'.length)}`, 'multipart/form-data; boundary=XYZ', 'import-unexpected-part'],
        ['--XYZ--\r\n', 'multipart/form-data; boundary=XYZ', 'import-file-missing'],
      ];
      for (const [body, type, code] of broken) {
        const result = await raw(body, type);
        expect([body.slice(0, 60), result.status, result.body.code]).toEqual([body.slice(0, 60), 400, code]);
        expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const huge = csvOf([['单位名称', '统一社会信用代码'], ...Array.from({ length: 200_000 }, (_, i) => [`学校${i}`, school(i)])]);
      expect(Buffer.byteLength(huge)).toBeGreaterThan(IMPORT_MAX_BYTES);
      expectProblem(await upload(office, 'huge.csv', huge, CSV), 413, 'import-file-too-large');
      // A command route that takes JSON answers a multipart body with the validation of an empty one.
      expectProblem(await http.request('POST', '/people', { token: office, raw: part, headers: { 'content-type': 'multipart/form-data; boundary=XYZ' } }), 400, 'validation-failed');
      // Before any file is read, the role table: an applicant's upload is refused as such.
      expectProblem(await upload(outsider, '学校名单.csv', csvList, CSV), 403, 'role-not-allowed');
      expect(await lastPosition()).toBe(before);
    });

    it('takes an Idempotency-Key with a file: the same file again answers the first outcome, another file with that key is refused', async () => {
      const list = csvOf([['name', 'creditCode', 'city', 'schoolKind'], ['临汾职业技术学院', school(601), '临汾市', '高职']]);
      const first = await upload(office, 'a.csv', list, CSV, { headers: { 'idempotency-key': 'import-601' } });
      expect(first.body).toMatchObject({ imported: 1, unchanged: 0, repeated: false });
      const repeat = await upload(office, 'a.csv', list, CSV, { headers: { 'idempotency-key': 'import-601' } });
      expect(repeat.body).toMatchObject({ imported: 1, unchanged: 0, repeated: true, position: first.body.position });
      const other = csvOf([['name', 'creditCode', 'city', 'schoolKind'], ['忻州职业技术学院', school(602), '忻州市', '高职']]);
      expectProblem(await upload(office, 'a.csv', other, CSV, { headers: { 'idempotency-key': 'import-601' } }), 422, 'idempotency-key-reused');
    });
  });

  describe('people and grants', () => {
    let adminA: { personId: string; token: string };
    let colleague: string;
    let leadGrant: string;
    let adminB: string;

    const person = async (token: string, organisationId: string, name: string) => {
      const created = await http.post('/people', token, { name, organisationId, email: `${encodeURIComponent(name).slice(0, 12).replace(/%/g, '')}@example.cn` });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/people/${created.body.personId}`);
      return created.body.personId as string;
    };

    beforeAll(async () => {
      expect((await http.post('/organisations', office, { kind: 'school', creditCode: SCHOOL_B, name: '山西工程职业学院', city: '太原市', schoolKind: '高职' })).status).toBe(201);
    });

    it('registers a person at a school, and the office makes them the school’s admin', async () => {
      const personId = await person(office, SCHOOL_A, '王老师');
      const granted = await http.post(`/people/${personId}/grants`, office, { kind: 'school-admin', reason: '学校账号管理员' });
      expect(granted.status).toBe(200);
      expect(granted.body).toMatchObject({ events: ['RoleGranted'], grantId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const read = await http.get(`/people/${personId}`, office);
      expect(read.body).toMatchObject({ id: personId, status: 'Active', name: '王老师', organisationId: SCHOOL_A, grants: [{ grantId: granted.body.grantId, kind: 'school-admin', organisationId: SCHOOL_A, grantedBy: ADMIN }] });
      expect(read.headers.get('etag')).toBe('"1"');
      adminA = { personId, token: await accounts.signIn(personId) };
      expectProblem(await http.post('/people', office, { name: '无处可去', organisationId: school(999) }), 404, 'organisation-not-found');
    });

    it('the school’s admin registers a colleague and makes them a project lead; the lists show them', async () => {
      colleague = await person(adminA.token, SCHOOL_A, '李老师');
      const lead = await http.post(`/people/${colleague}/grants`, adminA.token, { kind: 'project-lead', projectId: 'project-2026-1', reason: '负责 2026 年品牌专业申报' });
      expect(lead.status).toBe(200);
      leadGrant = lead.body.grantId;
      const read = await http.get(`/people/${colleague}`, adminA.token);
      expect(read.status).toBe(200);
      expect(read.body.grants).toEqual([expect.objectContaining({ grantId: leadGrant, kind: 'project-lead', projectId: 'project-2026-1', grantedBy: adminA.personId })]);
      const listed = await http.get(`/people?organisationId=${SCHOOL_A}&after=${lead.body.position}`, adminA.token);
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((p: { name: string; grants: { kind: string }[] }) => [p.name, p.grants.map((g) => g.kind)])).toEqual([
        ['李老师', ['project-lead']],
        ['王老师', ['school-admin']],
      ]);
      // The colleague reads themselves; a school admin does not hand out what only the office gives.
      const self = await accounts.signIn(colleague);
      expect((await http.get(`/people/${colleague}`, self)).status).toBe(200);
      expectProblem(await http.get(`/people?organisationId=${SCHOOL_A}`, self), 403, 'not-own-organisation');
      expectProblem(await http.post(`/people/${colleague}/grants`, adminA.token, { kind: 'school-admin', reason: '再设一位管理员' }), 403, 'may-not-grant');
    });

    it('refuses the admin of another school, with the door’s codes, and writes nothing', async () => {
      const personB = await person(office, SCHOOL_B, '赵老师');
      expect((await http.post(`/people/${personB}/grants`, office, { kind: 'school-admin', reason: '学校账号管理员' })).status).toBe(200);
      adminB = await accounts.signIn(personB);
      const before = await lastPosition();
      expectProblem(await http.post('/people', adminB, { name: '冒名者', organisationId: SCHOOL_A }), 403, 'not-organisation-admin');
      expectProblem(await http.post(`/people/${colleague}/grants`, adminB, { kind: 'liaison', reason: '联络员' }), 403, 'may-not-grant');
      expectProblem(await http.post(`/people/${colleague}/grants/${leadGrant}/revoke`, adminB, { reason: '调岗' }), 403, 'may-not-revoke');
      expectProblem(await http.post(`/people/${colleague}/deactivate`, adminB, { reason: '离职' }), 403, 'not-organisation-admin');
      expectProblem(await http.get(`/people/${colleague}`, adminB), 403, 'not-own-organisation');
      expectProblem(await http.get(`/people?organisationId=${SCHOOL_A}`, adminB), 403, 'not-own-organisation');
      expectProblem(await http.get('/people', adminB), 403, 'not-own-organisation');
      // Another city's bureau clerk has no role here; a person of the school who holds no grant stands for nothing.
      expectProblem(await http.post('/people', outsider, { name: '冒名者', organisationId: SCHOOL_A }), 403, 'role-not-allowed');
      expect(await lastPosition()).toBe(before);
      const grantless = await person(office, SCHOOL_A, '无授权者');
      const link = (await http.post(`/auth/people/${grantless}/setup-link`, office, {})).body.token;
      const setUp = await http.post('/auth/setup', undefined, { token: link, login: 'grantless', password: '没有授权的人也能登录-2026' });
      expect(setUp.status).toBe(200);
      const session = { cookie: setUp.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': setUp.body.csrfToken };
      const positionBefore = await lastPosition();
      expectProblem(await http.post('/people', undefined, { name: '冒名者', organisationId: SCHOOL_A }, session), 403, 'no-grant');
      expect(await lastPosition()).toBe(positionBefore);
    });

    it('registers a person under an id of the province’s choosing, once; a malformed one is refused', async () => {
      const chosen = await http.post('/people', office, { personId: 'tyvtc-0042', name: '钱老师', organisationId: SCHOOL_A });
      expect([chosen.status, chosen.body.personId, chosen.headers.get('location')]).toEqual([201, 'tyvtc-0042', '/people/tyvtc-0042']);
      const before = await lastPosition();
      expectProblem(await http.post('/people', office, { personId: 'tyvtc-0042', name: '另一个钱老师', organisationId: SCHOOL_A }), 409, 'person-already-registered');
      const malformed = await http.post('/people', office, { personId: 'TY VTC/42', name: '钱老师', organisationId: SCHOOL_A });
      expectProblem(malformed, 400, 'validation-failed');
      expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'personId' })]);
      expect(await lastPosition()).toBe(before);
    });

    it('revokes a grant with a reason; it is gone at once, and revoking it again is not found', async () => {
      const revoked = await http.post(`/people/${colleague}/grants/${leadGrant}/revoke`, adminA.token, { reason: '调岗' });
      expect(revoked.status).toBe(200);
      expect(revoked.body.events).toEqual(['GrantRevoked']);
      expect((await http.get(`/people/${colleague}`, adminA.token)).body.grants).toEqual([]);
      const listed = await http.get(`/people?organisationId=${SCHOOL_A}&after=${revoked.body.position}`, office);
      expect(listed.body.items.find((p: { personId: string }) => p.personId === colleague).grants).toEqual([]);
      expectProblem(await http.post(`/people/${colleague}/grants/${leadGrant}/revoke`, adminA.token, { reason: '调岗' }), 404, 'grant-not-found');
    });

    it('records an expert’s profile, declared by the expert, and deactivates a person with their grants', async () => {
      const expert = await person(office, SCHOOL_B, '周教授');
      expect((await http.post(`/people/${expert}/grants`, office, { kind: 'expert', reason: '入选评审专家库' })).status).toBe(200);
      const expertToken = await accounts.signIn(expert);
      const declared = await http.post(`/people/${expert}/expert-profile`, expertToken, { fields: ['装备制造'], affiliations: ['山西大学（2015–2020 任教）'] });
      expect(declared.status).toBe(200);
      expect((await http.get(`/people/${expert}`, expertToken)).body.expert).toEqual({ fields: ['装备制造'], affiliations: ['山西大学（2015–2020 任教）'] });
      expectProblem(await http.post(`/people/${expert}/expert-profile`, expertToken, { fields: [], affiliations: [] }), 400, 'fields-required');

      const off = await http.post(`/people/${colleague}/deactivate`, adminA.token, { reason: '离职' });
      expect(off.body.events).toEqual(['PersonDeactivated']);
      expect((await http.get(`/people/${colleague}`, office)).body.status).toBe('Deactivated');
      expectProblem(await http.post(`/people/${colleague}/grants`, adminA.token, { kind: 'liaison', reason: '联络员' }), 409, 'person-deactivated');
      expectProblem(await http.get('/people/no-such-person', office), 404, 'person-not-found');
    });
  });

  it('documents the routes: the import takes JSON or a multipart file, and every error is a problem', async () => {
    const { status, body: document } = await http.get('/docs-json');
    expect(status).toBe(200);
    const routes = Object.entries<Record<string, unknown>>(document.paths)
      .filter(([path]) => /^\/(organisations|people)(\/|$)/.test(path) && !path.endsWith('/portfolio'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'POST /organisations',
        'GET /organisations',
        'POST /organisations/import',
        'GET /organisations/{creditCode}',
        'POST /organisations/{creditCode}/update',
        'POST /people',
        'GET /people',
        'GET /people/{id}',
        'POST /people/{id}/grants',
        'POST /people/{id}/grants/{grantId}/revoke',
        'POST /people/{id}/expert-profile',
        'POST /people/{id}/deactivate',
      ].sort(),
    );
    const importing = document.paths['/organisations/import'].post;
    expect(Object.keys(importing.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
    expect(importing.responses['200'].description).toMatch(/registered exactly so already/);
    expect(importing.responses['400'].content).toEqual({ 'application/problem+json': expect.objectContaining({ schema: { $ref: '#/components/schemas/Problem' } }) });
  });

  describe('bad input', () => {
    it('is answered with 400 problem+json and writes nothing: wrong types, unknown fields, huge strings, null for an omissible field', async () => {
      const before = await lastPosition();
      const someone = (await http.get(`/people?organisationId=${SCHOOL_A}`, office)).body.items[0].personId as string;
      const bodies: [string, unknown][] = [
        ['/organisations', { kind: 'school', creditCode: 121401, name: '学校', city: '太原市', schoolKind: '高职' }],
        ['/organisations', { kind: 'school', creditCode: school(701), name: '学校', city: '太原市', schoolKind: '高职', founded: 1958 }],
        ['/organisations', { kind: 'school', creditCode: school(702), name: '名'.repeat(5000), city: '太原市', schoolKind: '高职' }],
        ['/organisations', { kind: 'school', creditCode: school(703), name: '学校', city: null, schoolKind: '高职' }],
        ['/organisations', ['kind', 'school']],
        ['/organisations/import', { rows: 'all of them' }],
        ['/organisations/import', { rows: [{ kind: 'school', creditCode: school(704), name: '学校', city: '太原市', schoolKind: '高职', principal: '张校长' }] }],
        ['/organisations/import', { rows: [{ kind: 'planet', creditCode: school(705), name: '学校' }] }],
        [`/organisations/${SCHOOL_A}/update`, { name: 7, reason: '更名' }],
        ['/people', { name: '王老师', organisationId: 12140100 }],
        ['/people', { name: '王老师', organisationId: SCHOOL_A, role: 'office' }],
        ['/people', { name: '王'.repeat(10_000), organisationId: SCHOOL_A }],
        ['/people', { name: '王老师', organisationId: SCHOOL_A, email: 'not an address' }],
        [`/people/${someone}/grants`, { kind: 'root', reason: '全部权限' }],
        [`/people/${someone}/grants`, { kind: 'liaison', reason: '联络员', grantId: 'chosen-by-client' }],
        [`/people/${someone}/grants`, { kind: 'liaison', reason: '联络员', projectId: null }],
        [`/people/${someone}/expert-profile`, { fields: '装备制造', affiliations: [] }],
        [`/people/${someone}/deactivate`, { reason: 'x'.repeat(2001) }],
      ];
      for (const [path, body] of bodies) {
        const result = await http.post(path, office, body);
        expect([path, body, result.status, result.body?.code]).toEqual([path, body, 400, 'validation-failed']);
        expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const text = await http.request('POST', '/organisations/import', { token: office, raw: 'name,creditCode', headers: { 'content-type': 'text/csv' } });
      expect(text.status).toBe(415);
      expect(text.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectProblem(await http.request('POST', '/people', { token: office, raw: '{"name":', headers: { 'content-type': 'application/json' } }), 400, 'malformed-json');
      expectProblem(await http.get('/organisations?kind=planet', office), 400, 'validation-failed');
      expectProblem(await http.get('/people?limit=100000', office), 400, 'validation-failed');
      expect(await lastPosition()).toBe(before);
    });
  });
});
