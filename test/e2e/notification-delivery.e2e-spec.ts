import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { NotificationDispatcher } from '../../src/infrastructure/notifications/dispatcher';
import { messageIdOf } from '../../src/infrastructure/notifications/messages';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { notificationSentence } from '../../src/words';
import { Account, Accounts } from '../support/accounts';
import { expectOk, FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { SmtpTestServer } from '../support/smtp-test-server';
import { RunningApp, startTestApp, TEST_CATALOG_FILE } from '../support/test-app';
import { TEST_CALENDAR_FILE } from '../support/test-calendar';

const PUBLIC_URL = 'https://als.example.cn';
const FROM = '"山西省教育厅" <noreply@jyt.example.cn>';
const TITLE = '机电一体化技术 邮件';
const CYCLE = 'mail-2027';

/**
 * Notifications by e-mail against a real SMTP server: a project's steps mailed to the people they
 * concern, each in their language with a link to the record, a digest at its hour, what a person opted
 * out of not sent; a server refusing for a while (delivered once after the retries) or for good (dead
 * after the last attempt, retried by the office); two dispatchers on one postbox sending each message once.
 */
describe('notifications by e-mail', () => {
  const clock = new FakeClock(on('2027-09-01'));
  let smtp: SmtpTestServer;
  let running: RunningApp;
  let flow: ProjectFlow;
  let accounts: Accounts;
  let school: Account;
  let liaison: Account;
  let expert: Account;
  let projectId: string;
  let dispatcher: NotificationDispatcher;

  /** One round of the dispatcher once the read models hold everything written. */
  const round = async (which = dispatcher) => {
    await running.app.get(ReadModels).reachStored();
    return which.round();
  };
  const post = async (path: string, token: string, body: unknown) => expectOk(await flow.http.post(path, token, body), path);
  const put = (path: string, token: string, body: unknown) => flow.http.request('PUT', path, { token, body });
  const preferences = (account: Account, body: Record<string, unknown>) =>
    put('/notifications/preferences', account.token, { emailKinds: KINDS, emailMode: 'immediate', language: 'zh', mobile: null, smsReminders: false, ...body });
  let KINDS: string[];
  const ofKind = (address: string, sentence: string) => smtp.to(address).filter((r) => r.mail.subject === sentence);
  const wording = (kind: string, outcome: string | null = null) => ({ kind, outcome, title: TITLE, recordId: projectId, dueOn: null });

  beforeAll(async () => {
    smtp = await SmtpTestServer.start();
    running = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: FROM, PUBLIC_URL, NOTIFY_RETRY_MS: '1000', NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_DIGEST_HOUR: '8' }, clock);
    dispatcher = running.app.get(NotificationDispatcher);
    flow = await ProjectFlow.start(running, clock);
    accounts = await Accounts.of(running);
    school = await accounts.account({ sub: 'mail-school', role: 'applicant', org: '太原市邮件职业学校', region: '太原市', email: 'school@tyvtc.example.cn' });
    KINDS = (await flow.http.get('/notifications/preferences', school.token)).body.kinds;
    await flow.openCycle(CYCLE, 'brand-major', 2027);
    clock.set(on('2027-09-02'));
    projectId = await flow.draft(school.token, CYCLE, 'brand-major', TITLE);
    liaison = await accounts.account({ sub: 'mail-liaison', role: 'applicant', org: '太原市邮件职业学校', region: '太原市', grants: ['liaison'], projectId, grantedBy: school, email: 'liaison@tyvtc.example.cn' });
    // Before the first round plans anything: the school opts out of recommendations, the liaison reads English.
    expect((await preferences(school, { emailKinds: KINDS.filter((k) => k !== 'recommendation') })).status).toBe(200);
    expect((await preferences(liaison, { language: 'en' })).status).toBe(200);
  });
  afterAll(async () => {
    await running.stop();
    await smtp.stop();
  });

  it('mails the project’s steps to the school in Chinese and to the liaison in English, each with a link to the project, and not what the school opted out of', async () => {
    clock.set(on('2027-09-05'));
    await post(`/projects/${projectId}/submit`, school.token, flow.submitBody());
    await post(`/projects/${projectId}/return-for-revision`, flow.office, { reason: '材料不全' });
    await round();
    const [zh] = ofKind('school@tyvtc.example.cn', notificationSentence('zh', wording('application-returned')));
    expect(zh).toBeDefined();
    expect(zh.mail.subject).toBe(`申报“${TITLE}”被退回修改`);
    expect(zh.to).toEqual(['school@tyvtc.example.cn']);
    expect(zh.mail.from?.value).toEqual([{ name: '山西省教育厅', address: 'noreply@jyt.example.cn' }]);
    expect(zh.mail.text).toContain('mail-school，您好');
    expect(zh.mail.text).toContain(`${PUBLIC_URL}/console/projects/${projectId}`);
    expect(zh.mail.text).toContain('2027-09-05 10:00（北京时间）');
    expect(zh.mail.text).toContain(`${PUBLIC_URL}/console/notifications#notification-preferences`);
    expect(zh.mail.html).toContain(`href="${PUBLIC_URL}/console/projects/${projectId}"`);
    const notification = (await flow.http.get('/notifications', school.token)).body.items.find((n: { kind: string }) => n.kind === 'application-returned');
    expect(zh.mail.messageId).toBe(messageIdOf({ personId: school.personId, id: notification.id, channel: 'email' }, 'noreply@jyt.example.cn'));

    const [en] = ofKind('liaison@tyvtc.example.cn', notificationSentence('en', wording('application-returned')));
    expect(en.mail.subject).toBe(`“${TITLE}” was returned for revision`);
    expect(en.mail.text).toContain('Dear mail-liaison,');
    expect(en.mail.text).toContain(`${PUBLIC_URL}/console/projects/${projectId}`);

    clock.set(on('2027-09-06'));
    await post(`/projects/${projectId}/submit`, school.token, flow.submitBody());
    clock.set(on('2027-09-20'));
    const recommender = await accounts.token({ sub: 'mail-ty', role: 'recommender', org: '太原市教育局', region: '太原市' });
    await post(`/projects/${projectId}/formal-check`, recommender, { result: 'passed' });
    await post(`/projects/${projectId}/recommend`, recommender, { rank: 1 });
    await round();
    expect(ofKind('school@tyvtc.example.cn', notificationSentence('zh', wording('formal-check', 'passed')))).toHaveLength(1);
    expect(ofKind('liaison@tyvtc.example.cn', notificationSentence('en', wording('recommendation', 'recommended')))).toHaveLength(1);
    // Opted out: in the console, not in the mailbox.
    expect(ofKind('school@tyvtc.example.cn', notificationSentence('zh', wording('recommendation', 'recommended')))).toHaveLength(0);
    expect((await flow.http.get('/notifications', school.token)).body.items.map((n: { kind: string }) => n.kind)).toContain('recommendation');
    // Nothing is mailed twice, however many rounds follow.
    const count = smtp.received.length;
    await round();
    await round();
    expect(smtp.received).toHaveLength(count);
  });

  it('mails the expert one digest at the digest hour listing the day’s notices, and nothing before', async () => {
    expert = await accounts.account({ sub: 'mail-expert', role: 'reviewer', org: 'university-mail', email: 'expert@sxu.example.cn' });
    expect((await preferences(expert, { emailMode: 'digest' })).status).toBe(200);
    await post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: expert.personId, reviewerOrg: expert.org, declaredRelations: [] });
    await round();
    expect(smtp.to('expert@sxu.example.cn')).toHaveLength(0);
    clock.set('2027-09-21T07:59:00+08:00');
    await round();
    expect(smtp.to('expert@sxu.example.cn')).toHaveLength(0);
    clock.set('2027-09-21T08:00:00+08:00');
    await round();
    const digests = smtp.to('expert@sxu.example.cn');
    expect(digests).toHaveLength(1);
    const [digest] = digests;
    expect(digest.mail.subject).toBe('2027-09-21 通知汇总：2 条');
    // The grant given on registering, and the assignment, each in its own sentence; the assignment links to the review.
    expect(digest.mail.text).toContain(notificationSentence('zh', { kind: 'grant-given', outcome: 'expert', title: null, recordId: expert.personId, dueOn: null }));
    expect(digest.mail.text).toContain(notificationSentence('zh', wording('reviewer-assigned')));
    expect(digest.mail.text).toContain(`${PUBLIC_URL}/console/reviews/${projectId}`);
    expect(digest.mail.messageId).toBe(messageIdOf({ personId: expert.personId, id: `digest:${expert.personId}:2027-09-21`, channel: 'email' }, 'noreply@jyt.example.cn'));
    clock.set('2027-09-22T09:00:00+08:00');
    await round();
    expect(smtp.to('expert@sxu.example.cn')).toHaveLength(1);
  });

  it('retries a server that refuses for a while with backoff, and delivers the message exactly once', async () => {
    // Two notices (the grants of a school's admin and head), each refused twice.
    smtp.refuse.set('retry@example.cn', 4);
    const person = await accounts.account({ sub: 'mail-retry', role: 'applicant', org: '太原市重试职业学校', region: '太原市', email: 'retry@example.cn' });
    const start = clock.now().getTime();
    const first = await round();
    expect([first.sent, first.failed]).toEqual([0, 2]);
    expect(smtp.attempts.get('retry@example.cn')).toBe(2);
    // Not due before its backoff: 1 s after the first attempt, 2 s after the second.
    await round();
    expect(smtp.attempts.get('retry@example.cn')).toBe(2);
    clock.set(new Date(start + 1000).toISOString());
    expect(await round()).toEqual({ planned: 0, sent: 0, failed: 2 });
    clock.set(new Date(start + 2999).toISOString());
    expect(await round()).toEqual({ planned: 0, sent: 0, failed: 0 });
    clock.set(new Date(start + 3000).toISOString());
    expect(await round()).toEqual({ planned: 0, sent: 2, failed: 0 });
    clock.set(new Date(start + 60_000).toISOString());
    await round();
    await round();
    const delivered = smtp.to('retry@example.cn');
    // The person holds two grants (school admin and head): two notices, each delivered once.
    expect(delivered.map((r) => r.mail.subject).sort()).toEqual(
      ['school-admin', 'school-head'].map((duty) => notificationSentence('zh', { kind: 'grant-given', outcome: duty, title: null, recordId: person.personId, dueOn: null })).sort(),
    );
    expect(smtp.attempts.get('retry@example.cn')).toBe(6);
    expect((await dispatcher.postbox.deliveries({ personId: person.personId })).map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 3],
      ['sent', 3],
    ]);
  });

  it('dead-letters a message the server always refuses after the last attempt, sends it no more, and lets the office retry it', async () => {
    smtp.refuse.set('dead@example.cn', Infinity);
    const person = await accounts.account({ sub: 'mail-dead', role: 'reviewer', org: 'university-dead', email: 'dead@example.cn' });
    for (let step = 0; step < 6; step += 1) {
      await round();
      clock.set(new Date(clock.now().getTime() + 10 * 60_000).toISOString());
    }
    expect(smtp.attempts.get('dead@example.cn')).toBe(3);
    expect(smtp.to('dead@example.cn')).toHaveLength(0);
    const [dead] = await dispatcher.postbox.deliveries({ personId: person.personId });
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: expect.stringContaining('451') });

    const letters = await flow.http.get('/notifications/dead-letters', flow.office);
    expect(letters.status).toBe(200);
    expect(letters.body.items).toContainEqual(expect.objectContaining({ personId: person.personId, id: dead.id, channel: 'email', kind: 'grant-given', attempts: 3 }));
    expect((await flow.http.get('/notifications/dead-letters', school.token)).status).toBe(403);
    expect((await flow.http.post('/notifications/dead-letters/retry', school.token, { personId: person.personId, id: dead.id, channel: 'email' })).status).toBe(403);
    expect((await flow.http.post('/notifications/dead-letters/retry', flow.office, { personId: person.personId, id: 'nothing', channel: 'email' })).status).toBe(404);

    smtp.refuse.delete('dead@example.cn');
    expect((await flow.http.post('/notifications/dead-letters/retry', flow.office, { personId: person.personId, id: dead.id, channel: 'email' })).body).toEqual({ retried: true });
    await round();
    await round();
    expect(smtp.to('dead@example.cn')).toHaveLength(1);
    expect((await flow.http.get('/notifications/dead-letters', flow.office)).body.items.map((d: { personId: string }) => d.personId)).not.toContain(person.personId);
  });

  it('sends each message once with two dispatchers on one postbox, sending at the same time', async () => {
    const second = new NotificationDispatcher(running.config, clock, running.app.get(ReadModels));
    try {
      smtp.delayMs = 30;
      const people: Account[] = [];
      for (const n of [1, 2, 3, 4, 5, 6]) people.push(await accounts.account({ sub: `mail-twice-${n}`, role: 'reviewer', org: `university-twice-${n}`, email: `twice-${n}@example.cn` }));
      await running.app.get(ReadModels).reachStored();
      const reports = await Promise.all([dispatcher.round(), second.round(), dispatcher.round(), second.round()]);
      await Promise.all([dispatcher.round(), second.round()]);
      for (const [n] of people.entries()) expect(smtp.to(`twice-${n + 1}@example.cn`)).toHaveLength(1);
      expect(reports.reduce((sum, r) => sum + r.sent, 0)).toBe(people.length);
      // Both did some of the work.
      expect(reports.filter((r) => r.sent > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      smtp.delayMs = 0;
      await second.beforeApplicationShutdown();
      await second.onApplicationShutdown();
    }
  });

  it('mails nothing again after the read models are rebuilt, and nothing to a person without an address', async () => {
    const count = smtp.received.length;
    expect((await flow.http.post('/read-models/rebuild', flow.office, {})).status).toBe(200);
    await round();
    await round();
    expect(smtp.received).toHaveLength(count);
    // The office's clerk has no address: their notices stay in the console.
    const office = await flow.account({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    expect((await flow.http.get('/notifications', office.token)).body.total).toBeGreaterThan(0);
    expect(await dispatcher.postbox.deliveries({ personId: office.personId })).toEqual([]);
  });
});

describe('notification preferences', () => {
  let running: RunningApp;
  let flow: ProjectFlow;
  let one: Account;
  let other: Account;
  const clock = new FakeClock(on('2027-09-01'));
  const put = (token: string, body: unknown) => flow.http.request('PUT', '/notifications/preferences', { token, body });
  const VALID = { emailKinds: ['approval'], emailMode: 'digest', language: 'en', mobile: '13912345678', smsReminders: true };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    const accounts = await Accounts.of(running);
    one = await accounts.account({ sub: 'prefs-one', role: 'applicant', org: '太原市偏好职业学校', email: 'one@example.cn' });
    other = await accounts.account({ sub: 'prefs-other', role: 'applicant', org: '太原市偏好职业学校' });
  });
  afterAll(() => running.stop());

  it('answers the defaults, the address on record and the channels the service has', async () => {
    const answer = await flow.http.get('/notifications/preferences', one.token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ emailMode: 'immediate', language: 'zh', mobile: null, smsReminders: false, email: 'one@example.cn', channels: { email: false, sms: false }, digestHour: 8 });
    expect(answer.body.emailKinds).toEqual(answer.body.kinds);
    expect(answer.body.kinds).toEqual(expect.arrayContaining(['approval', 'reviewer-assigned', 'deadline-ahead', 'overdue']));
  });

  it('keeps one person’s choices their own: another reads and sets only theirs', async () => {
    const set = await put(one.token, VALID);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject(VALID);
    expect((await flow.http.get('/notifications/preferences', one.token)).body).toMatchObject(VALID);
    expect((await flow.http.get('/notifications/preferences', other.token)).body).toMatchObject({ emailMode: 'immediate', language: 'zh', mobile: null, email: null });
    // No body names whose preferences they are: a person id is an unknown field.
    const theirs = await put(other.token, { ...VALID, personId: one.personId });
    expect([theirs.status, theirs.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['personId']]);
    expect((await flow.http.get('/notifications/preferences', one.token)).body).toMatchObject(VALID);
    expect((await flow.http.get('/notifications/preferences')).status).toBe(401);
  });

  it.each([
    [{ ...VALID, extra: true }, 'extra'],
    [{ ...VALID, mobile: '1234567890' }, 'mobile'],
    [{ ...VALID, mobile: '23912345678' }, 'mobile'],
    [{ ...VALID, mobile: null }, 'mobile'],
    [{ ...VALID, emailMode: 'weekly' }, 'emailMode'],
    [{ ...VALID, language: 'fr' }, 'language'],
    [{ ...VALID, emailKinds: ['approval', 'nonsense'] }, 'emailKinds'],
    [{ ...VALID, emailKinds: 'approval' }, 'emailKinds'],
    [{ ...VALID, smsReminders: 'yes' }, 'smsReminders'],
  ])('refuses %j naming %s, as problem+json', async (body, field) => {
    const refused = await put(one.token, body);
    expect([refused.status, refused.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('takes no mobile number when SMS reminders are off', async () => {
    const set = await put(other.token, { emailKinds: [], emailMode: 'immediate', language: 'zh', smsReminders: false });
    expect([set.status, set.body.mobile, set.body.emailKinds]).toEqual([200, null, []]);
  });
});

describe('a mail server that cannot be used at start', () => {
  it('stops the service with an error naming SMTP_URL', async () => {
    // A port nothing listens on.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'als-smtp-'));
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', SCHEDULER_INTERVAL_MS: '0', CALENDAR_FILE: TEST_CALENDAR_FILE, PROGRAM_CATALOG_FILE: TEST_CATALOG_FILE, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: FROM });
    const app = await createApp(config);
    try {
      const refused = await app.listen(0, '127.0.0.1').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ConfigError);
      expect(refused).toMatchObject({ variable: 'SMTP_URL', message: expect.stringMatching(/^configuration: SMTP_URL .*ECONNREFUSED/) });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
