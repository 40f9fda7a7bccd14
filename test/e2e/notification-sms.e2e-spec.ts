import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationDispatcher } from '../../src/infrastructure/notifications/dispatcher';
import { smsSignature } from '../../src/infrastructure/notifications/channels';
import { deliveryRef } from '../../src/infrastructure/notifications/messages';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { DeadlinesService } from '../../src/infrastructure/scheduling/deadlines.service';
import { notificationSentence } from '../../src/words';
import { Account, Accounts } from '../support/accounts';
import { expectOk, FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { SmtpTestServer } from '../support/smtp-test-server';
import { RunningApp, startTestApp } from '../support/test-app';

const SECRET = 'sms-gateway-shared-secret-2027';
const TITLE = '机电一体化技术 短信';
const CYCLE = 'sms-2027';

interface Received {
  readonly body: { id: string; to: string; text: string };
  readonly timestamp: string;
}

/**
 * A gateway as the SMS provider would run it, on node:http: it checks each request's signature as
 * docs/notifications.md tells a gateway to (refusing any it cannot verify), records what it took, and
 * answers 500 as long as it is told to.
 */
class SmsGateway {
  readonly received: Received[] = [];
  readonly refused: string[] = [];
  failures = 0;
  private server!: Server;
  url = '';

  static async start(): Promise<SmsGateway> {
    const gateway = new SmsGateway();
    gateway.server = createServer((request, response) => {
      void gateway.take(request).then(([status, text]) => response.writeHead(status, { 'content-type': 'text/plain' }).end(text));
    });
    await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', () => resolve()));
    gateway.url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/sms`;
    return gateway;
  }

  private async take(request: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const timestamp = String(request.headers['x-timestamp'] ?? '');
    const signature = Buffer.from(String(request.headers['x-signature'] ?? ''), 'hex');
    const expected = Buffer.from(smsSignature(SECRET, timestamp, body), 'hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
    if (request.method !== 'POST' || !fresh || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      this.refused.push(body);
      return [401, 'bad signature'];
    }
    if (this.failures > 0) {
      this.failures -= 1;
      return [500, 'gateway down'];
    }
    this.received.push({ body: JSON.parse(body), timestamp });
    return [200, 'ok'];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Reminders by SMS: a project played to approval, its construction plan coming due; the school's admin
 * gave a mobile number and asked for SMS reminders, its liaison did not. Each reminder goes by SMS (and
 * e-mail) to whoever asked, signed; an approval goes by e-mail only; a gateway down is retried.
 */
describe('reminders by SMS', () => {
  const clock = new FakeClock(on('2027-09-01'));
  let gateway: SmsGateway;
  let smtp: SmtpTestServer;
  let running: RunningApp;
  let flow: ProjectFlow;
  let school: Account;
  let liaison: Account;
  let projectId: string;
  let due: string;

  const round = async () => {
    await running.app.get(ReadModels).reachStored();
    return running.app.get(NotificationDispatcher).round();
  };
  /** The scheduler looks at `day` (twice, as it would every few seconds), then a round of the dispatcher. */
  const lookAt = async (day: string) => {
    clock.set(on(day));
    for (let look = 0; look < 2; look += 1) {
      await running.app.get(ReadModels).reachStored();
      await running.app.get(DeadlinesService).scheduler.tick();
    }
    return round();
  };
  const reminder = (language: 'zh' | 'en', kind: 'deadline-ahead' | 'overdue') => notificationSentence(language, { kind, outcome: 'construction-plan', title: TITLE, recordId: projectId, dueOn: due });

  beforeAll(async () => {
    gateway = await SmsGateway.start();
    smtp = await SmtpTestServer.start();
    running = await startTestApp({ SMS_WEBHOOK_URL: gateway.url, SMS_WEBHOOK_SECRET: SECRET, SMTP_URL: smtp.url, MAIL_FROM: 'noreply@jyt.example.cn', NOTIFY_RETRY_MS: '1000' }, clock);
    flow = await ProjectFlow.start(running, clock);
    const accounts = await Accounts.of(running);
    const recommender = await accounts.token({ sub: 'sms-ty', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const experts = await Promise.all([1, 2, 3].map((n) => accounts.account({ sub: `sms-expert-${n}`, role: 'reviewer', org: `university-sms-${n}` })));
    school = await accounts.account({ sub: 'sms-school', role: 'applicant', org: '太原市短信职业学校', region: '太原市', email: 'school@sms.example.cn' });
    await flow.openCycle(CYCLE, 'brand-major', 2027);
    clock.set(on('2027-09-02'));
    projectId = await flow.draft(school.token, CYCLE, 'brand-major', TITLE);
    liaison = await accounts.account({ sub: 'sms-liaison', role: 'applicant', org: '太原市短信职业学校', region: '太原市', grants: ['liaison'], projectId, grantedBy: school });
    const mine = { emailKinds: (await flow.http.get('/notifications/preferences', school.token)).body.kinds, emailMode: 'immediate', language: 'zh', mobile: '13912345678', smsReminders: true };
    expect((await flow.http.request('PUT', '/notifications/preferences', { token: school.token, body: mine })).status).toBe(200);
    // The liaison reads English; a colleague gives a number but wants no SMS.
    expect((await flow.http.request('PUT', '/notifications/preferences', { token: liaison.token, body: { ...mine, mobile: '13700000000', language: 'en' } })).status).toBe(200);
    const quiet = await accounts.account({ sub: 'sms-quiet', role: 'applicant', org: '太原市短信职业学校', region: '太原市', grants: ['liaison'], projectId, grantedBy: school });
    expect((await flow.http.request('PUT', '/notifications/preferences', { token: quiet.token, body: { ...mine, mobile: '13600000000', smsReminders: false } })).status).toBe(200);

    await flow.review(2027, [{ id: projectId, applicant: school.token }], recommender, experts.map((e) => ({ id: e.personId, org: e.org, token: e.token })));
    await flow.approve(CYCLE, 2027, [projectId]);
    due = (expectOk(await flow.http.get(`/projects/${projectId}`, flow.office), 'project').approval as { constructionPlanDueOn: string }).constructionPlanDueOn;
  });
  afterAll(async () => {
    await running.stop();
    await gateway.stop();
    await smtp.stop();
  });

  it('sends no SMS for what is not a reminder, which goes by e-mail', async () => {
    await round();
    expect(gateway.received).toEqual([]);
    expect(smtp.to('school@sms.example.cn').map((r) => r.mail.subject)).toContain(notificationSentence('zh', { kind: 'approval', outcome: 'approved', title: TITLE, recordId: projectId, dueOn: null }));
  });

  it('texts the reminder, signed, in each person’s language, to those who asked, and retries a gateway that fails', async () => {
    gateway.failures = 1;
    const first = await lookAt('2027-11-01');
    // The school's e-mail and one of the two SMS went; the gateway failed the other.
    expect([first.sent, first.failed]).toEqual([2, 1]);
    expect(gateway.received).toHaveLength(1);
    // The e-mail of the same reminder went all the same.
    expect(smtp.to('school@sms.example.cn').map((r) => r.mail.subject)).toContain(reminder('zh', 'deadline-ahead'));
    clock.set(new Date(clock.now().getTime() + 1000).toISOString());
    expect((await round()).sent).toBe(1);
    await round();
    expect(gateway.refused).toEqual([]);
    const [{ id }] = (await flow.http.get('/notifications', school.token)).body.items.filter((n: { kind: string }) => n.kind === 'deadline-ahead');
    expect(gateway.received.map((r) => r.body).sort((a, b) => a.to.localeCompare(b.to))).toEqual([
      { id: deliveryRef({ personId: liaison.personId, id, channel: 'sms' }), to: '13700000000', text: reminder('en', 'deadline-ahead') },
      { id: deliveryRef({ personId: school.personId, id, channel: 'sms' }), to: '13912345678', text: reminder('zh', 'deadline-ahead') },
    ]);
    expect(reminder('en', 'deadline-ahead')).toMatch(/due by/);
  });

  it('texts the next reminders and the overdue notice once each', async () => {
    const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    await lookAt(addDays(due, -20));
    await lookAt(addDays(due, -6));
    await lookAt(due);
    await lookAt(addDays(due, 1));
    await lookAt(addDays(due, 2));
    const toSchool = gateway.received.filter((r) => r.body.to === '13912345678');
    expect(toSchool.map((r) => r.body.text)).toEqual([reminder('zh', 'deadline-ahead'), reminder('zh', 'deadline-ahead'), reminder('zh', 'deadline-ahead'), reminder('zh', 'overdue')]);
    expect(gateway.received.filter((r) => r.body.to === '13700000000').map((r) => r.body.text)).toEqual([reminder('en', 'deadline-ahead'), reminder('en', 'deadline-ahead'), reminder('en', 'deadline-ahead'), reminder('en', 'overdue')]);
    expect(new Set(gateway.received.map((r) => r.body.id)).size).toBe(8);
    expect(gateway.received.map((r) => r.body.to)).not.toContain('13600000000');
  });

  it('refuses a request signed with another secret, as the gateway must', async () => {
    const body = JSON.stringify({ id: 'x', to: '13912345678', text: '伪造' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(gateway.url, { method: 'POST', body, headers: { 'x-timestamp': timestamp, 'x-signature': smsSignature('another-secret-of-16+', timestamp, body) } });
    expect(forged.status).toBe(401);
    expect(gateway.received.map((r) => r.body.text)).not.toContain('伪造');
  });
});
