import { given } from '../../../test/support/decider-spec';
import type { RegisteredOrganisation } from '../organisation/organisation';
import { addCalendarDays } from '../calendar';
import { CycleRules } from '../catalog/program-rules';
import { fold } from '../decider';
import { DomainError } from '../errors';
import { Actor, DocumentRef, Role, ROLES } from '../messages';
import {
  ProjectCommand,
  ProjectContext,
  ProjectSubject,
  PROJECT_COMMAND_TYPES,
  PROJECT_COMMANDS,
  REVOCATION_REASONS,
  ReviewerFacts,
} from './project.commands';
import { addMonthsOn, Project, projectDecider, ProjectState } from './project.decider';
import { ProjectEvent, ProjectStatus } from './project.events';
import {
  defaultRules,
  FORM,
  AUTHENTICITY,
  COMMITMENT,
  PLAN,
  TASK_BOOK,
  REPORT,
  EVIDENCE,
  NOTICE,
  applicant,
  otherApplicant,
  recommender,
  otherRecommender,
  office,
  reviewer,
  at,
  Program,
  program,
  MAJORS,
  SECONDARY,
  COLLEGE,
  GROUP,
  BRAND,
  COURSE,
  PROGRAMS,
  cycleOf,
  PARENT,
  schoolOf,
  contextOf,
  CommandOf,
  command,
  Step,
  days,
  passGrade,
  run,
  history,
  stateOf,
  statusAfter,
  V,
  D,
  CTX,
} from '../../../test/support/project-history';
// ---------------------------------------------------------------------------------------------

describe('project decider: authorization (domain.md §7)', () => {
  const anyData = {} as never;

  it('the command table lists every command once, and the auditor may issue none', () => {
    expect(new Set(PROJECT_COMMAND_TYPES).size).toBe(PROJECT_COMMAND_TYPES.length);
    expect(PROJECT_COMMAND_TYPES).toHaveLength(48);
    for (const type of PROJECT_COMMAND_TYPES) expect(PROJECT_COMMANDS[type]).not.toContain('auditor');
  });

  it.each(PROJECT_COMMAND_TYPES.flatMap((type) => ROLES.filter((role) => !PROJECT_COMMANDS[type].includes(role)).map((role) => [type, role] as const)))(
    '%s by %s is forbidden (role-not-allowed)',
    (type, role: Role) => {
      const actor = { ...applicant, id: `u-${role}`, role };
      given(projectDecider, history(BRAND, 'accredited'))
        .when({ type, actor, data: anyData, now: at('2029-01-01'), context: CTX } as ProjectCommand)
        .thenThrows('role-not-allowed', 'forbidden');
    },
  );

  it.each(PROJECT_COMMAND_TYPES.filter((t) => t !== 'DraftApplication'))('%s on a stream with no project is not-found', (type) => {
    const actor = { ...applicant, role: PROJECT_COMMANDS[type][0] };
    given(projectDecider, []).when({ type, actor, data: anyData, now: at('2025-09-05'), context: CTX } as ProjectCommand).thenThrows('project-not-found', 'not-found');
  });

  it('an applicant acts only on its own organisation’s projects', () => {
    given(projectDecider, history(BRAND, 'drafted'))
      .when(command('EditApplication', otherApplicant, { title: '改' }, at(D.submit)))
      .thenThrows('not-own-organisation', 'forbidden');
    given(projectDecider, history(BRAND, 'approved'))
      .when(command('SubmitConstructionPlan', otherApplicant, { plan: PLAN, taskBook: TASK_BOOK }, at(D.planSubmit)))
      .thenThrows('not-own-organisation', 'forbidden');
  });

  it('a recommender acts only for applicants of its region', () => {
    given(projectDecider, history(BRAND, 'checked')).when(command('Recommend', otherRecommender, { rank: 1 }, at(D.recommend))).thenThrows('not-own-region', 'forbidden');
    given(projectDecider, history(BRAND, 'submitted'))
      .when(command('RecordFormalCheck', otherRecommender, { result: 'passed' }, at(D.check), CTX))
      .thenThrows('not-own-region', 'forbidden');
  });

  it('a reviewer acts only on projects assigned to it, never its own organisation’s', () => {
    given(projectDecider, history(BRAND, 'reviewers'))
      .when(command('ScoreReview', reviewer(9), { score: 90, comments: '好' }, at(D.score)))
      .thenThrows('not-assigned-reviewer', 'forbidden');
    given(projectDecider, history(BRAND, 'reviewers'))
      .when(command('ScoreReview', { ...reviewer(1), org: 'school-a' }, { score: 90, comments: '好' }, at(D.score)))
      .thenThrows('own-organisation', 'forbidden');
    given(projectDecider, history(BRAND, 'reviewers'))
      .when(command('DeclareConflict', reviewer(9), { reason: '校友' }, at(D.score)))
      .thenThrows('not-assigned-reviewer', 'forbidden');
  });

  it('an invalid transition names the current status and the command', () => {
    const error = given(projectDecider, history(BRAND, 'drafted'))
      .when(command('Recommend', recommender, { rank: 1 }, at(D.recommend)))
      .thenThrows('invalid-transition', 'illegal-state');
    expect(error.details).toMatchObject({ status: 'Draft', command: 'Recommend' });
    expect(error.message).toContain('Draft');
  });
});

// ---------------------------------------------------------------------------------------------

describe('selection (domain.md §3)', () => {
  describe('DraftApplication', () => {
    const draft = (p: Program, overrides: Partial<CommandOf<'DraftApplication'>['data']> = {}, context: ProjectContext = contextOf(p), actor = applicant) =>
      command('DraftApplication', actor, { projectId: p.projectId, cycleId: p.cycleId, programType: p.code, title: '申报项目', subject: p.subject, ...overrides }, at(D.draft), context);

    it('creates the project with the applicant’s organisation and region and a copy of the cycle’s rules', () => {
      given(projectDecider, [])
        .when(draft(BRAND))
        .then([
          {
            type: 'ApplicationDrafted',
            data: {
              projectId: 'p-brand-major',
              cycleId: 'brand-major-2025',
              programType: 'brand-major',
              applicantOrg: 'school-a',
              region: '太原市',
              title: '申报项目',
              subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' },
              rules: BRAND.rules,
              rulesVersion: V,
              draftedAt: at(D.draft),
            },
          },
        ]);
    });

    it.each(PROGRAMS)('drafts a $code application', (p) => {
      const [event] = given(projectDecider, []).when(draft(p)).then(history(p, 'drafted'));
      expect(event.data).toMatchObject({ programType: p.code, subject: p.subject });
    });

    it('needs the window open', () => {
      given(projectDecider, []).when(draft(BRAND, {}, contextOf(BRAND, { windowOpen: false }))).thenThrows('window-closed', 'illegal-state');
    });

    it('refuses an applicant banned from the program, and only while the ban lasts', () => {
      const banned = (programType: string, until: string) => ({ ...CTX, applicantBans: [{ kind: 'until' as const, programType, until, reason: 'suspended 2021' }] });
      given(projectDecider, []).when(draft(BRAND, {}, banned('brand-major', D.draft))).thenThrows('applicant-banned', 'illegal-state');
      given(projectDecider, []).when(draft(BRAND, {}, banned('brand-major', '2025-09-01'))).then(history(BRAND, 'drafted'));
      given(projectDecider, []).when(draft(BRAND, {}, banned('quality-course', '2030-01-01'))).then(history(BRAND, 'drafted'));
    });

    it('given a major selected in an earlier batch, when its school drafts it again, then 409 already-selected; given one not selected, then only with a statement of what changed, which the draft records', () => {
      const earlier = (selected: boolean) => ({ ...CTX, earlierApplications: [{ projectId: 'p-2021', cycleId: 'brand-major-2021', selected }] });
      const refused = given(projectDecider, []).when(draft(BRAND, {}, earlier(true))).thenThrows('already-selected', 'illegal-state');
      expect(refused.details).toEqual({ projectId: 'p-2021', cycleId: 'brand-major-2021' });
      const unstated = given(projectDecider, []).when(draft(BRAND, {}, earlier(false))).thenThrows('changes-statement-required', 'validation');
      expect(unstated.details).toEqual({ earlierProjectIds: ['p-2021'] });
      const [event] = given(projectDecider, [])
        .when(draft(BRAND, { changesSinceLastApplication: ' 新增实训基地两个 ' }, earlier(false)))
        .then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      expect(event.data).toMatchObject({ reapplication: { earlierProjectIds: ['p-2021'], changes: '新增实训基地两个' } });
      // A first application needs no statement and records none; a program without the rule asks nothing.
      const [first] = given(projectDecider, []).when(draft(BRAND)).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      expect(first.data).not.toHaveProperty('reapplication');
      const free = { ...BRAND.rules, reapplication: undefined };
      given(projectDecider, []).when(draft(BRAND, {}, { ...earlier(true), cycle: cycleOf(BRAND, { rules: free }) })).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
    });

    it('given a course selected in an earlier batch, when its school drafts it again, then 409 already-selected', () => {
      const earlier = { ...contextOf(COURSE), earlierApplications: [{ projectId: 'c-2021', cycleId: 'quality-course-2021', selected: true }] };
      given(projectDecider, []).when(draft(COURSE, {}, earlier)).thenThrows('already-selected', 'illegal-state');
      given(projectDecider, []).when(draft(COURSE, {}, contextOf(COURSE))).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
    });

    it('keeps the major an application is for once drafted, where its earlier applications count', () => {
      const drafted = given(projectDecider, history(BRAND, 'drafted'));
      drafted.when(command('EditApplication', applicant, { subject: { kind: 'major', majorCode: '460303', majorName: '工业机器人技术' } }, at(D.submit))).thenThrows('subject-identity-immutable', 'validation');
    });

    it('given a project graded 差, when its school drafts in the program’s next cycle, then 409 applicant-banned names the grade and the project; another cycle or program is open', () => {
      const barred = (programType: string, cycleId: string) => ({
        ...CTX,
        applicantBans: [{ kind: 'next-cycle' as const, programType, cycleId, grade: '差', projectId: 'p-2020' }],
      });
      const error = given(projectDecider, []).when(draft(BRAND, {}, barred('brand-major', CTX.cycle.id))).thenThrows('applicant-banned', 'illegal-state');
      expect(error.details).toEqual({ cycleId: CTX.cycle.id, grade: '差', projectId: 'p-2020' });
      given(projectDecider, []).when(draft(BRAND, {}, barred('brand-major', 'brand-major-2030'))).then(history(BRAND, 'drafted'));
      given(projectDecider, []).when(draft(BRAND, {}, barred('quality-course', CTX.cycle.id))).then(history(BRAND, 'drafted'));
    });

    it('checks the command against the cycle’s facts', () => {
      given(projectDecider, []).when(draft(BRAND, { cycleId: 'other' })).thenThrows('cycle-mismatch', 'validation');
      given(projectDecider, []).when(draft(BRAND, { programType: 'quality-course' })).thenThrows('program-type-mismatch', 'validation');
      given(projectDecider, [])
        .when({ ...draft(BRAND), context: {} } as unknown as ProjectCommand)
        .thenThrows('context-required', 'validation');
    });

    it('needs a title, the applicant’s region and the subject of the program', () => {
      given(projectDecider, []).when(draft(BRAND, { title: ' ' })).thenThrows('title-required', 'validation');
      given(projectDecider, []).when(draft(BRAND, {}, CTX, { ...applicant, region: undefined })).thenThrows('region-required', 'validation');
      given(projectDecider, []).when(draft(BRAND, { subject: COURSE.subject })).thenThrows('subject-mismatch', 'validation');
      given(projectDecider, []).when(draft(BRAND, { subject: { kind: 'major', majorCode: '', majorName: 'x' } })).thenThrows('invalid-subject', 'validation');
    });

    it('drafts once', () => {
      given(projectDecider, history(BRAND, 'drafted')).when(draft(BRAND)).thenThrows('invalid-transition', 'illegal-state');
    });

    it('a specialty group has rules.specialtyGroup majors (3–5), unique, and a known tier if any', () => {
      const group = (subject: Partial<ProjectSubject>, rules = GROUP.rules) =>
        draft({ ...GROUP, rules }, { subject: { ...GROUP.subject, ...subject } as ProjectSubject }, contextOf({ ...GROUP, rules }));
      const six = [...MAJORS, { code: '1', name: 'a' }, { code: '2', name: 'b' }, { code: '3', name: 'c' }];
      given(projectDecider, []).when(group({ majors: MAJORS.slice(0, 2) })).thenThrows('majors-out-of-range', 'validation');
      given(projectDecider, []).when(group({ majors: six })).thenThrows('majors-out-of-range', 'validation');
      given(projectDecider, []).when(group({ majors: six.slice(0, 5) })).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      given(projectDecider, []).when(group({ majors: [...MAJORS, MAJORS[0]] })).thenThrows('duplicate-major', 'validation');
      given(projectDecider, []).when(group({ tier: 'A' })).thenThrows('unknown-tier', 'validation');
      const tiered = { ...GROUP.rules, tiers: [{ name: 'A', quota: 5 }] };
      given(projectDecider, []).when(group({ tier: 'A' }, tiered)).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
    });

    it('a specialty group belongs to its own college’s standing project', () => {
      const withParent = (parentProject: ProjectContext['parentProject']) => draft(GROUP, {}, { cycle: cycleOf(GROUP), applicant: schoolOf(GROUP), parentProject });
      given(projectDecider, []).when(draft(GROUP, {}, { cycle: cycleOf(GROUP), applicant: schoolOf(GROUP) })).thenThrows('context-required', 'validation');
      given(projectDecider, []).when(withParent(null)).thenThrows('parent-project-not-found', 'not-found');
      given(projectDecider, []).when(withParent({ ...PARENT, projectId: 'p-other' })).thenThrows('parent-project-mismatch', 'validation');
      given(projectDecider, []).when(withParent({ ...PARENT, applicantOrg: 'school-b' })).thenThrows('not-own-organisation', 'forbidden');
      given(projectDecider, []).when(withParent({ ...PARENT, programType: 'specialty-group' })).thenThrows('invalid-parent-project', 'validation');
      given(projectDecider, []).when(withParent({ ...PARENT, status: 'NotSelected' })).thenThrows('parent-project-ended', 'illegal-state');
    });

    it('given a cycle whose groups stand alone and a college not selected itself, when the college drafts its group, then the group is drafted; a withdrawn college still takes its groups with it', () => {
      const standalone = { ...GROUP.rules, specialtyGroup: { minMajors: 3, maxMajors: 5, standaloneGroups: true } };
      const withParent = (status: ProjectStatus) =>
        draft(GROUP, {}, { cycle: cycleOf(GROUP, { rules: standalone }), applicant: schoolOf(GROUP), parentProject: { ...PARENT, status } });
      given(projectDecider, []).when(withParent('NotSelected')).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      given(projectDecider, []).when(withParent('Withdrawn')).thenThrows('parent-project-ended', 'illegal-state');
    });

    it('a quality course must already have been taught long enough online [S]', () => {
      const course = (classHours: number, semestersTaught: number) =>
        draft(COURSE, { subject: { kind: 'course', courseName: 'PLC 编程', classHours, semestersTaught } }, contextOf(COURSE));
      given(projectDecider, []).when(course(31, 3)).thenThrows('course-not-eligible', 'validation');
      given(projectDecider, []).when(course(48, 1)).thenThrows('course-not-eligible', 'validation');
      given(projectDecider, []).when(course(32, 2)).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
    });

    it('takes applications only from schools in the registry of a kind the program takes', () => {
      const drafting = (p: Program, applicant: ProjectContext['applicant']) => given(projectDecider, []).when(draft(p, {}, { ...contextOf(p), applicant }));
      drafting(SECONDARY, { kind: 'school', schoolKind: '技工学校' }).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      drafting(COLLEGE, { kind: 'school', schoolKind: '高职' }).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      const refused = drafting(SECONDARY, { kind: 'school', schoolKind: '高职' }).thenThrows('school-kind-not-eligible', 'forbidden');
      expect(refused.details).toEqual({ schoolKind: '高职', eligible: ['中职', '技工学校'] });
      drafting(COLLEGE, { kind: 'school', schoolKind: '中职' }).thenThrows('school-kind-not-eligible', 'forbidden');
      drafting(BRAND, { kind: 'enterprise' }).thenThrows('not-a-school', 'forbidden');
      drafting(BRAND, { kind: 'bureau', bureauKind: '教育局' }).thenThrows('not-a-school', 'forbidden');
      drafting(BRAND, null).thenThrows('organisation-not-registered', 'forbidden');
      drafting(BRAND, undefined).thenThrows('context-required', 'validation');
      // Rules written before schools had kinds in the registry take any school.
      const { schoolKinds: _, ...olderRules } = SECONDARY.rules;
      const older = { ...SECONDARY, rules: olderRules };
      drafting(older, { kind: 'school', schoolKind: '本科' }).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
    });

    it('a program type added by configuration takes the subject its rules allow', () => {
      const studio = program('teacher-studio', { kind: 'school' }, SECONDARY.rules);
      given(projectDecider, []).when(draft(studio, {}, contextOf(studio))).then([expect.objectContaining({ type: 'ApplicationDrafted' })] as never);
      given(projectDecider, []).when(draft(studio, { subject: COURSE.subject }, contextOf(studio))).thenThrows('subject-mismatch', 'validation');
    });
  });

  describe('EditApplication', () => {
    it('edits a draft, recording the full new title and subject', () => {
      given(projectDecider, history(BRAND, 'drafted'))
        .when(command('EditApplication', applicant, { title: '新题目' }, at(D.submit)))
        .then([{ type: 'ApplicationEdited', data: { title: '新题目', subject: BRAND.subject, editedAt: at(D.submit), rulesVersion: V } }]);
    });

    it('edits a returned application, not a submitted one', () => {
      const returned = run([command('ReturnForRevision', office, { reason: '材料不全' }, at(D.check))], history(BRAND, 'submitted'));
      const subject: ProjectSubject = { ...(BRAND.subject as ProjectSubject & { kind: 'major' }), majorName: '机电一体化技术（智能制造方向）' };
      given(projectDecider, returned)
        .when(command('EditApplication', applicant, { subject }, at(D.check)))
        .then([{ type: 'ApplicationEdited', data: { title: '申报项目', subject, editedAt: at(D.check), rulesVersion: V } }]);
      given(projectDecider, history(BRAND, 'submitted'))
        .when(command('EditApplication', applicant, { title: '改' }, at(D.check)))
        .thenThrows('invalid-transition', 'illegal-state');
    });

    it('needs something to edit, and keeps a specialty group with its parent', () => {
      given(projectDecider, history(BRAND, 'drafted')).when(command('EditApplication', applicant, {}, at(D.submit))).thenThrows('nothing-to-edit', 'validation');
      given(projectDecider, history(GROUP, 'drafted'))
        .when(command('EditApplication', applicant, { subject: { ...GROUP.subject, parentProjectId: 'p-other' } as ProjectSubject }, at(D.submit)))
        .thenThrows('parent-project-immutable', 'validation');
    });
  });

  describe('AttachApplicationDocuments', () => {
    const attach = (data: CommandOf<'AttachApplicationDocuments'>['data'], context?: ProjectContext) =>
      command('AttachApplicationDocuments', applicant, data, at(D.submit), context);

    it('keeps the draft’s documents, each attachment replacing the last, and folds them into the project', () => {
      const first = run([attach({ applicationForm: FORM, attachments: [] })], history(BRAND, 'drafted'));
      const second = attach({ applicationForm: null, attachments: [AUTHENTICITY] });
      given(projectDecider, first)
        .when(second)
        .then([{ type: 'ApplicationDocumentsAttached', data: { applicationForm: null, attachments: [AUTHENTICITY], attachedAt: at(D.submit), rulesVersion: V } }]);
      const state = fold(projectDecider, run([second], first)) as Project;
      expect(state.documents).toEqual({ applicationForm: null, attachments: [AUTHENTICITY] });
      expect((fold(projectDecider, first) as Project).documents).toEqual({ applicationForm: FORM, attachments: [] });
    });

    it('refuses a document the store does not hold, and a project past its draft', () => {
      given(projectDecider, history(BRAND, 'drafted'))
        .when(attach({ applicationForm: FORM, attachments: [] }, { knownDocuments: [] }))
        .thenThrows('unknown-document', 'not-found');
      given(projectDecider, history(BRAND, 'submitted')).when(attach({ applicationForm: FORM, attachments: [] })).thenThrows('invalid-transition', 'illegal-state');
    });

    it('a submission replaces the draft’s documents with those submitted', () => {
      const state = stateOf(run([attach({ applicationForm: AUTHENTICITY, attachments: [COMMITMENT] })], history(BRAND, 'drafted')).concat(history(BRAND, 'submitted').slice(-1)));
      expect(state.documents.applicationForm).toEqual(FORM);
    });
  });

  describe('SubmitApplication', () => {
    const submit = (data: Partial<CommandOf<'SubmitApplication'>['data']> = {}, context: ProjectContext = CTX, day = D.submit) =>
      command('SubmitApplication', applicant, { applicationForm: FORM, declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT }, ...data }, at(day), context);

    it('records the application form and both declarations', () => {
      given(projectDecider, history(BRAND, 'drafted'))
        .when(submit({ attachments: [EVIDENCE] }))
        .then([
          {
            type: 'ApplicationSubmitted',
            data: {
              projectId: 'p-brand-major',
              cycleId: 'brand-major-2025',
              applicantOrg: 'school-a',
              region: '太原市',
              title: '申报项目',
              subject: BRAND.subject,
              applicationForm: FORM,
              declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT },
              attachments: [EVIDENCE],
              submissionNo: 1,
              resubmission: false,
              submittedAt: at(D.submit),
              rulesVersion: V,
            },
          },
        ]);
    });

    it('cites documents by name', () => {
      given(projectDecider, history(BRAND, 'drafted')).when(submit({ applicationForm: { ...FORM, name: ' ' } })).thenThrows('invalid-document', 'validation');
    });

    it('refers only to stored documents when the context lists them', () => {
      given(projectDecider, history(BRAND, 'drafted'))
        .when(submit({}, { ...CTX, knownDocuments: [FORM.sha256, AUTHENTICITY.sha256] }))
        .thenThrows('unknown-document', 'not-found');
    });

    it('needs the window open for a first submission, the applicant not banned, and the project’s cycle', () => {
      const drafted = given(projectDecider, history(BRAND, 'drafted'));
      drafted.when(submit({}, contextOf(BRAND, { windowOpen: false }))).thenThrows('window-closed', 'illegal-state');
      drafted.when(submit({}, { ...CTX, applicantBans: [{ kind: 'until', programType: 'brand-major', until: '2026-01-01', reason: '撤销' }] })).thenThrows('applicant-banned', 'illegal-state');
      const barred = { kind: 'next-cycle' as const, programType: 'brand-major', cycleId: CTX.cycle.id, grade: '差', projectId: 'p-2020' };
      drafted.when(submit({}, { ...CTX, applicantBans: [barred] })).thenThrows('applicant-banned', 'illegal-state');
      drafted.when(submit({}, contextOf(BRAND, { id: 'other' }))).thenThrows('cycle-mismatch', 'validation');
    });

    it('resubmits a returned application after the window closed', () => {
      const returned = run([command('ReturnForRevision', office, { reason: '缺承诺书' }, at(D.check))], history(BRAND, 'submitted'));
      const [event] = given(projectDecider, returned)
        .when(submit({}, contextOf(BRAND, { windowOpen: false }), D.check))
        .then([expect.objectContaining({ type: 'ApplicationSubmitted' })] as never);
      expect(event.data).toMatchObject({ submissionNo: 2, resubmission: true });
      expect(statusAfter([...returned, event])).toBe('Submitted');
    });

    it('is made by the school’s 校长/法人: the person submitting signs off', () => {
      const drafted = given(projectDecider, history(BRAND, 'drafted'));
      const refused = drafted.when(submit({}, { ...CTX, signsOff: false })).thenThrows('sign-off-required', 'forbidden');
      expect(refused.message).toMatch(/校长\/法人/);
      const { signsOff: _, ...unknown } = CTX;
      drafted.when(submit({}, unknown)).thenThrows('context-required', 'validation');
      drafted.when(submit({}, CTX)).then([expect.objectContaining({ type: 'ApplicationSubmitted' })] as never);
    });

    it('needs a specialty group’s parent still standing', () => {
      given(projectDecider, history(GROUP, 'drafted'))
        .when(submit({}, { cycle: cycleOf(GROUP), signsOff: true, parentProject: { ...PARENT, status: 'Withdrawn' } }))
        .thenThrows('parent-project-ended', 'illegal-state');
    });
  });

  describe('WithdrawApplication', () => {
    it('withdraws before recommendation', () => {
      given(projectDecider, history(BRAND, 'checked'))
        .when(command('WithdrawApplication', applicant, { reason: '调整计划' }, at(D.check)))
        .then([{ type: 'ApplicationWithdrawn', data: { reason: '调整计划', withdrawnFrom: 'FormallyChecked', withdrawnAt: at(D.check), rulesVersion: V } }]);
      given(projectDecider, history(BRAND, 'drafted'))
        .when(command('WithdrawApplication', applicant, {}, at(D.check)))
        .then([{ type: 'ApplicationWithdrawn', data: { reason: null, withdrawnFrom: 'Draft', withdrawnAt: at(D.check), rulesVersion: V } }]);
    });

    it('not after recommendation', () => {
      given(projectDecider, history(BRAND, 'recommended')).when(command('WithdrawApplication', applicant, {}, at(D.assign))).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('ReturnForRevision', () => {
    it('returns a submitted or checked application with a reason', () => {
      for (const step of ['submitted', 'checked'] as const) {
        given(projectDecider, history(BRAND, step))
          .when(command('ReturnForRevision', office, { reason: '材料不全' }, at(D.check)))
          .then([{ type: 'ApplicationReturned', data: { reason: '材料不全', returnedAt: at(D.check), rulesVersion: V } }]);
      }
    });

    it('needs a reason, and comes before recommendation', () => {
      given(projectDecider, history(BRAND, 'submitted')).when(command('ReturnForRevision', office, { reason: '' }, at(D.check))).thenThrows('reason-required', 'validation');
      given(projectDecider, history(BRAND, 'recommended')).when(command('ReturnForRevision', office, { reason: 'x' }, at(D.check))).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('RecordFormalCheck', () => {
    it('records a pass by the region’s recommender, within the check period', () => {
      given(projectDecider, history(BRAND, 'submitted'))
        .when(command('RecordFormalCheck', recommender, { result: 'passed' }, at('2025-10-13'), CTX))
        .then([{ type: 'FormalCheckPassed', data: { result: 'passed', reasons: [], periodEndsOn: '2025-10-13', checkedAt: at('2025-10-13'), rulesVersion: V } }]);
    });

    it('records a failure by the office as an event with its reasons', () => {
      const events = given(projectDecider, history(BRAND, 'submitted'))
        .when(command('RecordFormalCheck', office, { result: 'failed', reasons: ['缺少佐证材料'] }, at(D.check), CTX))
        .then([{ type: 'FormalCheckFailed', data: { result: 'failed', reasons: ['缺少佐证材料'], periodEndsOn: '2025-10-13', checkedAt: at(D.check), rulesVersion: V } }]);
      expect(statusAfter([...history(BRAND, 'submitted'), ...events])).toBe('FormallyRejected');
    });

    it('needs reasons for a failure, and the period not over', () => {
      const submitted = given(projectDecider, history(BRAND, 'submitted'));
      submitted.when(command('RecordFormalCheck', office, { result: 'failed', reasons: [] }, at(D.check), CTX)).thenThrows('reasons-required', 'validation');
      submitted.when(command('RecordFormalCheck', office, { result: 'failed' }, at(D.check), CTX)).thenThrows('reasons-required', 'validation');
      submitted.when(command('RecordFormalCheck', office, { result: 'passed' }, at('2025-10-14'), CTX)).thenThrows('formal-check-period-over', 'illegal-state');
      given(projectDecider, history(BRAND, 'drafted')).when(command('RecordFormalCheck', office, { result: 'passed' }, at(D.check), CTX)).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('Recommend / NotRecommend', () => {
    it('recommends with a rank', () => {
      given(projectDecider, history(BRAND, 'checked'))
        .when(command('Recommend', recommender, { rank: 2, opinion: '推荐' }, at(D.recommend)))
        .then([
          {
            type: 'ApplicationRecommended',
            data: { rank: 2, recommenderOrg: '太原市教育局', region: '太原市', opinion: '推荐', recommendedAt: at(D.recommend), rulesVersion: V },
          },
        ]);
    });

    it('is the city’s 人社局 for a 技工学校 and its 教育局 for every other school', () => {
      const recommending = (recommendation: ProjectContext['recommendation']) =>
        given(projectDecider, history(BRAND, 'checked')).when(command('Recommend', recommender, { rank: 1 }, at(D.recommend), recommendation === undefined ? {} : { recommendation }));
      const bureau = (bureauKind: '教育局' | '人社局') => ({ kind: 'bureau', bureauKind }) as const;
      const school = (schoolKind: '中职' | '技工学校' | '高职') => ({ kind: 'school', schoolKind }) as const;
      recommending({ recommender: bureau('人社局'), applicant: school('技工学校') }).then([expect.objectContaining({ type: 'ApplicationRecommended' })] as never);
      recommending({ recommender: bureau('教育局'), applicant: school('中职') }).then([expect.objectContaining({ type: 'ApplicationRecommended' })] as never);
      expect(recommending({ recommender: bureau('教育局'), applicant: school('技工学校') }).thenThrows('wrong-bureau', 'forbidden').details).toEqual({ expected: '人社局' });
      expect(recommending({ recommender: bureau('人社局'), applicant: school('高职') }).thenThrows('wrong-bureau', 'forbidden').details).toEqual({ expected: '教育局' });
      recommending({ recommender: { kind: 'school', schoolKind: '高职' }, applicant: school('高职') }).thenThrows('not-a-bureau', 'forbidden');
      recommending({ recommender: null, applicant: school('高职') }).thenThrows('not-a-bureau', 'forbidden');
      recommending(undefined).thenThrows('context-required', 'validation');
    });

    it('a rank is from 1 to the recommender limit', () => {
      const checked = given(projectDecider, history(BRAND, 'checked'));
      checked.when(command('Recommend', recommender, { rank: 0 }, at(D.recommend))).thenThrows('invalid-rank', 'validation');
      checked.when(command('Recommend', recommender, { rank: BRAND.rules.perRecommenderLimit + 1 }, at(D.recommend))).thenThrows('invalid-rank', 'validation');
    });

    it('declines with a reason', () => {
      const events = given(projectDecider, history(BRAND, 'checked'))
        .when(command('NotRecommend', recommender, { reason: '名额已满' }, at(D.recommend)))
        .then([{ type: 'ApplicationNotRecommended', data: { reason: '名额已满', recommenderOrg: '太原市教育局', region: '太原市', decidedAt: at(D.recommend), rulesVersion: V } }]);
      expect(statusAfter([...history(BRAND, 'checked'), ...events])).toBe('NotRecommended');
      given(projectDecider, history(BRAND, 'checked')).when(command('NotRecommend', recommender, { reason: '' }, at(D.recommend))).thenThrows('reason-required', 'validation');
    });
  });

  describe('AssignReviewer', () => {
    const assign = (reviewerId: string, reviewerOrg: string, declaredRelations: string[] = []) =>
      command('AssignReviewer', office, { reviewerId, reviewerOrg, declaredRelations }, at(D.assign));

    it('assigns a reviewer and puts the project under review', () => {
      const events = given(projectDecider, history(BRAND, 'recommended'))
        .when(assign('r1', 'univ-1', ['school-x']))
        .then([{ type: 'ReviewerAssigned', data: { reviewerId: 'r1', reviewerOrg: 'univ-1', declaredRelations: ['school-x'], assignedAt: at(D.assign), rulesVersion: V } }]);
      expect(statusAfter([...history(BRAND, 'recommended'), ...events])).toBe('UnderReview');
    });

    it('gives the reviewer the cycle’s days to score from the day of the assignment (14 by default, in Beijing time)', () => {
      const dueOf = (p: Program) => {
        const state = fold(projectDecider, run([assign('r1', 'univ-1')], history(p, 'recommended')));
        return state.status === 'None' ? undefined : state.reviewers.find((r) => r.reviewerId === 'r1')?.dueOn;
      };
      expect(dueOf(BRAND)).toBe(addCalendarDays(D.assign, 14));
      expect(dueOf({ ...BRAND, rules: { ...BRAND.rules, reviewDays: 5 } })).toBe(addCalendarDays(D.assign, 5));
    });

    it('refuses a conflict of interest: same organisation, or a declared relation', () => {
      given(projectDecider, history(BRAND, 'recommended')).when(assign('r1', 'school-a')).thenThrows('conflict-of-interest', 'illegal-state');
      given(projectDecider, history(BRAND, 'recommended')).when(assign('r1', 'univ-1', ['school-a'])).thenThrows('conflict-of-interest', 'illegal-state');
    });

    describe('a reviewer who is a person of the service', () => {
      const asPerson = (reviewer: ReviewerFacts, reviewerOrg = 'what-the-office-typed', declaredRelations: string[] = []) =>
        ({ ...assign('r7', reviewerOrg, declaredRelations), context: { reviewer } }) as ProjectCommand;

      it('is judged on the registry’s organisation and the affiliations the expert declared, beside what the office sent', () => {
        given(projectDecider, history(BRAND, 'recommended'))
          .when(asPerson({ organisationId: 'univ-7', expert: true, affiliations: ['enterprise-9'] }, 'univ-typo', ['school-x']))
          .then([{ type: 'ReviewerAssigned', data: { reviewerId: 'r7', reviewerOrg: 'univ-7', declaredRelations: ['school-x', 'enterprise-9'], assignedAt: at(D.assign), rulesVersion: V } }]);
        // The profile's affiliation with the applicant, or the registry's organisation, is a conflict whatever the office typed.
        given(projectDecider, history(BRAND, 'recommended')).when(asPerson({ organisationId: 'univ-7', expert: true, affiliations: ['school-a'] })).thenThrows('conflict-of-interest', 'illegal-state');
        given(projectDecider, history(BRAND, 'recommended')).when(asPerson({ organisationId: 'school-a', expert: true, affiliations: [] }, 'univ-1')).thenThrows('conflict-of-interest', 'illegal-state');
      });

      it('must be a person in the reviewer pool', () => {
        given(projectDecider, history(BRAND, 'recommended')).when(asPerson({ organisationId: 'univ-7', expert: false, affiliations: [] })).thenThrows('not-an-expert', 'illegal-state');
        // Nobody the registry knows (an id the office mistyped).
        given(projectDecider, history(BRAND, 'recommended')).when({ ...assign('r7', 'univ-7'), context: { reviewer: null } } as ProjectCommand).thenThrows('not-an-expert', 'illegal-state');
        given(projectDecider, history(BRAND, 'recommended')).when({ ...assign('r7', 'univ-7'), context: {} } as ProjectCommand).thenThrows('context-required', 'validation');
      });
    });

    it('assigns a reviewer once, and never one who recused', () => {
      given(projectDecider, history(BRAND, 'reviewers')).when(assign('r1', 'univ-1')).thenThrows('reviewer-already-assigned', 'illegal-state');
      const recused = run([command('DeclareConflict', reviewer(1), { reason: '曾任顾问' }, at(D.score))], history(BRAND, 'reviewers'));
      given(projectDecider, recused).when(assign('r1', 'univ-1')).thenThrows('reviewer-recused', 'illegal-state');
    });

    it('comes after recommendation', () => {
      given(projectDecider, history(BRAND, 'checked')).when(assign('r1', 'univ-1')).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('DeclareConflict', () => {
    it('recuses the assigned reviewer before scoring', () => {
      given(projectDecider, history(BRAND, 'reviewers'))
        .when(command('DeclareConflict', reviewer(2), { reason: '曾任该校顾问' }, at(D.score)))
        .then([{ type: 'ReviewerRecused', data: { reviewerId: 'r2', reason: '曾任该校顾问', recusedAt: at(D.score), rulesVersion: V } }]);
    });

    it('not after scoring, and with a reason', () => {
      given(projectDecider, history(BRAND, 'shortlisted')).when(command('DeclareConflict', reviewer(2), { reason: 'x' }, at(D.score))).thenThrows('invalid-transition', 'illegal-state');
      const oneScored = run([command('ScoreReview', reviewer(1), { score: 70, comments: '一般' }, at(D.score))], history(BRAND, 'reviewers'));
      given(projectDecider, oneScored).when(command('DeclareConflict', reviewer(1), { reason: 'x' }, at(D.score))).thenThrows('already-scored', 'illegal-state');
      given(projectDecider, history(BRAND, 'reviewers')).when(command('DeclareConflict', reviewer(1), { reason: ' ' }, at(D.score))).thenThrows('reason-required', 'validation');
    });
  });

  describe('ScoreReview', () => {
    const score = (n: number, value: number, comments = '意见') => command('ScoreReview', reviewer(n), { score: value, comments }, at(D.score));

    it('records the score with the reviewer’s id and organisation', () => {
      given(projectDecider, history(BRAND, 'reviewers'))
        .when(score(1, 88.5, '特色鲜明'))
        .then([{ type: 'ReviewScored', data: { reviewerId: 'r1', reviewerOrg: 'univ-1', score: 88.5, comments: '特色鲜明', scoredAt: at(D.score), rulesVersion: V } }]);
    });

    it('scores 0–100, with comments, once per reviewer, unless recused', () => {
      const reviewers = given(projectDecider, history(BRAND, 'reviewers'));
      reviewers.when(score(1, 101)).thenThrows('invalid-score', 'validation');
      reviewers.when(score(1, -1)).thenThrows('invalid-score', 'validation');
      reviewers.when(score(1, 80, '')).thenThrows('comments-required', 'validation');
      given(projectDecider, history(BRAND, 'shortlisted')).when(score(1, 80)).thenThrows('invalid-transition', 'illegal-state');
      const oneScored = run([score(1, 70)], history(BRAND, 'reviewers'));
      given(projectDecider, oneScored).when(score(1, 75)).thenThrows('already-scored', 'illegal-state');
      const recused = run([command('DeclareConflict', reviewer(1), { reason: '回避' }, at(D.score))], history(BRAND, 'reviewers'));
      given(projectDecider, recused).when(score(1, 75)).thenThrows('reviewer-recused', 'illegal-state');
    });
  });

  describe('CorrectScore', () => {
    const oneScored = () => run([command('ScoreReview', reviewer(1), { score: 70, comments: '一般' }, at(D.score))], history(BRAND, 'reviewers'));

    it('the office corrects a score with a reason, as a new event', () => {
      given(projectDecider, oneScored())
        .when(command('CorrectScore', office, { reviewerId: 'r1', score: 79, reason: '计分错误' }, at(D.score)))
        .then([{ type: 'ReviewScoreCorrected', data: { reviewerId: 'r1', previousScore: 70, score: 79, reason: '计分错误', correctedAt: at(D.score), rulesVersion: V } }]);
    });

    it('needs a reason, an existing score and a different value', () => {
      const scored = given(projectDecider, oneScored());
      scored.when(command('CorrectScore', office, { reviewerId: 'r1', score: 79, reason: '' }, at(D.score))).thenThrows('reason-required', 'validation');
      scored.when(command('CorrectScore', office, { reviewerId: 'r2', score: 79, reason: 'x' }, at(D.score))).thenThrows('score-not-found', 'not-found');
      scored.when(command('CorrectScore', office, { reviewerId: 'r1', score: 70, reason: 'x' }, at(D.score))).thenThrows('score-unchanged', 'validation');
    });
  });

  describe('RecordSelection', () => {
    const select = (data: CommandOf<'RecordSelection'>['data']) => command('RecordSelection', office, data, at(D.shortlist));

    it('records the cycle’s shortlisting with the scores it rested on', () => {
      given(projectDecider, history(BRAND, 'scored'))
        .when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', reason: '评审会议' }))
        .then([
          {
            type: 'SelectionRecorded',
            data: {
              cycleDecisionId: 'd-1',
              outcome: 'shortlisted',
              tier: null,
              reason: '评审会议',
              scores: [
                { reviewerId: 'r1', score: 81 },
                { reviewerId: 'r2', score: 82 },
                { reviewerId: 'r3', score: 83 },
              ],
              minReviewers: 3,
              decidedAt: at(D.shortlist),
              rulesVersion: V,
            },
          },
        ]);
    });

    it('is idempotent per cycle decision', () => {
      given(projectDecider, history(BRAND, 'shortlisted')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1' })).then([]);
      given(projectDecider, history(BRAND, 'shortlisted')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-9' })).thenThrows('invalid-transition', 'illegal-state');
    });

    it('shortlists only with rules.minReviewers scores', () => {
      const twoScored = run([1, 2].map((n) => command('ScoreReview', reviewer(n), { score: 80, comments: 'ok' }, at(D.score))), history(BRAND, 'reviewers'));
      given(projectDecider, twoScored).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1' })).thenThrows('review-incomplete', 'illegal-state');
      given(projectDecider, history(BRAND, 'recommended')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1' })).thenThrows('review-incomplete', 'illegal-state');
    });

    it('records not-selected with a reason', () => {
      const events = given(projectDecider, history(BRAND, 'recommended'))
        .when(select({ decision: 'not-selected', cycleDecisionId: 'd-1', reason: '排名靠后' }))
        .then([
          {
            type: 'SelectionRecorded',
            data: { cycleDecisionId: 'd-1', outcome: 'not-selected', tier: null, reason: '排名靠后', scores: [], minReviewers: 3, decidedAt: at(D.shortlist), rulesVersion: V },
          },
        ]);
      expect(statusAfter([...history(BRAND, 'recommended'), ...events])).toBe('NotSelected');
      given(projectDecider, history(BRAND, 'scored')).when(select({ decision: 'not-selected', cycleDecisionId: 'd-1', reason: '' })).thenThrows('reason-required', 'validation');
    });

    it('shortlists into one of the cycle’s tiers when it has tiers', () => {
      const tiered: Program = { ...COLLEGE, rules: { ...COLLEGE.rules, tiers: [{ name: 'A', quota: 3 }, { name: 'B', quota: 7 }] } };
      const scored = given(projectDecider, history(tiered, 'scored'));
      scored.when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1' })).thenThrows('tier-required', 'validation');
      scored.when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', tier: 'C' })).thenThrows('unknown-tier', 'validation');
      const [event] = scored.when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', tier: 'A' })).then([expect.objectContaining({ type: 'SelectionRecorded' })] as never);
      expect(event.data).toMatchObject({ tier: 'A' });
      given(projectDecider, history(BRAND, 'scored')).when(select({ decision: 'shortlisted', cycleDecisionId: 'd-1', tier: 'A' })).thenThrows('unknown-tier', 'validation');
    });
  });

  describe('RecordPublicNotice', () => {
    const notice = (data: Partial<CommandOf<'RecordPublicNotice'>['data']> = {}) =>
      command('RecordPublicNotice', office, { noticeId: 'notice-1', startsOn: D.noticeStarts, endsOn: D.noticeEnds, ...data }, at(D.noticeStarts));

    it('records the notice period of a shortlisted project', () => {
      given(projectDecider, history(BRAND, 'shortlisted'))
        .when(notice({ document: NOTICE }))
        .then([
          {
            type: 'PublicNoticeRecorded',
            data: {
              noticeId: 'notice-1',
              startsOn: '2025-10-16',
              endsOn: '2025-10-22',
              endsAt: '2025-10-23T00:00:00+08:00',
              document: NOTICE,
              recordedAt: at(D.noticeStarts),
              rulesVersion: V,
            },
          },
        ]);
    });

    it('is idempotent per notice, needs a shortlisted project and a sound period', () => {
      given(projectDecider, history(BRAND, 'noticed')).when(notice()).then([]);
      given(projectDecider, history(BRAND, 'scored')).when(notice()).thenThrows('invalid-transition', 'illegal-state');
      given(projectDecider, history(BRAND, 'shortlisted')).when(notice({ endsOn: '2025-10-15' })).thenThrows('invalid-notice-period', 'validation');
      given(projectDecider, history(BRAND, 'shortlisted')).when(notice({ startsOn: '16/10/2025' })).thenThrows('invalid-date', 'validation');
    });
  });

  describe('FileObjection', () => {
    const objector = { name: '张三', contact: '13800000000' };
    const object = (data: Partial<CommandOf<'FileObjection'>['data']> = {}, day = '2025-10-20', actor: Actor = otherApplicant) =>
      command('FileObjection', actor, { objectionId: 'o-1', objector, grounds: '数据不实', evidence: [EVIDENCE], ...data }, at(day));

    it('records an identified objection with evidence during the notice', () => {
      given(projectDecider, history(BRAND, 'noticed'))
        .when(object({}, D.noticeEnds))
        .then([{ type: 'ObjectionFiled', data: { objectionId: 'o-1', noticeId: 'notice-1', objector, grounds: '数据不实', evidence: [EVIDENCE], filedAt: at(D.noticeEnds) } }]);
    });

    it('rejects, as an event with its reasons, an anonymous, unevidenced, early or late objection', () => {
      const rejected = (reasons: string[], objectorData: typeof objector | null, evidence: DocumentRef[], day: string) => ({
        type: 'ObjectionRejected',
        data: { objectionId: 'o-1', noticeId: 'notice-1', reasons, objector: objectorData, grounds: '数据不实', evidence, filedAt: at(day), rulesVersion: V },
      });
      const noticed = given(projectDecider, history(BRAND, 'noticed'));
      noticed.when(object({ objector: undefined })).then([rejected(['anonymous'], null, [EVIDENCE], '2025-10-20')] as ProjectEvent[]);
      noticed.when(object({ objector: { name: '张三', contact: ' ' } })).then([rejected(['anonymous'], null, [EVIDENCE], '2025-10-20')] as ProjectEvent[]);
      noticed.when(object({ evidence: [] })).then([rejected(['no-evidence'], objector, [], '2025-10-20')] as ProjectEvent[]);
      noticed.when(object({}, '2025-10-23')).then([rejected(['late'], objector, [EVIDENCE], '2025-10-23')] as ProjectEvent[]);
      noticed.when(object({}, '2025-10-16')).then([expect.objectContaining({ type: 'ObjectionFiled' })] as never);
      noticed.when(object({ objector: undefined, evidence: undefined }, '2025-10-24')).then([rejected(['anonymous', 'no-evidence', 'late'], null, [], '2025-10-24')] as ProjectEvent[]);
      const early = run([command('RecordPublicNotice', office, { noticeId: 'notice-1', startsOn: '2025-10-18', endsOn: '2025-10-24' }, at(D.noticeStarts))], history(BRAND, 'shortlisted'));
      given(projectDecider, early).when(object({}, '2025-10-17')).then([rejected(['before-notice'], objector, [EVIDENCE], '2025-10-17')] as ProjectEvent[]);
    });

    it('takes a member of the public’s objection, with the organisation they speak for, and nothing else of theirs', () => {
      const member: Actor = { id: 'public-0123456789abcdef', role: 'public', org: '' };
      const named = { ...objector, organisation: '太原市某企业' };
      given(projectDecider, history(BRAND, 'noticed'))
        .when(object({ objector: named }, '2025-10-20', member))
        .then([{ type: 'ObjectionFiled', data: { objectionId: 'o-1', noticeId: 'notice-1', objector: named, grounds: '数据不实', evidence: [EVIDENCE], filedAt: at('2025-10-20') } }]);
      // A blank organisation is left out, as if not given.
      given(projectDecider, history(BRAND, 'noticed'))
        .when(object({ objector: { ...objector, organisation: ' ' } }, '2025-10-20', member))
        .then([expect.objectContaining({ data: expect.objectContaining({ objector }) })] as never);
      for (const type of PROJECT_COMMAND_TYPES.filter((t) => t !== 'FileObjection')) {
        expect(() => projectDecider.decide({ type, actor: member, now: at('2025-10-20'), data: {} } as ProjectCommand, fold(projectDecider, history(BRAND, 'noticed')))).toThrow(
          expect.objectContaining({ code: 'role-not-allowed' }),
        );
      }
    });

    it('is open to anyone identified, during a notice only, with grounds and a fresh id', () => {
      given(projectDecider, history(BRAND, 'noticed')).when(object({}, '2025-10-20', reviewer(7))).then([expect.objectContaining({ type: 'ObjectionFiled' })] as never);
      given(projectDecider, history(BRAND, 'noticed')).when(object({ grounds: '' })).thenThrows('grounds-required', 'validation');
      given(projectDecider, history(BRAND, 'shortlisted')).when(object()).thenThrows('invalid-transition', 'illegal-state');
      const filed = run([object()], history(BRAND, 'noticed'));
      given(projectDecider, filed).when(object()).thenThrows('objection-already-filed', 'illegal-state');
    });
  });

  describe('ResolveObjection', () => {
    const filed = () =>
      run([command('FileObjection', otherApplicant, { objectionId: 'o-1', objector: { name: '李四', contact: 'li@example.cn' }, grounds: '数据不实', evidence: [EVIDENCE] }, at('2025-10-20'))], history(BRAND, 'noticed'));
    const resolve = (outcome: 'dismissed' | 'upheld', objectionId = 'o-1') =>
      command('ResolveObjection', office, { objectionId, outcome, reason: '经核查', evidence: [REPORT] }, at('2025-10-23'));

    it('dismisses an objection', () => {
      given(projectDecider, filed())
        .when(resolve('dismissed'))
        .then([{ type: 'ObjectionDismissed', data: { objectionId: 'o-1', reason: '经核查', evidence: [REPORT], resolvedAt: at('2025-10-23'), rulesVersion: V } }]);
    });

    it('upholds an objection and removes the project', () => {
      const events = given(projectDecider, filed())
        .when(resolve('upheld'))
        .then([
          { type: 'ObjectionUpheld', data: { objectionId: 'o-1', reason: '经核查', evidence: [REPORT], resolvedAt: at('2025-10-23'), rulesVersion: V } },
          { type: 'ProjectRemovedAfterObjection', data: { objectionId: 'o-1', reason: '经核查', removedAt: at('2025-10-23'), rulesVersion: V } },
        ]);
      expect(statusAfter([...filed(), ...events])).toBe('RemovedAfterObjection');
    });

    it('resolves an open objection only, once', () => {
      given(projectDecider, filed()).when(resolve('dismissed', 'o-9')).thenThrows('objection-not-found', 'not-found');
      const dismissed = run([resolve('dismissed')], filed());
      given(projectDecider, dismissed).when(resolve('upheld')).thenThrows('objection-not-open', 'illegal-state');
      const inadmissible = run([command('FileObjection', otherApplicant, { objectionId: 'o-2', grounds: '匿名', evidence: [EVIDENCE] }, at('2025-10-20'))], history(BRAND, 'noticed'));
      given(projectDecider, inadmissible).when(resolve('upheld', 'o-2')).thenThrows('objection-not-open', 'illegal-state');
    });
  });

  describe('RecordRemovalFromList', () => {
    const remove = (objectionId?: string) => command('RecordRemovalFromList', office, { removalId: 'e-9', reason: '核实材料不实', ...(objectionId ? { objectionId } : {}) }, at('2025-10-20'));

    it('records the cycle’s removal of a shortlisted project or one in its notice', () => {
      const recorded = { type: 'RemovalFromListRecorded', data: { removalId: 'e-9', reason: '核实材料不实', objectionId: null, removedAt: at('2025-10-20'), rulesVersion: V } };
      const events = given(projectDecider, history(BRAND, 'noticed')).when(remove()).then([recorded] as ProjectEvent[]);
      expect(fold(projectDecider, [...history(BRAND, 'noticed'), ...events]).status).toBe('RemovedFromList');
      given(projectDecider, history(BRAND, 'shortlisted')).when(remove('o-1')).then([{ ...recorded, data: { ...recorded.data, objectionId: 'o-1' } }] as ProjectEvent[]);
    });

    it('changes nothing once removed, by the cycle or by an objection upheld here; refuses other stages', () => {
      const removed = run([remove()], history(BRAND, 'noticed'));
      given(projectDecider, removed).when(remove()).then([]);
      const objected = run(
        [
          command('FileObjection', otherApplicant, { objectionId: 'o-1', objector: { name: '李四', contact: 'li@example.cn' }, grounds: '数据不实', evidence: [EVIDENCE] }, at('2025-10-20')),
          command('ResolveObjection', office, { objectionId: 'o-1', outcome: 'upheld', reason: '属实' }, at('2025-10-21')),
        ],
        history(BRAND, 'noticed'),
      );
      given(projectDecider, objected).when(remove('o-1')).then([]);
      given(projectDecider, history(BRAND, 'scored')).when(remove()).thenThrows('invalid-transition', 'illegal-state');
      given(projectDecider, history(BRAND, 'noticed')).when(command('RecordRemovalFromList', applicant, { removalId: 'e-9', reason: 'x' }, at('2025-10-20'))).thenThrows('role-not-allowed', 'forbidden');
    });
  });

  describe('RecordApproval', () => {
    const approve = (day = D.approve, cycleDecisionId = 'd-2') => command('RecordApproval', office, { cycleDecisionId, reason: '公示无异议', document: NOTICE }, at(day));

    it('approves (立项) once the notice has ended, setting the construction plan’s due date', () => {
      given(projectDecider, history(BRAND, 'noticed'))
        .when(approve('2025-10-23'))
        .then([
          {
            type: 'ProjectApproved',
            data: {
              cycleDecisionId: 'd-2',
              noticeId: 'notice-1',
              tier: null,
              reason: '公示无异议',
              document: NOTICE,
              approvedAt: at('2025-10-23'),
              constructionPlanDueOn: '2025-11-22',
              rulesVersion: V,
            },
          },
        ]);
    });

    it('not during the notice, nor with an open objection', () => {
      given(projectDecider, history(BRAND, 'noticed')).when(approve(D.noticeEnds)).thenThrows('notice-not-ended', 'illegal-state');
      const objected = run(
        [command('FileObjection', otherApplicant, { objectionId: 'o-1', objector: { name: '李四', contact: 'li@example.cn' }, grounds: '数据不实', evidence: [EVIDENCE] }, at('2025-10-20'))],
        history(BRAND, 'noticed'),
      );
      given(projectDecider, objected).when(approve()).thenThrows('open-objection', 'illegal-state');
      const dismissed = run([command('ResolveObjection', office, { objectionId: 'o-1', outcome: 'dismissed', reason: '不成立' }, at('2025-10-23'))], objected);
      given(projectDecider, dismissed).when(approve()).then([expect.objectContaining({ type: 'ProjectApproved' })] as never);
    });

    it('given a program without construction, when the notice has ended, then the project is recognised (认定) and ends there: no plan is due, it may still be revoked', () => {
      const [drafted, ...rest] = history(BRAND, 'noticed');
      const data = drafted.data as { rules: CycleRules };
      const noticed = [{ ...drafted, data: { ...data, rules: { ...data.rules, withoutConstruction: true } } } as ProjectEvent, ...rest];
      const [event] = given(projectDecider, noticed)
        .when(approve('2025-10-23'))
        .then([
          {
            type: 'ProjectRecognised',
            data: { cycleDecisionId: 'd-2', noticeId: 'notice-1', tier: null, reason: '公示无异议', document: NOTICE, recognisedAt: at('2025-10-23'), rulesVersion: V },
          },
        ]);
      const recognised = [...noticed, event];
      expect(stateOf(recognised)).toMatchObject({ status: 'Recognised', approval: { approvedOn: '2025-10-23', constructionPlanDueOn: null } });
      given(projectDecider, recognised).when(approve('2025-10-24')).then([]);
      given(projectDecider, recognised)
        .when(command('SubmitConstructionPlan', applicant, { plan: FORM, taskBook: FORM }, at('2025-10-30')))
        .thenThrows('invalid-transition', 'illegal-state');
      given(projectDecider, recognised)
        .when(command('RevokeProject', office, { reason: 'fraud', explanation: '申报材料造假', evidence: [EVIDENCE] }, at('2026-03-01')))
        .then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
    });

    it('is idempotent per cycle decision', () => {
      given(projectDecider, history(BRAND, 'approved')).when(approve()).then([]);
      given(projectDecider, history(BRAND, 'approved')).when(approve(D.approve, 'd-3')).thenThrows('invalid-transition', 'illegal-state');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('construction and evaluation (domain.md §4)', () => {
  describe('SubmitConstructionPlan / RecordConstructionPlanOverdue', () => {
    const plan = (day: string) => command('SubmitConstructionPlan', applicant, { plan: PLAN, taskBook: TASK_BOOK }, at(day));
    const overdue = (day: string) => command('RecordConstructionPlanOverdue', office, {}, at(day));

    it('submits the plan and task book, on time', () => {
      given(projectDecider, history(BRAND, 'approved'))
        .when(plan(D.planSubmit))
        .then([
          {
            type: 'ConstructionPlanSubmitted',
            data: { plan: PLAN, taskBook: TASK_BOOK, dueOn: D.planDue, late: false, submissionNo: 1, submittedAt: at(D.planSubmit), rulesVersion: V },
          },
        ]);
    });

    it('records a late plan as late', () => {
      const [event] = given(projectDecider, history(BRAND, 'approved')).when(plan('2025-11-24')).then([expect.objectContaining({ type: 'ConstructionPlanSubmitted' })] as never);
      expect(event.data).toMatchObject({ late: true, dueOn: D.planDue });
    });

    it('comes after approval', () => {
      given(projectDecider, history(BRAND, 'noticed')).when(plan(D.planSubmit)).thenThrows('invalid-transition', 'illegal-state');
    });

    it('records the missed deadline once, and not before it or after a submission', () => {
      given(projectDecider, history(BRAND, 'approved'))
        .when(overdue('2025-11-24'))
        .then([{ type: 'ConstructionPlanOverdue', data: { dueOn: D.planDue, recordedAt: at('2025-11-24'), rulesVersion: V } }]);
      given(projectDecider, history(BRAND, 'approved')).when(overdue(D.planDue)).thenThrows('not-yet-due', 'illegal-state');
      given(projectDecider, run([overdue('2025-11-24')], history(BRAND, 'approved'))).when(overdue('2025-11-25')).then([]);
      given(projectDecider, history(BRAND, 'planSubmitted')).when(overdue('2025-11-24')).then([]);
      given(projectDecider, history(BRAND, 'noticed')).when(overdue('2025-11-24')).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('AcceptConstructionPlan / RejectConstructionPlan', () => {
    it('accepting starts construction for rules.constructionMonths', () => {
      const events = given(projectDecider, history(BRAND, 'planSubmitted'))
        .when(command('AcceptConstructionPlan', office, {}, at(D.accept)))
        .then([
          {
            type: 'ConstructionPlanAccepted',
            data: {
              constructionStartsOn: '2025-11-20',
              constructionEndsOn: '2028-11-20',
              midtermDueOn: '2027-05-20',
              annualReportsDue: [
                { year: 2025, dueOn: '2026-03-31' },
                { year: 2026, dueOn: '2027-03-31' },
                { year: 2027, dueOn: '2028-03-31' },
              ],
              acceptedAt: at(D.accept),
              rulesVersion: V,
            },
          },
        ]);
      expect(statusAfter([...history(BRAND, 'planSubmitted'), ...events])).toBe('UnderConstruction');
    });

    it('a rejected plan goes back to the applicant, who resubmits', () => {
      const rejected = given(projectDecider, history(BRAND, 'planSubmitted'))
        .when(command('RejectConstructionPlan', office, { reasons: ['目标不明确'] }, at(D.accept)))
        .then([{ type: 'ConstructionPlanRejected', data: { reasons: ['目标不明确'], rejectedAt: at(D.accept), rulesVersion: V } }]);
      const events = [...history(BRAND, 'planSubmitted'), ...rejected];
      expect(statusAfter(events)).toBe('Approved');
      const [resubmitted] = given(projectDecider, events)
        .when(command('SubmitConstructionPlan', applicant, { plan: PLAN, taskBook: TASK_BOOK }, at('2025-11-25')))
        .then([expect.objectContaining({ type: 'ConstructionPlanSubmitted' })] as never);
      expect(resubmitted.data).toMatchObject({ submissionNo: 2, late: true });
      given(projectDecider, history(BRAND, 'planSubmitted')).when(command('RejectConstructionPlan', office, { reasons: [] }, at(D.accept))).thenThrows('reasons-required', 'validation');
      given(projectDecider, history(BRAND, 'approved')).when(command('AcceptConstructionPlan', office, {}, at(D.accept))).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('SubmitAnnualReport / RecordAnnualReportOverdue', () => {
    const report = (year: number, day: string) => command('SubmitAnnualReport', applicant, { year, report: REPORT }, at(day));
    const overdue = (year: number, day: string) => command('RecordAnnualReportOverdue', office, { year }, at(day));

    it('submits one report a year, due on rules.annualReportDue of the next year', () => {
      given(projectDecider, history(BRAND, 'planAccepted'))
        .when(report(2025, D.report))
        .then([{ type: 'AnnualReportSubmitted', data: { year: 2025, report: REPORT, dueOn: '2026-03-31', late: false, submittedAt: at(D.report), rulesVersion: V } }]);
      const [late] = given(projectDecider, history(BRAND, 'planAccepted')).when(report(2025, '2026-04-01')).then([expect.objectContaining({ type: 'AnnualReportSubmitted' })] as never);
      expect(late.data).toMatchObject({ late: true });
      given(projectDecider, history(BRAND, 'reported')).when(report(2025, '2026-03-02')).thenThrows('annual-report-already-submitted', 'illegal-state');
    });

    it('reports on a year of construction that has begun, during construction or service', () => {
      given(projectDecider, history(BRAND, 'planAccepted')).when(report(2024, D.report)).thenThrows('invalid-year', 'validation');
      given(projectDecider, history(BRAND, 'planAccepted')).when(report(2027, D.report)).thenThrows('invalid-year', 'validation');
      given(projectDecider, history(BRAND, 'planSubmitted')).when(report(2025, D.report)).thenThrows('invalid-transition', 'illegal-state');
      given(projectDecider, history(BRAND, 'accredited')).when(report(2028, '2029-03-01')).then([expect.objectContaining({ type: 'AnnualReportSubmitted' })] as never);
    });

    it('records a missed report once the due date has passed, once', () => {
      given(projectDecider, history(BRAND, 'planAccepted'))
        .when(overdue(2025, '2026-04-01'))
        .then([{ type: 'AnnualReportOverdue', data: { year: 2025, dueOn: '2026-03-31', recordedAt: at('2026-04-01'), rulesVersion: V } }]);
      given(projectDecider, history(BRAND, 'planAccepted')).when(overdue(2025, '2026-03-31')).thenThrows('not-yet-due', 'illegal-state');
      given(projectDecider, run([overdue(2025, '2026-04-01')], history(BRAND, 'planAccepted'))).when(overdue(2025, '2026-04-02')).then([]);
      given(projectDecider, history(BRAND, 'reported')).when(overdue(2025, '2026-04-01')).then([]);
    });
  });

  describe('RequestChange / DecideChange', () => {
    const request = () => command('RequestChange', applicant, { description: '调整建设内容', documents: [REPORT] }, at('2026-05-01'));
    const requested = () => run([request()], history(BRAND, 'planAccepted'));
    const decide = (decision: 'approved' | 'rejected', changeId = 'change-1') =>
      command('DecideChange', office, { changeId, decision, reason: '专家论证通过', expertReview: EVIDENCE }, at('2026-05-20'));

    it('requests a change during construction', () => {
      given(projectDecider, history(BRAND, 'planAccepted'))
        .when(request())
        .then([{ type: 'ChangeRequested', data: { changeId: 'change-1', description: '调整建设内容', documents: [REPORT], requestedAt: at('2026-05-01'), rulesVersion: V } }]);
      given(projectDecider, history(BRAND, 'planAccepted'))
        .when(command('RequestChange', applicant, { description: '调整', documents: [] }, at('2026-05-01')))
        .thenThrows('documents-required', 'validation');
      given(projectDecider, history(BRAND, 'approved')).when(request()).thenThrows('invalid-transition', 'illegal-state');
    });

    it('the office approves or rejects it on an expert review', () => {
      const data = { changeId: 'change-1', reason: '专家论证通过', expertReview: EVIDENCE, decidedAt: at('2026-05-20'), rulesVersion: V };
      given(projectDecider, requested()).when(decide('approved')).then([{ type: 'ChangeApproved', data }]);
      given(projectDecider, requested()).when(decide('rejected')).then([{ type: 'ChangeRejected', data }]);
      given(projectDecider, requested()).when(decide('approved', 'change-2')).thenThrows('change-not-found', 'not-found');
      given(projectDecider, run([decide('approved')], requested())).when(decide('rejected')).thenThrows('change-already-decided', 'illegal-state');
    });
  });

  describe('RecordMidtermEvaluation', () => {
    const findings = { targetsAndTasks: '按期推进', useOfFunds: '合规', results: '显著', impact: '良好' };
    const midterm = (tasksCompletedPercent: number, p: Program = SECONDARY, grade = passGrade(p)) =>
      command('RecordMidtermEvaluation', office, { findings, grade, tasksCompletedPercent, report: REPORT }, at(days(p).midterm));

    it('records the four dimensions, the grade with its scale and the share of tasks done', () => {
      given(projectDecider, history(SECONDARY, 'reported'))
        .when(midterm(55))
        .then([
          {
            type: 'MidtermEvaluated',
            data: {
              findings,
              grade: '优',
              gradeScale: SECONDARY.rules.gradeScale,
              tasksCompletedPercent: 55,
              minTasksPercent: 30,
              belowMinTasks: false,
              report: REPORT,
              evaluatedAt: at(days(SECONDARY).midterm),
              rulesVersion: SECONDARY.rulesVersion,
            },
          },
        ]);
    });

    it('flags fewer than 30% of tasks done, or the rules’ own threshold', () => {
      const [below] = given(projectDecider, history(SECONDARY, 'reported')).when(midterm(29.5)).then([expect.objectContaining({ type: 'MidtermEvaluated' })] as never);
      expect(below.data).toMatchObject({ belowMinTasks: true, minTasksPercent: 30 });
      const strict: Program = { ...SECONDARY, rules: { ...SECONDARY.rules, midtermMinTasksPercent: 40 } };
      const [strictBelow] = given(projectDecider, history(strict, 'reported')).when(midterm(35, strict)).then([expect.objectContaining({ type: 'MidtermEvaluated' })] as never);
      expect(strictBelow.data).toMatchObject({ belowMinTasks: true, minTasksPercent: 40 });
    });

    it('needs every dimension, a grade of the scale, a percentage, once, during construction', () => {
      const reported = given(projectDecider, history(SECONDARY, 'reported'));
      reported.when(command('RecordMidtermEvaluation', office, { findings: { ...findings, impact: '' }, grade: '优', tasksCompletedPercent: 50, report: REPORT }, at(days(SECONDARY).midterm))).thenThrows('findings-required', 'validation');
      reported.when(midterm(50, SECONDARY, '优秀')).thenThrows('unknown-grade', 'validation');
      reported.when(midterm(101)).thenThrows('invalid-percent', 'validation');
      given(projectDecider, history(SECONDARY, 'midterm')).when(midterm(50)).thenThrows('invalid-transition', 'illegal-state');
      const rectified = run(
        [
          command('OrderRectification', office, { findings: ['资金使用不规范'], deadline: '2027-12-31' }, at(days(SECONDARY).midterm)),
          command('SubmitRectification', applicant, { report: REPORT }, at('2027-09-01')),
          command('AcceptRectification', office, { reason: '整改到位' }, at('2027-09-10')),
          command('GrantExtension', office, { newEndsOn: '2029-06-30', reason: '疫情', request: EVIDENCE }, at('2027-09-15')),
        ],
        history(SECONDARY, 'midterm'),
      );
      given(projectDecider, rectified).when(midterm(50)).thenThrows('midterm-already-recorded', 'illegal-state');
    });
  });

  describe('rectification', () => {
    const M = days(SECONDARY).midterm; // 2027-05-25
    const order = (deadline: string, from: Step = 'midterm', p: Program = SECONDARY) =>
      given(projectDecider, history(p, from)).when(command('OrderRectification', office, { findings: ['资金使用不规范'], deadline }, at(M)));
    const ordered = () => run([command('OrderRectification', office, { findings: ['资金使用不规范'], deadline: '2027-11-30' }, at(M))], history(SECONDARY, 'midterm'));
    const submitted = () => run([command('SubmitRectification', applicant, { report: REPORT }, at('2027-11-01'))], ordered());
    const SV = SECONDARY.rulesVersion;

    it('OrderRectification sets a deadline of at most rules.maxRectificationMonths', () => {
      order('2027-11-30').then([
        {
          type: 'RectificationOrdered',
          data: {
            rectificationId: 'rectification-1',
            findings: ['资金使用不规范'],
            deadline: '2027-11-30',
            maxRectificationMonths: 24,
            orderedFrom: 'MidtermEvaluated',
            orderedAt: at(M),
            rulesVersion: SV,
          },
        },
      ]);
      order('2029-05-25').then([expect.objectContaining({ type: 'RectificationOrdered' })] as never);
      order('2029-05-26').thenThrows('rectification-deadline-too-far', 'validation');
      order(M).thenThrows('invalid-deadline', 'validation');
      given(projectDecider, history(SECONDARY, 'midterm')).when(command('OrderRectification', office, { findings: [], deadline: '2027-11-30' }, at(M))).thenThrows('findings-required', 'validation');
      order('2027-11-30', 'planAccepted').then([expect.objectContaining({ type: 'RectificationOrdered' })] as never);
      order('2027-11-30', 'approved').thenThrows('invalid-transition', 'illegal-state');
    });

    it('SubmitRectification by the deadline, once', () => {
      given(projectDecider, ordered())
        .when(command('SubmitRectification', applicant, { report: REPORT }, at('2027-11-30')))
        .then([{ type: 'RectificationSubmitted', data: { rectificationId: 'rectification-1', report: REPORT, submittedAt: at('2027-11-30'), rulesVersion: SV } }]);
      given(projectDecider, ordered()).when(command('SubmitRectification', applicant, { report: REPORT }, at('2027-12-01'))).thenThrows('rectification-deadline-passed', 'illegal-state');
      given(projectDecider, submitted()).when(command('SubmitRectification', applicant, { report: REPORT }, at('2027-11-02'))).thenThrows('rectification-already-submitted', 'illegal-state');
    });

    it('AcceptRectification returns the project where it was', () => {
      const events = given(projectDecider, submitted())
        .when(command('AcceptRectification', office, { reason: '整改到位' }, at('2027-11-10')))
        .then([{ type: 'RectificationAccepted', data: { rectificationId: 'rectification-1', reason: '整改到位', decidedAt: at('2027-11-10'), rulesVersion: SV } }]);
      expect(statusAfter([...submitted(), ...events])).toBe('MidtermEvaluated');
      given(projectDecider, ordered()).when(command('AcceptRectification', office, { reason: 'x' }, at('2027-11-10'))).thenThrows('rectification-not-submitted', 'illegal-state');
    });

    it('FailRectification after a poor report, or after a deadline missed', () => {
      given(projectDecider, submitted())
        .when(command('FailRectification', office, { reason: '整改不到位' }, at('2027-11-10')))
        .then([{ type: 'RectificationFailed', data: { rectificationId: 'rectification-1', reason: '整改不到位', submitted: true, decidedAt: at('2027-11-10'), rulesVersion: SV } }]);
      const [missed] = given(projectDecider, ordered()).when(command('FailRectification', office, { reason: '逾期未整改' }, at('2027-12-01'))).then([expect.objectContaining({ type: 'RectificationFailed' })] as never);
      expect(missed.data).toMatchObject({ submitted: false });
      given(projectDecider, ordered()).when(command('FailRectification', office, { reason: 'x' }, at('2027-11-30'))).thenThrows('rectification-pending', 'illegal-state');
    });

    describe('RecordRectificationOverdue', () => {
      const overdue = (day: string, rectificationId = 'rectification-1') => command('RecordRectificationOverdue', office, { rectificationId }, at(day));
      const missed = () => run([overdue('2027-12-01')], ordered());

      it('records the deadline missed with nothing submitted, once the deadline’s day is over', () => {
        const events = given(projectDecider, ordered())
          .when(overdue('2027-12-01'))
          .then([{ type: 'RectificationOverdue', data: { rectificationId: 'rectification-1', deadline: '2027-11-30', recordedAt: at('2027-12-01'), rulesVersion: SV } }]);
        const after = stateOf([...ordered(), ...events]);
        expect(after.status).toBe('Rectification');
        expect(after.rectifications).toEqual([
          { rectificationId: 'rectification-1', deadline: '2027-11-30', orderedFrom: 'MidtermEvaluated', submitted: false, overdue: true, outcome: 'open' },
        ]);
        // The deadline's own day is still the applicant's, to its last instant (Beijing time).
        given(projectDecider, ordered()).when(overdue('2027-11-30')).thenThrows('not-yet-due', 'illegal-state');
        given(projectDecider, ordered()).when(command('RecordRectificationOverdue', office, { rectificationId: 'rectification-1' }, '2027-11-30T23:59:59.999+08:00')).thenThrows('not-yet-due', 'illegal-state');
        given(projectDecider, ordered()).when(command('RecordRectificationOverdue', office, { rectificationId: 'rectification-1' }, '2027-12-01T00:00:00+08:00')).then([expect.objectContaining({ type: 'RectificationOverdue' })] as never);
      });

      it('is idempotent: nothing once recorded, once submitted, once decided, or once the project is revoked', () => {
        given(projectDecider, missed()).when(overdue('2027-12-02')).then([]);
        given(projectDecider, submitted()).when(overdue('2027-12-01')).then([]);
        const accepted = run([command('AcceptRectification', office, { reason: '整改到位' }, at('2027-11-10'))], submitted());
        given(projectDecider, accepted).when(overdue('2027-12-01')).then([]);
        const failed = run([command('FailRectification', office, { reason: '整改不到位' }, at('2027-11-10'))], submitted());
        given(projectDecider, failed).when(overdue('2027-12-01')).then([]);
        const revoked = run([command('RevokeProject', office, { reason: 'fraud', explanation: '数据造假', evidence: [EVIDENCE] }, at('2027-11-15'))], ordered());
        given(projectDecider, revoked).when(overdue('2027-12-01')).then([]);
      });

      it('names an existing rectification, by the office', () => {
        given(projectDecider, ordered()).when(overdue('2027-12-01', 'rectification-2')).thenThrows('rectification-not-found', 'not-found');
        given(projectDecider, history(SECONDARY, 'midterm')).when(overdue('2027-12-01')).thenThrows('rectification-not-found', 'not-found');
        given(projectDecider, ordered()).when(command('RecordRectificationOverdue', office, { rectificationId: '' }, at('2027-12-01'))).thenThrows('invalid-field', 'validation');
        given(projectDecider, ordered()).when(command('RecordRectificationOverdue', applicant, { rectificationId: 'rectification-1' }, at('2027-12-01'))).thenThrows('role-not-allowed', 'forbidden');
      });

      it('after it, a report is refused and the office fails the rectification, then suspends', () => {
        given(projectDecider, missed()).when(command('SubmitRectification', applicant, { report: REPORT }, at('2027-12-02'))).thenThrows('rectification-deadline-passed', 'illegal-state');
        given(projectDecider, missed()).when(command('AcceptRectification', office, { reason: 'x' }, at('2027-12-02'))).thenThrows('rectification-not-submitted', 'illegal-state');
        const failed = given(projectDecider, missed())
          .when(command('FailRectification', office, { reason: '逾期未整改' }, at('2027-12-02')))
          .then([{ type: 'RectificationFailed', data: { rectificationId: 'rectification-1', reason: '逾期未整改', submitted: false, decidedAt: at('2027-12-02'), rulesVersion: SV } }]);
        const [suspended] = given(projectDecider, [...missed(), ...failed])
          .when(command('Suspend', office, { reason: '逾期未整改' }, at('2027-12-10')))
          .then([expect.objectContaining({ type: 'ProjectSuspended' })] as never);
        expect(suspended.data).toMatchObject({ trigger: 'failed-rectification' });
      });

      it('a revocation records the rectification it leaves open', () => {
        const [revoked] = given(projectDecider, missed())
          .when(command('RevokeProject', office, { reason: 'failed-rectification', explanation: '逾期未整改', evidence: [EVIDENCE] }, at('2027-12-05')))
          .then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
        expect(revoked.data).toMatchObject({ revokedFrom: 'Rectification', openRectificationId: 'rectification-1' });
      });
    });

    it('Suspend after a failed rectification bans re-application for good [S]', () => {
      const failed = run([command('FailRectification', office, { reason: '整改不到位' }, at('2027-11-10'))], submitted());
      const events = given(projectDecider, failed)
        .when(command('Suspend', office, { reason: '重大问题整改后仍未解决' }, at('2027-12-01')))
        .then([
          {
            type: 'ProjectSuspended',
            data: {
              trigger: 'failed-rectification',
              reason: '重大问题整改后仍未解决',
              programType: 'secondary-school',
              applicantOrg: 'school-a',
              tasksCompletedPercent: 55,
              banUntil: '2127-12-01',
              mayReapply: false,
              suspendedAt: at('2027-12-01'),
              rulesVersion: SV,
            },
          },
        ]);
      expect(stateOf([...failed, ...events])).toMatchObject({ status: 'Suspended', ban: { until: '2127-12-01', mayReapply: false } });
    });

    it('Suspend after a mid-term with too few tasks done, not otherwise', () => {
      const below = run(
        [command('RecordMidtermEvaluation', office, { findings: { targetsAndTasks: '滞后', useOfFunds: '滞后', results: '少', impact: '小' }, grade: '差', tasksCompletedPercent: 20, report: REPORT }, at(M))],
        history(SECONDARY, 'reported'),
      );
      const [suspended] = given(projectDecider, below).when(command('Suspend', office, { reason: '任务完成不足30%' }, at(M))).then([expect.objectContaining({ type: 'ProjectSuspended' })] as never);
      expect(suspended.data).toMatchObject({ trigger: 'midterm-below-min-tasks', tasksCompletedPercent: 20 });
      given(projectDecider, history(SECONDARY, 'midterm')).when(command('Suspend', office, { reason: 'x' }, at(M))).thenThrows('suspension-not-warranted', 'illegal-state');
      given(projectDecider, history(SECONDARY, 'planAccepted')).when(command('Suspend', office, { reason: 'x' }, at(M))).thenThrows('invalid-transition', 'illegal-state');
      given(projectDecider, below).when(command('Suspend', office, { reason: '' }, at(M))).thenThrows('reason-required', 'validation');
    });
  });

  describe('SubmitFinalSelfAssessment / GrantExtension', () => {
    const d = days(BRAND);
    const selfAssess = (day: string) => command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(day));
    const extend = (newEndsOn: string, day = '2028-10-01') => command('GrantExtension', office, { newEndsOn, reason: '申请延期', request: EVIDENCE }, at(day));

    it('submits the self-assessment once construction has ended', () => {
      given(projectDecider, history(BRAND, 'midterm'))
        .when(selfAssess(d.end))
        .then([{ type: 'FinalSelfAssessmentSubmitted', data: { report: REPORT, constructionEndsOn: '2028-11-20', submissionNo: 1, submittedAt: at(d.end), rulesVersion: V } }]);
      given(projectDecider, history(BRAND, 'midterm')).when(selfAssess('2028-11-19')).thenThrows('construction-not-ended', 'illegal-state');
      given(projectDecider, history(BRAND, 'approved')).when(selfAssess(d.end)).thenThrows('invalid-transition', 'illegal-state');
    });

    it('an extension on the applicant’s request moves the end of construction', () => {
      const events = given(projectDecider, history(BRAND, 'midterm'))
        .when(extend('2029-05-31'))
        .then([{ type: 'EvaluationExtended', data: { previousEndsOn: '2028-11-20', newEndsOn: '2029-05-31', reason: '申请延期', request: EVIDENCE, grantedAt: at('2028-10-01'), rulesVersion: V } }]);
      const extended = [...history(BRAND, 'midterm'), ...events];
      expect(statusAfter(extended)).toBe('Extended');
      given(projectDecider, extended).when(selfAssess(d.selfAssess)).thenThrows('construction-not-ended', 'illegal-state');
      given(projectDecider, extended).when(selfAssess('2029-05-31')).then([expect.objectContaining({ type: 'FinalSelfAssessmentSubmitted' })] as never);
    });

    describe('RecordConstructionPeriodEnded', () => {
      const ended = (day: string) => command('RecordConstructionPeriodEnded', office, {}, at(day));
      const after = '2028-11-21';

      it('records the end of construction once its last day is over, the status unchanged', () => {
        const events = given(projectDecider, history(BRAND, 'midterm'))
          .when(ended(after))
          .then([{ type: 'ConstructionPeriodEnded', data: { endsOn: '2028-11-20', recordedAt: at(after), rulesVersion: V } }]);
        const state = stateOf([...history(BRAND, 'midterm'), ...events]);
        expect(state).toMatchObject({ status: 'MidtermEvaluated', constructionEndedOn: '2028-11-20', construction: { endsOn: '2028-11-20' } });
        // The final self-assessment is due, and still accepted.
        given(projectDecider, [...history(BRAND, 'midterm'), ...events]).when(selfAssess(after)).then([expect.objectContaining({ type: 'FinalSelfAssessmentSubmitted' })] as never);
        given(projectDecider, history(BRAND, 'planAccepted')).when(ended(after)).then([expect.objectContaining({ type: 'ConstructionPeriodEnded' })] as never);
      });

      it('is not due on the last day itself', () => {
        given(projectDecider, history(BRAND, 'midterm')).when(ended(d.end)).thenThrows('not-yet-due', 'illegal-state');
        given(projectDecider, history(BRAND, 'midterm')).when(command('RecordConstructionPeriodEnded', office, {}, '2028-11-20T23:59:59.999+08:00')).thenThrows('not-yet-due', 'illegal-state');
      });

      it('is idempotent: nothing once recorded, or once construction was left', () => {
        given(projectDecider, run([ended(after)], history(BRAND, 'midterm'))).when(ended('2028-12-01')).then([]);
        given(projectDecider, history(BRAND, 'selfAssessed')).when(ended(after)).then([]);
        given(projectDecider, history(BRAND, 'accredited')).when(ended('2029-06-01')).then([]);
        const suspended = run(
          [
            command('RecordMidtermEvaluation', office, { findings: { targetsAndTasks: '滞后', useOfFunds: '滞后', results: '少', impact: '小' }, grade: '不通过', tasksCompletedPercent: 10, report: REPORT }, at(d.midterm)),
            command('Suspend', office, { reason: '任务完成不足30%' }, at(d.midterm)),
          ],
          history(BRAND, 'reported'),
        );
        given(projectDecider, suspended).when(ended(after)).then([]);
      });

      it('an extension moves the end, which passes again and is recorded again', () => {
        const once = run([ended(after)], history(BRAND, 'midterm'));
        const extended = run([extend('2029-05-31', '2028-12-01')], once);
        given(projectDecider, extended).when(ended('2029-05-31')).thenThrows('not-yet-due', 'illegal-state');
        given(projectDecider, extended)
          .when(ended('2029-06-01'))
          .then([{ type: 'ConstructionPeriodEnded', data: { endsOn: '2029-05-31', recordedAt: at('2029-06-01'), rulesVersion: V } }]);
        // Extended before the first end passed: only the new end is recorded.
        given(projectDecider, run([extend('2029-05-31')], history(BRAND, 'midterm'))).when(ended(after)).thenThrows('not-yet-due', 'illegal-state');
      });

      it('needs construction to have started, a project not revoked, and the office', () => {
        given(projectDecider, history(BRAND, 'planSubmitted')).when(ended(after)).thenThrows('invalid-transition', 'illegal-state');
        given(projectDecider, history(BRAND, 'noticed')).when(ended(after)).thenThrows('invalid-transition', 'illegal-state');
        const revoked = run([command('RevokeProject', office, { reason: 'fraud', explanation: '数据造假', evidence: [EVIDENCE] }, at('2027-06-01'))], history(BRAND, 'midterm'));
        given(projectDecider, revoked).when(ended(after)).thenThrows('invalid-transition', 'illegal-state');
        given(projectDecider, history(BRAND, 'midterm')).when(command('RecordConstructionPeriodEnded', applicant, {}, at(after))).thenThrows('role-not-allowed', 'forbidden');
      });
    });

    it('an extension ends later than now and than the current end, on a real day', () => {
      given(projectDecider, history(BRAND, 'midterm')).when(extend('2028-11-20')).thenThrows('invalid-extension', 'validation');
      given(projectDecider, history(BRAND, 'midterm')).when(extend('2028-12-01', '2028-12-05')).thenThrows('invalid-extension', 'validation');
      given(projectDecider, history(BRAND, 'midterm')).when(extend('2029-02-29')).thenThrows('invalid-date', 'validation');
    });
  });

  describe('RecordFinalEvaluation / Accredit', () => {
    const evaluate = (p: Program, grade: string, day = days(p).evaluate) =>
      command('RecordFinalEvaluation', office, { grade, findings: '验收意见', report: REPORT }, at(day));

    it('records the grade with its scale and rules version, and the rectifications considered', () => {
      given(projectDecider, history(BRAND, 'selfAssessed'))
        .when(evaluate(BRAND, '良好'))
        .then([
          {
            type: 'FinalEvaluated',
            data: {
              evaluationNo: 1,
              grade: '良好',
              gradeScale: BRAND.rules.gradeScale,
              outcome: 'passed',
              barsNextCycle: false,
              findings: '验收意见',
              report: REPORT,
              rectifications: [],
              evaluatedAt: at(days(BRAND).evaluate),
              rulesVersion: V,
            },
          },
        ]);
    });

    it('given a project rectified after its mid-term, when it is evaluated at the end, then the evaluation records the rectification and its outcome', () => {
      const rectified = run(
        [
          command('OrderRectification', office, { findings: ['资金使用不规范'], deadline: '2027-12-31' }, at(days(SECONDARY).midterm)),
          command('SubmitRectification', applicant, { report: REPORT }, at('2027-09-01')),
          command('AcceptRectification', office, { reason: '整改到位' }, at('2027-09-10')),
          command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(days(SECONDARY).selfAssess)),
        ],
        history(SECONDARY, 'midterm'),
      );
      const ordered = rectified.find((e) => e.type === 'RectificationOrdered') as Extract<ProjectEvent, { type: 'RectificationOrdered' }>;
      const [event] = given(projectDecider, rectified).when(evaluate(SECONDARY, '良')).then([expect.objectContaining({ type: 'FinalEvaluated' })] as never);
      expect(event.data).toMatchObject({ outcome: 'passed', rectifications: [{ rectificationId: ordered.data.rectificationId, outcome: 'accepted' }] });
    });

    it('a barring grade fails and bars the next cycle', () => {
      const [event] = given(projectDecider, history(SECONDARY, 'selfAssessed')).when(evaluate(SECONDARY, '差')).then([expect.objectContaining({ type: 'FinalEvaluated' })] as never);
      expect(event.data).toMatchObject({ outcome: 'failed', barsNextCycle: true, grade: '差' });
      expect(statusAfter([...history(SECONDARY, 'selfAssessed'), event])).toBe('Failed');
    });

    it('a deferring grade defers, and the project is evaluated again', () => {
      const deferred = run([evaluate(COURSE, '暂缓通过')], history(COURSE, 'selfAssessed'));
      expect(statusAfter(deferred)).toBe('Deferred');
      const [again] = given(projectDecider, deferred).when(evaluate(COURSE, '通过', '2027-03-01')).then([expect.objectContaining({ type: 'FinalEvaluated' })] as never);
      expect(again.data).toMatchObject({ evaluationNo: 2, outcome: 'passed' });
      const resubmitted = run([command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at('2027-02-01'))], deferred);
      expect(stateOf(resubmitted)).toMatchObject({ status: 'FinalSelfAssessed', selfAssessments: 2 });
    });

    it('needs a grade of the cycle’s scale, after the self-assessment', () => {
      given(projectDecider, history(BRAND, 'selfAssessed')).when(evaluate(BRAND, '优')).thenThrows('unknown-grade', 'validation');
      given(projectDecider, history(BRAND, 'midterm')).when(evaluate(BRAND, '优秀')).thenThrows('invalid-transition', 'illegal-state');
    });

    it('Accredit on a passing grade; a quality course then owes rules.course.serviceYears of updates', () => {
      const c = days(COURSE);
      given(projectDecider, history(COURSE, 'evaluated'))
        .when(command('Accredit', office, { document: NOTICE }, at(c.accredit)))
        .then([
          {
            type: 'ProjectAccredited',
            data: {
              grade: '通过',
              accreditedOn: c.accredit,
              service: { years: 5, firstAcademicYear: 2026, lastAcademicYear: 2030 },
              document: NOTICE,
              accreditedAt: at(c.accredit),
              rulesVersion: COURSE.rulesVersion,
            },
          },
        ]);
      const [brand] = given(projectDecider, history(BRAND, 'evaluated')).when(command('Accredit', office, {}, at(D.accredit))).then([expect.objectContaining({ type: 'ProjectAccredited' })] as never);
      expect(brand.data).toMatchObject({ service: null, document: null, grade: '优秀' });
      const failed = run([evaluate(BRAND, '不通过')], history(BRAND, 'selfAssessed'));
      given(projectDecider, failed).when(command('Accredit', office, {}, at(D.accredit))).thenThrows('invalid-transition', 'illegal-state');
    });
  });

  describe('quality-course service: SubmitCourseUpdate / RecordCourseUpdateOverdue', () => {
    const update = (academicYear: number, day: string) => command('SubmitCourseUpdate', applicant, { academicYear, summary: '更新教学视频', documents: [REPORT] }, at(day));
    const overdue = (academicYear: number, day: string) => command('RecordCourseUpdateOverdue', office, { academicYear }, at(day));
    const CV = COURSE.rulesVersion;

    it('one update per academic year of service', () => {
      given(projectDecider, history(COURSE, 'accredited'))
        .when(update(2026, '2027-03-01'))
        .then([
          {
            type: 'CourseUpdateSubmitted',
            data: { academicYear: 2026, summary: '更新教学视频', documents: [REPORT], dueOn: '2027-08-31', late: false, submittedAt: at('2027-03-01'), rulesVersion: CV },
          },
        ]);
      const updated = run([update(2026, '2027-03-01')], history(COURSE, 'accredited'));
      given(projectDecider, updated).when(update(2026, '2027-04-01')).thenThrows('course-update-already-submitted', 'illegal-state');
      given(projectDecider, history(COURSE, 'accredited')).when(update(2025, '2027-03-01')).thenThrows('academic-year-out-of-service', 'validation');
      given(projectDecider, history(COURSE, 'accredited')).when(update(2031, '2032-03-01')).thenThrows('academic-year-out-of-service', 'validation');
      given(projectDecider, history(COURSE, 'accredited')).when(update(2027, '2027-03-01')).thenThrows('academic-year-not-started', 'validation');
      given(projectDecider, history(COURSE, 'accredited')).when(command('SubmitCourseUpdate', applicant, { academicYear: 2026, summary: '更新', documents: [] }, at('2027-03-01'))).thenThrows('documents-required', 'validation');
    });

    it('applies to accredited quality courses only', () => {
      given(projectDecider, history(BRAND, 'accredited')).when(update(2028, '2029-03-01')).thenThrows('not-a-course', 'illegal-state');
      given(projectDecider, history(COURSE, 'evaluated')).when(update(2026, '2027-03-01')).thenThrows('not-in-service', 'illegal-state');
    });

    it('a missed update is recorded once its academic year is over, once', () => {
      given(projectDecider, history(COURSE, 'accredited'))
        .when(overdue(2026, '2027-09-01'))
        .then([{ type: 'CourseUpdateOverdue', data: { academicYear: 2026, dueOn: '2027-08-31', recordedAt: at('2027-09-01'), rulesVersion: CV } }]);
      given(projectDecider, history(COURSE, 'accredited')).when(overdue(2026, '2027-08-31')).thenThrows('not-yet-due', 'illegal-state');
      given(projectDecider, run([overdue(2026, '2027-09-01')], history(COURSE, 'accredited'))).when(overdue(2026, '2027-09-02')).then([]);
      given(projectDecider, run([update(2026, '2027-03-01')], history(COURSE, 'accredited'))).when(overdue(2026, '2027-09-02')).then([]);
    });

    it('a missed update leads to rectification, during which updates go on', () => {
      const missed = run([overdue(2026, '2027-09-01')], history(COURSE, 'accredited'));
      const [ordered] = given(projectDecider, missed)
        .when(command('OrderRectification', office, { findings: ['2026学年未更新'], deadline: '2027-12-31' }, at('2027-09-05')))
        .then([expect.objectContaining({ type: 'RectificationOrdered' })] as never);
      expect(ordered.data).toMatchObject({ orderedFrom: 'Accredited' });
      given(projectDecider, [...missed, ordered]).when(update(2027, '2027-10-01')).then([expect.objectContaining({ type: 'CourseUpdateSubmitted' })] as never);
      // Rectifying after accreditation is not construction: its end long past calls for nothing.
      given(projectDecider, [...missed, ordered]).when(command('RecordConstructionPeriodEnded', office, {}, at('2027-10-01'))).then([]);
      const failed = run(
        [command('FailRectification', office, { reason: '逾期未整改' }, at('2028-01-05'))],
        [...missed, ordered],
      );
      given(projectDecider, failed).when(command('Suspend', office, { reason: 'x' }, at('2028-01-06'))).thenThrows('suspension-not-applicable', 'illegal-state');
      given(projectDecider, failed).when(update(2027, '2028-01-06')).thenThrows('invalid-transition', 'illegal-state');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('revocation and fund recovery (domain.md §5)', () => {
  const revoke = (data: Partial<CommandOf<'RevokeProject'>['data']> = {}, day = '2026-06-01') =>
    command('RevokeProject', office, { reason: 'fraud', explanation: '申报材料造假', evidence: [EVIDENCE], ...data }, at(day));
  const recover = (data: Partial<CommandOf<'OrderFundRecovery'>['data']> = {}, day = '2026-06-02') =>
    command('OrderFundRecovery', office, { amount: 1_200_000, deadline: '2026-12-31', reason: '收回剩余资金', ...data }, at(day), { fundsDisbursed: 1_500_000 });

  it('RevokeProject records the reason, evidence and a ban of rules.bans.revocationYears by default', () => {
    given(projectDecider, history(BRAND, 'planAccepted'))
      .when(revoke())
      .then([
        {
          type: 'ProjectRevoked',
          data: {
            reason: 'fraud',
            explanation: '申报材料造假',
            evidence: [EVIDENCE],
            revokedFrom: 'UnderConstruction',
            openRectificationId: null,
            programType: 'brand-major',
            applicantOrg: 'school-a',
            banUntil: '2031-06-01',
            fundRecoveryRequired: true,
            revokedAt: at('2026-06-01'),
            rulesVersion: V,
          },
        },
      ]);
    const [explicit] = given(projectDecider, history(BRAND, 'planAccepted')).when(revoke({ banUntil: '2029-12-31' })).then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
    expect(explicit.data).toMatchObject({ banUntil: '2029-12-31' });
  });

  it('offers the revocation triggers of domain.md §5, and the removal for poor performance, each once', () => {
    expect([...REVOCATION_REASONS].sort()).toEqual(
      ['ceased-to-exist', 'failed-acceptance', 'failed-rectification', 'fraud', 'major-violation', 'obligations-breached', 'poor-performance', 'upheld-objection'],
    );
  });

  it.each(REVOCATION_REASONS)('revokes for the trigger %s, recorded with its evidence', (reason) => {
    const [event] = given(projectDecider, history(BRAND, 'planAccepted')).when(revoke({ reason })).then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
    expect(event.data).toMatchObject({ reason, evidence: [EVIDENCE], fundRecoveryRequired: true });
  });

  it.each(['approved', 'planSubmitted', 'midterm', 'selfAssessed', 'evaluated', 'accredited'] as const)('revokes from %s', (step) => {
    given(projectDecider, history(BRAND, step)).when(revoke({}, '2029-06-01')).then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
  });

  it('needs an explanation, evidence and a ban not in the past, after approval, once', () => {
    const construction = given(projectDecider, history(BRAND, 'planAccepted'));
    construction.when(revoke({ explanation: '' })).thenThrows('explanation-required', 'validation');
    construction.when(revoke({ evidence: [] })).thenThrows('evidence-required', 'validation');
    construction.when(revoke({ banUntil: '2026-05-31' })).thenThrows('invalid-ban', 'validation');
    given(projectDecider, history(BRAND, 'noticed')).when(revoke()).thenThrows('invalid-transition', 'illegal-state');
    given(projectDecider, run([revoke()], history(BRAND, 'planAccepted'))).when(revoke()).thenThrows('invalid-transition', 'illegal-state');
  });

  it('a revocation after a suspension keeps the suspension’s lifelong ban', () => {
    const below = run(
      [
        command('RecordMidtermEvaluation', office, { findings: { targetsAndTasks: '滞后', useOfFunds: '滞后', results: '少', impact: '小' }, grade: '差', tasksCompletedPercent: 10, report: REPORT }, at(days(SECONDARY).midterm)),
        command('Suspend', office, { reason: '任务完成不足30%' }, at(days(SECONDARY).midterm)),
        revoke({ reason: 'failed-rectification' }, '2027-06-01'),
      ],
      history(SECONDARY, 'reported'),
    );
    expect(stateOf(below)).toMatchObject({ status: 'Revoked', ban: { until: '2127-05-25', mayReapply: false } });
  });

  it('OrderFundRecovery after a failure or revocation, once, for an amount by a deadline', () => {
    const revoked = run([revoke()], history(BRAND, 'planAccepted'));
    given(projectDecider, revoked)
      .when(recover())
      .then([
        {
          type: 'FundRecoveryOrdered',
          data: { amount: 1_200_000, disbursed: 1_500_000, currency: 'CNY', deadline: '2026-12-31', reason: '收回剩余资金', orderedFrom: 'Revoked', orderedAt: at('2026-06-02'), rulesVersion: V },
        },
      ]);
    given(projectDecider, run([recover()], revoked)).when(recover()).thenThrows('fund-recovery-already-ordered', 'illegal-state');
    given(projectDecider, revoked).when(recover({ amount: 0 })).thenThrows('invalid-amount', 'validation');
    given(projectDecider, revoked).when(recover({ deadline: '2026-06-02' })).thenThrows('invalid-deadline', 'validation');
    given(projectDecider, history(BRAND, 'planAccepted')).when(recover()).thenThrows('invalid-transition', 'illegal-state');
    const failed = run([command('RecordFinalEvaluation', office, { grade: '不通过', findings: '未完成', report: REPORT }, at(D.evaluate))], history(BRAND, 'selfAssessed'));
    given(projectDecider, failed).when(recover({ deadline: '2029-06-30' }, D.accredit)).then([expect.objectContaining({ type: 'FundRecoveryOrdered' })] as never);
  });

  it('given 1,500,000 disbursed, when the office orders 1,500,000.01 back, then 409 recovery-exceeds-disbursed; with nothing disbursed, nothing may be ordered', () => {
    const revoked = run([revoke()], history(BRAND, 'planAccepted'));
    const error = given(projectDecider, revoked).when(recover({ amount: 1_500_000.01 })).thenThrows('recovery-exceeds-disbursed', 'illegal-state');
    expect(error.details).toEqual({ disbursed: 1_500_000, amount: 1_500_000.01 });
    given(projectDecider, revoked)
      .when(command('OrderFundRecovery', office, { amount: 1, deadline: '2026-12-31', reason: '收回' }, at('2026-06-02'), { fundsDisbursed: 0 }))
      .thenThrows('recovery-exceeds-disbursed', 'illegal-state');
    given(projectDecider, revoked).when(command('OrderFundRecovery', office, { amount: 1, deadline: '2026-12-31', reason: '收回' }, at('2026-06-02'))).thenThrows('context-required', 'validation');
  });

  describe('the end of a recovery: recovered, or overdue', () => {
    const ordered = () => run([revoke(), recover()], history(BRAND, 'planAccepted'));
    const returned = (amount: number, day = '2026-09-01') => command('RecordFundsRecovered', office, { amount, recoveredOn: day, reference: '缴款书 0001' }, at(day));
    const overdue = (day: string) => command('RecordFundRecoveryOverdue', office, {}, at(day));

    it('given 1,200,000 ordered, when 700,000 and then 500,000 are returned, then the second completes it; nothing more is taken', () => {
      const part = run([returned(700_000)], ordered());
      expect(part.at(-1)?.data).toMatchObject({ amount: 700_000, recovered: 700_000, ordered: 1_200_000, complete: false, reference: '缴款书 0001' });
      const [last] = given(projectDecider, part).when(returned(500_000)).then([expect.objectContaining({ type: 'FundsRecovered' })] as never);
      expect(last.data).toMatchObject({ recovered: 1_200_000, complete: true });
      const error = given(projectDecider, part).when(returned(500_000.01)).thenThrows('recovery-exceeds-order', 'illegal-state');
      expect(error.details).toEqual({ ordered: 1_200_000, recovered: 700_000, outstanding: 500_000 });
      given(projectDecider, run([returned(500_000)], part)).when(returned(1)).thenThrows('recovery-complete', 'illegal-state');
      given(projectDecider, run([returned(500_000)], part)).when(overdue('2027-01-01')).thenThrows('recovery-complete', 'illegal-state');
    });

    it('given money outstanding past the deadline, when the scheduler fires, then the recovery is overdue with what is outstanding, once; money returned later still counts', () => {
      const part = run([returned(200_000)], ordered());
      given(projectDecider, part).when(overdue('2026-12-31')).thenThrows('recovery-not-due', 'illegal-state');
      const [event] = given(projectDecider, part).when(overdue('2027-01-01')).then([expect.objectContaining({ type: 'FundRecoveryOverdue' })] as never);
      expect(event.data).toMatchObject({ deadline: '2026-12-31', ordered: 1_200_000, recovered: 200_000, outstanding: 1_000_000 });
      const late = run([overdue('2027-01-01')], part);
      expect(stateOf(late).fundRecovery).toEqual({ amount: 1_200_000, deadline: '2026-12-31', recovered: 200_000, overdue: true });
      given(projectDecider, late).when(overdue('2027-01-02')).thenThrows('recovery-already-overdue', 'illegal-state');
      given(projectDecider, late).when(returned(1_000_000, '2027-02-01')).then([expect.objectContaining({ type: 'FundsRecovered', data: expect.objectContaining({ complete: true }) })] as never);
    });

    it('refuses a return with no order, dated after today, or of no amount', () => {
      given(projectDecider, run([revoke()], history(BRAND, 'planAccepted'))).when(returned(1)).thenThrows('no-fund-recovery', 'illegal-state');
      given(projectDecider, ordered()).when(command('RecordFundsRecovered', office, { amount: 1, recoveredOn: '2026-09-02' }, at('2026-09-01'))).thenThrows('invalid-date', 'validation');
      given(projectDecider, ordered()).when(returned(0)).thenThrows('invalid-amount', 'validation');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('each school-side program from draft to accreditation, and to revocation', () => {
  const statuses = (events: readonly ProjectEvent[]): ProjectStatus[] => {
    const seen: ProjectStatus[] = [];
    let state: ProjectState = projectDecider.initialState;
    for (const e of events) {
      state = projectDecider.evolve(state, e);
      if (seen[seen.length - 1] !== state.status) seen.push(state.status);
    }
    return seen;
  };

  it.each(PROGRAMS)('$code: draft → accreditation', (p) => {
    const events = history(p, 'accredited');
    expect(statuses(events)).toEqual([
      'Draft',
      'Submitted',
      'FormallyChecked',
      'Recommended',
      'UnderReview',
      'Shortlisted',
      'InPublicNotice',
      'Approved',
      'PlanSubmitted',
      'UnderConstruction',
      'MidtermEvaluated',
      'FinalSelfAssessed',
      'FinalEvaluated',
      'Accredited',
    ]);
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    expect(events.every((e) => !('rulesVersion' in e.data) || e.data.rulesVersion === p.rulesVersion)).toBe(true);
  });

  /** A revocation path fitting each program, through its own triggers (domain.md §4–§5). */
  const revocations: Record<string, (p: Program) => ProjectCommand[]> = {
    // 高水平中职: < 30% of tasks at mid-term, suspended, then revoked with recovery of funds.
    'secondary-school': (p) => [
      command('RecordMidtermEvaluation', office, { findings: { targetsAndTasks: '严重滞后', useOfFunds: '挪用', results: '无', impact: '无' }, grade: '差', tasksCompletedPercent: 25, report: REPORT }, at(days(p).midterm)),
      command('Suspend', office, { reason: '中期任务完成不足30%' }, at(days(p).midterm)),
      command('RevokeProject', office, { reason: 'failed-rectification', explanation: '中止后撤销', evidence: [EVIDENCE] }, at('2027-06-30')),
      command('OrderFundRecovery', office, { amount: 3_000_000, deadline: '2027-12-31', reason: '收回资金' }, at('2027-07-01'), { fundsDisbursed: 3_000_000 }),
    ],
    // 高水平高职: final evaluation 差 fails and bars the next cycle; revoked for failed acceptance.
    'higher-college': (p) => [
      command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(days(p).selfAssess)),
      command('RecordFinalEvaluation', office, { grade: '差', findings: '未完成主要任务', report: REPORT }, at(days(p).evaluate)),
      command('RevokeProject', office, { reason: 'failed-acceptance', explanation: '验收不通过', evidence: [REPORT] }, at(days(p).accredit)),
    ],
    // 专业群: a rectification ordered at mid-term fails; suspended; revoked.
    'specialty-group': (p) => [
      command('OrderRectification', office, { findings: ['专业群组群逻辑不清'], deadline: addMonthsOn(days(p).midterm, 6) }, at(days(p).midterm)),
      command('FailRectification', office, { reason: '逾期未整改' }, at(addCalendarDays(addMonthsOn(days(p).midterm, 6), 1))),
      command('Suspend', office, { reason: '整改后仍未解决' }, at(addCalendarDays(addMonthsOn(days(p).midterm, 6), 2))),
      command('RevokeProject', office, { reason: 'failed-rectification', explanation: '中止后撤销', evidence: [EVIDENCE] }, at(addCalendarDays(addMonthsOn(days(p).midterm, 6), 10))),
    ],
    // 品牌专业: the major stops enrolling after accreditation.
    'brand-major': (p) => [
      command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(days(p).selfAssess)),
      command('RecordFinalEvaluation', office, { grade: '优秀', findings: '完成', report: REPORT }, at(days(p).evaluate)),
      command('Accredit', office, {}, at(days(p).accredit)),
      command('RevokeProject', office, { reason: 'ceased-to-exist', explanation: '专业停止招生', evidence: [EVIDENCE] }, at('2030-09-01')),
    ],
    // 精品课程: an update missed after accreditation, a rectification failed, revoked.
    'quality-course': (p) => [
      command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(days(p).selfAssess)),
      command('RecordFinalEvaluation', office, { grade: '通过', findings: '完成', report: REPORT }, at(days(p).evaluate)),
      command('Accredit', office, {}, at(days(p).accredit)),
      command('RecordCourseUpdateOverdue', office, { academicYear: 2026 }, at('2027-09-01')),
      command('OrderRectification', office, { findings: ['2026学年未更新'], deadline: '2027-12-31' }, at('2027-09-05')),
      command('FailRectification', office, { reason: '逾期未整改' }, at('2028-01-05')),
      command('RevokeProject', office, { reason: 'obligations-breached', explanation: '未履行更新义务', evidence: [EVIDENCE] }, at('2028-01-10')),
    ],
  };

  it.each(PROGRAMS)('$code: draft → revocation', (p) => {
    const events = run(revocations[p.code](p), history(p, p.code === 'secondary-school' ? 'reported' : 'midterm'));
    expect(stateOf(events).status).toBe('Revoked');
    const revoked = events.find((e) => e.type === 'ProjectRevoked');
    expect(revoked?.data).toMatchObject({ programType: p.code, applicantOrg: 'school-a', fundRecoveryRequired: true, rulesVersion: p.rulesVersion });
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  it('a project removed after an upheld objection never reaches approval', () => {
    const events = run(
      [
        command('FileObjection', otherApplicant, { objectionId: 'o-1', objector: { name: '王五', contact: 'w@example.cn' }, grounds: '业绩造假', evidence: [EVIDENCE] }, at('2025-10-20')),
        command('ResolveObjection', office, { objectionId: 'o-1', outcome: 'upheld', reason: '查证属实', evidence: [REPORT] }, at('2025-10-23')),
      ],
      history(GROUP, 'noticed'),
    );
    expect(statusAfter(events)).toBe('RemovedAfterObjection');
    given(projectDecider, events).when(command('RecordApproval', office, { cycleDecisionId: 'd-2' }, at(D.approve))).thenThrows('invalid-transition', 'illegal-state');
  });

  it('evolve ignores events that do not fit the state', () => {
    const approved = history(BRAND, 'approved')[history(BRAND, 'approved').length - 1];
    expect(projectDecider.evolve(projectDecider.initialState, approved)).toEqual({ status: 'None' });
    const drafted = history(BRAND, 'drafted');
    expect(fold(projectDecider, [...drafted, ...drafted])).toEqual(fold(projectDecider, drafted));
    expect(projectDecider.evolve(stateOf(drafted), { type: 'SomethingElse', data: {} } as unknown as ProjectEvent)).toEqual(stateOf(drafted));
  });

  it('domain errors are DomainErrors with stable codes', () => {
    expect(() => projectDecider.decide(command('Recommend', recommender, { rank: 1 }, 'yesterday'), stateOf(history(BRAND, 'checked')))).toThrow(DomainError);
  });
});

// ---------------------------------------------------------------------------------------------

describe('programs of other shapes, by their rules (domain.md §1)', () => {
  const ENTERPRISE: RegisteredOrganisation = { kind: 'enterprise' };
  const GOVERNMENT: RegisteredOrganisation = { kind: 'government' };
  /** 实训基地: a school leads one to three partners, schools or enterprises. */
  const BASE = program('training-base', { kind: 'school' }, { ...defaultRules('secondary-school'), partners: { min: 1, max: 3, kinds: ['school', 'enterprise'] } });
  /** 产教融合型城市试点: the city government applies, and the province designates without a city's recommendation. */
  const PILOT = program('integration-city', { kind: 'school' }, { ...defaultRules('secondary-school'), applicantKinds: ['government'], withoutRecommendation: true });
  const city: Actor = { id: 'u-city', role: 'applicant', org: 'gov-ty', region: '太原市' };
  const partnersFacts = {
    partners: [
      { creditCode: 'ENT-1', organisation: ENTERPRISE },
      { creditCode: 'SCHOOL-B', organisation: { kind: 'school', schoolKind: '中职' } },
      { creditCode: 'BUREAU-1', organisation: { kind: 'bureau', bureauKind: '教育局' } },
      { creditCode: 'NOBODY', organisation: null },
    ],
  } satisfies ProjectContext;
  const draft = (p: Program, partners: readonly string[] | undefined, context: ProjectContext = { ...contextOf(p), ...partnersFacts }, actor = applicant) =>
    command('DraftApplication', actor, { projectId: p.projectId, cycleId: p.cycleId, programType: p.code, title: '联合申报', subject: p.subject, ...(partners ? { partners } : {}) }, at(D.draft), context);
  const drafted = (p: Program, partners: readonly string[]) => projectDecider.decide(draft(p, partners), initialState);
  const initialState = projectDecider.initialState;

  it('given a joint program, when the lead drafts with its partners, then the application records each with its kind, upper-cased and in order', () => {
    const [event] = given(projectDecider, []).when(draft(BASE, ['ent-1', 'SCHOOL-B'])).then([expect.objectContaining({ type: 'ApplicationDrafted' })]);
    expect(event.data).toMatchObject({ applicantOrg: 'school-a', partners: [{ org: 'ENT-1', kind: 'enterprise' }, { org: 'SCHOOL-B', kind: 'school' }] });
    expect(stateOf([event]).partners).toEqual([{ org: 'ENT-1', kind: 'enterprise' }, { org: 'SCHOOL-B', kind: 'school' }]);
  });

  it.each([
    ['no partners where one is needed', [], 'partners-out-of-range'],
    ['more partners than the rule allows', ['ENT-1', 'SCHOOL-B', 'ENT-2', 'ENT-3'], 'partners-out-of-range'],
    ['a partner named twice', ['ENT-1', 'ent-1'], 'duplicate-partner'],
    ['the lead as its own partner', ['school-a'], 'lead-as-partner'],
    ['a partner not in the registry', ['NOBODY'], 'partner-not-registered'],
    ['a bureau as a partner', ['BUREAU-1'], 'partner-kind-not-eligible'],
  ])('given a joint program, when the lead drafts with %s, then 400 naming the partners field', (_what, partners, code) => {
    const error = given(projectDecider, []).when(draft(BASE, partners)).thenThrows(code, 'validation');
    expect(error.details).toMatchObject({ field: 'partners' });
  });

  it('given a program whose applicants apply alone, when a school names partners, then 400 partners-not-allowed; naming none drafts as before', () => {
    given(projectDecider, []).when(draft(SECONDARY, ['ENT-1'])).thenThrows('partners-not-allowed', 'validation');
    const [event] = given(projectDecider, []).when(draft(SECONDARY, [])).then([expect.objectContaining({ type: 'ApplicationDrafted' })]);
    expect(event.data).not.toHaveProperty('partners');
    expect(stateOf([event])).not.toHaveProperty('partners');
  });

  it('given a joint draft, when the lead edits its partners, then they are replaced; an edit without them keeps them', () => {
    const events = drafted(BASE, ['ENT-1']);
    const [edited] = given(projectDecider, events)
      .when(command('EditApplication', applicant, { partners: ['SCHOOL-B', 'ENT-1'] }, at(D.draft), partnersFacts))
      .then([expect.objectContaining({ type: 'ApplicationEdited' })]);
    expect(stateOf([...events, edited]).partners).toEqual([{ org: 'SCHOOL-B', kind: 'school' }, { org: 'ENT-1', kind: 'enterprise' }]);
    const [retitled] = projectDecider.decide(command('EditApplication', applicant, { title: '新标题' }, at(D.draft)), stateOf([...events, edited]));
    expect(stateOf([...events, edited, retitled]).partners).toHaveLength(2);
    given(projectDecider, events).when(command('EditApplication', applicant, { partners: [] }, at(D.draft), partnersFacts)).thenThrows('partners-out-of-range', 'validation');
  });

  it('given a joint application under review, when the office assigns a reviewer of a partner’s organisation (or related to one), then 409 conflict-of-interest', () => {
    const events = run(
      [
        command('SubmitApplication', applicant, { applicationForm: FORM, declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT } }, at(D.submit), contextOf(BASE)),
        command('RecordFormalCheck', recommender, { result: 'passed' }, at(D.check), contextOf(BASE)),
        command('Recommend', recommender, { rank: 1 }, at(D.recommend)),
      ],
      drafted(BASE, ['ENT-1']),
    );
    given(projectDecider, events)
      .when(command('AssignReviewer', office, { reviewerId: 'r1', reviewerOrg: 'ENT-1', declaredRelations: [] }, at(D.assign)))
      .thenThrows('conflict-of-interest', 'illegal-state');
    given(projectDecider, events)
      .when(command('AssignReviewer', office, { reviewerId: 'r1', reviewerOrg: 'univ-1', declaredRelations: ['ENT-1'] }, at(D.assign)))
      .thenThrows('conflict-of-interest', 'illegal-state');
    expect(projectDecider.decide(command('AssignReviewer', office, { reviewerId: 'r1', reviewerOrg: 'univ-1', declaredRelations: [] }, at(D.assign)), stateOf(events))).toHaveLength(1);
  });

  it('given a program for city governments, when a government drafts, then it applies in its city; a school is refused 403 applicant-kind-not-eligible', () => {
    const [event] = given(projectDecider, [])
      .when(draft(PILOT, undefined, { ...contextOf(PILOT), applicant: GOVERNMENT }, city))
      .then([expect.objectContaining({ type: 'ApplicationDrafted' })]);
    expect(event.data).toMatchObject({ applicantOrg: 'gov-ty', region: '太原市' });
    const error = given(projectDecider, []).when(draft(PILOT, undefined, contextOf(PILOT))).thenThrows('applicant-kind-not-eligible', 'forbidden');
    expect(error.details).toMatchObject({ kind: 'school', eligible: ['government'] });
    // Where the rules say nothing of applicant kinds, only schools apply, as before.
    given(projectDecider, []).when(draft(SECONDARY, undefined, { ...contextOf(SECONDARY), applicant: GOVERNMENT }, city)).thenThrows('not-a-school', 'forbidden');
  });

  it('given a program an enterprise may lead, when an enterprise drafts, then the school-kind rule does not apply to it', () => {
    const LED = program('vocational-group', { kind: 'school' }, { ...BASE.rules, applicantKinds: ['school', 'enterprise'] });
    const [event] = given(projectDecider, [])
      .when(draft(LED, ['SCHOOL-B'], { ...contextOf(LED), ...partnersFacts, applicant: ENTERPRISE }, { ...applicant, org: 'ENT-9' }))
      .then([expect.objectContaining({ type: 'ApplicationDrafted' })]);
    expect(event.data).toMatchObject({ applicantOrg: 'ENT-9', partners: [{ org: 'SCHOOL-B', kind: 'school' }] });
  });

  describe('without recommendation, the province designates', () => {
    const ctx = { ...contextOf(PILOT), applicant: GOVERNMENT };
    const checked = run(
      [
        draft(PILOT, undefined, ctx, city),
        command('SubmitApplication', city, { applicationForm: FORM, declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT } }, at(D.submit), ctx),
        command('RecordFormalCheck', office, { result: 'passed' }, at(D.check), ctx),
      ],
    );

    it('given a checked application, when a city bureau recommends it or declines to, then 409 no-recommendation-step', () => {
      given(projectDecider, checked).when(command('Recommend', recommender, { rank: 1 }, at(D.recommend))).thenThrows('no-recommendation-step', 'illegal-state');
      given(projectDecider, checked).when(command('NotRecommend', recommender, { reason: '不推荐' }, at(D.recommend))).thenThrows('no-recommendation-step', 'illegal-state');
    });

    it('given a checked application, when the office assigns reviewers, then it is under review, scored, and its selection recorded', () => {
      const events = run(
        [
          ...[1, 2, 3].map((n) => command('AssignReviewer', office, { reviewerId: `r${n}`, reviewerOrg: `univ-${n}`, declaredRelations: [] }, at(D.assign))),
          ...[1, 2, 3].map((n) => command('ScoreReview', reviewer(n), { score: 80 + n, comments: `意见 ${n}` }, at(D.score))),
          command('RecordSelection', office, { decision: 'shortlisted', cycleDecisionId: 'd-1' }, at(D.shortlist)),
        ],
        checked,
      );
      expect(stateOf(events.slice(0, checked.length + 1)).status).toBe('UnderReview');
      expect(stateOf(events)).toMatchObject({ status: 'Shortlisted', recommendation: null });
    });

    it('given a program with recommendation, when the office assigns a reviewer to a checked application not yet recommended, then 409 invalid-transition', () => {
      given(projectDecider, history(BRAND, 'checked'))
        .when(command('AssignReviewer', office, { reviewerId: 'r1', reviewerOrg: 'univ-1', declaredRelations: [] }, at(D.assign)))
        .thenThrows('invalid-transition', 'illegal-state');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('review by rubric (评分指标)', () => {
  const RUBRIC = {
    dimensions: [
      { name: '建设基础', indicators: [{ id: 'basis', name: '办学基础', max: 40 }] },
      { name: '建设方案', indicators: [{ id: 'goals', name: '目标任务', max: 35 }, { id: 'funds', name: '经费保障', max: 25 }] },
    ],
  };
  const SCORED = program('brand-major', BRAND.subject, { ...BRAND.rules, rubric: RUBRIC, aggregate: 'trimmed-mean' });
  const indicators = (basis: number, goals: number, funds: number) => [
    { id: 'basis', score: basis, comment: '基础较好' },
    { id: 'goals', score: goals },
    { id: 'funds', score: funds },
  ];
  const assigned = () => history(SCORED, 'reviewers');
  const score = (data: CommandOf<'ScoreReview'>['data'], n = 1) => command('ScoreReview', reviewer(n), data, at(D.score));

  it('given a cycle with a rubric, when a reviewer scores each indicator, then the score is their total and the event keeps each one', () => {
    const [event] = given(projectDecider, assigned())
      .when(score({ indicators: indicators(36, 30.5, 20), comments: '总体良好' }))
      .then([expect.objectContaining({ type: 'ReviewScored' })]);
    expect(event.data).toMatchObject({ score: 86.5, indicators: [{ id: 'basis', score: 36, comment: '基础较好' }, { id: 'goals', score: 30.5 }, { id: 'funds', score: 20 }] });
    expect(stateOf([...assigned(), event]).reviewers[0]).toMatchObject({ score: 86.5, indicators: indicators(36, 30.5, 20) });
  });

  it.each([
    ['no indicators, only a score', { score: 80, comments: '好' }, 'indicators-required'],
    ['a total that is not the indicators’', { score: 90, indicators: indicators(36, 30, 20), comments: '好' }, 'score-mismatch'],
    ['an indicator above its maximum', { indicators: indicators(41, 30, 20), comments: '好' }, 'indicator-score-out-of-range'],
  ])('given a cycle with a rubric, when a reviewer scores with %s, then 400', (_what, data, code) => {
    given(projectDecider, assigned()).when(score(data)).thenThrows(code, 'validation');
  });

  it('given a reviewer’s draft, when they save again, it replaces the last; when they submit, the draft is gone and the score read-only', () => {
    const draft = (data: CommandOf<'SaveScoreDraft'>['data']) => command('SaveScoreDraft', reviewer(1), data, at(D.score));
    const [first] = given(projectDecider, assigned()).when(draft({ indicators: [{ id: 'basis', score: 30 }], comments: '待补充' })).then([expect.objectContaining({ type: 'ReviewScoreDrafted' })]);
    expect(first.data).toMatchObject({ reviewerId: 'r1', score: null, indicators: [{ id: 'basis', score: 30 }], comments: '待补充' });
    const saved = run([draft({ indicators: [{ id: 'basis', score: 36 }, { id: 'goals', score: 30 }] })], assigned());
    expect(stateOf(saved).reviewers[0].draft).toMatchObject({ indicators: [{ id: 'basis', score: 36 }, { id: 'goals', score: 30 }], comments: null });
    given(projectDecider, saved).when(draft({ indicators: [{ id: 'basis', score: 41 }] })).thenThrows('indicator-score-out-of-range', 'validation');
    const submitted = run([score({ indicators: indicators(36, 30, 20), comments: '好' })], saved);
    expect(stateOf(submitted).reviewers[0]).not.toHaveProperty('draft');
    given(projectDecider, submitted).when(draft({ comments: '改' })).thenThrows('already-scored', 'illegal-state');
    given(projectDecider, assigned()).when({ ...draft({}), actor: reviewer(9) }).thenThrows('not-assigned-reviewer', 'forbidden');
  });

  it('given a cycle without a rubric, when a reviewer sends indicators, then 400 no-rubric; without a score, 400 score-required', () => {
    given(projectDecider, history(BRAND, 'reviewers')).when(score({ indicators: indicators(1, 1, 1), comments: '好' })).thenThrows('no-rubric', 'validation');
    given(projectDecider, history(BRAND, 'reviewers')).when(score({ comments: '好' })).thenThrows('score-required', 'validation');
  });

  it('given a rubric score, when the office corrects it with the indicators and a reason, then the correction records both totals and the indicators', () => {
    const scored = run([score({ indicators: indicators(36, 30, 20), comments: '好' })], assigned());
    const [event] = given(projectDecider, scored)
      .when(command('CorrectScore', office, { reviewerId: 'r1', indicators: indicators(36, 30, 22), reason: '分项合计有误' }, at(D.score)))
      .then([expect.objectContaining({ type: 'ReviewScoreCorrected' })]);
    expect(event.data).toMatchObject({ previousScore: 86, score: 88, reason: '分项合计有误', indicators: indicators(36, 30, 22) });
    given(projectDecider, scored)
      .when(command('CorrectScore', office, { reviewerId: 'r1', indicators: indicators(36, 30, 20), reason: '复核' }, at(D.score)))
      .thenThrows('score-unchanged', 'validation');
  });

  it('given a rubric score, when the office moves points between indicators, then the same total is a correction of the indicators', () => {
    const scored = run([score({ indicators: indicators(36, 30, 20), comments: '好' })], assigned());
    const [event] = given(projectDecider, scored)
      .when(command('CorrectScore', office, { reviewerId: 'r1', indicators: indicators(35, 31, 20), reason: '分项调整' }, at(D.score)))
      .then([expect.objectContaining({ type: 'ReviewScoreCorrected' })]);
    expect(event.data).toMatchObject({ previousScore: 86, score: 86, indicators: indicators(35, 31, 20) });
  });

  it('given a cycle with a rubric, when a reviewer gives the total beside the indicators, then it is taken when it is theirs, and refused naming their total when not', () => {
    given(projectDecider, assigned()).when(score({ score: 86, indicators: indicators(36, 30, 20), comments: '好' })).then([expect.objectContaining({ type: 'ReviewScored' })]);
    given(projectDecider, assigned()).when(score({ score: 85, indicators: indicators(36, 30, 20), comments: '好' })).thenThrows('score-mismatch', 'validation', { field: 'score', total: 86 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('yearly performance (年度绩效评价, 有进有出)', () => {
  const grade = (year: number, g: string, day: string, rectification?: { findings: string[]; deadline: string }) =>
    command('GradeAnnualReport', office, { year, grade: g, reason: '年度绩效评价专家组意见', report: REPORT, ...(rectification ? { rectification } : {}) }, at(day));
  const report = (year: number, day: string) => command('SubmitAnnualReport', applicant, { year, report: REPORT }, at(day));
  const reported = () => history(SECONDARY, 'reported'); // the report on 2025 is in
  const types = (events: readonly ProjectEvent[]) => events.map((e) => e.type);

  it('given the rules’ defaults, when a year is graded 差, then the grade, a warning and a fifth off the next year’s grants follow, each with the reason and rules version', () => {
    const events = given(projectDecider, reported()).when(grade(2025, '差', '2026-04-01')).then(expect.any(Array) as never);
    expect(types(events)).toEqual(['AnnualReportGraded', 'PerformanceWarningIssued', 'NextYearGrantReduced']);
    expect(events[0].data).toMatchObject({ year: 2025, grade: '差', poor: true, poorYearsInRow: 1, actions: ['warning', 'reduced-grant'], report: REPORT, rulesVersion: SECONDARY.rulesVersion });
    expect(events[2].data).toMatchObject({ year: 2026, percent: 20, rulesVersion: SECONDARY.rulesVersion, reason: expect.stringContaining('连续 1 年') });
    const state = stateOf([...reported(), ...events]);
    expect(state.performance).toEqual([{ year: 2025, grade: '差', poor: true }]);
    expect(state.grantReductions).toEqual([{ year: 2026, percent: 20 }]);
  });

  it('given one poor year, when the next is poor too, then a rectification is ordered with the terms given (400 without them); a good year in between starts the count again', () => {
    const twoReports = run([grade(2025, '差', '2026-04-01'), report(2026, '2027-03-01')], reported());
    given(projectDecider, twoReports).when(grade(2026, '差', '2027-04-01')).thenThrows('rectification-terms-required', 'validation');
    const events = given(projectDecider, twoReports).when(grade(2026, '差', '2027-04-01', { findings: ['绩效指标连续两年未达成'], deadline: '2027-10-31' })).then(expect.any(Array) as never);
    expect(types(events)).toEqual(['AnnualReportGraded', 'RectificationOrdered']);
    expect(events[0].data).toMatchObject({ poorYearsInRow: 2, actions: ['rectification'] });
    expect(stateOf([...twoReports, ...events]).status).toBe('Rectification');
    const good = run([grade(2026, '良', '2027-04-01'), report(2027, '2028-03-01')], twoReports);
    const [again] = given(projectDecider, good).when(grade(2027, '差', '2028-04-01')).then(expect.any(Array) as never);
    expect(again.data).toMatchObject({ poorYearsInRow: 1, actions: ['warning', 'reduced-grant'] });
  });

  it('given two poor years and a rectification, when the third is poor, then the project is removed (revoked for poor-performance) on the evaluation’s evidence', () => {
    const two = run(
      [grade(2025, '差', '2026-04-01'), report(2026, '2027-03-01'), grade(2026, '差', '2027-04-01', { findings: ['绩效不达标'], deadline: '2028-12-31' }), report(2027, '2028-03-01')],
      reported(),
    );
    const events = given(projectDecider, two).when(grade(2027, '差', '2028-04-01')).then(expect.any(Array) as never);
    expect(types(events)).toEqual(['AnnualReportGraded', 'ProjectRevoked']);
    expect(events[1].data).toMatchObject({ reason: 'poor-performance', evidence: [REPORT], revokedFrom: 'Rectification', fundRecoveryRequired: true, explanation: expect.stringContaining('连续 3 年') });
    expect(stateOf([...two, ...events]).status).toBe('Revoked');
  });

  it('given two poor years while the project is rectifying already, when graded, then no second rectification is ordered and the grade lists what it led to', () => {
    const rectifying = run(
      [
        grade(2025, '差', '2026-04-01'),
        command('OrderRectification', office, { findings: ['资金使用不规范'], deadline: '2027-12-31' }, at('2026-05-01')),
        report(2026, '2027-03-01'),
      ],
      reported(),
    );
    const events = given(projectDecider, rectifying).when(grade(2026, '差', '2027-04-01')).then(expect.any(Array) as never);
    expect(types(events)).toEqual(['AnnualReportGraded']);
    expect(events[0].data).toMatchObject({ poorYearsInRow: 2, actions: [] });
  });

  it('grades a year once, only once its report is in, on the cycle’s scale; a cycle without performance rules only records the grade', () => {
    given(projectDecider, reported()).when(grade(2026, '良', '2027-04-01')).thenThrows('annual-report-missing', 'illegal-state');
    given(projectDecider, run([grade(2025, '良', '2026-04-01')], reported())).when(grade(2025, '优', '2026-04-02')).thenThrows('annual-report-already-graded', 'illegal-state');
    given(projectDecider, reported()).when(grade(2025, '优秀', '2026-04-01')).thenThrows('unknown-grade', 'validation');
    given(projectDecider, reported()).when({ ...grade(2025, '差', '2026-04-01'), actor: applicant }).thenThrows('role-not-allowed', 'forbidden');
    const ungraded = program('secondary-school', { kind: 'school' }, { ...SECONDARY.rules, performance: null });
    const plain = given(projectDecider, history(ungraded, 'reported')).when(grade(2025, '差', '2026-04-01')).then(expect.any(Array) as never);
    expect(types(plain)).toEqual(['AnnualReportGraded']);
    expect(plain[0].data).toMatchObject({ poor: false, poorYearsInRow: 0, actions: [] });
  });
});

describe('the use of funds in the annual reports (资金使用情况)', () => {
  const paid = { fundsPaidBySource: { central: 0, provincial: 600_000, matching: 300_000 } };
  const report = (year: number, fundsUsed: Record<string, number>, day: string, context: ProjectContext = paid) =>
    command('SubmitAnnualReport', applicant, { year, report: REPORT, fundsUsed }, at(day), context);
  const constructed = () => history(SECONDARY, 'planAccepted');

  it('given 600,000 provincial paid, when the reports state 400,000 and then 250,000 used, then the second is refused (409 funds-used-exceed-paid); 200,000 is recorded', () => {
    const first = run([report(2025, { provincial: 400_000, matching: 100_000 }, '2026-03-01')], constructed());
    expect(first.at(-1)?.data).toMatchObject({ year: 2025, fundsUsed: { provincial: 400_000, matching: 100_000 } });
    const error = given(projectDecider, first).when(report(2026, { provincial: 250_000 }, '2027-03-01')).thenThrows('funds-used-exceed-paid', 'illegal-state');
    expect(error.details).toEqual({ source: 'provincial', paid: 600_000, used: 650_000 });
    const second = run([report(2026, { provincial: 200_000 }, '2027-03-01')], first);
    expect(stateOf(second).fundsUsed).toEqual({ provincial: 600_000, matching: 100_000 });
  });

  it('needs what was paid to judge a statement of use, and a report without one needs nothing', () => {
    given(projectDecider, constructed()).when(report(2025, { provincial: 1 }, '2026-03-01', {})).thenThrows('context-required', 'validation');
    given(projectDecider, constructed()).when(report(2025, { central: 1 }, '2026-03-01')).thenThrows('funds-used-exceed-paid', 'illegal-state');
    const [plain] = given(projectDecider, constructed()).when(command('SubmitAnnualReport', applicant, { year: 2025, report: REPORT }, at('2026-03-01'))).then(expect.any(Array) as never);
    expect(plain.data).not.toHaveProperty('fundsUsed');
  });
});
