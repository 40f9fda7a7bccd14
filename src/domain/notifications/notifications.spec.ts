import { HeldGrant, NOTIFICATION_KINDS, noticeOf, recipientsOf } from './notifications';

const project = (type: string, data: Record<string, unknown> = {}) => noticeOf({ category: 'project', type, data });
const enterprise = (type: string, data: Record<string, unknown> = {}) => noticeOf({ category: 'enterprise', type, data });
const organisation = { to: 'organisation' };

describe('notifications: which events tell whom what', () => {
  it.each([
    ['ApplicationReturned', {}, { kind: 'application-returned', audience: organisation }],
    ['FormalCheckPassed', {}, { kind: 'formal-check', audience: organisation, outcome: 'passed' }],
    ['FormalCheckFailed', {}, { kind: 'formal-check', audience: organisation, outcome: 'failed' }],
    ['ApplicationRecommended', {}, { kind: 'recommendation', audience: organisation, outcome: 'recommended' }],
    ['ApplicationNotRecommended', {}, { kind: 'recommendation', audience: organisation, outcome: 'not-recommended' }],
    ['SelectionRecorded', { outcome: 'shortlisted' }, { kind: 'selection', audience: organisation, outcome: 'shortlisted' }],
    ['SelectionRecorded', { outcome: 'not-selected' }, { kind: 'selection', audience: organisation, outcome: 'not-selected' }],
    ['ProjectApproved', {}, { kind: 'approval', audience: organisation, outcome: 'approved' }],
    ['ProjectRecognised', {}, { kind: 'approval', audience: organisation, outcome: 'recognised' }],
    ['ObjectionDismissed', {}, { kind: 'objection-resolved', audience: organisation, outcome: 'dismissed' }],
    ['ObjectionUpheld', {}, { kind: 'objection-resolved', audience: organisation, outcome: 'upheld' }],
    ['ReviewerAssigned', { reviewerId: 'expert-1', reviewerOrg: 'u-1' }, { kind: 'reviewer-assigned', audience: { to: 'person', personId: 'expert-1' } }],
  ])('a project’s %s %j', (type, data, expected) => {
    expect(project(type, data)).toEqual(expected);
  });

  it('tells a project’s school that an objection was filed, and nothing of who filed it', () => {
    const filed = project('ObjectionFiled', { objectionId: 'o-1', objector: { name: '王某', contact: '13800000000' }, grounds: '不实' });
    expect(filed).toEqual({ kind: 'objection-filed', audience: organisation });
    expect(JSON.stringify(filed)).not.toMatch(/王某|13800000000/);
  });

  it.each([
    ['AdmittedToIncubation', {}, { kind: 'enterprise-admitted', audience: organisation }],
    ['EnterpriseCertified', { kind: 'renewal' }, { kind: 'enterprise-certified', audience: organisation, outcome: 'renewal' }],
    ['EnterpriseDisqualified', {}, { kind: 'enterprise-disqualified', audience: organisation }],
    ['ObjectionFiled', { objector: { name: '赵某' } }, { kind: 'objection-filed', audience: organisation }],
    ['ObjectionDismissed', {}, { kind: 'objection-resolved', audience: organisation, outcome: 'dismissed' }],
  ])('an enterprise’s %s', (type, data, expected) => {
    expect(enterprise(type, data)).toEqual(expected);
  });

  it('tells a person of a grant given (with its kind) or revoked', () => {
    expect(noticeOf({ category: 'person', type: 'RoleGranted', data: { grant: { grantId: 'g', kind: 'expert' } } })).toEqual({ kind: 'grant-given', audience: { to: 'self' }, outcome: 'expert' });
    expect(noticeOf({ category: 'person', type: 'GrantRevoked', data: { grantId: 'g' } })).toEqual({ kind: 'grant-revoked', audience: { to: 'self' } });
  });

  it('tells a record’s organisation of each reminder and each obligation missed, with the day it is due by', () => {
    const school = { to: 'organisation' };
    expect(project('DeadlineReminded', { obligation: 'annual-report 2027', dueOn: '2028-03-31', daysLeft: 7 })).toEqual({ kind: 'deadline-ahead', audience: school, outcome: 'annual-report 2027', dueOn: '2028-03-31' });
    expect(enterprise('DeadlineReminded', { obligation: 'certificate 1', dueOn: '2030-06-09', daysLeft: 90 })).toEqual({ kind: 'deadline-ahead', audience: school, outcome: 'certificate 1', dueOn: '2030-06-09' });
    expect(project('ConstructionPlanOverdue', { dueOn: '2027-11-30' })).toEqual({ kind: 'overdue', audience: school, outcome: 'construction-plan', dueOn: '2027-11-30' });
    expect(project('AnnualReportOverdue', { year: 2027, dueOn: '2028-03-31' })).toMatchObject({ outcome: 'annual-report 2027', dueOn: '2028-03-31' });
    expect(project('CourseUpdateOverdue', { academicYear: 2026, dueOn: '2027-08-31' })).toMatchObject({ outcome: 'course-update 2026', dueOn: '2027-08-31' });
    expect(project('RectificationOverdue', { rectificationId: 'r', deadline: '2026-03-31' })).toMatchObject({ outcome: 'rectification', dueOn: '2026-03-31' });
    expect(project('FundRecoveryOverdue', { deadline: '2026-06-30' })).toMatchObject({ outcome: 'fund-recovery', dueOn: '2026-06-30' });
    // The three-year plan was due at an instant: the Beijing day of it.
    expect(enterprise('ThreeYearPlanOverdue', { due: '2026-07-19T16:30:00.000Z' })).toMatchObject({ outcome: 'three-year-plan', dueOn: '2026-07-20' });
    expect(enterprise('AnnualReportOverdue', { year: 2026, due: '2027-01-31' })).toMatchObject({ outcome: 'annual-report 2026', dueOn: '2027-01-31' });
  });

  it('tells no one of the other events', () => {
    for (const [category, type] of [['project', 'ApplicationSubmitted'], ['project', 'ReviewScored'], ['project', 'ObjectionRejected'], ['person', 'PersonRegistered'], ['cycle', 'ShortlistDecided'], ['enterprise', 'IncubationApplicationSubmitted']]) {
      expect(noticeOf({ category, type, data: {} })).toBeUndefined();
    }
  });

  describe('recipients', () => {
    const held: HeldGrant[] = [
      { personId: 'admin', kind: 'school-admin', organisationId: 'S', projectId: null },
      { personId: 'admin', kind: 'school-head', organisationId: 'S', projectId: null },
      { personId: 'lead-p', kind: 'project-lead', organisationId: 'S', projectId: 'p' },
      { personId: 'lead-q', kind: 'project-lead', organisationId: 'S', projectId: 'q' },
      { personId: 'expert-at-s', kind: 'expert', organisationId: 'S', projectId: null },
      { personId: 'other', kind: 'school-admin', organisationId: 'T', projectId: null },
    ];
    it('are the organisation’s applicant-side people, a one-project lead only for that project, each once', () => {
      expect(recipientsOf({ to: 'organisation' }, { organisationId: 'S', projectId: 'p' }, held)).toEqual(['admin', 'lead-p']);
      expect(recipientsOf({ to: 'organisation' }, { organisationId: 'S' }, held)).toEqual(['admin']);
      expect(recipientsOf({ to: 'organisation' }, {}, held)).toEqual([]);
    });
    it('are the person named, or the stream’s own person', () => {
      expect(recipientsOf({ to: 'person', personId: 'expert-1' }, { organisationId: 'S' }, held)).toEqual(['expert-1']);
      expect(recipientsOf({ to: 'self' }, { personId: 'me' }, held)).toEqual(['me']);
    });
  });
  it('tells an enterprise an objection to it was upheld', () => {
    expect(enterprise('ObjectionUpheld', {})).toStrictEqual({ kind: 'objection-resolved', audience: organisation, outcome: 'upheld' });
  });

  it('gives a notice whose kind says it all no outcome at all', () => {
    expect(project('ApplicationReturned')).toStrictEqual({ kind: 'application-returned', audience: organisation });
    expect(enterprise('EnterpriseDisqualified')).toStrictEqual({ kind: 'enterprise-disqualified', audience: organisation });
  });

  it('tells no one of an event of another stream, or of a type no table lists', () => {
    expect(noticeOf({ category: 'registry', type: 'ObjectionFiled', data: {} })).toBeUndefined();
    expect(noticeOf({ category: 'account', type: 'RoleGranted', data: { grant: { kind: 'expert' } } })).toBeUndefined();
    expect(project('EnterpriseCertified', { kind: 'renewal' })).toBeUndefined();
    expect(enterprise('ProjectApproved')).toBeUndefined();
  });

  it('has a kind for every notice an event gives, and an event for every kind', () => {
    const causes: [string, string, Record<string, unknown>][] = [
      ['project', 'ApplicationReturned', {}],
      ['project', 'FormalCheckPassed', {}],
      ['project', 'ApplicationRecommended', {}],
      ['project', 'SelectionRecorded', { outcome: 'shortlisted' }],
      ['project', 'ProjectApproved', {}],
      ['project', 'ObjectionFiled', {}],
      ['project', 'ObjectionUpheld', {}],
      ['project', 'ReviewerAssigned', { reviewerId: 'e' }],
      ['enterprise', 'AdmittedToIncubation', {}],
      ['enterprise', 'EnterpriseCertified', { kind: 'first' }],
      ['enterprise', 'EnterpriseDisqualified', {}],
      ['person', 'RoleGranted', { grant: { kind: 'expert' } }],
      ['person', 'GrantRevoked', {}],
      ['project', 'DeadlineReminded', { obligation: 'o', dueOn: '2028-03-31' }],
      ['project', 'FundRecoveryOverdue', { deadline: '2026-06-30' }],
    ];
    const kinds = causes.map(([category, type, data]) => noticeOf({ category, type, data })?.kind);
    expect([...kinds].sort()).toEqual([...NOTIFICATION_KINDS].sort());
  });

  describe('recipients, at their edges', () => {
    const held = (personId: string, kind: HeldGrant['kind'], organisationId = 'S', projectId: string | null = null): HeldGrant => ({ personId, kind, organisationId, projectId });

    it('are each named once, in a stable order, whatever the order of their grants', () => {
      const grants = [held('zhao', 'liaison'), held('li', 'school-admin'), held('zhao', 'school-head'), held('li', 'project-lead', 'S', 'p')];
      expect(recipientsOf({ to: 'organisation' }, { organisationId: 'S', projectId: 'p' }, grants)).toEqual(['li', 'zhao']);
    });

    it('are only the people who act for the organisation as its applicant', () => {
      const grants = [held('clerk', 'bureau-clerk'), held('auditor', 'auditor'), held('staff', 'office-staff'), held('boss', 'enterprise-admin'), held('mayor', 'government-admin')];
      expect(recipientsOf({ to: 'organisation' }, { organisationId: 'S' }, grants)).toEqual(['boss', 'mayor']);
    });

    it('are no one for a stream that is no one’s own', () => {
      expect(recipientsOf({ to: 'self' }, { organisationId: 'S' }, [held('admin', 'school-admin')])).toEqual([]);
    });
  });
});
