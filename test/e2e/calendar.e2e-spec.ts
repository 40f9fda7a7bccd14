import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { Who } from '../support/accounts';
import { client } from '../support/http';
import { FakeClock } from '../support/lifecycle';
import { RunningApp, startTestApp } from '../support/test-app';

const ENTERPRISE = '91140100MA0GRXXX15';
const PEOPLE: Record<string, Who> = {
  enterprise: { sub: 'tz-1', role: 'applicant', org: ENTERPRISE, orgName: '太原重工股份有限公司', region: '太原市', grants: ['enterprise-admin'] },
  recommender: { sub: 'rec-ty', role: 'recommender', org: '太原市发展改革委', region: '太原市' },
  office: { sub: 'office-1', role: 'office', org: '山西省发展改革委' },
};

/** A further calendar file as a deployment adds one (the dates are a test's, not an announced arrangement). */
const FILE_2027 = {
  version: 'test-2027.1',
  years: [{ year: 2027, source: 'test', holidays: [{ name: '春节', from: '2027-02-05', to: '2027-02-13' }], workingDays: ['2027-02-14'] }],
};

/** An enterprise jointly reviewed, so the office may open its admission notice. */
async function jointlyReviewed(running: RunningApp) {
  const http = client(running);
  const tokens: Record<string, string> = {};
  for (const [name, who] of Object.entries(PEOPLE)) tokens[name] = await http.token(who);
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.7\n申报材料')], { type: 'application/pdf' }), '申报书.pdf');
  const doc = (await http.request('POST', '/documents', { token: tokens.enterprise, raw: form })).body;
  const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
  const steps = [
    await http.post('/enterprises', tokens.enterprise, { creditCode: ENTERPRISE, name: '太原重工股份有限公司', region: '太原市', declarations, documents: [doc] }),
    await http.post(`/enterprises/${ENTERPRISE}/recommend`, tokens.recommender, { opinion: '同意推荐' }),
    await http.post(`/enterprises/${ENTERPRISE}/joint-review`, tokens.office, { outcome: 'passed', departments: ['省发展改革委'], expertAssessment: { opinion: '同意', documents: [doc] } }),
  ];
  expect(steps.map((s) => s.status)).toEqual([201, 200, 200]);
  return { http, tokens };
}

const noticeEvent = async (http: ReturnType<typeof client>, token: string) =>
  (await http.get(`/audit/streams/enterprise-${ENTERPRISE}/history`, token)).body.events.find((e: { type: string }) => e.type === 'PublicNoticeOpened');

describe('the working-day calendar is data', () => {
  describe('on the built-in holidays alone (2020–2026), in December 2026', () => {
    const clock = new FakeClock('2026-12-03T09:00:00+08:00');
    let running: RunningApp;
    beforeAll(async () => {
      running = await startTestApp({ CALENDAR_FILE: '' }, clock);
    });
    afterAll(() => running.stop());

    it('/health warns that the coverage ends within 60 days, and stays ok', async () => {
      const health = await client(running).get('/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
      expect(health.body.calendar).toMatchObject({ version: 'cn-2020-2026.1', coversFrom: '2020-01-01', coversTo: '2026-12-31', daysLeft: 28 });
      expect(health.body.calendar.warning).toContain('2026-12-31');
    });

    it('refuses a notice that runs past the last covered day (409 calendar-not-covered) and writes nothing; one within it records the calendar version', async () => {
      const { http, tokens } = await jointlyReviewed(running);
      const before = await http.get(`/enterprises/${ENTERPRISE}`, tokens.office);
      const refused = await http.post(`/enterprises/${ENTERPRISE}/open-notice`, tokens.office, { startsOn: '2026-12-28' });
      expect([refused.status, refused.body.code]).toEqual([409, 'calendar-not-covered']);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.details).toMatchObject({ date: '2027-01-01', coversTo: '2026-12-31', calendarVersion: 'cn-2020-2026.1' });
      expect((await http.get(`/enterprises/${ENTERPRISE}`, tokens.office)).headers.get('etag')).toBe(before.headers.get('etag'));

      const opened = await http.post(`/enterprises/${ENTERPRISE}/open-notice`, tokens.office, { startsOn: '2026-12-21' });
      expect(opened.status).toBe(200);
      const event = await noticeEvent(http, tokens.office);
      expect(event.data).toMatchObject({ startsAt: '2026-12-21T00:00:00+08:00', endsAt: '2026-12-26T00:00:00+08:00', calendarVersion: 'cn-2020-2026.1' });
    });
  });

  describe('with a further file for 2027 (CALENDAR_FILE)', () => {
    const clock = new FakeClock('2027-02-04T09:00:00+08:00');
    const folder = mkdtempSync(join(tmpdir(), 'als-calendar-'));
    const file = join(folder, 'holidays-2027.json');
    writeFileSync(file, JSON.stringify(FILE_2027));
    let running: RunningApp;
    beforeAll(async () => {
      running = await startTestApp({ CALENDAR_FILE: file }, clock);
    });
    afterAll(async () => {
      await running.stop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('counts a 5-working-day notice opened on Thursday 4 February 2027 past the Spring Festival, to 17 February, with both versions', async () => {
      const health = await client(running).get('/health');
      expect(health.body.calendar).toMatchObject({ version: 'cn-2020-2026.1+test-2027.1', coversTo: '2027-12-31', daysLeft: 330, warning: null });
      const { http, tokens } = await jointlyReviewed(running);
      expect((await http.post(`/enterprises/${ENTERPRISE}/open-notice`, tokens.office, { startsOn: '2027-02-04' })).status).toBe(200);
      const event = await noticeEvent(http, tokens.office);
      expect(event.data).toMatchObject({ startsAt: '2027-02-04T00:00:00+08:00', endsAt: '2027-02-18T00:00:00+08:00', calendarVersion: 'cn-2020-2026.1+test-2027.1' });
    });

    it('refuses to start on a file that leaves a gap, or is not a calendar', () => {
      const gap = join(folder, 'gap.json');
      writeFileSync(gap, JSON.stringify({ ...FILE_2027, years: [{ ...FILE_2027.years[0], year: 2028, holidays: [] }] }));
      expect(() => loadConfig({ CALENDAR_FILE: gap })).toThrow(/configuration: CALENDAR_FILE .*without a gap/);
      const broken = join(folder, 'broken.json');
      writeFileSync(broken, '{"version": ');
      expect(() => loadConfig({ CALENDAR_FILE: broken })).toThrow(/configuration: CALENDAR_FILE must name a readable JSON calendar file/);
    });
  });
});
