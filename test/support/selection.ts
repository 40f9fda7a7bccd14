import { Accounts, Who } from './accounts';
import { client } from './http';
import { expectOk, FakeClock, on, upload } from './lifecycle';
import { ProjectFlow } from './project-flow';
import { RunningApp } from './test-app';

/** The people of a selection: the office, a city recommender and three reviewers, with their tokens. */
export async function selectionTokens(running: RunningApp): Promise<Record<string, string>> {
  const accounts = await Accounts.of(running);
  const tokens: Record<string, string> = {
    office: await accounts.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' }),
    recommender: await accounts.token(RECOMMENDER),
  };
  for (let n = 1; n <= 3; n += 1) tokens[`reviewer${n}`] = await accounts.token(reviewer(n));
  return tokens;
}

const RECOMMENDER = { sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' } as const;
const reviewer = (n: number) => ({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` }) as const;

export interface Program {
  readonly programType: string;
  readonly subject: (ids: Record<string, string>) => unknown;
  readonly parentCycle?: string;
  /** Who the applicant is, where not a 中职 of 太原市 (a city government, say). */
  readonly applicant?: Partial<Who>;
  /** More of the draft's body (a joint application's partners). */
  readonly draft?: Record<string, unknown>;
  /** The province designates without a city's recommendation: the office makes the formal check. */
  readonly withoutRecommendation?: boolean;
  /** Steps of the test while the window is open, before the applicant drafts (the clock on 2 September). */
  readonly windowOpen?: (cycleId: string) => Promise<void>;
  /** Steps of the test while the project is under review, before the shortlist. */
  readonly underReview?: (projectId: string) => Promise<void>;
}

/**
 * Plays a project of `school` (or of the applicant the program names) through selection in `year` — ProjectFlow's window and review, then the
 * shortlist on 15 October, a 5-working-day notice from 16 October, approval on 31 October — each step
 * by its owner; answers the approved project's id (and leaves the cycle's id in `ids.cycle`).
 */
export async function select(running: RunningApp, clock: FakeClock, tokens: Record<string, string>, program: Program, school: string, ids: Record<string, string>, year: number): Promise<string> {
  const flow = await ProjectFlow.start(running, clock);
  const http = client(running);
  const post = async (path: string, body: unknown) => expectOk(await http.post(path, tokens.office, body), path);
  const accounts = await Accounts.of(running);
  const applicant = await accounts.token({
    sub: `${school}-user`,
    role: 'applicant',
    org: school,
    region: '太原市',
    ...(program.programType === 'higher-college' || program.programType === 'specialty-group' ? { schoolKind: '高职' } : {}),
    ...program.applicant,
  });
  tokens[school] = applicant;
  const cycleId = `${program.programType}-${school}-${year}`;
  await flow.openCycle(cycleId, program.programType, year, program.parentCycle ? { parentCycleId: ids.parentCycle } : {});
  clock.set(on(`${year}-09-02`));
  await program.windowOpen?.(cycleId);
  const drafted = await http.post('/projects', applicant, { cycleId, programType: program.programType, title: `${school} ${program.programType}`, subject: program.subject(ids), ...program.draft });
  expectOk(drafted, 'draft');
  const projectId = drafted.headers.get('location')!.split('/').pop()!;
  const reviewers = await Promise.all([1, 2, 3].map(async (n) => {
    const account = await accounts.account(reviewer(n));
    return { id: account.personId, org: account.org, token: account.token };
  }));
  await flow.review(year, [{ id: projectId, applicant }], program.withoutRecommendation ? null : tokens.recommender, reviewers);
  await program.underReview?.(projectId);
  clock.set(on(`${year}-10-15`));
  await post(`/cycles/${cycleId}/shortlist`, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' });
  const { noticeId } = await flow.openNotice(cycleId, `${year}-10-16`);
  clock.set(on(`${year}-10-31`));
  await post(`/cycles/${cycleId}/end-notice`, { noticeId });
  await post(`/cycles/${cycleId}/approve`, { projectIds: [projectId], reason: '公示无异议，予以立项' });
  ids.cycle = cycleId;
  return projectId;
}

/** Construction plan submitted on 10 November and accepted on 20 November of `year`: answers the start date. */
export async function construct(running: RunningApp, clock: FakeClock, tokens: Record<string, string>, projectId: string, school: string, year: number): Promise<string> {
  const http = client(running);
  const applicant = tokens[school];
  const [plan, taskBook] = await Promise.all([upload(running, applicant, '建设方案.pdf'), upload(running, applicant, '任务书.pdf')]);
  clock.set(on(`${year}-11-10`));
  expectOk(await http.post(`/projects/${projectId}/construction-plan`, applicant, { plan, taskBook }), 'plan');
  clock.set(on(`${year}-11-20`));
  expectOk(await http.post(`/projects/${projectId}/construction-plan/accept`, tokens.office, {}), 'accept plan');
  return `${year}-11-20`;
}
