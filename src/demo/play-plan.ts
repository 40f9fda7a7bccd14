import { addCalendarDays, chinaDateOf } from '../domain/calendar';
import { defaultCatalog } from '../domain/catalog/program-catalog';
import { ServiceAccounts, Who } from './accounts';
import { ApiClient, Answer, DemoStepError, interleave, pool } from './http-client';
import { tinyPdf } from './pdf';
import { count, padEnd } from './text';
import { CITIES, City, COURSES, Enterprise, Expert, MAJORS, populationOf, Random, School, SPECIALTY_GROUPS } from './population';

/**
 * The 2020 Shanxi plan (晋政发〔2020〕19号) played through the service's HTTP API alone, each step by the
 * role that owns it, on the simulated clock: five program cycles opened with the seed's targets as
 * quotas, several hundred schools applying across the 11 cities, formal checks and ranked
 * recommendations, three reviewers per project (one recusing), scoring, shortlisting within the quota,
 * a public notice with objections, approval; five years of construction with annual reports, mid-term
 * evaluations with a rectification, final evaluations and accreditation, a revocation with fund
 * recovery; enterprises from incubation to certification, one disqualified and banned. It ends with a
 * summary read from the read models and an auditor's verification of the whole log.
 */

export interface PlayOptions {
  /** Number of applicant schools (and a tenth as many enterprises). */
  readonly scale: number;
  /** Requests in flight at most (default 16). */
  readonly concurrency?: number;
  /** Progress lines; silent when left out. */
  readonly log?: (line: string) => void;
  readonly seed?: number;
  /**
   * The sandbox's: after the plan, its next year (2026), which leaves work waiting at every desk; the
   * result's `desks` say who waits for what.
   */
  readonly leaveWorkWaiting?: boolean;
}

/** A person with work waiting when the play ends (PlayOptions.leaveWorkWaiting): the grant they work with, and the to-do kinds (GET /todo) waiting for them. */
export interface Desk {
  readonly grant: 'project-lead' | 'school-head' | 'bureau-clerk' | 'expert' | 'office-staff' | 'auditor' | 'enterprise-admin';
  readonly personId: string;
  readonly waiting: readonly string[];
}

export interface ProgramSummary {
  readonly programType: string;
  readonly name: string;
  readonly cycleId: string;
  readonly quota: number;
  /** Applications submitted (registered on the cycle). */
  readonly applications: number;
  /** Projects that held one of the quota's places: on the list now, or taken off it after an objection. */
  readonly shortlisted: number;
  readonly notSelected: number;
  readonly removedAfterObjection: number;
  readonly approved: number;
  readonly accredited: number;
  readonly revoked: number;
  /** Places of the quota not taken. */
  readonly remaining: number;
  /** The cycle's money (GET /cycles/{id}/funds), yuan: the provincial budget, granted from public sources and matching, paid out. */
  readonly funds: { readonly budget: number; readonly granted: number; readonly matching: number; readonly disbursed: number };
}

export interface EnterpriseSummary {
  readonly applied: number;
  readonly notAdmitted: number;
  readonly incubating: number;
  readonly certified: number;
  readonly disqualified: number;
}

export interface PlanResult {
  readonly programs: readonly ProgramSummary[];
  readonly enterprises: EnterpriseSummary;
  readonly audit: { readonly ok: boolean; readonly checkedEvents: number; readonly checkedStreams: number; readonly firstBroken?: unknown };
  /** What the summary shows that should not be (approved over the quota, a broken hash chain, …); empty when all holds. */
  readonly problems: readonly string[];
  readonly requests: number;
  readonly retries: number;
  readonly documents: number;
  readonly seconds: number;
  /** The simulated date the play ended on. */
  readonly endedOn: string;
  /** The brand majors' ranking by rubric scores (GET /cycles/{id}/ranking). */
  readonly review: { readonly ranked: number; readonly belowCutOff: number; readonly cutOff: number | null; readonly top: number | null };
  /** The brand majors' yearly grades, the poor one, and its next grant at the cap. */
  readonly performance: { readonly graded: number; readonly poor: number; readonly school: string | null; readonly cappedGrant: number | null };
  /** Who has work waiting, when the play left some (PlayOptions.leaveWorkWaiting); empty otherwise. */
  readonly desks: readonly Desk[];
}

type DocRef = { readonly sha256: string; readonly name: string; readonly size: number; readonly mediaType: string };

const PROGRAMS = ['secondary-school', 'higher-college', 'specialty-group', 'brand-major', 'quality-course'] as const;
type Program = (typeof PROGRAMS)[number];
/** The brand majors' rubric (评分指标): three dimensions whose maxima add up to 100 [I]. */
const MAJOR_RUBRIC = {
  dimensions: [
    { name: '建设基础', indicators: [{ id: 'basis', name: '专业基础与办学条件', max: 30 }] },
    { name: '建设方案', indicators: [{ id: 'plan', name: '建设目标与任务', max: 40 }] },
    { name: '保障措施', indicators: [{ id: 'support', name: '经费与制度保障', max: 30 }] },
  ],
};

/** A reviewer's total split over the rubric's indicators, in halves, adding up to the total exactly. */
const indicatorsOf = (total: number) => {
  const basis = Math.round(total * 0.3 * 2) / 2;
  const plan = Math.round(total * 0.4 * 2) / 2;
  return [
    { id: 'basis', score: basis },
    { id: 'plan', score: plan },
    { id: 'support', score: total - basis - plan },
  ];
};

/** Each approved project's 2020 provincial grant, yuan [I]: a school's or a college's more than a major's or a course's. */
const GRANT: Record<Program, number> = { 'secondary-school': 2_000_000, 'higher-college': 5_000_000, 'specialty-group': 2_000_000, 'brand-major': 500_000, 'quality-course': 100_000 };
const SHORT: Record<Program, string> = { 'secondary-school': 'ss', 'higher-college': 'hc', 'specialty-group': 'sg', 'brand-major': 'bm', 'quality-course': 'qc' };

/** What a cycle's rules say, as GET /cycles/{id} answers them. */
interface CycleRules {
  readonly quota: number;
  readonly perApplicantLimit: number;
  readonly perRecommenderLimit: number;
  readonly minReviewers: number;
  readonly constructionMonths: number;
  readonly midtermAfterMonths: number;
  readonly gradeScale: { readonly grades: string[]; readonly passing: string[] };
  readonly rubric?: unknown;
}

interface Cycle {
  readonly program: Program;
  readonly id: string;
  readonly name: string;
  rules: CycleRules;
  readonly apps: App[];
  noticeEnds: string[];
  reserve?: App;
}

interface App {
  readonly key: string;
  readonly program: Program;
  readonly school: School;
  readonly title: string;
  readonly subject: () => object;
  readonly parent?: App;
  readonly merit: number;
  readonly withdraw: boolean;
  readonly failFormalCheck: boolean;
  projectId: string;
  rank: number | null;
  /** Where the project's review panel starts in the rotation over the experts' organisations. */
  panel: number;
  reviewers: Expert[];
  recused: Expert | null;
  scores: number[];
  selection: 'shortlisted' | 'not-selected' | 'reserve' | null;
  removed: boolean;
  approved: boolean;
  revoked: boolean;
}

const PASS_LINE = 60;
const BEIJING_MORNING = 'T10:00:00+08:00';
const average = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

/** Plays the plan on the service whose accounts are `accounts`: every person is registered through its API as the play first needs them. */
export async function playPlan(baseUrl: string, accounts: ServiceAccounts, options: PlayOptions): Promise<PlanResult> {
  const play = new Play(baseUrl, accounts, options);
  try {
    return await play.run();
  } finally {
    play.api.close();
  }
}

class Play {
  readonly api: ApiClient;
  private readonly concurrency: number;
  private readonly log: (line: string) => void;
  private readonly random: Random;
  private readonly started = Date.now();
  private readonly cycles = new Map<Program, Cycle>();
  private review: PlanResult['review'] = { ranked: 0, belowCutOff: 0, cutOff: null, top: null };
  private performance: PlanResult['performance'] = { graded: 0, poor: 0, school: null, cappedGrant: null };
  private readonly population;
  private today = '2020-09-01';
  /** Schools already singled out (an objection, a rejected plan, a revocation…): each story gets its own school. */
  private readonly featured = new Set<School>();
  private clock = '';
  private documents = 0;
  private firedTotal = 0;
  private fired: Record<string, number> = {};
  private readonly leaveWorkWaiting: boolean;
  private desks: Desk[] = [];

  constructor(
    baseUrl: string,
    private readonly accounts: ServiceAccounts,
    options: PlayOptions,
  ) {
    this.concurrency = options.concurrency ?? 16;
    this.leaveWorkWaiting = options.leaveWorkWaiting === true;
    this.api = new ApiClient(baseUrl, this.concurrency);
    this.log = options.log ?? (() => undefined);
    this.random = new Random((options.seed ?? 2020) + 1);
    this.population = populationOf(options.scale, options.seed ?? 2020);
  }

  // ------------------------------------------------------------------------------------------- people

  private token(who: Who): Promise<string> {
    return this.accounts.token(who);
  }

  private officeWho: Who = { sub: 'office-1', role: 'office', org: '山西省教育厅' };
  private office = () => this.token(this.officeWho);
  /** The enterprise scheme is the provincial development and reform commission's. */
  private drcOffice = () => this.token({ sub: 'drc-office-1', role: 'office', org: '山西省发展和改革委员会' });
  private auditorWho: Who = { sub: 'auditor-1', role: 'auditor', org: '山西省审计厅' };
  private auditor = () => this.token(this.auditorWho);
  /** The school's admin and 校长 in one person: drafts, signs off and submits. */
  private applicantWho = (s: School): Who => ({ sub: `${s.key}-user`, role: 'applicant', org: s.name, region: s.city.name, schoolKind: s.kind === 'college' ? '高职' : s.technical ? '技工学校' : '中职' });
  private applicant = (s: School) => this.token(this.applicantWho(s));
  private enterpriseWho = (e: Enterprise): Who => ({ sub: `${e.key}-user`, role: 'applicant', org: e.creditCode, orgName: e.name, region: e.city.name, grants: ['enterprise-admin'] });
  private enterprise = (e: Enterprise) => this.token(this.enterpriseWho(e));
  private expertWho = (e: Expert): Who => ({ sub: e.id, role: 'reviewer', org: e.org });
  private expert = (e: Expert) => this.token(this.expertWho(e));
  /** An expert's id as the service knows them: the person the office registered in the reviewer pool. */
  private expertId = async (e: Expert) => (await this.accounts.account(this.expertWho(e))).personId;
  private educationBureauWho = (c: City): Who => ({ sub: `${c.slug}-edu`, role: 'recommender', org: `${c.name}教育局`, region: c.name });
  private educationBureau = (c: City) => this.token(this.educationBureauWho(c));
  /** 技工学校 are recommended by the city's human-resources bureau (人社局), whatever the program. */
  private hrBureauWho = (c: City): Who => ({ sub: `${c.slug}-hrss`, role: 'recommender', org: `${c.name}人力资源和社会保障局`, region: c.name });
  private hrBureau = (c: City) => this.token(this.hrBureauWho(c));
  private drcBureau = (c: City) => this.token({ sub: `${c.slug}-drc`, role: 'recommender', org: `${c.name}发展和改革委员会`, region: c.name });
  private recommenderWho = (app: App) => (app.school.technical ? this.hrBureauWho(app.school.city) : this.educationBureauWho(app.school.city));
  private recommenderOf = (app: App) => this.token(this.recommenderWho(app));
  private recommenderKey = (app: App) => `${app.school.city.slug}-${app.school.technical ? 'hrss' : 'edu'}`;

  // ------------------------------------------------------------------------------------------- helpers

  private async phase(label: string, work: () => Promise<string>): Promise<void> {
    const start = Date.now();
    const summary = await work();
    const fired = Object.entries(this.fired).map(([kind, n]) => `${n} ${kind}`);
    const total = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    const took = ((Date.now() - start) / 1000).toFixed(1);
    this.log(`[${total}s] ${this.today}  ${padEnd(label, 33)} ${summary}${fired.length ? `; deadlines fired: ${fired.join(', ')}` : ''}  (${took}s)`);
    this.fired = {};
  }

  /** Moves the simulated clock to 10:00 Beijing time on `date` (never back); the deadlines passed fire. */
  private async clockTo(date: string, time = BEIJING_MORNING): Promise<void> {
    if (date < this.today) throw new Error(`the demo's timeline goes back from ${this.today} to ${date}`);
    if (`${date}${time}` === this.clock) return;
    const answer = await this.api.request('POST', '/clock', { token: await this.office(), body: { to: `${date}${time}` } });
    if (answer.status === 404) throw new DemoStepError('move the simulated clock (the service must run with CLOCK=simulated)', answer);
    if (answer.status === 409) {
      throw new DemoStepError(`move the simulated clock to ${date} (the demo needs a fresh service whose clock starts at or before 2020-09-01T01:00:00Z)`, answer);
    }
    if (answer.status !== 200) throw new DemoStepError(`move the simulated clock to ${date}`, answer);
    this.today = date;
    this.clock = `${date}${time}`;
    for (const d of answer.body.deadlines as { kind: string; status: string }[]) {
      if (d.status !== 'fired') continue;
      this.fired[d.kind] = (this.fired[d.kind] ?? 0) + 1;
      this.firedTotal += 1;
    }
  }

  /** Uploads a tiny PDF as `token`'s user: answers the reference commands cite. */
  private async upload(token: string, fileName: string, title: string, lines: readonly string[]): Promise<DocRef> {
    const boundary = `----demo-boundary-${this.documents}-${fileName.length}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`,
      'utf8',
    );
    const bytes = Buffer.concat([head, tinyPdf(title, [title, ...lines]), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const answer = await this.api.request('POST', '/documents', { token, raw: { contentType: `multipart/form-data; boundary=${boundary}`, bytes } });
    if (answer.status !== 201) throw new DemoStepError(`upload ${fileName}`, answer);
    this.documents += 1;
    const { sha256, name, size, mediaType } = answer.body as DocRef;
    return { sha256, name, size, mediaType };
  }

  private post(step: string, path: string, token: string, body: unknown, key: string): Promise<Answer> {
    return this.api.command(step, path, token, body, key);
  }

  private forAll<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
    return pool(items, this.concurrency, work);
  }

  /** The first candidate from `from` on (or else any) whose school has no story yet. */
  private feature(candidates: readonly App[], from = 0): App | undefined {
    const app = candidates.slice(from).find((a) => !this.featured.has(a.school)) ?? candidates.find((a) => !this.featured.has(a.school));
    if (app) this.featured.add(app.school);
    return app;
  }

  private cycle(program: Program): Cycle {
    return this.cycles.get(program)!;
  }

  private appsOf(program: Program): App[] {
    return this.cycle(program).apps;
  }

  private allApps(filter: (app: App) => boolean = () => true): App[] {
    return interleave(PROGRAMS.map((p) => this.appsOf(p).filter(filter)));
  }

  private approvedApps(programs: readonly Program[] = PROGRAMS, filter: (app: App) => boolean = () => true): App[] {
    return interleave(programs.map((p) => this.appsOf(p).filter((a) => a.approved && !a.revoked && filter(a))));
  }

  /**
   * `after=<position>` for a query that must see everything written so far: the last position a command
   * answered, or the store's own last position when a command's effects reached other streams after it.
   */
  private async after(): Promise<string> {
    const health = await this.api.get('/health', '');
    const last = health.body?.store?.lastPosition;
    if (typeof last === 'string' && /^\d+$/.test(last) && BigInt(last) > this.api.lastPosition) this.api.lastPosition = BigInt(last);
    return `after=${this.api.lastPosition}`;
  }

  // ------------------------------------------------------------------------------------------- the play

  async run(): Promise<PlanResult> {
    await this.start();
    await this.applications();
    await this.selection();
    await this.construction();
    const summary = await this.summary();
    return summary;
  }

  private async start(): Promise<void> {
    await this.phase('open program cycles', async () => {
      const health = await this.api.get('/health', '');
      if (health.status !== 200) throw new DemoStepError('GET /health', health);
      await this.clockTo('2020-09-01', 'T09:00:00+08:00');
      const office = await this.office();
      for (const program of PROGRAMS) {
        const catalog = defaultCatalog[program];
        const id = `${program}-2020`;
        const opened = await this.api.request('POST', '/cycles', {
          token: office,
          key: `open-${id}`,
          body: {
            id,
            programType: program,
            name: `${catalog.name.zh} 2020年度`,
            label: '2020',
            opensAt: '2020-09-01T00:00:00+08:00',
            closesAt: '2020-09-15T00:00:00+08:00',
            ...(program === 'specialty-group' ? { parentCycleId: 'higher-college-2020' } : {}),
            // Brand majors are scored by a rubric of three dimensions, with a cut-off line of 60.
            ...(program === 'brand-major' ? { rules: { rubric: MAJOR_RUBRIC, aggregate: 'mean', cutOff: 60 }, rulesVersion: 'brand-major/2020-rubric' } : {}),
          },
        });
        if (opened.status === 409) throw new DemoStepError(`open cycle ${id} (the demo needs a fresh service: a cycle of this id exists)`, opened);
        if (opened.status !== 201) throw new DemoStepError(`open cycle ${id}`, opened);
        const state = (await this.api.read(`read cycle ${id}`, `/cycles/${id}`, office)).body;
        const rules = state.rules as CycleRules;
        if (catalog.target !== null && rules.quota !== catalog.target) throw new Error(`cycle ${id} opened with quota ${rules.quota}, not the seed's ${catalog.target}`);
        this.cycles.set(program, { program, id, name: catalog.name.zh, rules, apps: [], noticeEnds: [] });
      }
      return `${PROGRAMS.length} cycles, window 1–15 Sep, quotas ${PROGRAMS.map((p) => `${SHORT[p]} ${this.cycle(p).rules.quota}`).join(' · ')} (enterprises: certified, no quota)`;
    });
  }

  // ------------------------------------------------------------------------------------------- applications

  /** Every school's applications, within each cycle's per-applicant limit. */
  private planApplications(): void {
    const r = this.random;
    const merit = (s: School) => Math.max(45, Math.min(99, s.merit + r.int(-6, 6)));
    type NewApp = Pick<App, 'key' | 'school' | 'title' | 'subject' | 'merit'> & Partial<Pick<App, 'parent' | 'withdraw' | 'failFormalCheck'>>;
    const add = (program: Program, app: NewApp) => {
      const full: App = { withdraw: false, failFormalCheck: false, ...app, program, projectId: '', rank: null, panel: 0, reviewers: [], recused: null, scores: [], selection: null, removed: false, approved: false, revoked: false };
      this.cycle(program).apps.push(full);
      return full;
    };
    const limit = (program: Program, wanted: number) => Math.min(wanted, this.cycle(program).rules.perApplicantLimit);
    const chance = (p: number) => r.next() < p;
    let colleges = 0;
    for (const school of this.population.schools) {
      if (school.kind === 'secondary') {
        if (school.highLevel) add('secondary-school', { key: `ss-${school.key}`, school, title: `${school.name}省级高水平中等职业学校建设项目`, subject: () => ({ kind: 'school' }), merit: merit(school), failFormalCheck: chance(0.02) });
      } else {
        const college = add('higher-college', { key: `hc-${school.key}`, school, title: `${school.name}省级高水平高等职业院校建设项目`, subject: () => ({ kind: 'school' }), merit: merit(school) });
        const groups = limit('specialty-group', 2);
        for (let g = 0; g < groups; g += 1) {
          const template = SPECIALTY_GROUPS[(colleges * 2 + g) % SPECIALTY_GROUPS.length];
          add('specialty-group', {
            key: `sg-${school.key}-${g + 1}`,
            school,
            parent: college,
            title: `${school.name}${template.name}建设项目`,
            subject: () => ({ kind: 'specialty-group', parentProjectId: college.projectId, groupName: template.name, majors: template.majors.map(([code, name]) => ({ code, name })) }),
            merit: Math.max(45, Math.min(99, college.merit + r.int(-5, 3))),
          });
        }
        colleges += 1;
      }
      const used = new Set<string>();
      for (let m = 0; m < limit('brand-major', school.brandMajors); m += 1) {
        let major = r.pick(MAJORS);
        while (used.has(major[0])) major = r.pick(MAJORS);
        used.add(major[0]);
        add('brand-major', {
          key: `bm-${school.key}-${m + 1}`,
          school,
          title: `${school.name}${major[1]}品牌专业建设项目`,
          subject: () => ({ kind: 'major', majorCode: major[0], majorName: major[1] }),
          merit: merit(school),
          withdraw: chance(0.03),
          failFormalCheck: chance(0.02),
        });
      }
      const courses = new Set<string>();
      for (let c = 0; c < limit('quality-course', school.courses); c += 1) {
        let course = r.pick(COURSES);
        while (courses.has(course)) course = r.pick(COURSES);
        courses.add(course);
        const classHours = r.pick([32, 48, 64, 72]);
        const semestersTaught = r.int(2, 6);
        add('quality-course', {
          key: `qc-${school.key}-${c + 1}`,
          school,
          title: `${school.name}《${course}》省级精品在线开放课程`,
          subject: () => ({ kind: 'course', courseName: course, classHours, semestersTaught }),
          merit: merit(school),
          withdraw: chance(0.03),
          failFormalCheck: chance(0.02),
        });
      }
    }
  }

  private async applications(): Promise<void> {
    this.planApplications();
    const schools = this.population.schools;
    const declarations = new Map<string, { authenticity: DocRef; commitment: DocRef }>();

    await this.clockTo('2020-09-02');
    await this.phase('drafts', async () => {
      await this.forAll(schools, async (school) => {
        const token = await this.applicant(school);
        const mine = PROGRAMS.flatMap((p) => this.appsOf(p).filter((a) => a.school === school));
        // The college's own project first: its specialty groups name it as their parent.
        for (const app of mine) {
          const drafted = await this.post(`draft ${app.title}`, '/projects', token, { cycleId: this.cycle(app.program).id, programType: app.program, title: app.title, subject: app.subject() }, `draft-${app.key}`);
          app.projectId = String(drafted.headers.location).split('/').pop()!;
        }
        declarations.set(school.key, {
          authenticity: await this.upload(token, '真实性声明.pdf', `${school.name} 申报材料真实性声明`, [`Declaration of authenticity`, `applicant ${school.key}`, '2020']),
          commitment: await this.upload(token, '承诺书.pdf', `${school.name} 承诺书`, [`Letter of commitment`, `applicant ${school.key}`, '2020']),
        });
      });
      const apps = this.allApps();
      return `${count(apps.length)} applications drafted by ${count(schools.length)} schools in ${CITIES.length} cities (${PROGRAMS.map((p) => `${SHORT[p]} ${count(this.appsOf(p).length)}`).join(' · ')})`;
    });

    await this.clockTo('2020-09-05');
    await this.phase('submissions', async () => {
      const apps = this.allApps();
      await this.forAll(apps, async (app) => {
        const token = await this.applicant(app.school);
        if (app.withdraw) {
          await this.post(`withdraw ${app.title}`, `/projects/${app.projectId}/withdraw`, token, { reason: '学校决定调整申报方向，暂不申报' }, `withdraw-${app.key}`);
          return;
        }
        const form = await this.upload(token, '申报书.pdf', `${app.title} 申报书`, ['Application form', `project ${app.projectId}`, `program ${app.program}`, `applicant ${app.school.key}`]);
        const { authenticity, commitment } = declarations.get(app.school.key)!;
        await this.post(`submit ${app.title}`, `/projects/${app.projectId}/submit`, token, { applicationForm: form, declarations: { authenticity, commitment } }, `submit-${app.key}`);
      });
      const withdrawn = apps.filter((a) => a.withdraw).length;
      return `${count(apps.length - withdrawn)} submitted with 申报书 and both declarations, ${withdrawn} withdrawn; ${count(this.documents)} documents uploaded so far`;
    });

    await this.clockTo('2020-09-16');
    await this.phase('application windows close', async () => `clock moved past 15 Sep`);
  }

  // ------------------------------------------------------------------------------------------- selection

  /** The experts by organisation: the `n`th expert (of 3) of the organisation `org` places on in the rotation. */
  private expertRotation() {
    const experts = this.population.experts;
    const orgs = [...new Set(experts.map((e) => e.org))];
    const expertOf = (org: number, n: number) => experts.filter((e) => e.org === orgs[org % orgs.length])[n % 3];
    return { orgs, expertOf };
  }

  private async selection(): Promise<void> {
    await this.clockTo('2020-09-21');
    await this.phase('formal checks (形式审查)', async () => {
      const apps = this.allApps((a) => !a.withdraw);
      await this.forAll(apps, async (app) => {
        const body = app.failFormalCheck ? { result: 'failed', reasons: ['申报书未加盖学校公章', '缺少学校党委会议审议意见'] } : { result: 'passed' };
        await this.post(`formal check ${app.title}`, `/projects/${app.projectId}/formal-check`, await this.recommenderOf(app), body, `formal-check-${app.key}`);
      });
      return `${count(apps.length)} checked by the city bureaus, ${apps.filter((a) => a.failFormalCheck).length} failed`;
    });

    await this.phase('ranked recommendations', async () => {
      // Each bureau ranks its city's applications; a specialty group follows its college's rank.
      const decisions: { app: App; rank: number | null }[] = [];
      const hcRank = new Map<App, number>();
      for (const program of PROGRAMS) {
        const limit = this.cycle(program).rules.perRecommenderLimit;
        const byRecommender = new Map<string, App[]>();
        for (const app of this.appsOf(program).filter((a) => !a.withdraw && !a.failFormalCheck)) {
          const key = this.recommenderKey(app);
          byRecommender.set(key, [...(byRecommender.get(key) ?? []), app]);
        }
        for (const list of byRecommender.values()) {
          const order = (a: App) => (a.parent ? (hcRank.get(a.parent) ?? 1000) * 1000 - a.merit : -a.merit);
          list.sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key));
          list.forEach((app, i) => {
            const rank = i < limit ? i + 1 : null;
            if (program === 'higher-college' && rank !== null) hcRank.set(app, rank);
            decisions.push({ app, rank });
          });
        }
      }
      await this.forAll(interleave(PROGRAMS.map((p) => decisions.filter((d) => d.app.program === p))), async ({ app, rank }) => {
        const token = await this.recommenderOf(app);
        if (rank === null) {
          await this.post(`not recommend ${app.title}`, `/projects/${app.projectId}/not-recommend`, token, { reason: '推荐名额已满，综合排名未进入推荐范围' }, `not-recommend-${app.key}`);
        } else {
          app.rank = rank;
          await this.post(`recommend ${app.title}`, `/projects/${app.projectId}/recommend`, token, { rank, opinion: '办学特色鲜明，建设基础扎实，同意推荐' }, `recommend-${app.key}`);
        }
      });
      const recommended = decisions.filter((d) => d.rank !== null).length;
      return `${count(recommended)} recommended (≤ ${PROGRAMS.map((p) => `${SHORT[p]} ${this.cycle(p).rules.perRecommenderLimit}`).join(' · ')} per bureau), ${count(decisions.length - recommended)} not recommended`;
    });

    const recommended = () => this.allApps((a) => a.rank !== null);
    const { orgs, expertOf } = this.expertRotation();

    await this.clockTo('2020-09-25');
    await this.phase('reviewer assignment', async () => {
      const apps = recommended();
      await this.forAll(apps, async (app, i) => {
        const panel = [0, 4, 8].map((offset) => expertOf(i + offset, Math.floor(i / orgs.length)));
        for (const expert of panel) {
          await this.post(`assign ${expert.id} to ${app.title}`, `/projects/${app.projectId}/reviewers`, await this.office(), { reviewerId: await this.expertId(expert), reviewerOrg: expert.org, declaredRelations: [] }, `assign-${app.key}-${expert.id}`);
        }
        app.reviewers = panel;
        app.panel = i;
      });
      return `${count(apps.length * 3)} assignments: 3 experts from ${orgs.length} universities and institutes per project`;
    });

    await this.clockTo('2020-09-28');
    await this.phase('conflict of interest', async () => {
      const app = this.appsOf('secondary-school').find((a) => a.rank !== null) ?? recommended()[0];
      if (!app) return 'no project under review';
      const recusing = app.reviewers[1];
      await this.post(`declare conflict on ${app.title}`, `/projects/${app.projectId}/declare-conflict`, await this.expert(recusing), { reason: '本人近三年曾担任申报学校兼职教师' }, `conflict-${app.key}`);
      const i = app.panel;
      const replacement = expertOf(i + 2, Math.floor(i / orgs.length));
      await this.post(`reassign ${app.title}`, `/projects/${app.projectId}/reviewers`, await this.office(), { reviewerId: await this.expertId(replacement), reviewerOrg: replacement.org, declaredRelations: [] }, `assign-${app.key}-${replacement.id}`);
      app.recused = recusing;
      app.reviewers = app.reviewers.map((e) => (e === recusing ? replacement : e));
      return `${recusing.id} (${recusing.org}) recused from ${app.school.name}'s project; ${replacement.id} (${replacement.org}) assigned instead`;
    });

    await this.clockTo('2020-10-10');
    await this.phase('scoring', async () => {
      const apps = recommended();
      for (const app of apps) app.scores = app.reviewers.map(() => Math.max(40, Math.min(99.5, Math.round((app.merit + this.random.int(-5, 5) + this.random.next()) * 2) / 2)));
      await this.forAll(apps, async (app) => {
        for (const [n, expert] of app.reviewers.entries()) {
          const score = app.scores[n];
          const by = this.cycle(app.program).rules.rubric ? { indicators: indicatorsOf(score) } : { score };
          await this.post(`score ${app.title}`, `/projects/${app.projectId}/scores`, await this.expert(expert), { ...by, comments: score >= 80 ? '建设目标明确，基础条件较好，特色鲜明' : '建设基础尚可，目标任务需进一步量化' }, `score-${app.key}-${expert.id}`);
        }
      });
      return `${count(apps.length * 3)} scores (mean ${average(apps.flatMap((a) => a.scores)).toFixed(1)}); brand majors by the rubric's three dimensions`;
    });
    await this.phase('ranking with its cut-off line', async () => {
      const cycle = this.cycle('brand-major');
      const ranking = (await this.api.read('ranking', `/cycles/${cycle.id}/ranking?${await this.after()}`, await this.office())).body;
      const items = ranking.items as { score: number | null; belowCutOff: boolean }[];
      this.review = { ranked: items.filter((i) => i.score !== null).length, belowCutOff: items.filter((i) => i.belowCutOff).length, cutOff: ranking.cutOff, top: items[0]?.score ?? null };
      return `bm: ${this.review.ranked} ranked by the mean of their rubric totals, top ${this.review.top}; ${this.review.belowCutOff} below the cut-off line of ${ranking.cutOff}`;
    });

    await this.clockTo('2020-10-15');
    await this.phase('shortlisting within quotas', async () => {
      const parts: string[] = [];
      for (const program of PROGRAMS) {
        const cycle = this.cycle(program);
        const candidates = cycle.apps.filter((a) => a.rank !== null).sort((a, b) => average(b.scores) - average(a.scores) || a.key.localeCompare(b.key));
        const notSelected: { projectId: string; reason: string }[] = [];
        const eligible: App[] = [];
        for (const app of candidates) {
          if (average(app.scores) < PASS_LINE) notSelected.push({ projectId: app.projectId, reason: `评审平均分 ${average(app.scores).toFixed(1)}，未达入围线 ${PASS_LINE} 分` });
          else if (app.parent && app.parent.selection !== 'shortlisted') notSelected.push({ projectId: app.projectId, reason: '所属院校未入围高水平高等职业院校建设单位' });
          else eligible.push(app);
        }
        const shortlisted = eligible.slice(0, cycle.rules.quota);
        // The next in line stays undecided for now: a place freed by an objection goes to it.
        cycle.reserve = eligible[cycle.rules.quota];
        for (const app of eligible.slice(cycle.rules.quota + 1)) notSelected.push({ projectId: app.projectId, reason: '评审排名在建设名额之外' });
        if (shortlisted.length + notSelected.length === 0) continue;
        await this.post(
          `shortlist ${cycle.id}`,
          `/cycles/${cycle.id}/shortlist`,
          await this.office(),
          { shortlisted: shortlisted.map((a) => ({ projectId: a.projectId })), notSelected, reason: `${cycle.name}2020年度评审会议纪要` },
          `shortlist-${cycle.id}`,
        );
        for (const app of shortlisted) app.selection = 'shortlisted';
        for (const { projectId } of notSelected) cycle.apps.find((a) => a.projectId === projectId)!.selection = 'not-selected';
        if (cycle.reserve) cycle.reserve.selection = 'reserve';
        parts.push(`${SHORT[program]} ${shortlisted.length}/${cycle.rules.quota} (${notSelected.length} not selected${cycle.reserve ? ', 1 reserve' : ''})`);
      }
      return parts.join(' · ');
    });

    await this.clockTo('2020-10-16');
    await this.phase('public notices (公示) open', async () => this.openNotices('2020-10-16', 'notice-1'));

    // Objections: one upheld (the project leaves the list, freeing its place), one dismissed.
    const shortlistedIn = (program: Program) => this.appsOf(program).filter((a) => a.selection === 'shortlisted');
    const upheldTarget = this.feature(shortlistedIn('brand-major'), Math.floor(shortlistedIn('brand-major').length / 2)) ?? this.feature(this.allApps((a) => a.selection === 'shortlisted'));
    const dismissedTarget = this.feature(shortlistedIn('secondary-school')) ?? this.feature(this.allApps((a) => a.selection === 'shortlisted' && a !== upheldTarget));
    const objections = new Map<App, string>();
    const objectors = new Set<string>();
    await this.clockTo('2020-10-19');
    await this.phase('objections filed', async () => {
      for (const [target, grounds] of [
        [upheldTarget, '申报材料中“双师型”教师比例与学校实际不符，近三年毕业生就业率数据存在虚报'],
        [dismissedTarget, '申报材料中的校企合作企业数量与实际不符'],
      ] as const) {
        if (!target) continue;
        const objector = this.population.schools.find((s) => s.city === target.school.city && s !== target.school) ?? this.population.schools.find((s) => s !== target.school)!;
        const token = await this.applicant(objector);
        const evidence = await this.upload(token, '异议证据.pdf', `关于${target.title}的异议证明材料`, ['Objection evidence', `project ${target.projectId}`]);
        const filed = await this.post(`object to ${target.title}`, `/projects/${target.projectId}/objections`, token, { objector: { name: '王建国', contact: `1390351${String(objectors.size).padStart(4, '0')}` }, grounds, evidence: [evidence] }, `objection-${target.key}`);
        objections.set(target, filed.body.objectionId);
        objectors.add(objector.key);
      }
      return `${objections.size} objections under real name with evidence (objectors shown to the office only)`;
    });

    await this.clockTo('2020-10-20');
    await this.phase('objection upheld', async () => {
      if (!upheldTarget) return 'no objection to resolve';
      await this.post(
        `uphold the objection to ${upheldTarget.title}`,
        `/projects/${upheldTarget.projectId}/objections/${objections.get(upheldTarget)}/resolve`,
        await this.office(),
        { outcome: 'upheld', reason: '经核查，就业率数据存在虚报，异议成立，取消入围资格' },
        `resolve-${upheldTarget.key}`,
      );
      upheldTarget.removed = true;
      const cycle = this.cycle(upheldTarget.program);
      const dashboard = (await this.api.read('dashboard', `/cycles/${cycle.id}/dashboard?${await this.after()}`, await this.office())).body;
      return `${upheldTarget.school.name} (${SHORT[upheldTarget.program]}) taken off the list: ${cycle.id} now ${dashboard.placesTaken}/${dashboard.quota} places taken, ${dashboard.remaining} free`;
    });

    await this.clockTo('2020-10-21');
    await this.phase('objection dismissed, reserves', async () => {
      const parts: string[] = [];
      if (dismissedTarget) {
        await this.post(
          `dismiss the objection to ${dismissedTarget.title}`,
          `/projects/${dismissedTarget.projectId}/objections/${objections.get(dismissedTarget)}/resolve`,
          await this.office(),
          { outcome: 'dismissed', reason: '经核查，校企合作协议及项目材料齐全，异议不成立' },
          `resolve-${dismissedTarget.key}`,
        );
        parts.push(`objection to ${dismissedTarget.school.name} (${SHORT[dismissedTarget.program]}) dismissed`);
      }
      for (const program of PROGRAMS) {
        const cycle = this.cycle(program);
        const reserve = cycle.reserve;
        if (!reserve) continue;
        const dashboard = (await this.api.read('dashboard', `/cycles/${cycle.id}/dashboard?${await this.after()}`, await this.office())).body;
        const fills = dashboard.remaining > 0;
        await this.post(
          `decide the reserve of ${cycle.id}`,
          `/cycles/${cycle.id}/shortlist`,
          await this.office(),
          fills
            ? { shortlisted: [{ projectId: reserve.projectId }], notSelected: [], reason: '原入围项目经公示异议成立被取消，按评审排名依次递补' }
            : { shortlisted: [], notSelected: [{ projectId: reserve.projectId, reason: '评审排名在建设名额之外（候补未递补）' }], reason: '公示期内无名额空出，候补项目不予递补' },
          `reserve-${cycle.id}`,
        );
        reserve.selection = fills ? 'shortlisted' : 'not-selected';
        if (fills) parts.push(`${reserve.school.name} moves up into ${cycle.id}'s free place: ${await this.openNotices('2020-10-21', 'notice-2', [program])}`);
      }
      return parts.join('; ') || 'nothing to decide';
    });

    const lastNoticeEnd = PROGRAMS.flatMap((p) => this.cycle(p).noticeEnds).sort().pop() ?? this.today;
    await this.clockTo(addCalendarDays(lastNoticeEnd, 2) > '2020-10-30' ? addCalendarDays(lastNoticeEnd, 2) : '2020-10-30');
    await this.phase('notices end, approval (立项)', async () => {
      const parts: string[] = [];
      for (const program of PROGRAMS) {
        const cycle = this.cycle(program);
        const office = await this.office();
        const state = (await this.api.read(`read ${cycle.id}`, `/cycles/${cycle.id}`, office)).body;
        for (const noticeId of Object.keys(state.notices ?? {})) {
          await this.post(`end ${noticeId} of ${cycle.id}`, `/cycles/${cycle.id}/end-notice`, office, { noticeId }, `end-${cycle.id}-${noticeId}`);
        }
        const approving = cycle.apps.filter((a) => a.selection === 'shortlisted' && !a.removed);
        if (approving.length === 0) continue;
        const decision = await this.upload(office, '立项文件.pdf', `关于公布${cycle.name}2020年度立项建设名单的通知`, ['Approval notice', `cycle ${cycle.id}`, `${approving.length} projects`]);
        await this.post(`approve ${cycle.id}`, `/cycles/${cycle.id}/approve`, office, { projectIds: approving.map((a) => a.projectId), reason: '公示期满无异议，予以立项', document: decision }, `approve-${cycle.id}`);
        for (const app of approving) app.approved = true;
        const dashboard = (await this.api.read('dashboard', `/cycles/${cycle.id}/dashboard?${await this.after()}`, office)).body;
        parts.push(`${SHORT[program]} ${dashboard.approved}/${dashboard.quota}`);
      }
      return `approved vs quota: ${parts.join(' · ')}`;
    });
  }

  /** Opens the public notice of every shortlisted project not yet in one; remembers each notice's last day. */
  private async openNotices(startsOn: string, label: string, programs: readonly Program[] = PROGRAMS): Promise<string> {
    const parts: string[] = [];
    const office = await this.office();
    for (const program of programs) {
      const cycle = this.cycle(program);
      if (!cycle.apps.some((a) => a.selection === 'shortlisted' && !a.removed)) continue;
      const document = await this.upload(office, '公示.pdf', `${cycle.name}2020年度拟立项名单公示`, ['Public notice', `cycle ${cycle.id}`, `from ${startsOn}`]);
      await this.post(`open the notice of ${cycle.id}`, `/cycles/${cycle.id}/open-notice`, office, { startsOn, document }, `${label}-${cycle.id}`);
      const state = (await this.api.read(`read ${cycle.id}`, `/cycles/${cycle.id}`, office)).body;
      const notice = Object.values(state.notices as Record<string, { startsOn: string; endsOn: string; projectIds: string[] }>).find((n) => n.startsOn === startsOn)!;
      cycle.noticeEnds.push(notice.endsOn);
      parts.push(`${SHORT[program]} ${notice.projectIds.length} projects until ${notice.endsOn}`);
    }
    return `5 working days: ${parts.join(' · ')}`;
  }

  // ------------------------------------------------------------------------------------------- construction and evaluation

  private async construction(): Promise<void> {
    const plans = new Map<App, { plan: DocRef; taskBook: DocRef }>();
    const rejected = this.feature(this.approvedApps(['higher-college', 'brand-major']), 1);
    await this.clockTo('2020-11-10');
    await this.phase('construction plans (建设方案)', async () => {
      const apps = this.approvedApps();
      await this.forAll(apps, async (app) => {
        const token = await this.applicant(app.school);
        const plan = await this.upload(token, '建设方案.pdf', `${app.title} 建设方案`, ['Construction plan', `project ${app.projectId}`]);
        const taskBook = await this.upload(token, '任务书.pdf', `${app.title} 建设任务书`, ['Task book', `project ${app.projectId}`]);
        plans.set(app, { plan, taskBook });
        await this.post(`construction plan of ${app.title}`, `/projects/${app.projectId}/construction-plan`, token, { plan, taskBook }, `plan-${app.key}`);
      });
      return `${count(apps.length)} plans and task books submitted`;
    });

    if (rejected) {
      await this.clockTo('2020-11-16');
      await this.phase('a plan rejected and revised', async () => {
        await this.post(`reject the plan of ${rejected.title}`, `/projects/${rejected.projectId}/construction-plan/reject`, await this.office(), { reasons: ['建设任务未量化，缺少年度绩效指标'] }, `reject-plan-${rejected.key}`);
        const token = await this.applicant(rejected.school);
        const plan = await this.upload(token, '建设方案（修订）.pdf', `${rejected.title} 建设方案（修订稿）`, ['Construction plan, revised', `project ${rejected.projectId}`]);
        await this.post(`revised plan of ${rejected.title}`, `/projects/${rejected.projectId}/construction-plan`, token, { plan, taskBook: plans.get(rejected)!.taskBook }, `plan-2-${rejected.key}`);
        return `${rejected.school.name}'s plan rejected (task book lacks yearly targets), revised and resubmitted`;
      });
    }

    await this.clockTo('2020-11-20');
    await this.phase('construction starts', async () => {
      const apps = this.approvedApps();
      await this.forAll(apps, async (app) => {
        await this.post(`accept the plan of ${app.title}`, `/projects/${app.projectId}/construction-plan/accept`, await this.office(), {}, `accept-plan-${app.key}`);
      });
      return `${count(apps.length)} projects under construction from 2020-11-20 (${PROGRAMS.map((p) => `${SHORT[p]} ${this.cycle(p).rules.constructionMonths} months`).join(' · ')})`;
    });
    await this.clockTo('2020-12-01');
    await this.funds();

    const revokedApp = this.feature(this.approvedApps(['brand-major']), 3) ?? this.feature(this.approvedApps(['brand-major', 'secondary-school', 'quality-course']));
    const rectified = this.feature(this.approvedApps(['secondary-school']), 2) ?? this.feature(this.approvedApps(['secondary-school', 'brand-major']));
    // Construction runs from 2020-11-20 for the cycle's months (courses 1 year, schools and majors 3, colleges
    // and their groups 5); a report is owed on each calendar year of it but the last.
    const reporting = (year: number) => PROGRAMS.filter((p) => Number(addMonths('2020-11-20', this.cycle(p).rules.constructionMonths).slice(0, 4)) - 1 >= year);
    const midtermOn = (p: Program) => addCalendarDays(addMonths('2020-11-20', this.cycle(p).rules.midtermAfterMonths), 5);
    const endOn = (p: Program) => addMonths('2020-11-20', this.cycle(p).rules.constructionMonths);

    const enterprises = new EnterprisePlay(this);
    // The timeline: every step at its date, the clock only moving forward.
    const steps: { on: string; order: number; run: () => Promise<void> }[] = [];
    const at = (on: string, run: () => Promise<void>) => steps.push({ on, order: steps.length, run });

    for (let year = 2020; year <= 2024; year += 1) {
      const programs = reporting(year);
      if (programs.length) at(`${year + 1}-03-01`, () => this.annualReports(year, programs));
    }
    for (const p of PROGRAMS) {
      at(midtermOn(p), () => this.midterms(p, p === rectified?.program ? rectified : undefined));
      at(addCalendarDays(endOn(p), 5), () => this.selfAssessments(p));
      at(addCalendarDays(endOn(p), 20), () => this.finalEvaluations(p));
      at(addCalendarDays(endOn(p), 30), () => this.accreditations(p));
    }
    if (rectified) {
      const mid = midtermOn(rectified.program);
      at(addCalendarDays(mid, 143), () => this.rectificationSubmitted(rectified));
      at(addCalendarDays(mid, 169), () => this.rectificationAccepted(rectified));
    }
    if (revokedApp) at('2021-06-15', () => this.revocation(revokedApp));
    at('2021-04-01', () => this.yearlyPerformance(2020));
    if (revokedApp) at('2021-08-20', () => this.fundsRecovered(revokedApp));
    const changed = this.feature(this.approvedApps(['brand-major']), 5);
    if (changed) at('2021-09-10', () => this.changeRequest(changed));
    const courseService = this.cycle('quality-course');
    // The sandbox's next year: one course's update is left undone, and overdue when the call opens.
    const late = this.leaveWorkWaiting ? this.feature(this.approvedApps(['quality-course'])) : undefined;
    for (let academicYear = 2021; academicYear <= (this.leaveWorkWaiting ? 2025 : 2024); academicYear += 1) {
      const accreditedOn = addCalendarDays(endOn('quality-course'), 30);
      if (`${academicYear + 1}-06-15` > accreditedOn) at(`${academicYear + 1}-06-15`, () => this.courseUpdates(courseService, academicYear, late));
    }
    enterprises.schedule(at, this.leaveWorkWaiting ? 2025 : 2024);
    if (this.leaveWorkWaiting) at('2026-09-01', () => this.nextCall(late, enterprises));

    steps.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order));
    for (const step of steps) {
      await this.clockTo(step.on > this.today ? step.on : this.today);
      await step.run();
    }
  }

  /**
   * Each cycle's provincial budget, and for every approved project a 2020 grant from it (发展专项) with the
   * school's matching funds (学校配套), 60% of the provincial grant paid at once.
   */
  private async funds(): Promise<void> {
    await this.phase('funds (budgets, grants, payments)', async () => {
      const office = await this.office();
      const parts: string[] = [];
      for (const program of PROGRAMS) {
        const cycle = this.cycle(program);
        const apps = this.approvedApps([program]);
        if (apps.length === 0) continue;
        const each = GRANT[program];
        // The quota's grants and a tenth in reserve for the years after.
        const budget = Math.round((each * cycle.rules.quota * 11) / 10);
        await this.post(`budget of ${cycle.id}`, `/cycles/${cycle.id}/funds/budget`, office, { source: 'provincial', amount: budget, reason: '省财政厅下达 2020 年现代职业教育质量提升计划专项资金' }, `budget-${cycle.id}`);
        await this.forAll(apps, async (app) => {
          const granted = await this.post(`grant to ${app.title}`, `/cycles/${cycle.id}/funds/grants`, office, { projectId: app.projectId, year: 2020, source: 'provincial', amount: each, reason: '2020 年度建设资金（发展专项）' }, `grant-${app.key}`);
          await this.post(`matching funds of ${app.title}`, `/cycles/${cycle.id}/funds/grants`, office, { projectId: app.projectId, year: 2020, source: 'matching', amount: each / 2, reason: '学校配套资金' }, `matching-${app.key}`);
          const grantId = String(granted.headers.location).split('/').pop()!;
          await this.post(`pay ${app.title}`, `/cycles/${cycle.id}/funds/grants/${grantId}/disburse`, office, { amount: each * 0.6, disbursedOn: this.today, reference: `晋财教〔2020〕${app.key}` }, `pay-${app.key}`);
        });
        parts.push(`${SHORT[program]} ¥${count(each * apps.length)} of ¥${count(budget)}`);
      }
      return `provincial grants vs budget: ${parts.join(' · ')}; 60% paid, each school matching half`;
    });
  }

  /**
   * The office grades the brand majors' reports on `year` (年度绩效评价): one is 不通过, which warns it and
   * cuts its next year's grant by a fifth; its next grant is then made at the cap.
   */
  private async yearlyPerformance(year: number): Promise<void> {
    await this.phase(`yearly performance ${year}`, async () => {
      const office = await this.office();
      const apps = this.approvedApps(['brand-major']);
      const poor = this.feature(apps, 2);
      const evaluation = await this.upload(office, '年度绩效评价报告.pdf', `品牌专业${year}年度绩效评价报告`, ['Yearly performance evaluation', `year ${year}`]);
      await this.forAll(apps, async (app) => {
        const grade = app === poor ? '不通过' : app.scores.length && average(app.scores) >= 80 ? '优秀' : '良好';
        await this.post(`grade ${year} of ${app.title}`, `/projects/${app.projectId}/annual-reports/grade`, office, { year, grade, reason: app === poor ? '年度建设任务完成率不足五成，资金执行率偏低' : '年度建设任务按期完成', report: evaluation }, `grade-${year}-${app.key}`);
      });
      let cut = '';
      if (poor) {
        const cycle = this.cycle('brand-major');
        const previous = GRANT['brand-major'];
        const capped = (previous * 80) / 100;
        await this.post(`${year + 1} grant of ${poor.title}`, `/cycles/${cycle.id}/funds/grants`, office, { projectId: poor.projectId, year: year + 1, source: 'provincial', amount: capped, reason: `${year + 1} 年度建设资金（绩效不达标，核减 20%）` }, `grant-${year + 1}-${poor.key}`);
        this.performance = { graded: apps.length, poor: 1, school: poor.school.name, cappedGrant: capped };
        cut = `; ${poor.school.name} graded 不通过: warned, its ${year + 1} grant ¥${count(capped)}, a fifth below ¥${count(previous)}`;
      } else {
        this.performance = { graded: apps.length, poor: 0, school: null, cappedGrant: null };
      }
      return `${count(apps.length)} brand-major reports on ${year} graded${cut}`;
    });
  }

  private async annualReports(year: number, programs: readonly Program[]): Promise<void> {
    await this.phase(`annual reports on ${year}`, async () => {
      const apps = this.approvedApps(programs);
      await this.forAll(apps, async (app) => {
        const token = await this.applicant(app.school);
        const report = await this.upload(token, `${year}年度建设报告.pdf`, `${app.title} ${year}年度建设进展报告`, [`Annual report ${year}`, `project ${app.projectId}`]);
        // The first year's report states the use of the provincial funds paid: half of them.
        const fundsUsed = year === 2020 ? { fundsUsed: { provincial: GRANT[app.program] * 0.3 } } : {};
        await this.post(`annual report ${year} of ${app.title}`, `/projects/${app.projectId}/annual-reports`, token, { year, report, ...fundsUsed }, `annual-report-${year}-${app.key}`);
      });
      return `${count(apps.length)} reports by 31 March (${programs.map((p) => SHORT[p]).join(' · ')})`;
    });
  }

  private gradeOf(app: App, rules: CycleRules, offset = 0): string {
    const passing = rules.gradeScale.passing;
    const score = average(app.scores);
    const index = score >= 85 ? 0 : score >= 72 ? 1 : 2;
    return passing[Math.min(passing.length - 1, index + offset)];
  }

  private async midterms(program: Program, rectified: App | undefined): Promise<void> {
    const cycle = this.cycle(program);
    await this.phase(`mid-term evaluations ${SHORT[program]}`, async () => {
      const office = await this.office();
      const panel = await this.upload(office, '中期评价报告.pdf', `${cycle.name}中期评价专家组报告`, ['Mid-term evaluation, expert panel report', `cycle ${cycle.id}`]);
      const apps = this.approvedApps([program]);
      await this.forAll(apps, async (app) => {
        const weak = app === rectified;
        await this.post(
          `mid-term of ${app.title}`,
          `/projects/${app.projectId}/midterm-evaluation`,
          office,
          {
            findings: weak
              ? { targetsAndTasks: '实训基地建设进度滞后，部分年度任务未完成', useOfFunds: '专项资金支出进度偏慢，预算执行率41%', results: '阶段性成果不足', impact: '辐射带动作用尚未显现' }
              : { targetsAndTasks: '年度建设目标基本达成', useOfFunds: '资金使用规范，预算执行率85%', results: '新建实训室、开发校本教材等成果明显', impact: '服务区域产业能力明显提升' },
            grade: weak ? cycle.rules.gradeScale.passing[cycle.rules.gradeScale.passing.length - 1] : this.gradeOf(app, cycle.rules),
            tasksCompletedPercent: weak ? 42 : 55 + Math.round(average(app.scores) / 5),
            report: panel,
          },
          `midterm-${app.key}`,
        );
      });
      let rectification = '';
      if (rectified) {
        const deadline = addCalendarDays(this.today, 189);
        await this.post(`order rectification of ${rectified.title}`, `/projects/${rectified.projectId}/rectification`, office, { findings: ['实训基地建设进度滞后', '专项资金支出进度偏慢'], deadline }, `rectification-${rectified.key}`);
        rectification = `; rectification (限期整改) ordered for ${rectified.school.name} until ${deadline}`;
      }
      return `${count(apps.length)} evaluated on the four dimensions${rectification}`;
    });
  }

  private async rectificationSubmitted(app: App): Promise<void> {
    await this.phase('rectification report', async () => {
      const token = await this.applicant(app.school);
      const report = await this.upload(token, '整改报告.pdf', `${app.title} 整改报告`, ['Rectification report', `project ${app.projectId}`]);
      await this.post(`rectification report of ${app.title}`, `/projects/${app.projectId}/rectification/submit`, token, { report }, `rectification-report-${app.key}`);
      return `${app.school.name} reports on its rectification`;
    });
  }

  private async rectificationAccepted(app: App): Promise<void> {
    await this.phase('rectification accepted', async () => {
      await this.post(`accept the rectification of ${app.title}`, `/projects/${app.projectId}/rectification/accept`, await this.office(), { reason: '整改措施落实到位，整改任务全部完成' }, `rectification-accept-${app.key}`);
      return `${app.school.name}'s rectification accepted: construction goes on`;
    });
  }

  private async revocation(app: App): Promise<void> {
    await this.phase('revocation, fund recovery', async () => {
      const office = await this.office();
      const evidence = await this.upload(office, '核查报告.pdf', `关于${app.title}的专项核查报告`, ['Investigation report', `project ${app.projectId}`]);
      await this.post(`revoke ${app.title}`, `/projects/${app.projectId}/revoke`, office, { reason: 'fraud', explanation: '经专项核查，申报材料中的专业就业率与校企合作数据系伪造', evidence: [evidence] }, `revoke-${app.key}`);
      // What its grants paid out is what the recovery orders back.
      const paid = (await this.api.read('the revoked project’s funds', `/cycles/${this.cycle(app.program).id}/funds/projects/${app.projectId}`, office)).body.disbursed as number;
      await this.post(`fund recovery of ${app.title}`, `/projects/${app.projectId}/fund-recovery`, office, { amount: paid, deadline: '2021-09-30', reason: '项目撤销，追回已拨付的省级专项资金' }, `fund-recovery-${app.key}`);
      app.revoked = true;
      const project = (await this.api.read('read the revoked project', `/projects/${app.projectId}`, office)).body;
      return `${app.school.name}'s ${SHORT[app.program]} project revoked for fraud; the ¥${count(project.fundRecovery.amount)} paid to be repaid by ${project.fundRecovery.deadline}; banned from ${app.program} until ${project.ban.until}`;
    });
  }

  private async fundsRecovered(app: App): Promise<void> {
    await this.phase('funds recovered', async () => {
      const office = await this.office();
      const { amount } = (await this.api.read('read the revoked project', `/projects/${app.projectId}`, office)).body.fundRecovery;
      await this.post(`funds returned by ${app.school.name}`, `/projects/${app.projectId}/fund-recovery/recovered`, office, { amount, recoveredOn: this.today, reference: '非税收入一般缴款书 14000021000088' }, `recovered-${app.key}`);
      return `${app.school.name} returned the ¥${count(amount)}: the recovery is complete`;
    });
  }

  private async changeRequest(app: App): Promise<void> {
    await this.phase('change request', async () => {
      const token = await this.applicant(app.school);
      const request = await this.upload(token, '变更申请.pdf', `${app.title} 建设内容变更申请`, ['Change request', `project ${app.projectId}`]);
      await this.post(`change request of ${app.title}`, `/projects/${app.projectId}/change-requests`, token, { description: '因合作企业重组，调整校内实训基地建设内容', documents: [request] }, `change-${app.key}`);
      const office = await this.office();
      const review = await this.upload(office, '专家论证意见.pdf', `${app.title} 变更专家论证意见`, ['Expert review of a change', `project ${app.projectId}`]);
      await this.post(`decide the change of ${app.title}`, `/projects/${app.projectId}/change-requests/change-1/decide`, office, { decision: 'approved', reason: '专家论证认为调整后建设目标不降低，同意变更', expertReview: review }, `change-decision-${app.key}`);
      return `${app.school.name} asks to change its training-base plans; approved on an expert review`;
    });
  }

  private async selfAssessments(program: Program): Promise<void> {
    await this.phase(`final self-assessments ${SHORT[program]}`, async () => {
      const apps = this.approvedApps([program]);
      await this.forAll(apps, async (app) => {
        const token = await this.applicant(app.school);
        const report = await this.upload(token, '自评报告.pdf', `${app.title} 验收自评报告`, ['Final self-assessment', `project ${app.projectId}`]);
        await this.post(`self-assessment of ${app.title}`, `/projects/${app.projectId}/final-self-assessment`, token, { report }, `self-assessment-${app.key}`);
      });
      return `${count(apps.length)} self-assessments after construction ended`;
    });
  }

  private async finalEvaluations(program: Program): Promise<void> {
    const cycle = this.cycle(program);
    await this.phase(`final evaluations ${SHORT[program]}`, async () => {
      const office = await this.office();
      const apps = this.approvedApps([program]);
      const grades: Record<string, number> = {};
      await this.forAll(apps, async (app) => {
        const report = await this.upload(office, '验收报告.pdf', `${app.title} 验收报告`, ['Acceptance report', `project ${app.projectId}`]);
        const grade = this.gradeOf(app, cycle.rules);
        grades[grade] = (grades[grade] ?? 0) + 1;
        await this.post(`final evaluation of ${app.title}`, `/projects/${app.projectId}/final-evaluation`, office, { grade, findings: '建设任务全面完成，标志性成果突出', report }, `final-evaluation-${app.key}`);
      });
      return `${count(apps.length)} accepted: ${Object.entries(grades).map(([g, n]) => `${g} ${n}`).join(', ')}`;
    });
  }

  private async accreditations(program: Program): Promise<void> {
    const cycle = this.cycle(program);
    await this.phase(`accreditation ${SHORT[program]}`, async () => {
      const office = await this.office();
      const notice = await this.upload(office, '认定文件.pdf', `关于认定${cycle.name}的通知`, ['Accreditation notice', `cycle ${cycle.id}`]);
      const apps = this.approvedApps([program]);
      await this.forAll(apps, async (app) => {
        await this.post(`accredit ${app.title}`, `/projects/${app.projectId}/accredit`, office, { document: notice }, `accredit-${app.key}`);
      });
      return `${count(apps.length)} accredited as ${cycle.name}${program === 'quality-course' ? ' (5 years of yearly updates owed)' : ''}`;
    });
  }

  private async courseUpdates(cycle: Cycle, academicYear: number, late?: App): Promise<void> {
    await this.phase(`course updates ${academicYear}–${academicYear + 1}`, async () => {
      const apps = this.approvedApps([cycle.program], (a) => a !== late || academicYear < 2025);
      await this.forAll(apps, async (app) => {
        const token = await this.applicant(app.school);
        const doc = await this.upload(token, '课程更新说明.pdf', `${app.title} ${academicYear}学年更新说明`, [`Course update ${academicYear}`, `project ${app.projectId}`]);
        await this.post(`course update of ${app.title}`, `/projects/${app.projectId}/course-updates`, token, { academicYear, summary: '更新教学视频与案例库，新增在线测试题', documents: [doc] }, `course-update-${academicYear}-${app.key}`);
      });
      return `${count(apps.length)} accredited courses updated by 31 August${late && academicYear >= 2025 ? `; ${late.school.name}'s not` : ''}`;
    });
  }

  /**
   * The sandbox's 2026 call for quality courses, stopped with work at every desk: the late school's draft
   * waits for its head (and the project lead the school names), its overdue course for everyone who sees
   * it (the office, its city's bureau, the auditors); other schools' applications wait for the formal
   * check, for the office's experts, and for their scores. Each school applies once.
   */
  private async nextCall(late: App | undefined, enterprises: EnterprisePlay): Promise<void> {
    const id = 'quality-course-2026';
    const lateSchool = late?.school ?? this.population.schools[0];
    const schools = [lateSchool, ...this.population.schools.filter((s) => s !== lateSchool)];
    // What each school's application reaches: the late school's stays a draft, the others in turns.
    const stages = ['draft', 'submitted', 'recommended', 'under review'] as const;
    const stageOf = (i: number) => stages[i === 0 ? 0 : i % stages.length];
    const apps: App[] = schools.map((school, i) => {
      // A course the school had selected before may not apply again: one of the others.
      const before = new Set(this.appsOf('quality-course').filter((a) => a.school === school).map((a) => (a.subject() as { courseName: string }).courseName));
      const course = [...COURSES.slice(i % COURSES.length), ...COURSES].find((c) => !before.has(c))!;
      return {
        key: `qc26-${school.key}`,
        program: 'quality-course',
        school,
        title: `${school.name}《${course}》省级精品在线开放课程（2026年度）`,
        subject: () => ({ kind: 'course', courseName: course, classHours: 48, semestersTaught: 4 }),
        merit: school.merit,
        withdraw: false,
        failFormalCheck: false,
        projectId: '',
        rank: null,
        panel: i,
        reviewers: [],
        recused: null,
        scores: [],
        selection: null,
        removed: false,
        approved: false,
        revoked: false,
      };
    });
    await this.phase('2026 call for quality courses', async () => {
      const office = await this.office();
      // The 2020 cycle holds the program's target of places: a new call needs a raised one.
      const target = (defaultCatalog['quality-course'].target ?? 0) * 2;
      await this.post('raise the quality courses’ target', '/programs/quality-course/raise-target', office, { target, reason: '省政府同意2026年度继续遴选省级精品课程' }, 'raise-target-quality-course-2026');
      const opened = await this.post(`open cycle ${id}`, '/cycles', office, {
        id,
        programType: 'quality-course',
        name: `${defaultCatalog['quality-course'].name.zh} 2026年度`,
        label: '2026',
        opensAt: '2026-09-01T00:00:00+08:00',
        closesAt: '2026-09-30T00:00:00+08:00',
      }, `open-${id}`);
      if (opened.status !== 201) throw new DemoStepError(`open cycle ${id}`, opened);
      const rules = (await this.api.read(`read cycle ${id}`, `/cycles/${id}`, office)).body.rules as CycleRules;
      const ranks = new Map<string, number>();
      const { orgs, expertOf } = this.expertRotation();
      await this.forAll(apps, async (app, i) => {
        const stage = stageOf(i);
        const token = await this.applicant(app.school);
        const drafted = await this.post(`draft ${app.title}`, '/projects', token, { cycleId: id, programType: app.program, title: app.title, subject: app.subject() }, `draft-${app.key}`);
        app.projectId = String(drafted.headers.location).split('/').pop()!;
        if (stage === 'draft') return;
        const doc = (file: string, title: string) => this.upload(token, file, `${app.school.name} ${title}`, [title, `project ${app.projectId}`, '2026']);
        const [applicationForm, authenticity, commitment] = [await doc('申报书.pdf', '申报书'), await doc('真实性声明.pdf', '申报材料真实性声明'), await doc('承诺书.pdf', '承诺书')];
        await this.post(`submit ${app.title}`, `/projects/${app.projectId}/submit`, token, { applicationForm, declarations: { authenticity, commitment } }, `submit-${app.key}`);
        if (stage === 'submitted') return;
        const bureau = await this.recommenderOf(app);
        await this.post(`formal check ${app.title}`, `/projects/${app.projectId}/formal-check`, bureau, { result: 'passed' }, `formal-check-${app.key}`);
        // A bureau's ranks are 1, 2, … within its limit; one past it stays checked, to be recommended or not.
        const key = this.recommenderKey(app);
        const rank = (ranks.get(key) ?? 0) + 1;
        if (rank > rules.perRecommenderLimit) return;
        ranks.set(key, rank);
        await this.post(`recommend ${app.title}`, `/projects/${app.projectId}/recommend`, bureau, { rank, opinion: '课程建设基础扎实，同意推荐' }, `recommend-${app.key}`);
        if (stage === 'recommended') return;
        app.reviewers = [0, 4, 8].map((offset) => expertOf(i + offset, Math.floor(i / orgs.length)));
        for (const expert of app.reviewers) {
          await this.post(`assign ${expert.id} to ${app.title}`, `/projects/${app.projectId}/reviewers`, office, { reviewerId: await this.expertId(expert), reviewerOrg: expert.org, declaredRelations: [] }, `assign-${app.key}-${expert.id}`);
        }
      });
      const draft = apps[0];
      const submitted = apps.find((a, i) => stageOf(i) === 'submitted')!;
      const reviewed = apps.find((a) => a.reviewers.length > 0);
      const enterprise = enterprises.reporting()[0];
      // The school's admin names the draft's project lead (项目负责人), as a school does for its own staff.
      const lead = await this.accounts.account({ ...this.applicantWho(draft.school), sub: `${draft.school.key}-lead-2026`, grants: ['project-lead'], projectId: draft.projectId, grantedBy: await this.accounts.account(this.applicantWho(draft.school)) });
      const personOf = async (who: Who) => (await this.accounts.account(who)).personId;
      const overdue = late ? ['overdue'] : [];
      const desks: (Desk | undefined)[] = [
        { grant: 'project-lead', personId: lead.personId, waiting: ['submit-application'] },
        { grant: 'school-head', personId: await personOf(this.applicantWho(draft.school)), waiting: ['submit-application', ...overdue] },
        { grant: 'bureau-clerk', personId: await personOf(this.recommenderWho(submitted)), waiting: ['formal-check'] },
        reviewed && { grant: 'expert', personId: await this.expertId(reviewed.reviewers[0]), waiting: ['score-review'] },
        { grant: 'office-staff', personId: await personOf(this.officeWho), waiting: ['assign-reviewers', ...overdue] },
        late && { grant: 'auditor', personId: await personOf(this.auditorWho), waiting: ['overdue'] },
        enterprise && { grant: 'enterprise-admin', personId: await personOf(this.enterpriseWho(enterprise)), waiting: ['annual-report-due'] },
      ];
      this.desks = desks.filter((d): d is Desk => d !== undefined);
      const at = (stage: (typeof stages)[number]) => apps.filter((_, i) => stageOf(i) === stage).length;
      return `window 1–30 Sep; ${stages.map((s) => `${at(s)} ${s}`).join(', ')}${late ? `; ${late.school.name}'s course update overdue` : ''}`;
    });
  }

  // ------------------------------------------------------------------------------------------- summary

  private async summary(): Promise<PlanResult> {
    let result!: PlanResult;
    await this.phase('summary and audit', async () => {
      const office = await this.office();
      const after = await this.after();
      const total = async (query: string) => (await this.api.read(`GET /projects?${query}`, `/projects?${query}&limit=1&${after}`, office)).body.total as number;
      const programs: ProgramSummary[] = [];
      for (const program of PROGRAMS) {
        const cycle = this.cycle(program);
        const dashboard = (await this.api.read(`dashboard of ${cycle.id}`, `/cycles/${cycle.id}/dashboard?${after}`, office)).body;
        const status = (s: string) => total(`cycleId=${cycle.id}&status=${s}`);
        const removed = await status('RemovedAfterObjection');
        const ledger = (await this.api.read(`funds of ${cycle.id}`, `/cycles/${cycle.id}/funds`, office)).body;
        programs.push({
          programType: program,
          name: cycle.name,
          cycleId: cycle.id,
          quota: dashboard.quota,
          applications: dashboard.applications,
          shortlisted: dashboard.placesTaken + removed,
          notSelected: await status('NotSelected'),
          removedAfterObjection: removed,
          approved: dashboard.approved,
          accredited: await status('Accredited'),
          revoked: await status('Revoked'),
          remaining: dashboard.remaining,
          funds: {
            budget: ledger.budgets.provincial ?? 0,
            granted: ledger.granted.provincial + ledger.granted.central,
            matching: ledger.granted.matching,
            disbursed: ledger.disbursed.provincial + ledger.disbursed.central + ledger.disbursed.matching,
          },
        });
      }
      const registry = async (status?: string) =>
        (await this.api.read('GET /enterprises', `/enterprises?limit=1&${status ? `status=${status}&` : ''}${after}`, office)).body.total as number;
      const enterprises: EnterpriseSummary = {
        applied: await registry(),
        notAdmitted: await registry('NotAdmitted'),
        incubating: await registry('InIncubation'),
        certified: await registry('Certified'),
        disqualified: await registry('Disqualified'),
      };
      const audit = (await this.api.read('GET /audit/verify', '/audit/verify', await this.auditor())).body;

      const problems: string[] = [];
      for (const row of programs) {
        if (row.approved > row.quota) problems.push(`${row.cycleId}: ${row.approved} approved, over its quota of ${row.quota}`);
        const local = this.appsOf(row.programType as Program).filter((a) => a.approved).length;
        if (row.approved !== local) problems.push(`${row.cycleId}: the dashboard shows ${row.approved} approved, the demo approved ${local}`);
        if (row.accredited + row.revoked !== row.approved) problems.push(`${row.cycleId}: ${row.accredited} accredited + ${row.revoked} revoked ≠ ${row.approved} approved`);
      }
      for (const row of programs) if (row.funds.granted > row.funds.budget) problems.push(`${row.cycleId}: ${row.funds.granted} yuan granted, over its budget of ${row.funds.budget}`);
      if (!audit.ok) problems.push(`audit: the hash chain is broken at ${JSON.stringify(audit.firstBroken)}`);
      result = {
        programs,
        enterprises,
        audit,
        problems,
        requests: this.api.requests,
        retries: this.api.retries,
        documents: this.documents,
        seconds: (Date.now() - this.started) / 1000,
        endedOn: this.today,
        review: this.review,
        performance: this.performance,
        desks: this.desks,
      };
      return `${audit.ok ? 'hash chain intact' : 'HASH CHAIN BROKEN'}: ${count(audit.checkedEvents)} events in ${count(audit.checkedStreams)} streams verified; ${count(this.firedTotal)} deadlines fired by the clock over the play`;
    });
    return { ...result, requests: this.api.requests, seconds: (Date.now() - this.started) / 1000 };
  }

  // ------------------------------------------------------------------------------------------- for EnterprisePlay

  readonly access = {
    phase: (label: string, work: () => Promise<string>) => this.phase(label, work),
    clockTo: (date: string) => this.clockTo(date),
    today: () => this.today,
    upload: (token: string, fileName: string, title: string, lines: readonly string[]) => this.upload(token, fileName, title, lines),
    post: (step: string, path: string, token: string, body: unknown, key: string) => this.post(step, path, token, body, key),
    all: <T>(items: readonly T[], work: (item: T, index: number) => Promise<void>) => this.forAll(items, work),
    office: () => this.drcOffice(),
    applicant: (e: Enterprise) => this.enterprise(e),
    recommender: (c: City) => this.drcBureau(c),
    enterprises: () => this.population.enterprises,
    api: () => this.api,
  };
}

/** `months` months after a Beijing date, clamped to the month's end (as the service computes construction periods). */
function addMonths(on: string, months: number): string {
  const [y, m, d] = on.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Enterprises: 产教融合型企业, from incubation to certification (no quota, no cycle)

class EnterprisePlay {
  private readonly p: Play['access'];
  private admitted: Enterprise[] = [];
  private certified: Enterprise[] = [];
  private disqualified: Enterprise | undefined;

  constructor(play: Play) {
    this.p = play.access;
  }

  private declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };

  private applyBody(e: Enterprise, doc: DocRef) {
    return { creditCode: e.creditCode, name: e.name, region: e.city.name, declarations: this.declarations, documents: [doc] };
  }

  private expert = async (label: string) => {
    const office = await this.p.office();
    return { opinion: '专家组一致同意通过', documents: [await this.p.upload(office, '专家评估意见.pdf', label, ['Expert assessment'])] };
  };

  /** The enterprises that report each year: admitted, not disqualified. */
  reporting(): Enterprise[] {
    return this.admitted.filter((e) => e !== this.disqualified);
  }

  /** Puts the enterprises' steps on the play's timeline, with annual reports up to `lastReportYear`'s. */
  schedule(at: (on: string, run: () => Promise<void>) => void, lastReportYear: number): void {
    at('2021-03-01', () => this.intake());
    at('2021-04-15', () => this.threeYearPlans());
    for (let year = 2021; year <= lastReportYear; year += 1) at(`${year + 1}-01-15`, () => this.annualReports(year));
    at('2022-03-16', () => this.certification('initial'));
    at('2023-06-15', () => this.disqualification());
    at('2024-06-14', () => this.bannedReapplication());
    at('2025-01-20', () => this.certification('renewal'));
  }

  /** Moves the clock to the first weekday morning after the enterprises' notices have ended. */
  private async afterNotice(enterprises: readonly Enterprise[]): Promise<void> {
    const office = await this.p.office();
    let endsAt = '';
    for (const e of enterprises) {
      const state = (await this.p.api().read(`read ${e.name}`, `/enterprises/${e.creditCode}`, office)).body;
      if (state.notice && state.notice.endsAt > endsAt) endsAt = state.notice.endsAt;
    }
    if (!endsAt) return;
    // The first working morning after the notice's end (its end is a Beijing midnight).
    let day = chinaDateOf(endsAt);
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addCalendarDays(day, 1);
    await this.p.clockTo(day > this.p.today() ? day : this.p.today());
  }

  /** The first weekday from `date` on. */
  private weekdayFrom(date: string): string {
    let day = date;
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addCalendarDays(day, 1);
    return day;
  }

  private async intake(): Promise<void> {
    const all = this.p.enterprises();
    const notRecommended = all[1];
    await this.p.phase('enterprises apply (产教融合型企业)', async () => {
      await this.p.all(all, async (e) => {
        const token = await this.p.applicant(e);
        const form = await this.p.upload(token, '产教融合型企业申报书.pdf', `${e.name} 产教融合型企业申报书`, ['Application for incubation', `credit code ${e.creditCode}`]);
        await this.p.post(`${e.name} applies`, '/enterprises', token, this.applyBody(e, form), `apply-${e.key}`);
      });
      return `${all.length} enterprises apply for incubation in their cities`;
    });
    await this.p.clockTo(addCalendarDays(this.p.today(), 1));
    await this.p.phase('city recommendations, joint review', async () => {
      const office = await this.p.office();
      await this.p.all(all, async (e) => {
        const token = await this.p.recommender(e.city);
        if (e === notRecommended) {
          await this.p.post(`not recommend ${e.name}`, `/enterprises/${e.creditCode}/not-recommend`, token, { reason: '近三年无实质性校企合作项目' }, `not-recommend-${e.key}`);
          return;
        }
        await this.p.post(`recommend ${e.name}`, `/enterprises/${e.creditCode}/recommend`, token, { opinion: '该企业校企合作基础扎实，同意推荐' }, `recommend-${e.key}`);
        await this.p.post(`joint review of ${e.name}`, `/enterprises/${e.creditCode}/joint-review`, office, { outcome: 'passed', departments: ['省发展改革委', '省教育厅', '省财政厅', '省人社厅', '省国资委'], expertAssessment: await this.expert(`${e.name} 入库培育专家评估意见`) }, `joint-review-${e.key}`);
      });
      return `${all.length - 1} recommended and passed the departments' joint review (部门联审), 1 not recommended`;
    });
    this.admitted = all.filter((e) => e !== notRecommended);
    const startsOn = this.weekdayFrom(addCalendarDays(this.p.today(), 3));
    await this.p.clockTo(startsOn);
    await this.p.phase('enterprise notice (公示)', async () => {
      const office = await this.p.office();
      const notice = await this.p.upload(office, '公示.pdf', '山西省产教融合型企业入库培育名单公示', ['Public notice, enterprises']);
      await this.p.all(this.admitted, async (e) => {
        await this.p.post(`open the notice of ${e.name}`, `/enterprises/${e.creditCode}/open-notice`, office, { startsOn, notice }, `notice-${e.key}`);
      });
      return `${this.admitted.length} enterprises on public notice from ${startsOn}`;
    });
    await this.afterNotice(this.admitted);
    await this.p.phase('admitted to incubation (入库培育)', async () => {
      const office = await this.p.office();
      await this.p.all(this.admitted, async (e) => {
        await this.p.post(`admit ${e.name}`, `/enterprises/${e.creditCode}/admit`, office, {}, `admit-${e.key}`);
      });
      return `${this.admitted.length} enterprises incubating: three-year plan due in 3 months, certification after a year`;
    });
  }

  private async threeYearPlans(): Promise<void> {
    await this.p.phase('enterprise three-year plans', async () => {
      await this.p.all(this.admitted, async (e) => {
        const token = await this.p.applicant(e);
        const plan = await this.p.upload(token, '三年规划.pdf', `${e.name} 产教融合三年规划`, ['Three-year plan', `credit code ${e.creditCode}`]);
        await this.p.post(`three-year plan of ${e.name}`, `/enterprises/${e.creditCode}/three-year-plan`, token, { plan }, `three-year-plan-${e.key}`);
      });
      const renamed = this.admitted[0];
      if (renamed) {
        const token = await this.p.applicant(renamed);
        await this.p.post(`${renamed.name} renamed`, `/enterprises/${renamed.creditCode}/material-changes`, token, { kind: 'rename', details: '经市场监管部门核准更名', newName: renamed.name.replace(/(股份|集团)?有限公司$/, '集团股份有限公司') }, `rename-${renamed.key}`);
      }
      return `${this.admitted.length} plans published${renamed ? '; 1 material change (rename) reported' : ''}`;
    });
  }

  private async annualReports(year: number): Promise<void> {
    const reporting = this.reporting();
    if (reporting.length === 0) return;
    await this.p.phase(`enterprise annual reports ${year}`, async () => {
      await this.p.all(reporting, async (e) => {
        const token = await this.p.applicant(e);
        const report = await this.p.upload(token, `${year}年度报告.pdf`, `${e.name} ${year}年度产教融合工作报告`, [`Annual report ${year}`, `credit code ${e.creditCode}`]);
        await this.p.post(`annual report ${year} of ${e.name}`, `/enterprises/${e.creditCode}/annual-reports`, token, { year, report }, `annual-report-${year}-${e.key}`);
      });
      return `${reporting.length} reports by 31 January`;
    });
  }

  private async certification(kind: 'initial' | 'renewal'): Promise<void> {
    const candidates = kind === 'initial' ? this.admitted : this.certified.filter((e) => e !== this.disqualified);
    if (candidates.length === 0) return;
    await this.p.phase(kind === 'initial' ? 'certification requested' : 're-certification requested', async () => {
      const office = await this.p.office();
      await this.p.all(candidates, async (e) => {
        const token = await this.p.applicant(e);
        const doc = await this.p.upload(token, '认证申请.pdf', `${e.name} ${kind === 'initial' ? '认证' : '复核'}申请书`, ['Certification request', `credit code ${e.creditCode}`]);
        await this.p.post(`${e.name} requests ${kind} certification`, `/enterprises/${e.creditCode}/${kind === 'initial' ? 'request-certification' : 'request-recertification'}`, token, { documents: [doc] }, `request-${kind}-${e.key}`);
        await this.p.post(`evaluate ${e.name}`, `/enterprises/${e.creditCode}/certification-evaluation`, office, { outcome: 'passed', assessment: await this.expert(`${e.name} 认证评估意见`) }, `evaluate-${kind}-${e.key}`);
      });
      return `${candidates.length} enterprises evaluated (passed)`;
    });
    const startsOn = this.weekdayFrom(addCalendarDays(this.p.today(), 3));
    await this.p.clockTo(startsOn);
    await this.p.phase('certification notice (公示)', async () => {
      const office = await this.p.office();
      await this.p.all(candidates, async (e) => {
        await this.p.post(`certification notice of ${e.name}`, `/enterprises/${e.creditCode}/open-certification-notice`, office, { startsOn }, `certification-notice-${kind}-${e.key}`);
      });
      return `${candidates.length} enterprises on public notice from ${startsOn}`;
    });
    await this.afterNotice(candidates);
    await this.p.phase(kind === 'initial' ? 'enterprises certified' : 'certificates renewed', async () => {
      const office = await this.p.office();
      let validUntil = '';
      await this.p.all(candidates, async (e) => {
        await this.p.post(`certify ${e.name}`, `/enterprises/${e.creditCode}/certify`, office, {}, `certify-${kind}-${e.key}`);
      });
      const sample = (await this.p.api().read('read a certified enterprise', `/enterprises/${candidates[0].creditCode}`, office)).body;
      validUntil = chinaDateOf(sample.certificates[sample.certificates.length - 1].validUntil);
      if (kind === 'initial') this.certified = [...candidates];
      return `${candidates.length} certificates${kind === 'renewal' ? ' renewed' : ''}, valid until ${validUntil}`;
    });
  }

  private async disqualification(): Promise<void> {
    const e = this.certified[this.certified.length - 1];
    if (!e) return;
    await this.p.phase('enterprise disqualified', async () => {
      const office = await this.p.office();
      const evidence = await this.p.upload(office, '核查报告.pdf', `关于${e.name}年度报告数据的核查报告`, ['Investigation report', `credit code ${e.creditCode}`]);
      await this.p.post(`disqualify ${e.name}`, `/enterprises/${e.creditCode}/disqualify`, office, { ground: 'fraud', reason: '年度报告中校企合作数据造假', evidence: [evidence] }, `disqualify-${e.key}`);
      this.disqualified = e;
      const state = (await this.p.api().read(`read ${e.name}`, `/enterprises/${e.creditCode}`, office)).body;
      return `${e.name} disqualified for fraud: certificate revoked, no application until ${chinaDateOf(state.disqualification.bannedUntil)}`;
    });
  }

  private async bannedReapplication(): Promise<void> {
    const e = this.disqualified;
    if (!e) return;
    await this.p.phase('banned enterprise re-applies', async () => {
      const token = await this.p.applicant(e);
      const form = await this.p.upload(token, '产教融合型企业申报书.pdf', `${e.name} 产教融合型企业申报书（再次申报）`, ['Application for incubation, again', `credit code ${e.creditCode}`]);
      const answer = await this.p.api().command(`${e.name} applies again`, '/enterprises', token, this.applyBody(e, form), `apply-again-${e.key}`, (a) => a.status === 409 && a.body?.code === 'applicant-banned');
      return `${e.name} applies again: ${answer.status} ${answer.body.code} (ban until ${chinaDateOf(answer.body.details.until)})`;
    });
  }
}
