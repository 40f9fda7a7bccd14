import { request as rawRequest } from 'node:http';
import { DocumentRef } from '../../src/domain/messages';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { SUBJECTS } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * A document is read by its uploaders and by whoever may read a record that cites it, under its
 * original file name; everyone else is told there is no such document. Uploads take the one field
 * `file`, and a broken multipart body is a 400 problem.
 */
describe('documents: who reads them, and what an upload must look like', () => {
  const clock = new FakeClock(on('2033-09-01'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  const t: Record<string, string> = {};
  let project: string;
  let form: DocumentRef;
  let loose: DocumentRef;

  const download = (sha256: string, token: string) => fetch(`${running.url}/documents/${sha256}`, { headers: { authorization: `Bearer ${token}` } });
  const statusOf = async (sha256: string, token: string) => (await download(sha256, token)).status;

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    t.office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    t.auditor = await http.token({ sub: 'audit-1', role: 'auditor', org: '省审计厅' });
    t.school = await http.token({ sub: 'ty-school-user', role: 'applicant', org: 'ty-school', region: '太原市' });
    t.colleague = await http.token({ sub: 'ty-school-user-2', role: 'applicant', org: 'ty-school', region: '太原市' });
    t.rival = await http.token({ sub: 'dt-school-user', role: 'applicant', org: 'dt-school', region: '大同市' });
    t.taiyuan = await http.token({ sub: 'ty', role: 'recommender', org: '太原市教育局', region: '太原市' });
    t.datong = await http.token({ sub: 'dt', role: 'recommender', org: '大同市教育局', region: '大同市' });
    t.expert = await http.token({ sub: 'expert-1', role: 'reviewer', org: 'university-1' });
    t.otherExpert = await http.token({ sub: 'expert-2', role: 'reviewer', org: 'university-2' });

    expectOk(
      await http.post('/cycles', t.office, { id: 'docs-2033', programType: 'brand-major', name: '品牌专业 2033', label: '2033', opensAt: '2033-09-01T00:00:00+08:00', closesAt: '2033-09-15T00:00:00+08:00' }),
      'open cycle',
    );
    clock.set(on('2033-09-02'));
    const drafted = expectOk(await http.post('/projects', t.school, { cycleId: 'docs-2033', programType: 'brand-major', title: '太原 品牌专业', subject: SUBJECTS['brand-major'] }), 'draft');
    project = drafted.stream.slice('project-'.length);
    const [authenticity, commitment] = await Promise.all(['真实性声明.pdf', '承诺书.pdf'].map((n) => upload(running, t.school, n)));
    form = await upload(running, t.school, '太原市某校申报书.pdf');
    loose = await upload(running, t.school, '未引用的草稿.pdf');
    expectOk(await http.post(`/projects/${project}/submit`, t.school, { applicationForm: form, declarations: { authenticity, commitment } }), 'submit');
    clock.set(on('2033-09-20'));
    expectOk(await http.post(`/projects/${project}/formal-check`, t.taiyuan, { result: 'passed' }), 'check');
    expectOk(await http.post(`/projects/${project}/recommend`, t.taiyuan, { rank: 1 }), 'recommend');
    expectOk(await http.post(`/projects/${project}/reviewers`, t.office, { reviewerId: 'expert-1', reviewerOrg: 'university-1', declaredRelations: [] }), 'assign');
  });
  afterAll(() => running.stop());

  it('serves a cited document to everyone who may read the project, with its name and nosniff', async () => {
    for (const reader of ['school', 'colleague', 'taiyuan', 'expert', 'office', 'auditor']) {
      expect([reader, await statusOf(form.sha256, t[reader])]).toEqual([reader, 200]);
    }
    const response = await download(form.sha256, t.office);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="________.pdf"; filename*=UTF-8''${encodeURIComponent('太原市某校申报书.pdf')}`);
  });

  it('answers 404 to everyone else: another city’s school and bureau, an unassigned reviewer', async () => {
    for (const outsider of ['rival', 'datong', 'otherExpert']) {
      const response = await download(form.sha256, t[outsider]);
      expect([outsider, response.status, response.headers.get('content-type')]).toEqual([outsider, 404, expect.stringMatching(/^application\/problem\+json/)]);
      expect(((await response.json()) as { code: string }).code).toBe('unknown-document');
    }
  });

  it('an uncited document is its uploader’s alone (and the office’s)', async () => {
    expect(await statusOf(loose.sha256, t.school)).toBe(200);
    expect(await statusOf(loose.sha256, t.colleague)).toBe(404);
    expect(await statusOf(loose.sha256, t.taiyuan)).toBe(404);
    expect(await statusOf(loose.sha256, t.office)).toBe(200);
    // Uploading the same bytes makes the second uploader a reader too, under the name it gave.
    const again = await upload(running, t.rival, '我的副本.pdf');
    expect(await statusOf(again.sha256, t.rival)).toBe(200);
  });

  it('a reviewer who declares a conflict reads the project’s documents no more', async () => {
    expectOk(await http.post(`/projects/${project}/declare-conflict`, t.expert, { reason: '曾在该校任教' }), 'conflict');
    expect(await statusOf(form.sha256, t.expert)).toBe(404);
  });

  describe('uploads', () => {
    const multipart = (body: Buffer | string, contentType: string) =>
      new Promise<{ status: number; contentType: string | undefined; body: { code?: string } }>((resolve, reject) => {
        const url = new URL(`${running.url}/documents`);
        const req = rawRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${t.school}`, 'content-type': contentType } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const part = (field: string) =>
      `--XYZ\r\nContent-Disposition: form-data; name="${field}"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\nhello\r\n--XYZ--\r\n`;

    it('takes the field "file" only', async () => {
      const other = await multipart(part('other'), 'multipart/form-data; boundary=XYZ');
      expect([other.status, other.body.code]).toEqual([400, 'document-field']);
      const right = await multipart(part('file'), 'multipart/form-data; boundary=XYZ');
      expect(right.status).toBe(201);
    });

    it('answers a multipart body without a boundary, or with a broken one, with a 400 problem', async () => {
      for (const [body, type] of [
        [part('file'), 'multipart/form-data'],
        [part('file'), 'multipart/form-data; boundary=OTHER'],
        ['--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\nhel', 'multipart/form-data; boundary=XYZ'],
        ['garbage', 'multipart/form-data; boundary=XYZ'],
      ] as const) {
        const result = await multipart(body, type);
        expect([type, result.status, result.contentType]).toEqual([type, 400, expect.stringMatching(/^application\/problem\+json/)]);
        expect(['malformed-multipart', 'document-missing']).toContain(result.body.code);
      }
    });
  });
});
