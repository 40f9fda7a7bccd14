import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { NotificationDispatcher, RoundReport } from '../../src/infrastructure/notifications/dispatcher';
import { messageIdOf } from '../../src/infrastructure/notifications/messages';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { notificationSentence } from '../../src/words';
import { Account, Accounts } from '../support/accounts';
import { FakeClock, on } from '../support/lifecycle';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';
import { SmtpTestServer } from '../support/smtp-test-server';
import { RunningApp, startTestApp } from '../support/test-app';

const FROM = '"山西省教育厅" <noreply@jyt.example.cn>';

/**
 * Two service instances on one PostgreSQL store, each with its own data folder (its own read models,
 * its own notifications table built from the one log), against a real SMTP server: the postbox is in
 * the store's schema, so the two dispatchers, running their rounds at the same time, plan each notice
 * once and send each e-mail once; preferences set through one instance are what the other's dispatcher
 * plans with; attempts of both count toward one dead letter, which the office retries and the other sends.
 *
 * The people are registered and sign in through the first instance only (until the accounts move to
 * PostgreSQL too, a token is known only to the instance that made it): the second one knows them from
 * the log alone, as its read models have them.
 */
describe('notifications by e-mail from two instances on one PostgreSQL store', () => {
  const schema = freshSchema('mail');
  const clock = new FakeClock(on('2027-09-01'));
  let smtp: SmtpTestServer;
  let one: RunningApp;
  let two: RunningApp;
  let accounts: Accounts;

  const dispatcherOf = (running: RunningApp) => running.app.get(NotificationDispatcher);
  /** Both instances' read models hold everything written, through either. */
  const caughtUp = () => Promise.all([one, two].map((running) => running.app.get(ReadModels).reachStored()));
  const sentence = (language: 'zh' | 'en', person: Account) => notificationSentence(language, { kind: 'grant-given', outcome: 'expert', title: null, recordId: person.personId, dueOn: null });
  const preferences = async (running: RunningApp, account: Account, body: Record<string, unknown>) => {
    const { kinds } = (await fetch(`${running.url}/notifications/preferences`, { headers: { authorization: `Bearer ${account.token}` } }).then((r) => r.json())) as { kinds: string[] };
    const answer = await fetch(`${running.url}/notifications/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${account.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ emailKinds: kinds, emailMode: 'immediate', language: 'zh', mobile: null, smsReminders: false, ...body }),
    });
    expect(answer.status).toBe(200);
    return (await answer.json()) as { kinds: string[]; language: string };
  };
  const call = async (running: RunningApp, method: string, path: string, token: string, body?: unknown) => {
    const answer = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: answer.status, body: (await answer.json()) as { items: { personId: string; id: string }[]; retried?: boolean } };
  };
  const sum = (reports: readonly RoundReport[], field: keyof RoundReport) => reports.reduce((total, r) => total + r[field], 0);

  beforeAll(async () => {
    smtp = await SmtpTestServer.start();
    const env = { EVENT_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, SMTP_URL: smtp.url, MAIL_FROM: FROM, PUBLIC_URL: 'https://als.example.cn', NOTIFY_RETRY_MS: '1000', NOTIFY_MAX_ATTEMPTS: '2' };
    one = await startTestApp(env, clock);
    two = await startTestApp(env, clock);
    accounts = await Accounts.of(one);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await smtp?.stop();
    await dropSchema(schema);
  });

  it('keeps the postbox in the store’s schema, with one checkpoint, and not in either data folder', async () => {
    expect(one.config.dataDir).not.toBe(two.config.dataDir);
    for (const running of [one, two]) expect(readdirSync(running.config.dataDir)).not.toContain('notifications.db');
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'postbox%' ORDER BY table_name", [schema]);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['postbox_checkpoint', 'postbox_deliveries', 'postbox_digest_items', 'postbox_preferences']);
      expect((await client.query(`SELECT position FROM "${schema}".postbox_checkpoint`)).rowCount).toBe(1);
    } finally {
      await client.end();
    }
    expect(await dispatcherOf(one).postbox.checkpoint()).toBe(await dispatcherOf(two).postbox.checkpoint());
  });

  it('sends each e-mail once with the two instances’ dispatchers running their rounds at the same time', async () => {
    // Eight people: one notice each (the expert's duty given), in both instances' read models.
    const people: (Account & { readonly email: string })[] = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const email = `expert-${n}@example.cn`;
      people.push({ ...(await accounts.account({ sub: `pg-mail-${n}`, role: 'reviewer', org: `university-pg-${n}`, email })), email });
    }
    await caughtUp();
    smtp.delayMs = 30;
    try {
      const reports = await Promise.all([dispatcherOf(one).round(), dispatcherOf(two).round(), dispatcherOf(one).round(), dispatcherOf(two).round()]);
      reports.push(...(await Promise.all([dispatcherOf(one).round(), dispatcherOf(two).round()])));
      for (const person of people) {
        const mails = smtp.to(person.email);
        expect(mails).toHaveLength(1);
        expect(mails[0].mail.subject).toBe(sentence('zh', person));
      }
      expect(smtp.received).toHaveLength(people.length);
      expect(sum(reports, 'planned')).toBe(people.length);
      expect(sum(reports, 'sent')).toBe(people.length);
      // Both instances sent some of them.
      expect(reports.filter((r, n) => n % 2 === 0).some((r) => r.sent > 0)).toBe(true);
      expect(reports.filter((r, n) => n % 2 === 1).some((r) => r.sent > 0)).toBe(true);
    } finally {
      smtp.delayMs = 0;
    }
    // Nothing more, however many rounds either runs.
    await Promise.all([dispatcherOf(one).round(), dispatcherOf(two).round()]);
    expect(smtp.received).toHaveLength(people.length);
    expect((await dispatcherOf(two).postbox.deliveries({ personId: people[0].personId })).map((d) => d.status)).toEqual(['sent']);
  });

  it('plans with the preferences set through the other instance', async () => {
    const english = await accounts.account({ sub: 'pg-mail-english', role: 'reviewer', org: 'university-pg-english', email: 'english@example.cn' });
    const quiet = await accounts.account({ sub: 'pg-mail-quiet', role: 'reviewer', org: 'university-pg-quiet', email: 'quiet@example.cn' });
    // Through the first instance, before any round plans their notices.
    await preferences(one, english, { language: 'en' });
    const { kinds } = await preferences(one, quiet, {});
    await preferences(one, quiet, { emailKinds: kinds.filter((k) => k !== 'grant-given') });
    await caughtUp();
    // Only the other instance's dispatcher plans and sends them.
    expect(await dispatcherOf(two).round()).toEqual({ planned: 1, sent: 1, failed: 0 });
    const [mail] = smtp.to('english@example.cn');
    expect(mail.mail.subject).toBe(sentence('en', english));
    expect(mail.mail.text).toContain('Dear pg-mail-english,');
    expect(mail.mail.messageId).toBe(messageIdOf({ personId: english.personId, id: (await dispatcherOf(one).postbox.deliveries({ personId: english.personId }))[0].id, channel: 'email' }, 'noreply@jyt.example.cn'));
    expect(await dispatcherOf(one).round()).toEqual({ planned: 0, sent: 0, failed: 0 });
    expect(smtp.to('quiet@example.cn')).toHaveLength(0);
    expect(await dispatcherOf(one).postbox.deliveries({ personId: quiet.personId })).toEqual([]);
    expect(await dispatcherOf(one).postbox.preferences(english.personId)).toMatchObject({ language: 'en' });
  });

  it('dead-letters a delivery after the attempts of both instances; retried by the office, it is delivered once', async () => {
    smtp.refuse.set('dead@example.cn', Infinity);
    const person = await accounts.account({ sub: 'pg-mail-dead', role: 'reviewer', org: 'university-pg-dead', email: 'dead@example.cn' });
    await caughtUp();
    expect(await dispatcherOf(one).round()).toMatchObject({ sent: 0, failed: 1 });
    clock.set(new Date(clock.now().getTime() + 10 * 60_000).toISOString());
    // The second attempt, the last, by the other instance.
    expect(await dispatcherOf(two).round()).toMatchObject({ sent: 0, failed: 1 });
    expect(smtp.attempts.get('dead@example.cn')).toBe(2);
    const office = await accounts.token({ sub: 'pg-mail-office', role: 'office', org: '山西省教育厅' });
    const letters = await call(one, 'GET', '/notifications/dead-letters', office);
    expect(letters.status).toBe(200);
    const letter = letters.body.items.find((d) => d.personId === person.personId)!;
    expect(letter).toMatchObject({ channel: 'email', kind: 'grant-given', attempts: 2, lastError: expect.stringContaining('451') });

    smtp.refuse.delete('dead@example.cn');
    expect((await dispatcherOf(two).postbox.deliveries({ status: 'dead' })).map((d) => d.personId)).toEqual([person.personId]);
    expect((await call(one, 'POST', '/notifications/dead-letters/retry', office, { personId: person.personId, id: letter.id, channel: 'email' })).body).toEqual({ retried: true });
    // The other instance sends it.
    expect(await dispatcherOf(two).round()).toMatchObject({ sent: 1, failed: 0 });
    expect(await dispatcherOf(one).round()).toMatchObject({ sent: 0, failed: 0 });
    expect(smtp.to('dead@example.cn')).toHaveLength(1);
    expect((await call(one, 'GET', '/notifications/dead-letters', office)).body.items).toEqual([]);
  });
});
