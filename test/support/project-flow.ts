import { DocumentRef } from '../../src/domain/messages';
import { Account, Accounts, Who } from './accounts';
import { client, HttpResult } from './http';
import { expectOk, FakeClock, on, upload } from './lifecycle';
import { RunningApp } from './test-app';

/** What each program's application is about, as the decider expects it. */
export const SUBJECTS: Readonly<Record<string, unknown>> = {
  'secondary-school': { kind: 'school' },
  'higher-college': { kind: 'school' },
  'brand-major': { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' },
  'quality-course': { kind: 'course', courseName: 'PLC 编程与应用', classHours: 48, semestersTaught: 3 },
};

export interface Reviewer {
  readonly id: string;
  readonly org: string;
  readonly token: string;
}

/**
 * The selection steps of projects.e2e-spec's walk (window 1–15 September, formal check and
 * recommendation on 20 September, scores on 10 October), one step at a time, so a test can stop a
 * project anywhere on its way and aim refused or concurrent commands at it.
 */
export class ProjectFlow {
  readonly http: ReturnType<typeof client>;
  /** Uploaded once: any user may cite a stored document. */
  docs!: { readonly form: DocumentRef; readonly authenticity: DocumentRef; readonly commitment: DocumentRef; readonly evidence: DocumentRef };

  constructor(
    readonly running: RunningApp,
    readonly clock: FakeClock,
    readonly accounts: Accounts,
    readonly office: string,
  ) {
    this.http = client(running);
  }

  static async start(running: RunningApp, clock: FakeClock): Promise<ProjectFlow> {
    const accounts = await Accounts.of(running);
    const office = await accounts.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    const flow = new ProjectFlow(running, clock, accounts, office);
    const [form, authenticity, commitment, evidence] = await Promise.all(['申报书.pdf', '真实性声明.pdf', '承诺书.pdf', '异议证据.pdf'].map((n) => upload(running, office, n)));
    flow.docs = { form, authenticity, commitment, evidence };
    return flow;
  }

  /** The personal access token of a person the test names, created through the API the first time. */
  token(who: Who): Promise<string> {
    return this.accounts.token(who);
  }

  account(who: Who): Promise<Account> {
    return this.accounts.account(who);
  }

  async ok(result: Promise<HttpResult> | HttpResult, step: string): Promise<HttpResult> {
    const r = await result;
    expectOk(r, step);
    return r;
  }

  /** Opens `cycleId` with its window from 1 to 15 September of `year`, the clock on 1 September. */
  async openCycle(cycleId: string, programType: string, year: number, override: { rules?: Record<string, unknown>; rulesVersion?: string; parentCycleId?: string; opensAt?: string; closesAt?: string } = {}): Promise<void> {
    this.clock.set(on(`${year}-09-01`));
    await this.ok(
      this.http.post('/cycles', this.office, {
        id: cycleId,
        programType,
        name: `${programType} ${year}`,
        label: String(year),
        opensAt: `${year}-09-01T00:00:00+08:00`,
        closesAt: `${year}-09-15T00:00:00+08:00`,
        ...override,
      }),
      `open cycle ${cycleId}`,
    );
  }

  draftBody(cycleId: string, programType: string, title: string) {
    return { cycleId, programType, title, subject: SUBJECTS[programType] };
  }

  /** Drafts while the window is open; answers the project id from the Location. */
  async draft(applicant: string, cycleId: string, programType: string, title: string, headers?: Record<string, string>): Promise<string> {
    const drafted = await this.ok(this.http.post('/projects', applicant, this.draftBody(cycleId, programType, title), headers), `draft ${title}`);
    return drafted.headers.get('location')!.split('/').pop()!;
  }

  submitBody() {
    return { applicationForm: this.docs.form, declarations: { authenticity: this.docs.authenticity, commitment: this.docs.commitment } };
  }

  submit(applicant: string, projectId: string, headers?: Record<string, string>) {
    return this.http.post(`/projects/${projectId}/submit`, applicant, this.submitBody(), headers);
  }

  /**
   * Submits each project (5 September), has the city check and recommend them in order (20 September)
   * (with no recommender, the office checks and no one recommends), assigns the reviewers and has each
   * score (10 October): the projects end UnderReview.
   */
  async review(year: number, projects: readonly { id: string; applicant: string }[], recommender: string | null, reviewers: readonly Reviewer[]): Promise<void> {
    this.clock.set(on(`${year}-09-05`));
    for (const p of projects) await this.ok(this.submit(p.applicant, p.id), `submit ${p.id}`);
    this.clock.set(on(`${year}-09-20`));
    for (const [index, p] of projects.entries()) {
      await this.ok(this.http.post(`/projects/${p.id}/formal-check`, recommender ?? this.office, { result: 'passed' }), `formal check ${p.id}`);
      if (recommender) await this.ok(this.http.post(`/projects/${p.id}/recommend`, recommender, { rank: index + 1 }), `recommend ${p.id}`);
      for (const r of reviewers) {
        await this.ok(this.http.post(`/projects/${p.id}/reviewers`, this.office, { reviewerId: r.id, reviewerOrg: r.org, declaredRelations: [] }), `assign ${r.id}`);
      }
    }
    this.clock.set(on(`${year}-10-10`));
    for (const p of projects) {
      for (const [n, r] of reviewers.entries()) {
        await this.ok(this.http.post(`/projects/${p.id}/scores`, r.token, { score: 80 + n, comments: `评审意见 ${n + 1}` }), `score ${p.id} by ${r.id}`);
      }
    }
  }

  /**
   * After `review`: shortlists the projects (15 October), opens the notice (16 October), ends it and
   * approves them (31 October), and waits until the approval, carried by the reactor, reached each project.
   */
  async approve(cycleId: string, year: number, projectIds: readonly string[]): Promise<void> {
    this.clock.set(on(`${year}-10-15`));
    await this.ok(this.http.post(`/cycles/${cycleId}/shortlist`, this.office, { shortlisted: projectIds.map((projectId) => ({ projectId })), notSelected: [], reason: '评审会议纪要' }), 'shortlist');
    const { noticeId } = await this.openNotice(cycleId, `${year}-10-16`);
    this.clock.set(on(`${year}-10-31`));
    await this.ok(this.http.post(`/cycles/${cycleId}/end-notice`, this.office, { noticeId }), 'end the notice');
    await this.ok(this.http.post(`/cycles/${cycleId}/approve`, this.office, { projectIds, reason: '公示无异议，予以立项' }), 'approve');
    for (const projectId of projectIds) {
      for (let tries = 0; (await this.status(projectId)) !== 'Approved'; tries += 1) {
        if (tries > 100) throw new Error(`the approval never reached project ${projectId}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Opens the cycle's notice on `startsOn` (the clock set to that day): answers its id and last day. */
  async openNotice(cycleId: string, startsOn: string): Promise<{ noticeId: string; endsOn: string }> {
    this.clock.set(on(startsOn));
    await this.ok(this.http.post(`/cycles/${cycleId}/open-notice`, this.office, { startsOn }), 'open notice');
    const cycle = (await this.http.get(`/cycles/${cycleId}`, this.office)).body;
    const notice = Object.values(cycle.notices as Record<string, { noticeId: string; startsOn: string; endsOn: string }>).find((n) => n.startsOn === startsOn)!;
    return { noticeId: notice.noticeId, endsOn: notice.endsOn };
  }

  async project(projectId: string): Promise<HttpResult> {
    return this.http.get(`/projects/${projectId}`, this.office);
  }

  async status(projectId: string): Promise<string> {
    return (await this.project(projectId)).body.status;
  }

  /** The stream's ETag as the office reads it, or the status when there is none (404). */
  async etag(projectId: string): Promise<string> {
    const r = await this.project(projectId);
    return r.headers.get('etag') ?? `status ${r.status}`;
  }

  async cycleEtag(cycleId: string): Promise<string> {
    const r = await this.http.get(`/cycles/${cycleId}`, this.office);
    return r.headers.get('etag') ?? `status ${r.status}`;
  }

  /** The global position of the last event in the store: unchanged means nothing was written anywhere. */
  async lastPosition(): Promise<string | null> {
    return (await this.http.get('/health')).body.store.lastPosition;
  }

  /** Event types of a stream, as the audit API lists them to the office. */
  async eventTypes(stream: string): Promise<string[]> {
    const history = await this.http.get(`/audit/streams/${stream}/history`, this.office);
    return history.status === 404 ? [] : history.body.events.map((e: { type: string }) => e.type);
  }
}
