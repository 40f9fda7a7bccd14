import { given } from '../../../test/support/decider-spec';
import { chinaDateOf, cnCalendar } from '../calendar';
import { defaultCatalog, findProgramType, isProjectProgramType, ProjectProgramType } from '../catalog/program-catalog';
import { CycleRules } from '../catalog/program-rules';
import { fold } from '../decider';
import { DomainError } from '../errors';
import { Actor } from '../messages';
import { ExpertFacts, OpenCycle, ProgramCycleCommand } from './program-cycle.commands';
import { ActiveCycle, placesTaken, programCycleDecider } from './program-cycle.decider';
import { CycleOpened, ProgramCycleEvent } from './program-cycle.events';
import { planAssignments } from './decide/panels';

const decider = programCycleDecider;

const programType = (code: string): ProjectProgramType => {
  const found = findProgramType(defaultCatalog, code);
  if (!isProjectProgramType(found)) throw new Error(code);
  return found;
};

const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const applicant = (org: string, region = '太原市'): Actor => ({ id: `u-${org}`, role: 'applicant', org, region });
const recommender = (region: string): Actor => ({ id: `u-${region}`, role: 'recommender', org: `${region}教育局`, region });

const OPENS = '2025-09-01T00:00:00+08:00';
const CLOSES = '2025-09-15T00:00:00+08:00';
const DURING = '2025-09-05T10:00:00+08:00';
const AFTER = '2025-09-29T09:00:00+08:00';
const BRAND = programType('brand-major');
const rules: CycleRules = { ...BRAND.defaultRules, quota: 2, perApplicantLimit: 2, perRecommenderLimit: 3 };
const tiered: CycleRules = { ...rules, quota: 3, tiers: [{ name: 'A', quota: 1 }, { name: 'B', quota: 2 }] };

const opened = (cycleRules: CycleRules = rules): CycleOpened => ({
  type: 'CycleOpened',
  data: {
    cycleId: 'bm-2025',
    programType: 'brand-major',
    name: '品牌专业 2025',
    label: '2025',
    rules: cycleRules,
    rulesVersion: 'brand-major/2025.1',
    opensAt: OPENS,
    closesAt: CLOSES,
    parentCycleId: null,
    openedAt: '2025-08-20T09:00:00+08:00',
  },
});

const registered = (projectId: string, applicantOrg = `school-${projectId}`, region = '太原市'): ProgramCycleEvent => ({
  type: 'ApplicationRegistered',
  data: { projectId, applicantOrg, region, registeredAt: DURING, applicantCount: 1, perApplicantLimit: 2, rulesVersion: 'brand-major/2025.1' },
});

const recommended = (projectId: string, rank: number, region = '太原市'): ProgramCycleEvent => ({
  type: 'RecommendationRegistered',
  data: {
    projectId,
    recommenderOrg: `${region}教育局`,
    rank,
    recommendedAt: DURING,
    recommenderCount: rank,
    perRecommenderLimit: 3,
    rulesVersion: 'brand-major/2025.1',
  },
});

const windowClosed: ProgramCycleEvent = {
  type: 'ApplicationWindowClosed',
  data: { closedAt: CLOSES, trigger: 'deadline', reason: null, rulesVersion: 'brand-major/2025.1' },
};

const candidate = (projectId: string, rank: number) => [registered(projectId), recommended(projectId, rank)];

const shortlisted = (projectId: string, placesTaken: number, tier: string | null = null, decision = 1, quota = 2): ProgramCycleEvent => ({
  type: 'ProjectShortlisted',
  data: {
    decisionId: `bm-2025/decision-${decision}`,
    projectId,
    tier,
    reason: '评审会议纪要 2025-09-20',
    rulesVersion: 'brand-major/2025.1',
    quota,
    placesTaken,
    tierQuota: null,
    tierPlacesTaken: null,
    decidedAt: AFTER,
  },
});

const noticeOpened = (projectIds: string[]): ProgramCycleEvent => ({
  type: 'PublicNoticeOpened',
  data: {
    noticeId: 'notice-1',
    projectIds,
    startsOn: '2025-09-30',
    endsOn: '2025-10-13',
    endsAt: '2025-10-14T00:00:00+08:00',
    length: 5,
    unit: 'working-days',
    calendarVersion: cnCalendar.version,
    rulesVersion: 'brand-major/2025.1',
    document: null,
    openedAt: AFTER,
  },
});

const noticeEnded = (projectIds: string[]): ProgramCycleEvent => ({
  type: 'PublicNoticeEnded',
  data: { noticeId: 'notice-1', projectIds, endsOn: '2025-10-13', endedAt: '2025-10-14T00:00:00+08:00' },
});

const removed = (projectId: string): ProgramCycleEvent => ({
  type: 'ProjectRemovedFromList',
  data: { projectId, tier: null, reason: '异议属实', objectionId: 'obj-1', rulesVersion: 'brand-major/2025.1', removedAt: '2025-10-10T09:00:00+08:00' },
});

const notSelected = (projectId: string, decision = 1): ProgramCycleEvent => ({
  type: 'ProjectNotSelected',
  data: { decisionId: `bm-2025/decision-${decision}`, projectId, reason: '综合排名靠后', rulesVersion: 'brand-major/2025.1', decidedAt: AFTER },
});

const listApproved = (projectIds: string[], decision = 2, approvedCount = projectIds.length, tier: string | null = null): ProgramCycleEvent => ({
  type: 'ListApproved',
  data: {
    decisionId: `bm-2025/decision-${decision}`,
    approved: projectIds.map((projectId) => ({ projectId, tier })),
    reason: '公示无异议',
    rulesVersion: 'brand-major/2025.1',
    quota: 2,
    approvedCount,
    document: null,
    approvedAt: AFTER,
  },
});

const cycleClosed: ProgramCycleEvent = { type: 'CycleClosed', data: { reason: 'x', approvedCount: 0, rulesVersion: 'brand-major/2025.1', closedAt: AFTER } };

/** The last millisecond before the window opens, and before it closes. */
const JUST_BEFORE_OPENS = '2025-08-31T23:59:59.999+08:00';
const JUST_BEFORE_CLOSES = '2025-09-14T23:59:59.999+08:00';

/** An event as decided at another instant. */
const decidedAt = (event: ProgramCycleEvent, at: string): ProgramCycleEvent => ({ ...event, data: { ...event.data, decidedAt: at } }) as ProgramCycleEvent;

/** The cycle's state after the events, as an active cycle. */
const cycleAfter = (events: readonly ProgramCycleEvent[]): ActiveCycle => {
  const state = given(decider, events).state;
  if (state.status === 'None') throw new Error('no cycle');
  return state;
};

const document = { sha256: 'ab'.repeat(32), name: '公示.pdf', size: 1024, mediaType: 'application/pdf' };

/** Two shortlisted projects in a cycle of quota 2, whose notice ran 2025-09-30 .. 2025-10-13. */
const listedAndNoticed = [
  opened(),
  ...candidate('p1', 1),
  ...candidate('p2', 2),
  ...candidate('p3', 3),
  windowClosed,
  shortlisted('p1', 1),
  shortlisted('p2', 2),
  noticeOpened(['p1', 'p2']),
];

/** A command with the office as actor and AFTER as time unless it says otherwise. */
type Defaulted<C> = C extends ProgramCycleCommand ? Omit<C, 'actor' | 'now'> & Partial<Pick<C, 'actor' | 'now'>> : never;
const cmd = (c: Defaulted<ProgramCycleCommand>): ProgramCycleCommand => ({ actor: office, now: AFTER, ...c }) as ProgramCycleCommand;

const shortlistCmd = (
  entries: { projectId: string; tier?: string; scoresOverride?: string }[],
  notSelected: { projectId: string; reason: string }[] = [],
  extra: { now?: string; reviewIncomplete?: string[]; scoresOutstanding?: string[] } = {},
): ProgramCycleCommand => ({
  type: 'Shortlist',
  data: { shortlisted: entries, notSelected, reason: '评审会议纪要 2025-09-20' },
  context: { reviewIncomplete: extra.reviewIncomplete ?? [], scoresOutstanding: extra.scoresOutstanding ?? [] },
  actor: office,
  now: extra.now ?? AFTER,
});

describe('program cycle decider', () => {
  describe('OpenCycle', () => {
    const open = (overrides: Partial<{ rules: CycleRules; programType: string; closesAt: string; actor: Actor; type: ProjectProgramType | null; data: Partial<OpenCycle['data']> }> = {}) =>
      cmd({
        type: 'OpenCycle',
        data: {
          cycleId: 'bm-2025',
          programType: overrides.programType ?? 'brand-major',
          name: '品牌专业 2025',
          label: '2025',
          rules: overrides.rules ?? rules,
          rulesVersion: 'brand-major/2025.1',
          opensAt: OPENS,
          closesAt: overrides.closesAt ?? CLOSES,
          ...overrides.data,
        },
        context: { programType: overrides.type === undefined ? BRAND : overrides.type },
        actor: overrides.actor ?? office,
        now: '2025-08-20T09:00:00+08:00',
      });

    it('opens a cycle with a full copy of its rules', () => {
      given(decider, []).when(open()).then([opened()]);
    });

    it('is for the program office only', () => {
      given(decider, []).when(open({ actor: applicant('s1') })).thenThrows('role-not-allowed', 'forbidden');
    });

    it('validates the rules it is opened with', () => {
      const bad = { ...rules, tiers: [{ name: 'A', quota: 2 }, { name: 'B', quota: 1 }] };
      given(decider, []).when(open({ rules: bad })).thenThrows('tier-quotas-exceed-quota', 'validation');
      given(decider, []).when(open({ closesAt: OPENS })).thenThrows('invalid-window', 'validation');
    });

    it('needs a school-side program type of the catalog', () => {
      given(decider, []).when(open({ type: null })).thenThrows('unknown-program-type', 'not-found');
      const enterprise = findProgramType(defaultCatalog, 'enterprise') as unknown as ProjectProgramType;
      given(decider, []).when(open({ programType: 'enterprise', type: enterprise })).thenThrows('not-a-cycle-program');
      given(decider, []).when(open({ programType: 'quality-course', type: programType('quality-course') })).thenThrows('rules-incomplete');
    });

    it('records the parent cycle of a child program, and refuses one for other programs', () => {
      const groups = programType('specialty-group');
      const child = cmd({
        type: 'OpenCycle',
        data: {
          cycleId: 'sg-2026',
          programType: 'specialty-group',
          name: '高水平专业群 2026–2029',
          label: '2026–2029',
          rules: groups.defaultRules,
          rulesVersion: groups.rulesVersion,
          opensAt: OPENS,
          closesAt: CLOSES,
          parentCycleId: 'hc-2026',
        },
        context: { programType: groups },
      });
      const [event] = given(decider, []).when(child).then([expect.objectContaining({ type: 'CycleOpened' })]);
      expect(event.data).toMatchObject({ parentCycleId: 'hc-2026', rules: { perApplicantLimit: 2, specialtyGroup: { minMajors: 3, maxMajors: 5 } } });
      const orphan = cmd({ ...child, data: { ...(child.data as object), programType: 'brand-major', rules }, context: { programType: BRAND } } as never);
      given(decider, []).when(orphan).thenThrows('unexpected-parent-cycle', 'validation');
    });

    it('opens a cycle only once', () => {
      given(decider, [opened()]).when(open()).thenThrows('cycle-already-open', 'illegal-state');
    });

    it('refuses another role, naming the role it was asked by', () => {
      given(decider, []).when(open({ actor: recommender('太原市') })).thenThrows('role-not-allowed', 'forbidden', { role: 'recommender' });
    });

    it.each(['cycleId', 'name', 'label', 'rulesVersion', 'parentCycleId'] as const)('refuses a blank %s, naming the field', (field) => {
      given(decider, []).when(open({ data: { [field]: ' ' } })).thenThrows('invalid-field', 'validation', { field });
    });

    it('names the program type the catalog lacks, and refuses a context describing another type than the command names', () => {
      given(decider, []).when(open({ type: null })).thenThrows('unknown-program-type', 'not-found', { programType: 'brand-major' });
      given(decider, []).when(open({ type: programType('quality-course') })).thenThrows('program-type-mismatch', 'validation');
    });

    it('needs the course rules of a course program and the group rules of a specialty group, and opens them when present', () => {
      const course = programType('quality-course');
      given(decider, []).when(open({ programType: 'quality-course', type: course })).thenThrows('rules-incomplete', 'validation', { missing: 'course' });
      given(decider, []).when(open({ programType: 'quality-course', type: course, rules: course.defaultRules })).then([
        expect.objectContaining({ type: 'CycleOpened', data: expect.objectContaining({ programType: 'quality-course', rules: course.defaultRules }) }),
      ]);
      const groups = programType('specialty-group');
      const { specialtyGroup: _omitted, ...withoutGroups } = groups.defaultRules;
      given(decider, []).when(open({ programType: 'specialty-group', type: groups, rules: withoutGroups })).thenThrows('rules-incomplete', 'validation', { missing: 'specialtyGroup' });
    });

    it.each([
      ['opensAt', 'not a time'],
      ['opensAt', '2025-09-01'],
      ['closesAt', 'September 15, 2025 00:00 GMT+8'],
      ['closesAt', '2025-13-40T00:00:00+08:00'],
      ['closesAt', '+002025-09-15T00:00:00+08:00'],
    ])('refuses a window whose %s is not an ISO-8601 instant (%s)', (field, value) => {
      given(decider, []).when(open({ data: { [field]: value } })).thenThrows('invalid-time', 'validation', { field });
    });

    it('accepts a window one millisecond long, and refuses one that closes before it opens', () => {
      const [event] = given(decider, []).when(open({ closesAt: '2025-09-01T00:00:00.001+08:00' })).then([expect.objectContaining({ type: 'CycleOpened' })]);
      expect(event.data).toMatchObject({ opensAt: OPENS, closesAt: '2025-09-01T00:00:00.001+08:00' });
      given(decider, []).when(open({ closesAt: JUST_BEFORE_OPENS })).thenThrows('invalid-window', 'validation');
    });
  });

  describe('RegisterApplication', () => {
    const register = (projectId: string, org = 'school-a', now = DURING, region = '太原市') =>
      cmd({ type: 'RegisterApplication', data: { projectId, applicantOrg: org, region }, actor: applicant(org, region), now });

    it('registers an application while the window is open', () => {
      given(decider, [opened()])
        .when(register('p1'))
        .then([
          {
            type: 'ApplicationRegistered',
            data: { projectId: 'p1', applicantOrg: 'school-a', region: '太原市', registeredAt: DURING, applicantCount: 1, perApplicantLimit: 2, rulesVersion: 'brand-major/2025.1' },
          },
        ]);
    });

    it('rejects an application beyond the per-applicant limit', () => {
      given(decider, [opened(), registered('p1', 'school-a'), registered('p2', 'school-a')])
        .when(register('p3'))
        .thenThrows('applicant-limit-reached', 'illegal-state');
      given(decider, [opened(), registered('p1', 'school-a'), registered('p2', 'school-b')]).when(register('p3')).then([
        expect.objectContaining({ type: 'ApplicationRegistered', data: expect.objectContaining({ applicantCount: 2 }) }),
      ]);
    });

    it('rejects an application outside the window', () => {
      given(decider, [opened()]).when(register('p1', 'school-a', '2025-08-31T23:59:59+08:00')).thenThrows('window-not-open');
      given(decider, [opened()]).when(register('p1', 'school-a', CLOSES)).thenThrows('window-closed');
      given(decider, [opened(), windowClosed]).when(register('p1')).thenThrows('window-closed');
    });

    it('registers for the actor own organisation only', () => {
      const c = cmd({ type: 'RegisterApplication', data: { projectId: 'p1', applicantOrg: 'school-b', region: '太原市' }, actor: applicant('school-a'), now: DURING });
      given(decider, [opened()]).when(c).thenThrows('not-own-organisation', 'forbidden');
    });

    it('ignores a repeated registration and rejects a conflicting one', () => {
      given(decider, [opened(), registered('p1', 'school-a')]).when(register('p1')).then([]);
      given(decider, [opened(), registered('p1', 'school-a')]).when(register('p1', 'school-b')).thenThrows('application-already-registered');
    });

    it('refuses the same project registered for another region by the same applicant', () => {
      given(decider, [opened(), registered('p1', 'school-a')]).when(register('p1', 'school-a', DURING, '大同市')).thenThrows('application-already-registered', 'illegal-state');
    });

    it.each([
      ['at the instant the window opens', OPENS],
      ['in the last millisecond before it closes', JUST_BEFORE_CLOSES],
    ])('accepts an application %s', (_when, now) => {
      given(decider, [opened()]).when(register('p1', 'school-a', now)).then([
        expect.objectContaining({ type: 'ApplicationRegistered', data: expect.objectContaining({ projectId: 'p1', registeredAt: now }) }),
      ]);
    });

    it('refuses an application in the last millisecond before the window opens', () => {
      given(decider, [opened()]).when(register('p1', 'school-a', JUST_BEFORE_OPENS)).thenThrows('window-not-open', 'illegal-state');
    });

    it('names the limit an applicant has reached', () => {
      given(decider, [opened(), registered('p1', 'school-a'), registered('p2', 'school-a')]).when(register('p3')).thenThrows('applicant-limit-reached', 'illegal-state', { limit: 2 });
    });

    it.each([
      ['projectId', () => register(' ')],
      ['applicantOrg', () => register('p1', ' ')],
      ['region', () => register('p1', 'school-a', DURING, ' ')],
    ])('refuses a blank %s, naming the field', (field, command) => {
      given(decider, [opened()]).when(command()).thenThrows('invalid-field', 'validation', { field });
    });

    it('refuses a time that is not an instant', () => {
      given(decider, [opened()]).when(register('p1', 'school-a', 'tomorrow')).thenThrows('invalid-time', 'validation', { field: 'now' });
    });
  });

  describe('ReleaseRegistration', () => {
    const release = (projectId: string, registration: 'application' | 'recommendation', actor: Actor) =>
      cmd({ type: 'ReleaseRegistration', data: { projectId, registration, reason: 'refused: stale If-Match' }, actor, now: DURING });

    it('gives back an application’s place, which counts no more against the limit', () => {
      const released = given(decider, [opened(), registered('p1', 'school-a'), registered('p2', 'school-a')])
        .when(release('p1', 'application', applicant('school-a')))
        .then([{ type: 'RegistrationReleased', data: { projectId: 'p1', registration: 'application', reason: 'refused: stale If-Match', releasedAt: DURING } }]);
      const after = [opened(), registered('p1', 'school-a'), registered('p2', 'school-a'), ...released];
      given(decider, after).when(cmd({ type: 'RegisterApplication', data: { projectId: 'p3', applicantOrg: 'school-a', region: '太原市' }, actor: applicant('school-a'), now: DURING })).then([
        expect.objectContaining({ type: 'ApplicationRegistered', data: expect.objectContaining({ projectId: 'p3', applicantCount: 2 }) }),
      ]);
    });

    it('gives back a recommendation’s place and rank', () => {
      const events = [opened(), registered('p1'), recommended('p1', 1)];
      const released = given(decider, events).when(release('p1', 'recommendation', recommender('太原市'))).then([
        { type: 'RegistrationReleased', data: { projectId: 'p1', registration: 'recommendation', reason: 'refused: stale If-Match', releasedAt: DURING } },
      ]);
      given(decider, [...events, ...released])
        .when(cmd({ type: 'RegisterRecommendation', data: { projectId: 'p1', recommenderOrg: '太原市教育局', rank: 1 }, actor: recommender('太原市'), now: DURING }))
        .then([expect.objectContaining({ type: 'RecommendationRegistered', data: expect.objectContaining({ rank: 1, recommenderCount: 1 }) })]);
    });

    it('changes nothing when nothing is held, and is the holder’s alone', () => {
      given(decider, [opened()]).when(release('p1', 'application', applicant('school-a'))).then([]);
      given(decider, [opened(), registered('p1', 'school-a')]).when(release('p1', 'application', applicant('school-b'))).thenThrows('not-own-organisation', 'forbidden');
      given(decider, [opened(), registered('p1', 'school-a')]).when(release('p1', 'application', office)).thenThrows('role-not-allowed', 'forbidden', { role: 'office' });
      given(decider, [opened(), registered('p1', 'school-a')])
        .when(cmd({ type: 'ReleaseRegistration', data: { projectId: 'p1', registration: 'application', reason: ' ' }, actor: applicant('school-a'), now: DURING }))
        .thenThrows('reason-required', 'validation');
    });

    it('gives back a recommendation to its recommender alone, and nothing for a project only applied for', () => {
      const events = [opened(), registered('p1'), recommended('p1', 1)];
      given(decider, events).when(release('p1', 'recommendation', applicant('school-p1'))).thenThrows('role-not-allowed', 'forbidden', { role: 'applicant' });
      given(decider, events).when(release('p1', 'recommendation', recommender('大同市'))).thenThrows('not-own-organisation', 'forbidden');
      given(decider, [opened(), registered('p1')]).when(release('p1', 'recommendation', recommender('太原市'))).then([]);
    });
  });

  describe('RegisterRecommendation', () => {
    const recommend = (projectId: string, rank: number, region = '太原市') =>
      cmd({ type: 'RegisterRecommendation', data: { projectId, recommenderOrg: `${region}教育局`, rank }, actor: recommender(region), now: DURING });

    it('registers a ranked recommendation', () => {
      given(decider, [opened(), registered('p1')])
        .when(recommend('p1', 1))
        .then([
          {
            type: 'RecommendationRegistered',
            data: { projectId: 'p1', recommenderOrg: '太原市教育局', rank: 1, recommendedAt: DURING, recommenderCount: 1, perRecommenderLimit: 3, rulesVersion: 'brand-major/2025.1' },
          },
        ]);
    });

    it('keeps ranks unique per recommender', () => {
      given(decider, [opened(), ...candidate('p1', 1), registered('p2')]).when(recommend('p2', 1)).thenThrows('duplicate-rank');
    });

    it('rejects recommendations beyond the per-recommender limit', () => {
      given(decider, [opened(), ...candidate('p1', 1), ...candidate('p2', 2), ...candidate('p3', 3), registered('p4')])
        .when(recommend('p4', 3))
        .thenThrows('recommender-limit-reached', 'illegal-state');
      given(decider, [opened(), registered('p1')]).when(recommend('p1', 4)).thenThrows('invalid-rank', 'validation');
    });

    it.each([0, 4])('refuses rank %d, outside 1 to the limit, naming both', (rank) => {
      given(decider, [opened(), registered('p1')]).when(recommend('p1', rank)).thenThrows('invalid-rank', 'validation', { rank, limit: 3 });
    });

    it('accepts the last rank the limit allows, counting the recommender’s earlier recommendations', () => {
      given(decider, [opened(), ...candidate('p1', 1), registered('p2')]).when(recommend('p2', 3)).then([
        expect.objectContaining({ type: 'RecommendationRegistered', data: expect.objectContaining({ projectId: 'p2', rank: 3, recommenderCount: 2 }) }),
      ]);
    });

    it('counts neither the ranks nor the recommendations of another recommender', () => {
      const elsewhere = [opened(), registered('q1', 'school-q', '大同市'), recommended('q1', 1, '大同市'), registered('p1')];
      given(decider, elsewhere).when(recommend('p1', 1)).then([
        expect.objectContaining({ type: 'RecommendationRegistered', data: expect.objectContaining({ rank: 1, recommenderCount: 1 }) }),
      ]);
    });

    it('names the rank given twice and the limit reached', () => {
      given(decider, [opened(), ...candidate('p1', 1), registered('p2')]).when(recommend('p2', 1)).thenThrows('duplicate-rank', 'illegal-state', { rank: 1 });
      given(decider, [opened(), ...candidate('p1', 1), ...candidate('p2', 2), ...candidate('p3', 3), registered('p4')])
        .when(recommend('p4', 1))
        .thenThrows('recommender-limit-reached', 'illegal-state', { limit: 3 });
    });

    it('ignores a repeated recommendation, and refuses another rank for a project recommended', () => {
      given(decider, [opened(), ...candidate('p1', 1)]).when(recommend('p1', 1)).then([]);
      given(decider, [opened(), ...candidate('p1', 1)]).when(recommend('p1', 2)).thenThrows('already-recommended', 'illegal-state');
    });

    it('recommends on behalf of the actor’s own organisation only, and refuses blank fields', () => {
      const as = (recommenderOrg: string, projectId = 'p1') => cmd({ type: 'RegisterRecommendation', data: { projectId, recommenderOrg, rank: 1 }, actor: recommender('太原市'), now: DURING });
      given(decider, [opened(), registered('p1')]).when(as('大同市教育局')).thenThrows('not-own-organisation', 'forbidden');
      given(decider, [opened(), registered('p1')]).when(as(' ')).thenThrows('invalid-field', 'validation', { field: 'recommenderOrg' });
      given(decider, [opened(), registered('p1')]).when(as('太原市教育局', ' ')).thenThrows('invalid-field', 'validation', { field: 'projectId' });
    });

    it('recommends only in a cycle not closed', () => {
      given(decider, [opened(), registered('p1'), cycleClosed]).when(recommend('p1', 1)).thenThrows('cycle-closed', 'illegal-state');
      given(decider, []).when(recommend('p1', 1)).thenThrows('cycle-not-found', 'not-found');
    });

    it('recommends applicants of the recommender own region only', () => {
      given(decider, [opened(), registered('p1', 'school-a', '大同市')]).when(recommend('p1', 1)).thenThrows('not-own-region', 'forbidden');
      given(decider, [opened()]).when(recommend('p9', 1)).thenThrows('application-not-registered', 'not-found');
    });
  });

  describe('CloseApplicationWindow', () => {
    const close = (now: string, reason?: string) => cmd({ type: 'CloseApplicationWindow', data: reason ? { reason } : {}, now });

    it('records a passed deadline at the deadline', () => {
      given(decider, [opened()]).when(close(AFTER)).then([windowClosed]);
    });

    it('closes early only with a reason', () => {
      given(decider, [opened()]).when(close(DURING)).thenThrows('reason-required', 'validation');
      given(decider, [opened()])
        .when(close(DURING, '申报数已满'))
        .then([{ type: 'ApplicationWindowClosed', data: { closedAt: DURING, trigger: 'office', reason: '申报数已满', rulesVersion: 'brand-major/2025.1' } }]);
    });

    it('changes nothing once closed', () => {
      given(decider, [opened(), windowClosed]).when(close(AFTER)).then([]);
    });

    it('records the deadline at its very instant, and needs a reason in the millisecond before it', () => {
      given(decider, [opened()]).when(close(CLOSES)).then([windowClosed]);
      given(decider, [opened()]).when(close(JUST_BEFORE_CLOSES)).thenThrows('reason-required', 'validation');
      given(decider, [opened()]).when(close(DURING, ' ')).thenThrows('reason-required', 'validation');
    });

    it('needs an opened cycle', () => {
      given(decider, []).when(close(AFTER)).thenThrows('cycle-not-found', 'not-found');
    });
  });

  describe('Shortlist', () => {
    const base = [opened(), ...candidate('p1', 1), ...candidate('p2', 2), ...candidate('p3', 3)];

    it('waits for the window to close', () => {
      given(decider, base).when(shortlistCmd([{ projectId: 'p1' }], [], { now: DURING })).thenThrows('window-open', 'illegal-state');
    });

    it('records the passed deadline, then the decision with quota figures', () => {
      given(decider, base)
        .when(shortlistCmd([{ projectId: 'p1' }, { projectId: 'p2' }], [{ projectId: 'p3', reason: '综合排名第3' }]))
        .then([
          windowClosed,
          shortlisted('p1', 1),
          shortlisted('p2', 2),
          {
            type: 'ProjectNotSelected',
            data: { decisionId: 'bm-2025/decision-1', projectId: 'p3', reason: '综合排名第3', rulesVersion: 'brand-major/2025.1', decidedAt: AFTER },
          },
        ]);
    });

    it('never exceeds the quota, counting earlier decisions', () => {
      given(decider, [...base, windowClosed]).when(shortlistCmd([{ projectId: 'p1' }, { projectId: 'p2' }, { projectId: 'p3' }])).thenThrows('quota-exceeded', 'illegal-state');
      given(decider, [...base, windowClosed, shortlisted('p1', 1), shortlisted('p2', 2)]).when(shortlistCmd([{ projectId: 'p3' }])).thenThrows('quota-exceeded');
    });

    it('gives the place of a project removed after an objection to another', () => {
      given(decider, [...base, windowClosed, shortlisted('p1', 1), shortlisted('p2', 2), removed('p2')])
        .when(shortlistCmd([{ projectId: 'p3' }]))
        .then([{ ...shortlisted('p3', 2, null, 2) }]);
    });

    it('never exceeds a tier quota', () => {
      const history = [opened(tiered), ...candidate('p1', 1), ...candidate('p2', 2), ...candidate('p3', 3), windowClosed];
      given(decider, history).when(shortlistCmd([{ projectId: 'p1', tier: 'A' }, { projectId: 'p2', tier: 'A' }])).thenThrows('tier-quota-exceeded', 'illegal-state');
      given(decider, history).when(shortlistCmd([{ projectId: 'p1' }])).thenThrows('tier-required', 'validation');
      given(decider, history).when(shortlistCmd([{ projectId: 'p1', tier: 'C' }])).thenThrows('unknown-tier', 'validation');
      given(decider, history)
        .when(shortlistCmd([{ projectId: 'p1', tier: 'A' }, { projectId: 'p2', tier: 'B' }]))
        .then([
          { type: 'ProjectShortlisted', data: { ...shortlisted('p1', 1, 'A', 1, 3).data, tierQuota: 1, tierPlacesTaken: 1 } } as ProgramCycleEvent,
          { type: 'ProjectShortlisted', data: { ...shortlisted('p2', 2, 'B', 1, 3).data, tierQuota: 2, tierPlacesTaken: 1 } } as ProgramCycleEvent,
        ]);
    });

    it('decides on each project once', () => {
      given(decider, [...base, windowClosed, shortlisted('p1', 1)]).when(shortlistCmd([{ projectId: 'p1' }])).thenThrows('already-decided', 'illegal-state');
      given(decider, [...base, windowClosed]).when(shortlistCmd([{ projectId: 'p1' }], [{ projectId: 'p1', reason: 'x' }])).thenThrows('duplicate-project');
    });

    it('given an assigned reviewer yet to score, when the office shortlists, then 409 scores-outstanding — unless it overrides with a reason, which the decision records', () => {
      const waiting = given(decider, [...base, windowClosed]);
      const error = waiting.when(shortlistCmd([{ projectId: 'p1' }], [], { scoresOutstanding: ['p1'] })).thenThrows('scores-outstanding', 'illegal-state');
      expect(error.details).toEqual({ projectId: 'p1' });
      waiting.when(shortlistCmd([{ projectId: 'p1', scoresOverride: ' ' }], [], { scoresOutstanding: ['p1'] })).thenThrows('reason-required', 'validation');
      const [event] = waiting
        .when(shortlistCmd([{ projectId: 'p1', scoresOverride: '专家因病未能评分，评审委员会同意按已有评分决定' }], [], { scoresOutstanding: ['p1'] }))
        .then([expect.objectContaining({ type: 'ProjectShortlisted' })]);
      expect(event.data).toMatchObject({ projectId: 'p1', scoresOverride: '专家因病未能评分，评审委员会同意按已有评分决定' });
      // With every score in, an override changes nothing and is not recorded.
      const [plain] = waiting.when(shortlistCmd([{ projectId: 'p1', scoresOverride: '无需' }])).then([expect.objectContaining({ type: 'ProjectShortlisted' })]);
      expect(plain.data).not.toHaveProperty('scoresOverride');
    });

    it('shortlists only recommended projects with complete reviews', () => {
      given(decider, [opened(), registered('p1'), windowClosed]).when(shortlistCmd([{ projectId: 'p1' }])).thenThrows('not-recommended');
      given(decider, [...base, windowClosed]).when(shortlistCmd([{ projectId: 'p1' }], [], { reviewIncomplete: ['p1'] })).thenThrows('review-incomplete');
      given(decider, [...base, windowClosed]).when(shortlistCmd([{ projectId: 'p9' }])).thenThrows('application-not-registered', 'not-found');
    });

    it('given a cycle without recommendation (the province designates), when the office shortlists a registered application no city recommended, then it is shortlisted, its review still required', () => {
      const designating = [opened({ ...rules, withoutRecommendation: true }), registered('p1'), windowClosed];
      given(decider, designating).when(shortlistCmd([{ projectId: 'p1' }])).then([expect.objectContaining({ type: 'ProjectShortlisted', data: expect.objectContaining({ projectId: 'p1' }) })]);
      given(decider, designating).when(shortlistCmd([{ projectId: 'p1' }], [], { reviewIncomplete: ['p1'] })).thenThrows('review-incomplete');
    });

    it('needs a reason for every project not selected', () => {
      given(decider, [...base, windowClosed]).when(shortlistCmd([], [{ projectId: 'p3', reason: ' ' }])).thenThrows('reason-required', 'validation');
    });

    it('shortlists at the deadline’s very instant, recording the window closed then, and waits in the millisecond before it', () => {
      given(decider, base).when(shortlistCmd([{ projectId: 'p1' }], [], { now: CLOSES })).then([windowClosed, decidedAt(shortlisted('p1', 1), CLOSES)]);
      given(decider, base).when(shortlistCmd([{ projectId: 'p1' }], [], { now: JUST_BEFORE_CLOSES })).thenThrows('window-open', 'illegal-state');
    });

    it('refuses a decision without a reason, naming no project, naming a project twice or a blank one', () => {
      const decision = given(decider, [...base, windowClosed]);
      const plain = shortlistCmd([{ projectId: 'p1' }]);
      decision.when({ ...plain, data: { ...(plain.data as object), reason: ' ' } } as ProgramCycleCommand).thenThrows('reason-required', 'validation');
      decision.when(shortlistCmd([])).thenThrows('empty-decision', 'validation');
      decision.when(shortlistCmd([{ projectId: 'p1' }, { projectId: 'p1' }])).thenThrows('duplicate-project', 'validation');
      decision.when(shortlistCmd([], [{ projectId: 'p2', reason: 'x' }, { projectId: 'p2', reason: 'y' }])).thenThrows('duplicate-project', 'validation');
      decision.when(shortlistCmd([{ projectId: ' ' }])).thenThrows('invalid-field', 'validation', { field: 'projectId' });
    });

    it('decides once on a project not selected too', () => {
      given(decider, [...base, windowClosed, notSelected('p3')]).when(shortlistCmd([{ projectId: 'p3' }])).thenThrows('already-decided', 'illegal-state');
    });

    it('names the quota, the places taken and those requested', () => {
      given(decider, [...base, windowClosed]).when(shortlistCmd([{ projectId: 'p1' }, { projectId: 'p2' }, { projectId: 'p3' }])).thenThrows('quota-exceeded', 'illegal-state', { quota: 2, taken: 0, requested: 3 });
      given(decider, [...base, windowClosed, shortlisted('p1', 1)]).when(shortlistCmd([{ projectId: 'p2' }, { projectId: 'p3' }])).thenThrows('quota-exceeded', 'illegal-state', { quota: 2, taken: 1, requested: 2 });
    });

    it.each([
      ['in their notice', listedAndNoticed],
      ['whose notice ended', [...listedAndNoticed, noticeEnded(['p1', 'p2'])]],
      ['approved', [...listedAndNoticed, noticeEnded(['p1', 'p2']), listApproved(['p1', 'p2'])]],
    ])('counts the places of projects %s against the quota', (_which, history) => {
      given(decider, history).when(shortlistCmd([{ projectId: 'p3' }])).thenThrows('quota-exceeded', 'illegal-state', { quota: 2, taken: 2, requested: 1 });
    });

    it('counts no place for a project not selected', () => {
      given(decider, [...base, windowClosed, notSelected('p3')]).when(shortlistCmd([{ projectId: 'p1' }, { projectId: 'p2' }])).then([shortlisted('p1', 1, null, 2), shortlisted('p2', 2, null, 2)]);
    });

    describe('in a cycle with tiers', () => {
      const history = [opened(tiered), ...candidate('p1', 1), ...candidate('p2', 2), ...candidate('p3', 3), windowClosed];
      const inTier = (projectId: string, placesTaken: number, tier: string, tierQuota: number, tierPlacesTaken: number, decision = 1): ProgramCycleEvent =>
        ({ type: 'ProjectShortlisted', data: { ...shortlisted(projectId, placesTaken, tier, decision, 3).data, tierQuota, tierPlacesTaken } }) as ProgramCycleEvent;

      it('names the tier, its quota, its places taken and those requested', () => {
        given(decider, history).when(shortlistCmd([{ projectId: 'p1', tier: 'A' }, { projectId: 'p2', tier: 'A' }])).thenThrows('tier-quota-exceeded', 'illegal-state', { tier: 'A', quota: 1, taken: 0, requested: 2 });
        given(decider, [...history, shortlisted('p1', 1, 'A')]).when(shortlistCmd([{ projectId: 'p2', tier: 'A' }])).thenThrows('tier-quota-exceeded', 'illegal-state', { tier: 'A', quota: 1, taken: 1, requested: 1 });
        given(decider, history).when(shortlistCmd([{ projectId: 'p1', tier: 'C' }])).thenThrows('unknown-tier', 'validation', { tier: 'C' });
      });

      it('counts the earlier places of the same tier only', () => {
        given(decider, [...history, shortlisted('p1', 1, 'B')]).when(shortlistCmd([{ projectId: 'p2', tier: 'B' }])).then([inTier('p2', 2, 'B', 2, 2, 2)]);
        given(decider, [...history, shortlisted('p1', 1, 'B')]).when(shortlistCmd([{ projectId: 'p2', tier: 'A' }])).then([inTier('p2', 2, 'A', 1, 1, 2)]);
        given(decider, history).when(shortlistCmd([{ projectId: 'p1', tier: 'B' }, { projectId: 'p2', tier: 'B' }])).then([inTier('p1', 1, 'B', 2, 1), inTier('p2', 2, 'B', 2, 2)]);
      });

      it('tells the places taken in each tier', () => {
        const cycle = cycleAfter([...history, shortlisted('p1', 1, 'A'), shortlisted('p2', 2, 'B'), removed('p2')]);
        expect([placesTaken(cycle), placesTaken(cycle, 'A'), placesTaken(cycle, 'B')]).toEqual([1, 1, 0]);
      });
    });

    it('refuses a tier in a cycle without tiers', () => {
      given(decider, [...base, windowClosed]).when(shortlistCmd([{ projectId: 'p1', tier: 'A' }])).thenThrows('unknown-tier', 'validation', { tier: 'A' });
    });
  });

  describe('OpenPublicNotice', () => {
    const listed = [opened(), ...candidate('p1', 1), ...candidate('p2', 2), windowClosed, shortlisted('p1', 1), shortlisted('p2', 2)];
    const openNotice = (startsOn: string, now = AFTER, calendar = cnCalendar) => cmd({ type: 'OpenPublicNotice', data: { startsOn }, now, context: { calendar } });

    it('computes the end across the National Day holiday with the working-day calendar', () => {
      given(decider, listed).when(openNotice('2025-09-30')).then([noticeOpened(['p1', 'p2'])]);
    });

    it('counts calendar days when the rules say so', () => {
      const national = [opened({ ...rules, publicNotice: { length: 7, unit: 'calendar-days' } }), ...listed.slice(1)];
      const [event] = given(decider, national).when(openNotice('2025-09-30')).then([expect.objectContaining({ type: 'PublicNoticeOpened' })]);
      expect(event.data).toMatchObject({ startsOn: '2025-09-30', endsOn: '2025-10-06', endsAt: '2025-10-07T00:00:00+08:00', length: 7, unit: 'calendar-days' });
    });

    it('uses the calendar it is given and records its version', () => {
      const custom = { ...cnCalendar, version: 'test-calendar.9' };
      const [event] = given(decider, listed).when(openNotice('2025-12-01', AFTER, custom)).then([expect.anything()]);
      expect(event.data).toMatchObject({ endsOn: '2025-12-05', calendarVersion: 'test-calendar.9' });
    });

    it('refuses a working-day notice that runs past the calendar’s last covered day: calendar-not-covered', () => {
      const late = '2026-12-28T09:00:00+08:00';
      given(decider, listed).when(openNotice('2026-12-28', late)).thenThrows('calendar-not-covered', 'illegal-state');
    });

    it('needs shortlisted projects not yet in a notice', () => {
      given(decider, [opened(), windowClosed]).when(openNotice('2025-09-30')).thenThrows('nothing-to-notice', 'illegal-state');
      given(decider, [...listed, noticeOpened(['p1', 'p2'])]).when(openNotice('2025-10-09', '2025-10-09T09:00:00+08:00')).thenThrows('nothing-to-notice');
    });

    it('records the published notice document, and refuses one without a name', () => {
      const [event] = given(decider, listed)
        .when(cmd({ type: 'OpenPublicNotice', data: { startsOn: '2025-09-30', document }, context: { calendar: cnCalendar } }))
        .then([expect.objectContaining({ type: 'PublicNoticeOpened' })]);
      expect(event.data).toMatchObject({ document });
      given(decider, listed)
        .when(cmd({ type: 'OpenPublicNotice', data: { startsOn: '2025-09-30', document: { ...document, name: ' ' } }, context: { calendar: cnCalendar } }))
        .thenThrows('invalid-document', 'validation');
    });

    it('starts today at the earliest', () => {
      const [event] = given(decider, listed).when(openNotice('2025-09-29')).then([expect.objectContaining({ type: 'PublicNoticeOpened' })]);
      expect(event.data).toMatchObject({ startsOn: '2025-09-29', projectIds: ['p1', 'p2'], noticeId: 'notice-1' });
    });

    it('opens a second notice for the projects shortlisted since, numbered after the first', () => {
      const since = [...listedAndNoticed, removed('p2'), shortlisted('p3', 2, null, 2)];
      const [event] = given(decider, since).when(openNotice('2025-10-09', '2025-10-09T09:00:00+08:00')).then([expect.objectContaining({ type: 'PublicNoticeOpened' })]);
      expect(event.data).toMatchObject({ noticeId: 'notice-2', projectIds: ['p3'], startsOn: '2025-10-09' });
    });

    it('does not start in the past', () => {
      given(decider, listed).when(openNotice('2025-09-28')).thenThrows('notice-start-in-past', 'validation');
      // The edge checks the pattern YYYY-MM-DD; the calendar knows which days there are.
      given(decider, listed).when(openNotice('2025-09-31')).thenThrows('invalid-date', 'validation');
    });
  });

  describe('RemoveFromList', () => {
    const remove = (projectId: string, data: { reason?: string; objectionId?: string } = {}) =>
      cmd({ type: 'RemoveFromList', data: { projectId, reason: '异议属实', objectionId: 'obj-1', ...data }, now: '2025-10-10T09:00:00+08:00' });

    it('takes a project off the list after an upheld objection', () => {
      given(decider, listedAndNoticed).when(remove('p2')).then([removed('p2')]);
    });

    it('changes nothing for a project already removed, and refuses projects not on the list or approved', () => {
      given(decider, [...listedAndNoticed, removed('p2')]).when(remove('p2')).then([]);
      given(decider, listedAndNoticed).when(remove('p3')).thenThrows('not-on-list', 'illegal-state');
      given(decider, [...listedAndNoticed, noticeEnded(['p1', 'p2']), listApproved(['p1'])]).when(remove('p1')).thenThrows('already-approved', 'illegal-state');
    });

    it('refuses a project not selected, a removal without a reason, and a blank objection', () => {
      given(decider, [...listedAndNoticed, notSelected('p3', 1)]).when(remove('p3')).thenThrows('not-on-list', 'illegal-state');
      given(decider, listedAndNoticed).when(remove('p1', { reason: ' ' })).thenThrows('reason-required', 'validation');
      given(decider, listedAndNoticed).when(remove('p1', { objectionId: ' ' })).thenThrows('invalid-field', 'validation', { field: 'objectionId' });
    });

    it('takes off a project shortlisted and not yet in a notice, recording its tier, and no objection when none is named', () => {
      const history = [opened(tiered), ...candidate('p1', 1), windowClosed, shortlisted('p1', 1, 'A')];
      given(decider, history)
        .when(remove('p1', { objectionId: undefined }))
        .then([{ type: 'ProjectRemovedFromList', data: { projectId: 'p1', tier: 'A', reason: '异议属实', objectionId: null, rulesVersion: 'brand-major/2025.1', removedAt: '2025-10-10T09:00:00+08:00' } }]);
    });
  });

  describe('EndPublicNotice', () => {
    const end = (now: string) => cmd({ type: 'EndPublicNotice', data: { noticeId: 'notice-1' }, now });

    it('ends the notice only once its last day is over', () => {
      given(decider, listedAndNoticed).when(end('2025-10-13T23:59:59.999+08:00')).thenThrows('notice-not-ended', 'illegal-state', { endsAt: '2025-10-14T00:00:00+08:00' });
      given(decider, listedAndNoticed).when(end('2025-10-13T16:00:00Z')).then([noticeEnded(['p1', 'p2'])]);
    });

    it('leaves out projects removed during the notice and is idempotent', () => {
      given(decider, [...listedAndNoticed, removed('p2')]).when(end('2025-10-14T09:00:00+08:00')).then([noticeEnded(['p1'])]);
      given(decider, [...listedAndNoticed, noticeEnded(['p1', 'p2'])]).when(end('2025-10-15T09:00:00+08:00')).then([]);
      given(decider, listedAndNoticed).when(cmd({ type: 'EndPublicNotice', data: { noticeId: 'notice-7' } })).thenThrows('notice-not-found', 'not-found');
    });
  });

  describe('ApproveList', () => {
    const approve = (projectIds: string[], openObjections: string[] = [], data: { reason?: string; document?: typeof document } = {}) =>
      cmd({
        type: 'ApproveList',
        data: { projectIds, reason: '公示无异议', ...data },
        context: { openObjections },
        now: '2025-10-15T09:00:00+08:00',
      });

    it('approves projects whose notice ended', () => {
      given(decider, [...listedAndNoticed, noticeEnded(['p1', 'p2'])])
        .when(approve(['p1', 'p2']))
        .then([
          {
            type: 'ListApproved',
            data: {
              decisionId: 'bm-2025/decision-2',
              approved: [{ projectId: 'p1', tier: null }, { projectId: 'p2', tier: null }],
              reason: '公示无异议',
              rulesVersion: 'brand-major/2025.1',
              quota: 2,
              approvedCount: 2,
              document: null,
              approvedAt: '2025-10-15T09:00:00+08:00',
            },
          },
        ]);
    });

    it('waits for the notice to end', () => {
      given(decider, listedAndNoticed).when(approve(['p1'])).thenThrows('notice-not-ended', 'illegal-state');
    });

    it('does not approve a project with an open objection', () => {
      given(decider, [...listedAndNoticed, noticeEnded(['p1', 'p2'])]).when(approve(['p1', 'p2'], ['p2'])).thenThrows('open-objection', 'illegal-state');
    });

    it('does not approve projects removed or never listed', () => {
      given(decider, [...listedAndNoticed, removed('p2'), noticeEnded(['p1'])]).when(approve(['p2'])).thenThrows('not-on-list');
      given(decider, [...listedAndNoticed, noticeEnded(['p1', 'p2'])]).when(approve(['p3'])).thenThrows('not-on-list');
    });

    const ended = [...listedAndNoticed, noticeEnded(['p1', 'p2'])];

    it('refuses an approval without a reason, naming no project, or naming one twice', () => {
      given(decider, ended).when(approve(['p1'], [], { reason: ' ' })).thenThrows('reason-required', 'validation');
      given(decider, ended).when(approve([])).thenThrows('empty-decision', 'validation');
      given(decider, ended).when(approve(['p1', 'p1'])).thenThrows('duplicate-project', 'validation');
    });

    it('waits for the notice of a project merely shortlisted, and approves a project once', () => {
      given(decider, [opened(), ...candidate('p1', 1), windowClosed, shortlisted('p1', 1)]).when(approve(['p1'])).thenThrows('notice-not-ended', 'illegal-state');
      given(decider, [...ended, listApproved(['p1'])]).when(approve(['p1'])).thenThrows('already-approved', 'illegal-state');
      given(decider, [...ended, notSelected('p3')]).when(approve(['p3'])).thenThrows('not-on-list', 'illegal-state');
    });

    it('counts earlier approvals, numbers the decision after them, and records the approval document', () => {
      given(decider, [...ended, listApproved(['p1'])])
        .when(approve(['p2'], [], { document }))
        .then([
          {
            type: 'ListApproved',
            data: {
              decisionId: 'bm-2025/decision-3',
              approved: [{ projectId: 'p2', tier: null }],
              reason: '公示无异议',
              rulesVersion: 'brand-major/2025.1',
              quota: 2,
              approvedCount: 2,
              document,
              approvedAt: '2025-10-15T09:00:00+08:00',
            },
          },
        ]);
    });

    it('keeps to the quota and the tiers’ quotas even on a history whose places exceed them', () => {
      const crowded = (cycleRules: CycleRules, tier: string | null) => [
        opened(cycleRules),
        ...candidate('p1', 1),
        ...candidate('p2', 2),
        ...candidate('p3', 3),
        windowClosed,
        ...['p1', 'p2', 'p3'].map((id, i) => shortlisted(id, i + 1, tier)),
        noticeOpened(['p1', 'p2', 'p3']),
        noticeEnded(['p1', 'p2', 'p3']),
      ];
      given(decider, crowded(rules, null)).when(approve(['p1', 'p2', 'p3'])).thenThrows('quota-exceeded', 'illegal-state', { quota: 2, approvedCount: 3 });
      given(decider, [...crowded(rules, null), listApproved(['p1', 'p2'])]).when(approve(['p3'])).thenThrows('quota-exceeded', 'illegal-state', { quota: 2, approvedCount: 3 });
      given(decider, crowded(tiered, 'A')).when(approve(['p1', 'p2'])).thenThrows('tier-quota-exceeded', 'illegal-state', { tier: 'A' });
      given(decider, [...crowded(tiered, 'A'), listApproved(['p1'], 2, 1, 'A')]).when(approve(['p2'])).thenThrows('tier-quota-exceeded', 'illegal-state', { tier: 'A' });
      const [event] = given(decider, [...crowded(tiered, 'A'), listApproved(['p1'], 2, 1, 'B')]).when(approve(['p2'])).then([expect.objectContaining({ type: 'ListApproved' })]);
      expect(event.data).toMatchObject({ approved: [{ projectId: 'p2', tier: 'A' }], quota: 3, approvedCount: 2 });
    });
  });

  describe('CloseCycle', () => {
    const closeAt = (now: string, reason = '本批次遴选结束') => cmd({ type: 'CloseCycle', data: { reason }, now });
    const close = closeAt('2025-10-20T09:00:00+08:00');

    it('refuses while projects await approval, and closes afterwards', () => {
      given(decider, listedAndNoticed).when(close).thenThrows('selection-pending', 'illegal-state');
      given(decider, [...listedAndNoticed, removed('p1'), removed('p2')])
        .when(close)
        .then([{ type: 'CycleClosed', data: { reason: '本批次遴选结束', approvedCount: 0, rulesVersion: 'brand-major/2025.1', closedAt: '2025-10-20T09:00:00+08:00' } }]);
    });

    it('accepts no further decision once closed', () => {
      given(decider, [opened(), windowClosed, cycleClosed]).when(shortlistCmd([{ projectId: 'p1' }])).thenThrows('cycle-closed', 'illegal-state');
    });

    it.each([
      ['shortlisted', [opened(), ...candidate('p1', 1), ...candidate('p2', 2), windowClosed, shortlisted('p1', 1), shortlisted('p2', 2)]],
      ['in their notice', listedAndNoticed],
      ['whose notice ended', [...listedAndNoticed, noticeEnded(['p1', 'p2'])]],
    ])('names the projects %s that are pending', (_which, history) => {
      given(decider, history).when(close).thenThrows('selection-pending', 'illegal-state', { projectIds: ['p1', 'p2'] });
    });

    it('counts the approved projects, leaving out those not selected', () => {
      given(decider, [...listedAndNoticed, noticeEnded(['p1', 'p2']), listApproved(['p1']), removed('p2'), notSelected('p3', 3)])
        .when(close)
        .then([{ type: 'CycleClosed', data: { reason: '本批次遴选结束', approvedCount: 1, rulesVersion: 'brand-major/2025.1', closedAt: '2025-10-20T09:00:00+08:00' } }]);
    });

    it('waits for the window to close, and records its passed deadline first', () => {
      given(decider, [opened()]).when(closeAt(JUST_BEFORE_CLOSES)).thenThrows('window-open', 'illegal-state');
      given(decider, [opened()])
        .when(closeAt(CLOSES))
        .then([windowClosed, { type: 'CycleClosed', data: { reason: '本批次遴选结束', approvedCount: 0, rulesVersion: 'brand-major/2025.1', closedAt: CLOSES } }]);
    });

    it('needs a reason, and an open cycle', () => {
      given(decider, [opened(), windowClosed]).when(closeAt(AFTER, ' ')).thenThrows('reason-required', 'validation');
      given(decider, [opened(), windowClosed, cycleClosed]).when(closeAt(AFTER)).thenThrows('cycle-closed', 'illegal-state');
    });
  });

  describe('evolve', () => {
    it('is total: events out of order or before the cycle opened leave the state sensible', () => {
      const stray = [shortlisted('p1', 1), noticeEnded(['p1']), removed('p1'), windowClosed];
      expect(fold(decider, stray)).toEqual({ status: 'None' });
      const state = fold(decider, [opened(), noticeEnded(['p9']), removed('p9'), opened(tiered), { type: 'SomethingElse', data: {} } as unknown as ProgramCycleEvent]);
      expect(state).toMatchObject({ status: 'Open', rules });
    });

    it('takes a selection decision to close the window of a history lacking the closing event, but never reopens a closed cycle', () => {
      expect(cycleAfter([opened(), ...candidate('p1', 1), shortlisted('p1', 1)]).status).toBe('WindowClosed');
      expect(cycleAfter([opened(), ...candidate('p1', 1), notSelected('p1')]).status).toBe('WindowClosed');
      expect(cycleAfter([opened(), cycleClosed, shortlisted('p1', 1)]).status).toBe('Closed');
      expect(cycleAfter([opened(), cycleClosed, notSelected('p1')]).status).toBe('Closed');
      expect(cycleAfter([opened(), cycleClosed, windowClosed]).status).toBe('Closed');
    });

    it('puts only shortlisted projects in a notice, and ends it only for those still in it', () => {
      const cycle = cycleAfter([...listedAndNoticed.slice(0, -1), removed('p2'), noticeOpened(['p1', 'p2']), noticeEnded(['p1', 'p2'])]);
      expect(cycle.selections).toEqual({ p1: { status: 'notice-ended', tier: null, noticeId: 'notice-1' }, p2: { status: 'removed', tier: null, noticeId: null } });
      expect(cycle.notices['notice-1']).toMatchObject({ ended: true, projectIds: ['p1', 'p2'] });
      expect(cycle.noticeCount).toBe(1);
    });

    it('keeps the notice of an approved project, and an approved project on the list', () => {
      const cycle = cycleAfter([...listedAndNoticed, noticeEnded(['p1', 'p2']), listApproved(['p1', 'p9']), removed('p1')]);
      expect(cycle.selections.p1).toEqual({ status: 'approved', tier: null, noticeId: 'notice-1' });
      expect(cycle.selections.p9).toEqual({ status: 'approved', tier: null, noticeId: null });
      expect([cycle.decisionCount, cycle.lastDecisionId]).toEqual([2, 'bm-2025/decision-2']);
    });

    it('gives back a released application and a released recommendation', () => {
      const release = (registration: 'application' | 'recommendation'): ProgramCycleEvent => ({ type: 'RegistrationReleased', data: { projectId: 'p1', registration, reason: 'x', releasedAt: DURING } });
      const events = [opened(), registered('p1'), recommended('p1', 1), registered('p2'), recommended('p2', 2)];
      expect(cycleAfter([...events, release('recommendation')])).toMatchObject({ applications: { p1: {}, p2: {} }, recommendations: { p2: { rank: 2 } } });
      expect(cycleAfter([...events, release('recommendation')]).recommendations).not.toHaveProperty('p1');
      expect(cycleAfter([...events, release('application')]).applications).not.toHaveProperty('p1');
      expect(cycleAfter([...events, release('application')]).recommendations).toHaveProperty('p1');
    });
  });
});

/** Deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('program cycle decider, generated command sequences', () => {
  const SEQUENCES = 300;
  const STEPS = 80;
  const DAY = 86_400_000;
  const regions = ['太原市', '大同市', '晋中市'];
  const orgs = ['s1', 's2', 's3', 's4', 's5'];
  const regionOf = (org: string) => regions[orgs.indexOf(org) % regions.length];
  const projects = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);

  it('never lets a cycle hold or approve more than its quota, and evolve folds every event', () => {
    const stats = { accepted: 0, rejected: 0, shortlisted: 0, approved: 0, removed: 0, quotaRejections: 0 };
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const random = prng(seed);
      const chance = (p: number) => random() < p;
      const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
      const some = <T>(items: readonly T[], max: number): T[] => items.filter(() => chance(max / Math.max(items.length, 1)));
      const quota = 2 + Math.floor(random() * 4);
      const tiers = chance(0.5) ? [] : [{ name: 'A', quota: 1 + Math.floor(random() * Math.floor(quota / 2)) }, { name: 'B', quota: 1 }];
      const cycleRules: CycleRules = { ...rules, quota, tiers, perApplicantLimit: 2, perRecommenderLimit: 4 };
      let time = Date.parse(OPENS) - DAY / 2;
      const at = () => new Date(time).toISOString();

      const events: ProgramCycleEvent[] = [];
      let state = decider.initialState;
      // Places held and approvals, tallied from the events alone (not from the decider's state).
      const held = new Map<string, string | null>();
      const approved = new Map<string, string | null>();
      const apply = (command: ProgramCycleCommand) => {
        let produced: ProgramCycleEvent[];
        try {
          produced = decider.decide(command, state);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          stats.rejected++;
          if (error.code === 'quota-exceeded' || error.code === 'tier-quota-exceeded') stats.quotaRejections++;
          return;
        }
        stats.accepted++;
        if (JSON.stringify(JSON.parse(JSON.stringify(produced))) !== JSON.stringify(produced)) throw new Error('events are not plain JSON');
        for (const event of produced) {
          state = decider.evolve(state, event);
          events.push(event);
          if (event.type === 'ProjectShortlisted') held.set(event.data.projectId, event.data.tier);
          if (event.type === 'ProjectRemovedFromList') held.delete(event.data.projectId);
          if (event.type === 'ListApproved') for (const a of event.data.approved) approved.set(a.projectId, a.tier);
        }
      };
      const within = (m: Map<string, string | null>, limit: number, tier?: string) =>
        [...m.values()].filter((t) => tier === undefined || t === tier).length <= limit;

      apply({
        type: 'OpenCycle',
        data: { cycleId: `c${seed}`, programType: 'brand-major', name: 'generated', label: String(seed), rules: cycleRules, rulesVersion: 'gen.1', opensAt: OPENS, closesAt: CLOSES },
        context: { programType: BRAND },
        actor: office,
        now: at(),
      });

      for (let step = 0; step < STEPS; step++) {
        const inWindow = time < Date.parse(CLOSES);
        time += Math.floor(random() * (inWindow ? 1 : 1.6) * DAY);
        const now = at();
        if (state.status === 'None') throw new Error('the cycle did not open');
        const applications = Object.keys(state.applications);
        const recommendedIds = Object.keys(state.recommendations);
        const undecided = recommendedIds.filter((id) => !Object.prototype.hasOwnProperty.call(state.status === 'None' ? {} : state.selections, id));
        const withStatus = (...statuses: string[]) => Object.entries(state.status === 'None' ? {} : state.selections).filter(([, s]) => statuses.includes(s.status)).map(([id]) => id);
        // Mostly plausible commands, chosen from the current state; the rest arbitrary, so that guards are exercised too.
        const plausible = chance(0.85);
        // During the window mostly applications and recommendations, afterwards mostly the selection.
        const roll = inWindow ? random() * 0.42 : 0.3 + random() * 0.7;
        if (roll < 0.18) {
          const org = pick(orgs) as string;
          apply({ type: 'RegisterApplication', data: { projectId: pick(projects) as string, applicantOrg: org, region: regionOf(org) }, actor: applicant(org, regionOf(org)), now });
        } else if (roll < 0.34) {
          const projectId = (plausible ? pick(applications.filter((id) => !recommendedIds.includes(id))) : pick(projects)) ?? 'p1';
          const region = plausible && applications.includes(projectId) ? state.applications[projectId].region : (pick(regions) as string);
          apply({ type: 'RegisterRecommendation', data: { projectId, recommenderOrg: `${region}教育局`, rank: 1 + Math.floor(random() * 4) }, actor: recommender(region), now });
        } else if (roll < 0.38) {
          apply({ type: 'CloseApplicationWindow', data: chance(0.5) ? {} : { reason: 'early' }, actor: office, now });
        } else if (roll < 0.56) {
          const chosen = some(plausible ? undecided : projects, 3);
          const split = Math.floor(random() * (chosen.length + 1));
          apply({
            type: 'Shortlist',
            data: {
              shortlisted: chosen.slice(0, split).map((projectId) =>
                tiers.length > 0 ? { projectId, tier: (plausible ? pick(['A', 'B']) : pick(['A', 'B', 'C'])) as string } : chance(0.05) ? { projectId, tier: 'A' } : { projectId },
              ),
              notSelected: chosen.slice(split).map((projectId) => ({ projectId, reason: 'ranked lower' })),
              reason: 'panel decision',
            },
            context: { reviewIncomplete: chance(0.1) ? some(projects, 1) : [] },
            actor: office,
            now,
          });
        } else if (roll < 0.64) {
          apply({ type: 'OpenPublicNotice', data: { startsOn: plausible ? chinaDateOf(now) : '2025-09-01' }, actor: office, now, context: { calendar: cnCalendar } });
        } else if (roll < 0.74) {
          const noticeIds = Object.values(state.notices).filter((n) => !n.ended).map((n) => n.noticeId);
          apply({ type: 'EndPublicNotice', data: { noticeId: (plausible ? pick(noticeIds) : undefined) ?? 'notice-9' }, actor: office, now });
        } else if (roll < 0.77) {
          const projectId = (plausible ? pick(withStatus('shortlisted', 'in-notice', 'notice-ended')) : pick(projects)) ?? 'p1';
          apply({ type: 'RemoveFromList', data: { projectId, reason: 'objection upheld' }, actor: office, now });
        } else if (roll < 0.98) {
          const candidates = plausible ? withStatus('notice-ended') : some(projects, 3);
          apply({
            type: 'ApproveList',
            data: { projectIds: candidates.length > 0 ? candidates : ['p1'], reason: 'no objection' },
            context: { openObjections: chance(0.2) ? some(projects, 2) : [] },
            actor: office,
            now,
          });
        } else {
          apply({ type: 'CloseCycle', data: { reason: 'done' }, actor: office, now });
        }

        const ok =
          within(held, quota) &&
          within(approved, quota) &&
          tiers.every((tier) => within(held, tier.quota, tier.name) && within(approved, tier.quota, tier.name)) &&
          [...approved.keys()].every((id) => held.has(id));
        if (!ok) throw new Error(`seed ${seed}, step ${step}: quota broken: held ${JSON.stringify([...held])}, approved ${JSON.stringify([...approved])}`);
      }

      expect(fold(decider, events)).toEqual(state);
      stats.shortlisted += events.filter((e) => e.type === 'ProjectShortlisted').length;
      stats.approved += events.filter((e) => e.type === 'ListApproved').length;
      stats.removed += events.filter((e) => e.type === 'ProjectRemovedFromList').length;
    }
    // The sequences must reach the decisions the invariant is about, or the test proves nothing.
    expect(stats.shortlisted).toBeGreaterThan(300);
    expect(stats.approved).toBeGreaterThan(60);
    expect(stats.removed).toBeGreaterThan(100);
    expect(stats.quotaRejections).toBeGreaterThan(50);
  });
});

describe('expert panels (评审专家组)', () => {
  const expert = (personId: string, fields = ['装备制造'], organisationId = `univ-${personId}`) => ({ personId, organisationId, expert: true, fields });
  const form = (experts: string[], facts: (ExpertFacts | null)[] = experts.map((id) => expert(id)), field = '装备制造', panelId = 'panel-1'): ProgramCycleCommand => ({
    type: 'FormPanel',
    data: { panelId, field, experts },
    actor: office,
    now: DURING,
    context: { experts: facts },
  });

  it('given experts of the field, when the office forms a panel, then it is recorded with their organisations, once', () => {
    const [event] = given(decider, [opened()]).when(form(['e1', 'e2'])).then([expect.objectContaining({ type: 'PanelFormed' })]);
    expect(event.data).toMatchObject({ panelId: 'panel-1', field: '装备制造', experts: [{ personId: 'e1', organisationId: 'univ-e1' }, { personId: 'e2', organisationId: 'univ-e2' }] });
    given(decider, [opened(), event]).when(form(['e1', 'e2'])).then([]);
    given(decider, [opened(), event]).when(form(['e1'])).thenThrows('panel-exists', 'illegal-state');
  });

  it('refuses an expert of another field, one not in the pool, no one, and one named twice', () => {
    given(decider, [opened()]).when(form(['e1'], [expert('e1', ['电子信息'])])).thenThrows('expert-field-mismatch', 'illegal-state');
    given(decider, [opened()]).when(form(['e1'], [{ ...expert('e1'), expert: false }])).thenThrows('not-an-expert', 'illegal-state');
    given(decider, [opened()]).when(form(['e1'], [null])).thenThrows('person-not-found', 'not-found');
    given(decider, [opened()]).when(form([], [])).thenThrows('invalid-panel', 'validation');
    given(decider, [opened()]).when(form(['e1', 'e1'])).thenThrows('duplicate-expert', 'validation', { field: 'experts' });
  });

  it('names the expert refused and why', () => {
    given(decider, [opened()]).when(form(['e1'], [null])).thenThrows('person-not-found', 'not-found', { personId: 'e1' });
    given(decider, [opened()]).when(form(['e1', 'e2'], [expert('e1'), expert('e3')])).thenThrows('person-not-found', 'not-found', { personId: 'e2' });
    given(decider, [opened()]).when(form(['e1'], [{ ...expert('e1'), expert: false }])).thenThrows('not-an-expert', 'illegal-state', { personId: 'e1' });
    given(decider, [opened()]).when(form(['e1'], [expert('e1', ['电子信息', '财经商贸'])])).thenThrows('expert-field-mismatch', 'illegal-state', { personId: 'e1', fields: ['电子信息', '财经商贸'] });
  });

  it('holds one to fifty experts', () => {
    const named = (n: number) => Array.from({ length: n }, (_, i) => `e${i + 1}`);
    given(decider, [opened()]).when(form(named(50))).then([expect.objectContaining({ type: 'PanelFormed', data: expect.objectContaining({ experts: expect.arrayContaining([{ personId: 'e50', organisationId: 'univ-e50' }]) }) })]);
    given(decider, [opened()]).when(form(named(51))).thenThrows('invalid-panel', 'validation', { field: 'experts' });
    given(decider, [opened()]).when(form([], [])).thenThrows('invalid-panel', 'validation', { field: 'experts' });
  });

  it('needs a panel id and a field, and refuses another field under a formed panel’s id', () => {
    given(decider, [opened()]).when(form(['e1'], [expert('e1')], ' ')).thenThrows('field-required', 'validation');
    given(decider, [opened()]).when(form(['e1'], [expert('e1')], '装备制造', ' ')).thenThrows('invalid-field', 'validation');
    const [event] = given(decider, [opened()]).when(form(['e1'], [expert('e1', ['装备制造', '电子信息'])])).then([expect.objectContaining({ type: 'PanelFormed' })]);
    given(decider, [opened(), event]).when(form(['e1'], [expert('e1', ['装备制造', '电子信息'])], '电子信息')).thenThrows('panel-exists', 'illegal-state', { panelId: 'panel-1' });
    given(decider, [opened(), event]).when(form(['e1'], [expert('e1', ['装备制造', '电子信息'])], '电子信息', 'panel-2')).then([expect.objectContaining({ type: 'PanelFormed' })]);
  });

  it('forms panels only in a cycle not closed', () => {
    given(decider, [opened(), cycleClosed]).when(form(['e1'])).thenThrows('cycle-closed', 'illegal-state');
  });

  describe('planAssignments', () => {
    const panel = { field: '装备制造', experts: ['a', 'b', 'c', 'd'].map((id) => ({ personId: id, organisationId: `univ-${id}` })) };
    const experts = panel.experts.map((e) => ({ ...e, affiliations: e.personId === 'd' ? ['school-2'] : [] }));
    const project = (n: number, members = [`school-${n}`], assigned: string[] = []) => ({ projectId: `p${n}`, members, assigned });

    it('spreads the load: each project gets the least-loaded impartial experts, this plan’s assignments counted', () => {
      const plan = planAssignments(panel, experts, [project(1), project(3), project(4)], 2, { a: 5 });
      expect(plan.assignments).toEqual([
        { projectId: 'p1', reviewerId: 'b' },
        { projectId: 'p1', reviewerId: 'c' },
        { projectId: 'p3', reviewerId: 'd' },
        { projectId: 'p3', reviewerId: 'b' },
        { projectId: 'p4', reviewerId: 'c' },
        { projectId: 'p4', reviewerId: 'd' },
      ]);
      expect(plan.unfilled).toEqual([]);
    });

    it('never assigns an expert of the project’s side or related to it, and says what it could not fill', () => {
      // p2's applicant is school-2, which d declared a relation with; univ-a is a partner of p2.
      const plan = planAssignments(panel, experts, [project(2, ['school-2', 'univ-a'], ['b'])], 3, {});
      expect(plan.assignments).toEqual([{ projectId: 'p2', reviewerId: 'c' }]);
      expect(plan.conflicts).toEqual([
        { projectId: 'p2', reviewerId: 'a' },
        { projectId: 'p2', reviewerId: 'd' },
      ]);
      expect(plan.unfilled).toEqual([{ projectId: 'p2', missing: 1 }]);
    });

    it('serves the project with the fewest impartial experts first, whatever the order it is listed in', () => {
      const pair = { field: '装备制造', experts: panel.experts.slice(0, 2) };
      const plan = planAssignments(pair, experts.slice(0, 2), [project(1), project(2, ['school-2', 'univ-a'])], 1, { a: 1 });
      expect(plan.assignments).toEqual([
        { projectId: 'p2', reviewerId: 'b' },
        { projectId: 'p1', reviewerId: 'a' },
      ]);
    });

    it('adds no one to a project that has its experts already, or more', () => {
      const plan = planAssignments(panel, experts, [project(1, ['school-1'], ['a', 'b']), project(3, ['school-3'], ['a', 'b', 'c'])], 2, {});
      expect(plan).toEqual({ assignments: [], unfilled: [], conflicts: [] });
    });
  });
});
