import { randomUUID } from 'node:crypto';
import { Accounts, Who } from './accounts';
import { Answer, Client, inParallel, Service, sleep } from './service-processes';

const on = (date: string) => `${date}T10:00:00+08:00`;
const PDF = (label: string) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${label}\n`.repeat(20))]);

export interface SelectionLoad {
  readonly year: number;
  readonly orgs: number;
  readonly projectsPerOrg: number;
  readonly quota: number;
  readonly region: string;
  /** Requests in flight at once, over every process. */
  readonly concurrency: number;
  /** Between the phases: the SQLite test starts and stops a third writer's locks, the PostgreSQL one kills an instance. */
  readonly between?: (phase: 'drafted' | 'scored' | 'decided') => Promise<void>;
}

export interface SelectionPlayed {
  readonly accounts: Accounts;
  readonly office: string;
  readonly auditor: string;
  readonly cycle: string;
  /** The log's last position once every read side reached it. */
  readonly last: string;
}

/**
 * A selection played through several service processes at once, as the two- and three-process tests
 * share it: drafts, submissions, recommendations, reviews and shortlists spread over the processes
 * still running (`live()`), some commands sent to all of them at the same moment with one
 * Idempotency-Key, and the clock of each moved together. At the end every read side has reached the
 * same position with the same answers, each cross-stream effect was written once, the hash chain
 * verifies on each, and no reaction is dead. The people are made through the first process.
 */
export async function playSelection(client: Client, live: () => readonly Service[], setupLink: string, load: SelectionLoad): Promise<SelectionPlayed> {
  const { year, orgs, projectsPerOrg, quota, region, concurrency } = load;
  const cycle = `brand-major-processes-${year}`;
  const pick = (n: number) => live()[n % live().length];
  const others = (s: Service) => live().filter((o) => o !== s);
  const ok = (answer: Answer, step: string) => client.ok(answer, step);
  const all = <T>(tasks: readonly (() => Promise<T>)[]) => inParallel(tasks, concurrency);

  const accounts = await Accounts.withLink({ url: live()[0].url }, setupLink);
  const token = (who: Who) => accounts.token(who);
  const office = await token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
  const auditor = await token({ sub: 'auditor-1', role: 'auditor', org: '山西省审计厅' });
  const recommender = await token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region });
  const reviewers = await Promise.all(
    [1, 2, 3].map(async (n) => {
      const expert = await accounts.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });
      return { id: expert.personId, org: expert.org, token: expert.token };
    }),
  );
  const applicants = await Promise.all(
    Array.from({ length: orgs }, async (_, i) => {
      const school = await accounts.account({ sub: `school-${i}-user`, role: 'applicant', org: `school-${i}`, region });
      return { org: school.org, token: school.token };
    }),
  );
  /** Each process has its own simulated clock: all are moved to the same instant. */
  const clockTo = async (date: string) => {
    for (const s of await Promise.all(live().map((s) => client.call(s, 'POST', '/clock', office, { to: on(date) })))) ok(s, `clock to ${date}`);
  };

  ok(
    await client.call(live()[0], 'POST', '/cycles', office, {
      id: cycle,
      programType: 'brand-major',
      name: `品牌专业 ${year}`,
      label: String(year),
      opensAt: `${year}-09-01T00:00:00+08:00`,
      closesAt: `${year}-09-15T00:00:00+08:00`,
      rules: { quota, perRecommenderLimit: orgs * projectsPerOrg },
      rulesVersion: 'brand-major/processes',
    }),
    'open the cycle',
  );
  await clockTo(`${year}-09-02`);

  // Documents uploaded to one process, cited through another.
  const uploads = await Promise.all(
    ['申报书.pdf', '真实性声明.pdf', '承诺书.pdf'].map(async (name, i) => {
      const form = new FormData();
      form.append('file', new Blob([PDF(name)], { type: 'application/pdf' }), name);
      const body = ok(await client.call(pick(i), 'POST', '/documents', office, form), `upload ${name}`).body;
      return { sha256: body.sha256, name: body.name, size: body.size, mediaType: body.mediaType };
    }),
  );
  const [form, authenticity, commitment] = uploads;

  // Drafts through each; some drafted with one Idempotency-Key sent to every process at once.
  const drafts = applicants.flatMap((applicant, i) => Array.from({ length: projectsPerOrg }, (_, k) => ({ applicant, n: i * projectsPerOrg + k })));
  const projects = await all(
    drafts.map(({ applicant, n }) => async () => {
      const body = { cycleId: cycle, programType: 'brand-major', title: `${applicant.org} 品牌专业 ${n}`, subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } };
      const service = pick(n);
      let drafted: Answer;
      if (n % 5 === 0) {
        const key = { 'idempotency-key': randomUUID() };
        const every = await Promise.all(live().map((s) => client.call(s, 'POST', '/projects', applicant.token, body, key)));
        for (const answer of every) ok(answer, `draft ${n} through ${answer.service}`);
        expect(new Set(every.map((a) => a.headers!.get('location'))).size).toBe(1);
        drafted = every[0];
      } else {
        drafted = ok(await client.call(service, 'POST', '/projects', applicant.token, body), `draft ${n}`);
      }
      const id = drafted.headers!.get('location')!.split('/').pop()!;
      // Read-your-writes on a process that did not write.
      const reader = others(live().find((s) => s.name === drafted.service)!)[0] ?? service;
      const listed = ok(await client.call(reader, 'GET', `/projects?cycleId=${cycle}&applicantOrg=${applicant.org}&after=${drafted.body.position}`, applicant.token), `list after draft ${n}`);
      expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(id);
      return { id, n, applicant };
    }),
  );
  await load.between?.('drafted');

  // Submissions register on the one cycle stream from every process; every third is sent to all at once
  // with one Idempotency-Key (a client trying again through another instance): all answer the one submission.
  await clockTo(`${year}-09-05`);
  const submitBody = { applicationForm: form, declarations: { authenticity, commitment } };
  await all(
    projects.map((p) => async () => {
      const path = `/projects/${p.id}/submit`;
      if (p.n % 3 !== 0) return void ok(await client.call(pick(p.n + 1), 'POST', path, p.applicant.token, submitBody), `submit ${p.n}`);
      const key = { 'idempotency-key': randomUUID() };
      const every = await Promise.all(live().map((s) => client.call(s, 'POST', path, p.applicant.token, submitBody, key)));
      for (const r of every) ok(r, `submit ${p.n} through ${r.service}`);
      expect(every.map((r) => [r.body.revision, r.body.position])).toEqual(every.map(() => [every[0].body.revision, every[0].body.position]));
    }),
  );

  // Formal check, ranked recommendation (on the cycle stream again) and three reviewers per project.
  await clockTo(`${year}-09-20`);
  await all(
    projects.map((p, index) => async () => {
      const s = pick(index);
      ok(await client.call(s, 'POST', `/projects/${p.id}/formal-check`, recommender, { result: 'passed' }), `formal check ${p.n}`);
      ok(await client.call(pick(index + 1), 'POST', `/projects/${p.id}/recommend`, recommender, { rank: index + 1 }), `recommend ${p.n}`);
      for (const [k, r] of reviewers.entries()) {
        ok(await client.call(pick(index + k), 'POST', `/projects/${p.id}/reviewers`, office, { reviewerId: r.id, reviewerOrg: r.org, declaredRelations: [] }), `assign ${r.id} to ${p.n}`);
      }
    }),
  );
  await clockTo(`${year}-10-10`);
  await all(
    projects.flatMap((p, index) =>
      reviewers.map((r, k) => async () => void ok(await client.call(pick(index + k + 1), 'POST', `/projects/${p.id}/scores`, r.token, { score: 70 + ((index * 7 + k) % 30), comments: `评审意见 ${k + 1}` }), `score ${p.n} by ${r.id}`)),
    ),
  );
  await load.between?.('scored');

  // Shortlists of three, each sent to every process at the same moment: within the quota one of them is
  // taken and the others find the projects decided; beyond it, all are refused.
  await clockTo(`${year}-10-15`);
  const groups = Array.from({ length: projects.length / 3 }, (_, g) => projects.slice(g * 3, g * 3 + 3));
  const shortlisting = await all(
    groups.map((group, g) => async () => {
      const body = { shortlisted: group.map((p) => ({ projectId: p.id })), notSelected: [], reason: `评审会议纪要 ${g + 1}` };
      return Promise.all(live().map((s) => client.call(s, 'POST', `/cycles/${cycle}/shortlist`, office, body)));
    }),
  );
  for (const every of shortlisting) {
    expect(every.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    for (const refused of every.filter((r) => r.status !== 200)) {
      expect([refused.status, ['already-decided', 'quota-exceeded'].includes(refused.body.code)]).toEqual([409, true]);
    }
  }
  expect(shortlisting.filter((every) => every.some((r) => r.status === 200)).length).toBe(quota / 3);
  // The rest are not selected, again through every process at once.
  const decided = ok(await client.call(pick(1), 'GET', `/cycles/${cycle}`, office), 'read the cycle').body;
  const undecided = projects.filter((p) => !decided.selections[p.id]);
  expect(undecided).toHaveLength(projects.length - quota);
  await all(
    undecided.map((p) => async () => {
      const body = { shortlisted: [], notSelected: [{ projectId: p.id, reason: '评审得分未达入围线' }], reason: '评审会议纪要' };
      const every = await Promise.all(live().map((s) => client.call(s, 'POST', `/cycles/${cycle}/shortlist`, office, body)));
      expect(every.map((r) => r.status).sort()).toEqual([200, ...every.slice(1).map(() => 409)]);
    }),
  );
  await load.between?.('decided');

  // Every read side reaches the end of the log, the same for all.
  const until = Date.now() + 15_000;
  let health: Answer[];
  for (;;) {
    health = await Promise.all(live().map((s) => client.call(s, 'GET', '/health')));
    const done = health.every((h) => h.status === 200 && h.body.projections.caughtUp && h.body.projections.checkpoint === h.body.store.lastPosition);
    if (done && new Set(health.map((h) => h.body.store.lastPosition)).size === 1) break;
    if (Date.now() > until) throw new Error(`the read sides did not catch up: ${JSON.stringify(health.map((h) => [h.status, h.body]))}`);
    await sleep(100);
  }
  const last = health[0].body.store.lastPosition as string;

  const statuses = await Promise.all(
    live().map(async (s) => {
      const page = ok(await client.call(s, 'GET', `/projects?cycleId=${cycle}&limit=500&after=${last}`, office), `list on ${s.name}`).body;
      return Object.fromEntries(page.items.map((p: { id: string; status: string }) => [p.id, p.status])) as Record<string, string>;
    }),
  );
  for (const other of statuses.slice(1)) expect(other).toEqual(statuses[0]);
  const counts = Object.values(statuses[0]).reduce<Record<string, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {});
  expect(counts).toEqual({ Shortlisted: quota, NotSelected: projects.length - quota });
  // The read model says what each stream says, on every process.
  await all(projects.flatMap((p) => live().map((s) => async () => expect([p.id, ok(await client.call(s, 'GET', `/projects/${p.id}`, office), 'read').body.status]).toEqual([p.id, statuses[0][p.id]]))));
  const dashboards = await Promise.all(live().map(async (s) => ok(await client.call(s, 'GET', `/cycles/${cycle}/dashboard?after=${last}`, office), 'dashboard').body));
  for (const other of dashboards.slice(1)) expect(other).toEqual(dashboards[0]);

  // Each cross-stream effect once: one SelectionRecorded per project, one window closing on the cycle.
  await all(
    projects.map((p) => async () => {
      const history = ok(await client.call(pick(p.n), 'GET', `/audit/streams/project-${p.id}/history`, auditor), 'history').body;
      const types: string[] = history.events.map((e: { type: string }) => e.type);
      expect([p.id, types.filter((t) => t === 'SelectionRecorded').length, types.filter((t) => t === 'ApplicationSubmitted').length]).toEqual([p.id, 1, 1]);
    }),
  );
  const cycleTypes: string[] = ok(await client.call(live()[0], 'GET', `/audit/streams/cycle-${cycle}/history`, auditor), 'cycle history').body.events.map((e: { type: string }) => e.type);
  expect(cycleTypes.filter((t) => t === 'ApplicationWindowClosed')).toHaveLength(1);
  expect(cycleTypes.filter((t) => t === 'ApplicationRegistered')).toHaveLength(projects.length);
  expect(cycleTypes.filter((t) => t === 'ProjectShortlisted')).toHaveLength(quota);

  for (const s of live()) {
    const verified = ok(await client.call(s, 'GET', '/audit/verify', auditor), `verify on ${s.name}`).body;
    expect(verified).toMatchObject({ ok: true, checkedEvents: Number(last) });
  }
  const failures = await Promise.all(live().map(async (s) => ok(await client.call(s, 'GET', '/reactions/failures', office), 'failures').body));
  expect(failures.map((f) => f.dead)).toEqual(live().map(() => 0));
  return { accounts, office, auditor, cycle, last };
}
