import Database from 'better-sqlite3';
import { nextDigestAt, NoticeToPlan, Postbox } from './postbox';

const notice = (id: string, position: bigint, over: Partial<NoticeToPlan> = {}): NoticeToPlan => ({
  id,
  personId: 'p-1',
  kind: 'approval',
  subject: 'project',
  recordId: 'project-1',
  title: '机电一体化技术',
  outcome: 'approved',
  dueOn: null,
  at: '2027-10-31T02:00:00.000Z',
  position,
  email: 'p1@example.cn',
  name: '王老师',
  active: true,
  ...over,
});

const BOTH = { email: true, sms: true };

describe('the postbox', () => {
  let postbox: Postbox;
  beforeEach(() => {
    postbox = new Postbox(new Database(':memory:'), { retryMs: 1000, maxRetryMs: 4000, maxAttempts: 4 });
    postbox.startAt(10n);
  });

  it('sends the digest at the hour in Beijing strictly after now', () => {
    expect(nextDigestAt(new Date('2027-10-30T23:59:00Z'), 8).toISOString()).toBe('2027-10-31T00:00:00.000Z'); // 07:59 → 08:00 the same day
    expect(nextDigestAt(new Date('2027-10-31T00:00:00Z'), 8).toISOString()).toBe('2027-11-01T00:00:00.000Z'); // 08:00 → the next day's
    expect(nextDigestAt(new Date('2027-10-31T15:30:00Z'), 0).toISOString()).toBe('2027-10-31T16:00:00.000Z'); // 23:30 → midnight
  });

  it('plans each notice once: what the checkpoint passed is left alone, by this process or another', () => {
    expect(postbox.plan([notice('a', 9n), notice('b', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:00Z'), 8)).toBe(1);
    expect(postbox.checkpoint()).toBe(11n);
    expect(postbox.plan([notice('b', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:01Z'), 8)).toBe(0);
    expect(postbox.deliveries().map((d) => d.id)).toEqual(['b']);
  });

  it('moves the checkpoint without planning when no channel is configured', () => {
    expect(postbox.plan([notice('a', 12n)], 12n, { email: false, sms: false }, new Date('2027-10-31T02:00:00Z'), 8)).toBe(0);
    expect(postbox.checkpoint()).toBe(12n);
    expect(postbox.deliveries()).toEqual([]);
  });

  it('texts only reminders, to a person who gave a number and asked', () => {
    postbox.setPreferences('p-1', { mutedKinds: ['deadline-ahead'], emailMode: 'immediate', language: 'en', mobile: '13912345678', smsReminders: true }, new Date());
    postbox.plan([notice('approval', 11n), notice('reminder', 12n, { kind: 'deadline-ahead', outcome: 'construction-plan', dueOn: '2027-11-30' })], 12n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    expect(postbox.deliveries().map((d) => [d.id, d.channel, d.address, d.language]).sort()).toEqual([
      ['approval', 'email', 'p1@example.cn', 'en'],
      ['reminder', 'sms', '13912345678', 'en'],
    ]);
  });

  it('backs off doubling to the bound and dead-letters after the last attempt; a claim is one process’s', () => {
    postbox.plan([notice('a', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    let now = new Date('2027-10-31T02:00:00Z');
    const waits: (string | null)[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const [claimed] = postbox.claim('one', now, Date.now() + 60_000, 5, ['email']);
      expect(postbox.claim('two', now, Date.now() + 60_000, 5, ['email'])).toEqual([]);
      postbox.failed(claimed, 'two', 'not theirs', now);
      postbox.failed(claimed, 'one', `451 attempt ${attempt}`, now);
      const [after] = postbox.deliveries();
      waits.push(after.nextAttemptAt && String((Date.parse(after.nextAttemptAt) - now.getTime()) / 1000));
      if (after.nextAttemptAt) now = new Date(after.nextAttemptAt);
    }
    expect(waits).toEqual(['1', '2', '4', null]);
    expect(postbox.deliveries()[0]).toMatchObject({ status: 'dead', attempts: 4, lastError: '451 attempt 4' });
    expect(postbox.claim('one', new Date('2030-01-01T00:00:00Z'), Date.now() + 60_000, 5, ['email'])).toEqual([]);
  });

  it('fixes a digest once it was claimed: a later notice goes to the next day’s', () => {
    postbox.setPreferences('p-1', { mutedKinds: [], emailMode: 'digest', language: 'zh', mobile: null, smsReminders: false }, new Date());
    postbox.plan([notice('a', 11n), notice('b', 12n)], 12n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    expect(postbox.claim('one', new Date('2027-10-31T23:59:59Z'), Date.now() + 60_000, 5, ['email'])).toEqual([]);
    const [digest] = postbox.claim('one', new Date('2027-11-01T00:00:00Z'), Date.now() + 60_000, 5, ['email']);
    expect([digest.id, digest.items.map((i) => i.id)]).toEqual(['digest:p-1:2027-11-01', ['a', 'b']]);
    // Planned (by another process's clock) before the hour, while this digest is being sent.
    postbox.plan([notice('c', 13n)], 13n, BOTH, new Date('2027-10-31T23:59:59Z'), 8);
    postbox.sent(digest, new Date('2027-11-01T00:00:01Z'));
    expect(postbox.deliveries().map((d) => [d.id, d.status, d.items.map((i) => i.id)])).toEqual([
      ['digest:p-1:2027-11-02', 'pending', ['c']],
      ['digest:p-1:2027-11-01', 'sent', ['a', 'b']],
    ]);
  });
});
