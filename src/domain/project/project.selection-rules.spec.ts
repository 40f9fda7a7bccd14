import { given } from '../../../test/support/decider-spec';
import { Actor, DocumentRef } from '../messages';
import { ProjectCommand, ProjectContext, PROJECT_COMMANDS, ProjectSubject } from './project.commands';
import { projectDecider } from './project.decider';
import { ProjectEvent, ProjectStatus } from './project.events';
import { subjectIdentity } from './decide/selection';
import {
  applicant,
  at,
  AUTHENTICITY,
  BRAND,
  COLLEGE,
  command,
  CommandOf,
  COMMITMENT,
  contextOf,
  COURSE,
  CTX,
  cycleOf,
  D,
  EVIDENCE,
  FORM,
  GROUP,
  history,
  MAJORS,
  office,
  PARENT,
  Program,
  program,
  recommender,
  REPORT,
  reviewer,
  run,
  SECONDARY,
  V,
} from '../../../test/support/project-history';

// The rules of selection (domain.md §3) at their edges: each boundary on both sides, each refusal with
// what it tells the client (its code, details and the field its message names), each branch.

const draft = (p: Program, overrides: Partial<CommandOf<'DraftApplication'>['data']> = {}, context: ProjectContext = contextOf(p), actor: Actor = applicant) =>
  command('DraftApplication', actor, { projectId: p.projectId, cycleId: p.cycleId, programType: p.code, title: '申报项目', subject: p.subject, ...overrides }, at(D.draft), context);
const drafting = (p: Program, overrides: Partial<CommandOf<'DraftApplication'>['data']> = {}, context: ProjectContext = contextOf(p)) => given(projectDecider, []).when(draft(p, overrides, context));
const draftedOf = (p: Program) => [expect.objectContaining({ type: 'ApplicationDrafted', data: expect.objectContaining({ programType: p.code }) })] as never;

/** A refusal of a blank text names the field in its message. */
const refusesBlank = (scenario: { thenThrows: (code: string, kind: 'validation') => Error }, code: string, what: string) =>
  expect(scenario.thenThrows(code, 'validation').message).toBe(`${what} is required`);

describe('selection at its edges: DraftApplication', () => {
  it.each([
    ['the project id', { projectId: ' ' }, 'invalid-field'],
    ['the title', { title: '' }, 'title-required'],
  ] as const)('refuses a blank %s, naming it', (what, overrides, code) => {
    refusesBlank(drafting(BRAND, overrides), code, what);
  });

  it('names the applicant’s region when it is missing', () => {
    refusesBlank(given(projectDecider, []).when(draft(BRAND, {}, CTX, { ...applicant, region: ' ' })), 'region-required', 'the applicant’s region');
  });

  it('refuses a grant limited to one project drafting another', () => {
    given(projectDecider, []).when(draft(BRAND, {}, CTX, { ...applicant, project: 'p-other' })).thenThrows('not-own-project', 'forbidden');
  });

  it('names the cycle in a mismatch of cycle or program type', () => {
    expect(drafting(BRAND, { cycleId: 'brand-major-2030' }).thenThrows('cycle-mismatch', 'validation').message).toBe('the context describes cycle brand-major-2025, not brand-major-2030');
    expect(drafting(BRAND, { programType: 'quality-course' }).thenThrows('program-type-mismatch', 'validation').message).toBe('cycle brand-major-2025 runs brand-major, not quality-course');
  });

  it('refuses a ban until its last day inclusive, naming the day and the reason', () => {
    const banned = { ...CTX, applicantBans: [{ kind: 'until' as const, programType: 'brand-major', until: D.draft, reason: '撤销' }] };
    const error = drafting(BRAND, {}, banned).thenThrows('applicant-banned', 'illegal-state', { until: D.draft, reason: '撤销' });
    expect(error.message).toContain(`brand-major until ${D.draft}`);
  });

  it('refuses a school whose kind the registry does not know where the program takes some kinds only', () => {
    const error = drafting(SECONDARY, {}, { ...contextOf(SECONDARY), applicant: { kind: 'school' } }).thenThrows('school-kind-not-eligible', 'forbidden', {
      schoolKind: null,
      eligible: ['中职', '技工学校'],
    });
    expect(error.message).toContain('school of unknown kind');
    expect(error.message).toContain('中职、技工学校');
  });

  it.each<[string, Program, ProjectSubject]>([
    ['brand-major', BRAND, COURSE.subject],
    ['brand-major', BRAND, { kind: 'school' }],
    ['higher-college', COLLEGE, GROUP.subject],
    ['secondary-school', SECONDARY, BRAND.subject],
  ])('refuses a %s application about another subject, naming its kind', (_code, p, subject) => {
    drafting(p, { subject }).thenThrows('subject-mismatch', 'validation', { kind: subject.kind });
  });

  it('takes the subject of a program of the plan whatever its rules add: a brand major with course eligibility is still about a major', () => {
    const rules = { ...BRAND.rules, course: COURSE.rules.course };
    drafting({ ...BRAND, rules }, {}, contextOf({ ...BRAND, rules })).then(draftedOf(BRAND));
  });

  it.each([
    ['the major’s name', { majorCode: '460301', majorName: ' ' }],
    ['the major’s code', { majorCode: ' ', majorName: '机电一体化技术' }],
  ])('refuses a brand major without %s, naming it', (what, names) => {
    refusesBlank(drafting(BRAND, { subject: { kind: 'major', ...names } }), 'invalid-subject', what);
  });

  it('names the kinds of applicant a program takes when it takes others than schools', () => {
    const cities = program('integration-city', { kind: 'school' }, { ...SECONDARY.rules, applicantKinds: ['government', 'enterprise'] });
    const error = drafting(cities).thenThrows('applicant-kind-not-eligible', 'forbidden', { kind: 'school', eligible: ['government', 'enterprise'] });
    expect(error.message).toBe('integration-city takes applications from a government or enterprise, not from a school');
  });

  describe('a specialty group', () => {
    const group = (subject: Partial<ProjectSubject>, rules = GROUP.rules) =>
      drafting({ ...GROUP, rules }, { subject: { ...GROUP.subject, ...subject } as ProjectSubject }, contextOf({ ...GROUP, rules }));

    it.each([
      ['the parent project', { parentProjectId: ' ' }, 'parent-project-required'],
      ['the group’s name', { groupName: '' }, 'invalid-subject'],
      ['a major’s code', { majors: [...MAJORS.slice(1), { code: ' ', name: '新专业' }] }, 'invalid-subject'],
      ['a major’s name', { majors: [...MAJORS.slice(1), { code: '460399', name: '' }] }, 'invalid-subject'],
    ] as const)('refuses a blank %s, naming it', (what, subject, code) => {
      refusesBlank(group(subject), code, what);
    });

    it.each([
      [2, MAJORS.slice(0, 2)],
      [6, [...MAJORS, { code: '1', name: 'a' }, { code: '2', name: 'b' }, { code: '3', name: 'c' }]],
    ])('refuses %s majors, naming the range and the count', (count, majors) => {
      group({ majors }).thenThrows('majors-out-of-range', 'validation', { min: 3, max: 5, count });
    });

    it('takes exactly the minimum of majors', () => {
      group({ majors: MAJORS }).then(draftedOf(GROUP));
    });

    it('names the unknown tier, and refuses a blank one as unknown', () => {
      group({ tier: 'A' }).thenThrows('unknown-tier', 'validation', { tier: 'A' });
      refusesBlank(group({ tier: ' ' }, { ...GROUP.rules, tiers: [{ name: 'A', quota: 5 }] }), 'unknown-tier', 'the tier');
    });

    it('takes any one of the cycle’s tiers', () => {
      const [event] = group({ tier: 'B' }, { ...GROUP.rules, tiers: [{ name: 'A', quota: 5 }, { name: 'B', quota: 9 }] }).then(draftedOf(GROUP));
      expect(event.data).toMatchObject({ subject: { tier: 'B' } });
    });

    it('needs the cycle’s rules to size groups', () => {
      const { specialtyGroup: _, ...unsized } = GROUP.rules;
      group({}, unsized).thenThrows('rules-incomplete', 'validation');
    });

    it('names the status of the parent project that ended', () => {
      drafting(GROUP, {}, { ...contextOf(GROUP), parentProject: { ...PARENT, status: 'Revoked' } }).thenThrows('parent-project-ended', 'illegal-state', { status: 'Revoked' });
    });

    it.each<ProjectStatus>(['Withdrawn', 'FormallyRejected', 'NotRecommended', 'NotSelected', 'RemovedAfterObjection', 'RemovedFromList', 'Failed', 'Suspended', 'Revoked'])(
      'is refused under a parent that is %s',
      (status) => {
        drafting(GROUP, {}, { ...contextOf(GROUP), parentProject: { ...PARENT, status } }).thenThrows('parent-project-ended', 'illegal-state', { status });
      },
    );

    it.each<ProjectStatus>(['Draft', 'Submitted', 'Recommended', 'Approved', 'UnderConstruction'])('is drafted under a parent that is %s', (status) => {
      drafting(GROUP, {}, { ...contextOf(GROUP), parentProject: { ...PARENT, status } }).then(draftedOf(GROUP));
    });
  });

  describe('a quality course', () => {
    const course = (subject: Partial<ProjectSubject>, rules = COURSE.rules) =>
      drafting({ ...COURSE, rules }, { subject: { ...COURSE.subject, ...subject } as ProjectSubject }, contextOf({ ...COURSE, rules }));

    it('names what it was taught and the minimums when it falls short', () => {
      course({ classHours: 31, semestersTaught: 2 }).thenThrows('course-not-eligible', 'validation', { classHours: 31, semestersTaught: 2, minClassHours: 32, minSemestersTaught: 2 });
    });

    it('refuses a blank course name, and rules without course eligibility', () => {
      refusesBlank(course({ courseName: ' ' }), 'invalid-subject', 'the course’s name');
      const { course: _, ...unset } = COURSE.rules;
      course({}, unset).thenThrows('rules-incomplete', 'validation');
    });

    it('given an earlier course of the same name, spaces aside, not selected, then the draft needs a statement of what changed', () => {
      const earlier = { ...contextOf(COURSE), earlierApplications: [{ projectId: 'c-2021', cycleId: 'quality-course-2021', selected: false }] };
      drafting(COURSE, {}, earlier).thenThrows('changes-statement-required', 'validation', { earlierProjectIds: ['c-2021'] });
      drafting(COURSE, { changesSinceLastApplication: '  ' }, earlier).thenThrows('changes-statement-required', 'validation');
      const [event] = drafting(COURSE, { changesSinceLastApplication: '新增案例' }, earlier).then(draftedOf(COURSE));
      expect(event.data).toMatchObject({ reapplication: { earlierProjectIds: ['c-2021'], changes: '新增案例' } });
    });
  });

  describe('a program type added by configuration', () => {
    const configured = (rules: Program['rules'], subject: ProjectSubject) => {
      const p = program('teacher-studio', subject, rules);
      return drafting(p, {}, contextOf(p));
    };

    it('takes a course where its rules set course eligibility, and only a course', () => {
      configured(COURSE.rules, COURSE.subject).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      configured(COURSE.rules, { kind: 'school' }).thenThrows('subject-mismatch', 'validation', { kind: 'school' });
    });

    it('takes a specialty group where its rules size groups', () => {
      configured(COLLEGE.rules, GROUP.subject).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      configured(SECONDARY.rules, GROUP.subject).thenThrows('rules-incomplete', 'validation');
    });
  });

  describe('a joint application', () => {
    const JOINT = program('training-base', { kind: 'school' }, { ...SECONDARY.rules, partners: { min: 1, max: 3, kinds: ['school', 'enterprise'] } });
    const facts = (...codes: string[]): ProjectContext => ({ ...contextOf(JOINT), partners: codes.map((creditCode) => ({ creditCode, organisation: { kind: 'enterprise' } })) });

    it('takes exactly the maximum of partners', () => {
      const [event] = drafting(JOINT, { partners: ['E-1', 'E-2', 'E-3'] }, facts('E-1', 'E-2', 'E-3')).then(draftedOf(JOINT));
      expect(event.data).toMatchObject({ partners: ['E-1', 'E-2', 'E-3'].map((org) => ({ org, kind: 'enterprise' })) });
    });

    it('names the range and the count when there are too many', () => {
      drafting(JOINT, { partners: ['E-1', 'E-2', 'E-3', 'E-4'] }, facts('E-1', 'E-2', 'E-3', 'E-4')).thenThrows('partners-out-of-range', 'validation', {
        field: 'partners',
        min: 1,
        max: 3,
        count: 4,
      });
    });

    it('names the partner that is not registered, or not of a kind the rule takes', () => {
      drafting(JOINT, { partners: ['E-1', 'E-9'] }, facts('E-1')).thenThrows('partner-not-registered', 'validation', { field: 'partners', partner: 'E-9' });
      const bureau = { ...contextOf(JOINT), partners: [{ creditCode: 'B-1', organisation: { kind: 'bureau', bureauKind: '教育局' } }] } as ProjectContext;
      const error = drafting(JOINT, { partners: ['B-1'] }, bureau).thenThrows('partner-kind-not-eligible', 'validation', { field: 'partners', partner: 'B-1', eligible: ['school', 'enterprise'] });
      expect(error.message).toBe('a partner is a school or enterprise, and B-1 is a bureau');
    });

    it('needs the partners’ registry facts when partners are named', () => {
      drafting(JOINT, { partners: ['E-1'] }, contextOf(JOINT)).thenThrows('context-required', 'validation');
    });

    it('given partners the rule makes optional, drafts without them and without their facts', () => {
      const optional = program('training-base', { kind: 'school' }, { ...SECONDARY.rules, partners: { min: 0, max: 2, kinds: ['enterprise'] } });
      const [event] = drafting(optional, {}, contextOf(optional)).then(draftedOf(optional));
      expect(event.data).toMatchObject({ partners: [] });
    });

    it('refuses a blank credit code', () => {
      refusesBlank(drafting(JOINT, { partners: [' '] }, facts('E-1')), 'invalid-field', 'a partner’s credit code');
    });
  });
});

describe('selection at its edges: EditApplication and SubmitApplication', () => {
  const edit = (data: CommandOf<'EditApplication'>['data']) => command('EditApplication', applicant, data, at(D.submit));

  it('refuses a blank new title, naming it', () => {
    refusesBlank(given(projectDecider, history(BRAND, 'drafted')).when(edit({ title: ' ' })), 'title-required', 'the title');
  });

  it('records an empty list of partners where the cycle takes applicants alone and none are named', () => {
    given(projectDecider, history(BRAND, 'drafted'))
      .when(edit({ partners: [] }))
      .then([{ type: 'ApplicationEdited', data: { title: '申报项目', subject: BRAND.subject, partners: [], editedAt: at(D.submit), rulesVersion: V } }]);
  });

  it('keeps the course an application is for, whatever its spacing', () => {
    const course = (courseName: string) => edit({ subject: { ...(COURSE.subject as ProjectSubject & { kind: 'course' }), courseName } });
    given(projectDecider, history(COURSE, 'drafted')).when(course('PLC编程')).then([expect.objectContaining({ type: 'ApplicationEdited' })] as never);
    const error = given(projectDecider, history(COURSE, 'drafted')).when(course('PLC 编程进阶')).thenThrows('subject-identity-immutable', 'validation');
    expect(error.message).toContain('the course');
  });

  it('submits once: a submitted application is not submitted again, and the cycle’s facts are required', () => {
    const submit = (context: ProjectContext) =>
      command('SubmitApplication', applicant, { applicationForm: FORM, declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT } }, at(D.submit), context);
    given(projectDecider, history(BRAND, 'submitted')).when(submit(CTX)).thenThrows('invalid-transition', 'illegal-state', { command: 'SubmitApplication', status: 'Submitted', expected: 'Draft | Returned' });
    given(projectDecider, history(BRAND, 'drafted')).when(submit({ signsOff: true })).thenThrows('context-required', 'validation');
    const error = given(projectDecider, history(BRAND, 'drafted')).when(submit(contextOf(BRAND, { id: 'brand-major-2030' }))).thenThrows('cycle-mismatch', 'validation');
    expect(error.message).toBe('the project belongs to cycle brand-major-2025, not brand-major-2030');
  });

  it('needs a specialty group’s parent project facts to submit it', () => {
    given(projectDecider, history(GROUP, 'drafted'))
      .when(command('SubmitApplication', applicant, { applicationForm: FORM, declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT } }, at(D.submit), { cycle: cycleOf(GROUP), signsOff: true }))
      .thenThrows('context-required', 'validation');
  });

  it('names the document the store does not hold', () => {
    given(projectDecider, history(BRAND, 'drafted'))
      .when(command('AttachApplicationDocuments', applicant, { applicationForm: null, attachments: [EVIDENCE] }, at(D.submit), { knownDocuments: [FORM.sha256] }))
      .thenThrows('unknown-document', 'not-found', { sha256: EVIDENCE.sha256 });
  });
});

describe('selection at its edges: withdrawal, return and the formal check', () => {
  const withdrawn = (reason?: string) => command('WithdrawApplication', applicant, reason === undefined ? {} : { reason }, at(D.check));
  const returned = () => run([command('ReturnForRevision', office, { reason: '材料不全' }, at(D.check))], history(BRAND, 'submitted'));

  it.each<[ProjectStatus, () => ProjectEvent[]]>([
    ['Draft', () => history(BRAND, 'drafted')],
    ['Submitted', () => history(BRAND, 'submitted')],
    ['Returned', returned],
    ['FormallyChecked', () => history(BRAND, 'checked')],
  ])('withdraws from %s', (status, events) => {
    given(projectDecider, events())
      .when(withdrawn())
      .then([{ type: 'ApplicationWithdrawn', data: { reason: null, withdrawnFrom: status, withdrawnAt: at(D.check), rulesVersion: V } }]);
  });

  it('refuses a blank reason for a withdrawal or a return, naming it', () => {
    refusesBlank(given(projectDecider, history(BRAND, 'drafted')).when(withdrawn(' ')), 'reason-required', 'the reason');
    refusesBlank(given(projectDecider, history(BRAND, 'submitted')).when(command('ReturnForRevision', office, { reason: ' ' }, at(D.check))), 'reason-required', 'the reason');
  });

  const check = (day: string, context: ProjectContext = CTX) => command('RecordFormalCheck', office, { result: 'passed' }, at(day), context);

  it('checks on the last day of the period, counted from the window’s deadline, and names that day once it is over', () => {
    given(projectDecider, history(BRAND, 'submitted')).when(check('2025-10-13')).then([expect.objectContaining({ type: 'FormalCheckPassed' })] as never);
    given(projectDecider, history(BRAND, 'submitted')).when(check('2025-10-14')).thenThrows('formal-check-period-over', 'illegal-state', { periodEndsOn: '2025-10-13' });
    const short: Program = { ...BRAND, rules: { ...BRAND.rules, formalCheckDays: 3 } };
    given(projectDecider, history(short, 'submitted')).when(check('2025-09-18', contextOf(short))).then([expect.objectContaining({ type: 'FormalCheckPassed' })] as never);
    given(projectDecider, history(short, 'submitted')).when(check('2025-09-19', contextOf(short))).thenThrows('formal-check-period-over', 'illegal-state', { periodEndsOn: '2025-09-18' });
  });

  it('needs the project’s own cycle for a check', () => {
    given(projectDecider, history(BRAND, 'submitted')).when(check(D.check, contextOf(BRAND, { id: 'other' }))).thenThrows('cycle-mismatch', 'validation');
    given(projectDecider, history(BRAND, 'submitted')).when(check(D.check, {})).thenThrows('context-required', 'validation');
    const { context: _, ...bare } = check(D.check);
    given(projectDecider, history(BRAND, 'submitted')).when(bare as ProjectCommand).thenThrows('context-required', 'validation');
  });

  it('refuses a blank reason of a failed check', () => {
    refusesBlank(
      given(projectDecider, history(BRAND, 'submitted')).when(command('RecordFormalCheck', office, { result: 'failed', reasons: ['缺材料', ' '] }, at(D.check), CTX)),
      'reasons-required',
      'reasons',
    );
  });
});

describe('selection at its edges: Recommend and NotRecommend', () => {
  const recommend = (data: CommandOf<'Recommend'>['data'], recommendation?: ProjectContext['recommendation']) =>
    given(projectDecider, history(BRAND, 'checked')).when(command('Recommend', recommender, data, at(D.recommend), recommendation && { recommendation }));
  const limit = BRAND.rules.perRecommenderLimit;

  it('accepts rank 1 and exactly the recommender’s limit, recording no opinion as none', () => {
    for (const rank of [1, limit]) {
      recommend({ rank }).then([
        { type: 'ApplicationRecommended', data: { rank, recommenderOrg: '太原市教育局', region: '太原市', opinion: null, recommendedAt: at(D.recommend), rulesVersion: V } },
      ]);
    }
  });

  it.each([0, -1, limit + 1])('refuses rank %s, naming it and the range', (rank) => {
    expect(recommend({ rank }).thenThrows('invalid-rank', 'validation', { value: rank }).message).toBe(`the rank must be from 1 to ${limit}`);
  });

  it('refuses a blank opinion', () => {
    refusesBlank(recommend({ rank: 1, opinion: ' ' }), 'invalid-field', 'the opinion');
  });

  it('given an applicant the registry does not hold, expects the city’s 教育局, and says which bureau recommended', () => {
    recommend({ rank: 1 }, { recommender: { kind: 'bureau', bureauKind: '教育局' }, applicant: null }).then([expect.objectContaining({ type: 'ApplicationRecommended' })] as never);
    const error = recommend({ rank: 1 }, { recommender: { kind: 'bureau', bureauKind: '人社局' }, applicant: null }).thenThrows('wrong-bureau', 'forbidden', { expected: '教育局' });
    expect(error.message).toBe('a school is recommended by its city’s 教育局, not by the 人社局');
    const unnamed = recommend({ rank: 1 }, { recommender: { kind: 'bureau' }, applicant: { kind: 'school', schoolKind: '技工学校' } }).thenThrows('wrong-bureau', 'forbidden', { expected: '人社局' });
    expect(unnamed.message).toBe('a 技工学校 is recommended by its city’s 人社局, not by the bureau');
  });

  it('declines with a reason given', () => {
    refusesBlank(given(projectDecider, history(BRAND, 'checked')).when(command('NotRecommend', recommender, { reason: ' ' }, at(D.recommend))), 'reason-required', 'the reason');
  });

  it('declines only a checked application', () => {
    given(projectDecider, history(BRAND, 'recommended'))
      .when(command('NotRecommend', recommender, { reason: '名额已满' }, at(D.recommend)))
      .thenThrows('invalid-transition', 'illegal-state', { command: 'NotRecommend', status: 'Recommended', expected: 'FormallyChecked' });
  });
});

describe('selection at its edges: review', () => {
  const assign = (reviewerId: string, declaredRelations: string[] = [], reviewerOrg = 'univ-1') =>
    command('AssignReviewer', office, { reviewerId, reviewerOrg, declaredRelations }, at(D.assign));
  const asPerson = (affiliations: string[], expert = true) => ({ ...assign('r7', ['school-x']), context: { reviewer: { organisationId: 'univ-7', expert, affiliations } } }) as ProjectCommand;

  it('refuses a blank reviewer id or declared relation, naming it', () => {
    refusesBlank(given(projectDecider, history(BRAND, 'recommended')).when(assign(' ')), 'invalid-field', 'the reviewer id');
    refusesBlank(given(projectDecider, history(BRAND, 'recommended')).when(assign('r1', [' '])), 'declared-relations-required', 'declared relations');
  });

  it('records a relation the office and the profile both declare once', () => {
    const [event] = given(projectDecider, history(BRAND, 'recommended')).when(asPerson(['school-x', 'enterprise-9'])).then([expect.objectContaining({ type: 'ReviewerAssigned' })] as never);
    expect(event.data).toMatchObject({ reviewerOrg: 'univ-7', declaredRelations: ['school-x', 'enterprise-9'] });
  });

  it('names the reviewer in each refusal of the assignment', () => {
    given(projectDecider, history(BRAND, 'recommended')).when(asPerson([], false)).thenThrows('not-an-expert', 'illegal-state', { reviewerId: 'r7' });
    given(projectDecider, history(BRAND, 'recommended')).when(asPerson(['school-a'])).thenThrows('conflict-of-interest', 'illegal-state', { reviewerId: 'r7' });
    given(projectDecider, history(BRAND, 'reviewers')).when(assign('r2')).thenThrows('reviewer-already-assigned', 'illegal-state', { reviewerId: 'r2' });
    const recused = run([command('DeclareConflict', reviewer(2), { reason: '曾任顾问' }, at(D.score))], history(BRAND, 'reviewers'));
    given(projectDecider, recused).when(assign('r2')).thenThrows('reviewer-recused', 'illegal-state', { reviewerId: 'r2' });
  });

  it('recuses once, with a reason given', () => {
    const recused = run([command('DeclareConflict', reviewer(2), { reason: '曾任顾问' }, at(D.score))], history(BRAND, 'reviewers'));
    given(projectDecider, recused).when(command('DeclareConflict', reviewer(2), { reason: '再次' }, at(D.score))).thenThrows('reviewer-recused', 'illegal-state');
    refusesBlank(given(projectDecider, history(BRAND, 'reviewers')).when(command('DeclareConflict', reviewer(2), { reason: ' ' }, at(D.score))), 'reason-required', 'the reason');
  });

  const score = (value: number | undefined, comments = '意见') => command('ScoreReview', reviewer(1), { ...(value === undefined ? {} : { score: value }), comments }, at(D.score));

  it.each([0, 100])('accepts a score of exactly %s', (value) => {
    given(projectDecider, history(BRAND, 'reviewers'))
      .when(score(value))
      .then([{ type: 'ReviewScored', data: { reviewerId: 'r1', reviewerOrg: 'univ-1', score: value, comments: '意见', scoredAt: at(D.score), rulesVersion: V } }]);
  });

  it.each([
    [-0.5, 'invalid-score'],
    [100.5, 'invalid-score'],
    [undefined, 'score-required'],
  ])('refuses a score of %s, naming the field', (value, code) => {
    given(projectDecider, history(BRAND, 'reviewers')).when(score(value)).thenThrows(code, 'validation', { field: 'score' });
  });

  it('refuses indicators where the cycle has no rubric, naming the field', () => {
    given(projectDecider, history(BRAND, 'reviewers'))
      .when(command('ScoreReview', reviewer(1), { score: 80, indicators: [{ id: 'basis', score: 30 }], comments: '好' }, at(D.score)))
      .thenThrows('no-rubric', 'validation', { field: 'indicators' });
  });

  it('refuses blank comments, naming them', () => {
    refusesBlank(given(projectDecider, history(BRAND, 'reviewers')).when(score(80, ' ')), 'comments-required', 'comments');
  });

  describe('a score draft', () => {
    const save = (data: CommandOf<'SaveScoreDraft'>['data']) => given(projectDecider, history(BRAND, 'reviewers')).when(command('SaveScoreDraft', reviewer(1), data, at(D.score)));
    const drafted = (score: number | null, comments: string | null) => [
      { type: 'ReviewScoreDrafted', data: { reviewerId: 'r1', score, indicators: [], comments, savedAt: at(D.score), rulesVersion: V } },
    ];

    it.each([0, 100])('keeps a score of exactly %s', (value) => {
      save({ score: value }).then(drafted(value, null) as ProjectEvent[]);
    });

    it.each([-1, 101])('refuses a score of %s', (value) => {
      save({ score: value }).thenThrows('invalid-score', 'validation', { field: 'score' });
    });

    it('keeps comments trimmed, blank ones as none', () => {
      save({ comments: ' 待补充 ' }).then(drafted(null, '待补充') as ProjectEvent[]);
      save({ comments: ' ' }).then(drafted(null, null) as ProjectEvent[]);
    });

    it('refuses indicators where the cycle has no rubric, an empty list aside', () => {
      save({ indicators: [{ id: 'basis', score: 30 }] }).thenThrows('no-rubric', 'validation', { field: 'indicators' });
      save({ indicators: [] }).then(drafted(null, null) as ProjectEvent[]);
    });
  });

  it('corrects only a score that exists: an unknown reviewer has none', () => {
    const oneScored = run([score(70)], history(BRAND, 'reviewers'));
    given(projectDecider, oneScored).when(command('CorrectScore', office, { reviewerId: 'r9', score: 79, reason: '计分错误' }, at(D.score))).thenThrows('score-not-found', 'not-found');
    refusesBlank(given(projectDecider, oneScored).when(command('CorrectScore', office, { reviewerId: 'r1', score: 79, reason: ' ' }, at(D.score))), 'reason-required', 'the reason');
  });
});

describe('selection at its edges: the cycle’s decisions', () => {
  const select = (data: CommandOf<'RecordSelection'>['data']) => command('RecordSelection', office, data, at(D.shortlist));

  it('names the scores it has and needs when the review is incomplete', () => {
    const twoScored = run([1, 2].map((n) => command('ScoreReview', reviewer(n), { score: 80, comments: 'ok' }, at(D.score))), history(BRAND, 'reviewers'));
    const error = given(projectDecider, twoScored).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1' })).thenThrows('review-incomplete', 'illegal-state', { scores: 2, minReviewers: 3 });
    expect(error.message).toBe('2 of the 3 scores needed');
  });

  it('records the scores of the reviewers who scored, leaving out one who recused', () => {
    const recused = run(
      [
        command('AssignReviewer', office, { reviewerId: 'r4', reviewerOrg: 'univ-4', declaredRelations: [] }, at(D.assign)),
        command('DeclareConflict', reviewer(4), { reason: '回避' }, at(D.score)),
      ],
      history(BRAND, 'scored'),
    );
    const [event] = given(projectDecider, recused).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1' })).then([expect.objectContaining({ type: 'SelectionRecorded' })] as never);
    expect(event.data).toMatchObject({ scores: [1, 2, 3].map((n) => ({ reviewerId: `r${n}`, score: 80 + n })), reason: null });
  });

  it('names an unknown tier, and refuses a blank reason or decision id', () => {
    const tiered: Program = { ...COLLEGE, rules: { ...COLLEGE.rules, tiers: [{ name: 'A', quota: 3 }] } };
    given(projectDecider, history(tiered, 'scored')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', tier: 'C' })).thenThrows('unknown-tier', 'validation', { tier: 'C' });
    refusesBlank(given(projectDecider, history(BRAND, 'scored')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', reason: ' ' })), 'reason-required', 'the reason');
    refusesBlank(given(projectDecider, history(BRAND, 'scored')).when(select({ decision: 'shortlisted', cycleDecisionId: ' ' })), 'invalid-field', 'the cycle decision id');
    refusesBlank(given(projectDecider, history(BRAND, 'scored')).when(select({ decision: 'not-selected', cycleDecisionId: 'd-1', reason: ' ' })), 'reason-required', 'the reason');
    refusesBlank(given(projectDecider, history(tiered, 'scored')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', tier: ' ' })), 'unknown-tier', 'the tier');
  });

  const notice = (data: Partial<CommandOf<'RecordPublicNotice'>['data']> = {}) =>
    given(projectDecider, history(BRAND, 'shortlisted')).when(command('RecordPublicNotice', office, { noticeId: 'notice-1', startsOn: D.noticeStarts, endsOn: D.noticeEnds, ...data }, at(D.noticeStarts)));

  it('records a notice of one day, without a document', () => {
    notice({ endsOn: D.noticeStarts }).then([
      {
        type: 'PublicNoticeRecorded',
        data: { noticeId: 'notice-1', startsOn: D.noticeStarts, endsOn: D.noticeStarts, endsAt: '2025-10-17T00:00:00+08:00', document: null, recordedAt: at(D.noticeStarts), rulesVersion: V },
      },
    ]);
  });

  it.each([
    ['startsOn', { startsOn: '2025-02-30' }],
    ['endsOn', { endsOn: '2025-10-32' }],
  ])('refuses a %s that is not a day of the calendar, naming the field', (field, data) => {
    expect(notice(data).thenThrows('invalid-date', 'validation', { field }).message).toBe(`${field} must be a YYYY-MM-DD date`);
  });

  it('refuses a blank notice id', () => {
    refusesBlank(notice({ noticeId: ' ' }), 'invalid-field', 'the notice id');
  });
});

describe('selection at its edges: objections, removal and approval', () => {
  const objector = { name: '张三', contact: '13800000000' };
  const object = (data: Partial<CommandOf<'FileObjection'>['data']> = {}, actor: Actor = { id: 'u-b', role: 'applicant', org: 'school-b' }) =>
    command('FileObjection', actor, { objectionId: 'o-1', objector, grounds: '数据不实', evidence: [EVIDENCE], ...data }, at('2025-10-20'));
  const filed = () => run([object()], history(BRAND, 'noticed'));

  it.each(PROJECT_COMMANDS.FileObjection)('takes an objection from a %s', (role) => {
    given(projectDecider, history(BRAND, 'noticed'))
      .when(object({}, { id: `u-${role}`, role, org: `org-${role}`, region: '大同市' }))
      .then([expect.objectContaining({ type: 'ObjectionFiled' })] as never);
  });

  it('rejects an objection whose objector gives no name as anonymous', () => {
    const [event] = given(projectDecider, history(BRAND, 'noticed')).when(object({ objector: { name: ' ', contact: objector.contact } })).then([expect.objectContaining({ type: 'ObjectionRejected' })] as never);
    expect(event.data).toMatchObject({ reasons: ['anonymous'], objector: null });
  });

  it('names the objection already filed, and refuses a blank id or blank grounds', () => {
    given(projectDecider, filed()).when(object()).thenThrows('objection-already-filed', 'illegal-state', { objectionId: 'o-1' });
    refusesBlank(given(projectDecider, history(BRAND, 'noticed')).when(object({ objectionId: ' ' })), 'objection-id-required', 'the objection id');
    refusesBlank(given(projectDecider, history(BRAND, 'noticed')).when(object({ grounds: ' ' })), 'grounds-required', 'the grounds of the objection');
  });

  const resolve = (objectionId: string, reason = '经核查') => command('ResolveObjection', office, { objectionId, outcome: 'dismissed', reason }, at('2025-10-23'));

  it('names the objection it cannot resolve, and the status of one resolved already', () => {
    given(projectDecider, filed()).when(resolve('o-9')).thenThrows('objection-not-found', 'not-found', { objectionId: 'o-9' });
    given(projectDecider, run([resolve('o-1')], filed())).when(resolve('o-1')).thenThrows('objection-not-open', 'illegal-state', { status: 'dismissed' });
    refusesBlank(given(projectDecider, filed()).when(resolve('o-1', ' ')), 'reason-required', 'the reason');
  });

  const remove = (data: Partial<CommandOf<'RecordRemovalFromList'>['data']>) =>
    given(projectDecider, history(BRAND, 'noticed')).when(command('RecordRemovalFromList', office, { removalId: 'e-9', reason: '核实材料不实', ...data }, at('2025-10-20')));

  it('records a removal naming no objection, given as null', () => {
    remove({ objectionId: null }).then([{ type: 'RemovalFromListRecorded', data: { removalId: 'e-9', reason: '核实材料不实', objectionId: null, removedAt: at('2025-10-20'), rulesVersion: V } }]);
  });

  it.each([
    ['the removal id', { removalId: ' ' }, 'invalid-field'],
    ['the reason', { reason: '' }, 'reason-required'],
    ['the objection id', { objectionId: ' ' }, 'invalid-field'],
  ] as const)('refuses a removal with a blank %s', (what, data, code) => {
    refusesBlank(remove(data), code, what);
  });

  const approve = (day: string, data: Partial<CommandOf<'RecordApproval'>['data']> = {}) => command('RecordApproval', office, { cycleDecisionId: 'd-2', ...data }, at(day));

  it('names the notice’s last day when it has not ended, and the objections still open', () => {
    const error = given(projectDecider, history(BRAND, 'noticed')).when(approve(D.noticeEnds)).thenThrows('notice-not-ended', 'illegal-state', { endsOn: D.noticeEnds });
    expect(error.message).toContain(D.noticeEnds);
    given(projectDecider, filed()).when(approve(D.approve)).thenThrows('open-objection', 'illegal-state', { objections: ['o-1'] });
  });

  it('approves the day after the notice ends, with no reason or document, carrying the tier shortlisted', () => {
    const tiered: Program = { ...COLLEGE, rules: { ...COLLEGE.rules, tiers: [{ name: 'A', quota: 3 }] } };
    const events = run(
      [
        command('RecordSelection', office, { decision: 'shortlisted', cycleDecisionId: 'd-1', tier: 'A' }, at(D.shortlist)),
        command('RecordPublicNotice', office, { noticeId: 'notice-1', startsOn: D.noticeStarts, endsOn: D.noticeEnds }, at(D.noticeStarts)),
      ],
      history(tiered, 'scored'),
    );
    given(projectDecider, events)
      .when(approve('2025-10-23'))
      .then([
        {
          type: 'ProjectApproved',
          data: { cycleDecisionId: 'd-2', noticeId: 'notice-1', tier: 'A', reason: null, document: null, approvedAt: at('2025-10-23'), constructionPlanDueOn: '2025-11-22', rulesVersion: tiered.rulesVersion },
        },
      ]);
  });

  it('refuses a blank decision id or reason', () => {
    refusesBlank(given(projectDecider, history(BRAND, 'noticed')).when(approve(D.approve, { cycleDecisionId: ' ' })), 'invalid-field', 'the cycle decision id');
    refusesBlank(given(projectDecider, history(BRAND, 'noticed')).when(approve(D.approve, { reason: ' ' })), 'reason-required', 'the reason');
  });

  it('approves with a document the store holds only', () => {
    const doc: DocumentRef = REPORT;
    given(projectDecider, history(BRAND, 'noticed'))
      .when({ ...approve(D.approve, { document: doc }), context: { knownDocuments: [FORM.sha256] } })
      .thenThrows('unknown-document', 'not-found', { sha256: doc.sha256 });
  });
});

describe('selection at its edges: the identity of a subject across batches', () => {
  it.each<[string, ProjectSubject, 'major' | 'course', string | null]>([
    ['a major by its trimmed code', { kind: 'major', majorCode: ' 460301 ', majorName: '机电一体化技术' }, 'major', '460301'],
    ['a course by its name without spaces', { kind: 'course', courseName: ' PLC  编 程 ', classHours: 48, semestersTaught: 3 }, 'course', 'PLC编程'],
    ['no major by a course identity', { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' }, 'course', null],
    ['no course by a major identity', { kind: 'course', courseName: 'PLC 编程', classHours: 48, semestersTaught: 3 }, 'major', null],
    ['no school', { kind: 'school' }, 'major', null],
  ])('identifies %s', (_what, subject, identity, expected) => {
    expect(subjectIdentity(subject, identity)).toBe(expected);
  });

  it('given a cycle whose reapplication rule does not apply to the subject, asks nothing of earlier applications', () => {
    const school = { ...SECONDARY, rules: { ...SECONDARY.rules, reapplication: { identity: 'major' as const } } };
    const earlier = { ...contextOf(school), earlierApplications: [{ projectId: 'p-2021', cycleId: 'secondary-school-2021', selected: true }] };
    drafting(school, {}, earlier).then(draftedOf(school));
  });
});
