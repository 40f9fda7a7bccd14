import { given } from '../../../test/support/decider-spec';
import { fold } from '../decider';
import { Actor } from '../messages';
import { Organisation } from '../organisation/organisation';
import { Grant, GrantKind, Standing } from './grants';
import { Acting, PersonCommand } from './person.commands';
import { personDecider } from './person.decider';
import { PersonEvent } from './person.events';
import { standingOf } from './person.state';

const NOW = '2026-12-01T02:00:00.000Z';
const OFFICE: Organisation = { kind: 'office', creditCode: '11140000405200012U', name: '山西省教育厅' };
const SCHOOL: Organisation = { kind: 'school', creditCode: '12140100MB1000001K', name: '太原职业技术学院', city: '太原市', schoolKind: '高职' };
const OTHER_SCHOOL: Organisation = { kind: 'school', creditCode: '12140100MB1000002N', name: '山西工程职业学院', city: '太原市', schoolKind: '高职' };
const BUREAU: Organisation = { kind: 'bureau', creditCode: '11140100MB10000066', name: '太原市教育局', city: '太原市', bureauKind: '教育局' };

const grant = (kind: GrantKind, organisationId: string, grantId = `g-${kind}`): Grant => ({ grantId, kind, organisationId, projectId: null, grantedAt: NOW, grantedBy: 'someone' });
const OFFICE_ADMIN: Standing = { personId: 'admin-1', organisationId: OFFICE.creditCode, grants: [grant('office-admin', OFFICE.creditCode)] };
const OFFICE_STAFF: Standing = { personId: 'staff-1', organisationId: OFFICE.creditCode, grants: [grant('office-staff', OFFICE.creditCode)] };
const SCHOOL_ADMIN: Standing = { personId: 'sa-1', organisationId: SCHOOL.creditCode, grants: [grant('school-admin', SCHOOL.creditCode)] };
const OTHER_SCHOOL_ADMIN: Standing = { personId: 'sa-2', organisationId: OTHER_SCHOOL.creditCode, grants: [grant('school-admin', OTHER_SCHOOL.creditCode)] };

const officeActor: Actor = { id: 'admin-1', role: 'office', org: OFFICE.creditCode };
const schoolActor: Actor = { id: 'sa-1', role: 'applicant', org: SCHOOL.creditCode, region: '太原市' };

const registerIn = (organisation: Organisation, by: Acting, actor = officeActor): PersonCommand => ({
  type: 'RegisterPerson',
  data: { personId: 'p-1', name: ' 王老师 ', organisationId: organisation.creditCode, email: 'wang@example.cn' },
  actor,
  now: NOW,
  context: { by, organisation },
});
const granting = (kind: GrantKind, organisation: Organisation, by: Acting, more: { projectId?: string; grantId?: string } = {}, actor = officeActor): PersonCommand => ({
  type: 'GrantRole',
  data: { grantId: more.grantId ?? `g-${kind}-1`, kind, reason: '岗位职责', ...(more.projectId ? { projectId: more.projectId } : {}) },
  actor,
  now: NOW,
  context: { by, organisation },
});
const decided = (command: PersonCommand, history: PersonEvent[] = []): PersonEvent[] => [...history, ...personDecider.decide(command, fold(personDecider, history))];

describe('person decider', () => {
  const schoolPerson = decided(registerIn(SCHOOL, SCHOOL_ADMIN, schoolActor));

  it('registers a person of an organisation, by its admin or the office’s', () => {
    expect(schoolPerson).toEqual([{ type: 'PersonRegistered', data: { personId: 'p-1', name: '王老师', organisationId: SCHOOL.creditCode, email: 'wang@example.cn', registeredAt: NOW } }]);
    given(personDecider, []).when(registerIn(SCHOOL, OFFICE_ADMIN)).then(schoolPerson);
    given(personDecider, []).when(registerIn(SCHOOL, OTHER_SCHOOL_ADMIN, schoolActor)).thenThrows('not-organisation-admin', 'forbidden');
    given(personDecider, []).when(registerIn(SCHOOL, OFFICE_STAFF)).thenThrows('not-organisation-admin', 'forbidden');
  });

  it('registers nobody in an organisation the registry lacks, and nobody twice', () => {
    const unknown = { ...registerIn(SCHOOL, OFFICE_ADMIN), context: { by: OFFICE_ADMIN, organisation: null } } as PersonCommand;
    given(personDecider, []).when(unknown).thenThrows('organisation-not-found', 'not-found');
    given(personDecider, schoolPerson).when(registerIn(SCHOOL, OFFICE_ADMIN)).thenThrows('person-already-registered', 'illegal-state');
  });

  it('lets the first start register and grant only the office’s first admin', () => {
    const first = decided(registerIn(OFFICE, 'first-start'));
    const admin = decided(granting('office-admin', OFFICE, 'first-start'), first);
    expect(admin.at(-1)).toEqual({
      type: 'RoleGranted',
      data: { grant: { grantId: 'g-office-admin-1', kind: 'office-admin', organisationId: OFFICE.creditCode, projectId: null, grantedAt: NOW, grantedBy: 'first-start' }, reason: '岗位职责' },
    });
    given(personDecider, []).when(registerIn(SCHOOL, 'first-start')).thenThrows('not-organisation-admin', 'forbidden');
    given(personDecider, admin).when(granting('office-staff', OFFICE, 'first-start', { grantId: 'g-2' })).thenThrows('may-not-grant', 'forbidden');
  });

  describe('grants', () => {
    it('are given by the grants table: the office gives a school its admin, the school’s admin its staff', () => {
      const withAdmin = decided(granting('school-admin', SCHOOL, OFFICE_ADMIN), schoolPerson);
      expect(standingOf(fold(personDecider, withAdmin))?.grants.map((g) => g.kind)).toEqual(['school-admin']);
      given(personDecider, schoolPerson).when(granting('school-admin', SCHOOL, SCHOOL_ADMIN, {}, schoolActor)).thenThrows('may-not-grant', 'forbidden');
      given(personDecider, schoolPerson).when(granting('project-lead', SCHOOL, OTHER_SCHOOL_ADMIN, {}, schoolActor)).thenThrows('may-not-grant', 'forbidden');
      expect(decided(granting('project-lead', SCHOOL, SCHOOL_ADMIN, { projectId: 'project-9' }, schoolActor), schoolPerson).at(-1)).toMatchObject({
        type: 'RoleGranted',
        data: { grant: { kind: 'project-lead', projectId: 'project-9', grantedBy: 'sa-1' } },
      });
    });

    it('fit the organisation: a bureau holds no school admin, a school no bureau clerk; only a lead or a liaison is per project', () => {
      const bureauPerson = decided(registerIn(BUREAU, OFFICE_ADMIN));
      given(personDecider, bureauPerson).when(granting('school-admin', BUREAU, OFFICE_ADMIN)).thenThrows('grant-not-for-organisation', 'illegal-state');
      given(personDecider, schoolPerson).when(granting('bureau-clerk', SCHOOL, OFFICE_ADMIN)).thenThrows('grant-not-for-organisation', 'illegal-state');
      given(personDecider, schoolPerson).when(granting('school-head', SCHOOL, OFFICE_ADMIN, { projectId: 'p' })).thenThrows('grant-not-per-project', 'validation');
      given(personDecider, schoolPerson).when(granting('school-head', OTHER_SCHOOL, OFFICE_ADMIN)).thenThrows('organisation-mismatch', 'illegal-state');
    });

    it('are held once per kind and project, and an id names one grant for good', () => {
      const led = decided(granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor), schoolPerson);
      given(personDecider, led).when(granting('liaison', SCHOOL, SCHOOL_ADMIN, { grantId: 'g-other' }, schoolActor)).thenThrows('grant-already-held', 'illegal-state');
      const revoked = decided({ type: 'RevokeGrant', data: { grantId: 'g-liaison-1', reason: '调岗' }, actor: schoolActor, now: NOW, context: { by: SCHOOL_ADMIN } }, led);
      given(personDecider, revoked).when(granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor)).thenThrows('grant-id-used', 'illegal-state');
      expect(decided(granting('liaison', SCHOOL, SCHOOL_ADMIN, { grantId: 'g-again' }, schoolActor), revoked).at(-1)).toMatchObject({ type: 'RoleGranted' });
    });

    it('are revoked by whoever may give them, with a reason, and leave the standing at once', () => {
      const led = decided(granting('project-lead', SCHOOL, SCHOOL_ADMIN, {}, schoolActor), schoolPerson);
      const revoke = (by: Standing, reason = '调岗'): PersonCommand => ({ type: 'RevokeGrant', data: { grantId: 'g-project-lead-1', reason }, actor: schoolActor, now: NOW, context: { by } });
      given(personDecider, led).when(revoke(OTHER_SCHOOL_ADMIN)).thenThrows('may-not-revoke', 'forbidden');
      given(personDecider, led).when(revoke(SCHOOL_ADMIN, ' ')).thenThrows('reason-required', 'validation');
      const after = decided(revoke(SCHOOL_ADMIN), led);
      expect(after.at(-1)).toEqual({ type: 'GrantRevoked', data: { grantId: 'g-project-lead-1', reason: '调岗', revokedAt: NOW, revokedBy: 'sa-1' } });
      expect(standingOf(fold(personDecider, after))?.grants).toEqual([]);
      given(personDecider, after).when(revoke(SCHOOL_ADMIN)).thenThrows('grant-not-found', 'not-found');
    });
  });

  it('records an expert’s fields and affiliations, declared by the expert itself', () => {
    const expert = decided(granting('expert', SCHOOL, OFFICE_ADMIN), schoolPerson);
    const self: Standing = standingOf(fold(personDecider, expert))!;
    const reviewer: Actor = { id: 'p-1', role: 'reviewer', org: SCHOOL.creditCode };
    const declare = (by: Standing, affiliations = ['山西大学（2015–2020 任教）']): PersonCommand => ({
      type: 'DeclareExpertProfile',
      data: { fields: ['装备制造'], affiliations },
      actor: reviewer,
      now: NOW,
      context: { by },
    });
    given(personDecider, expert).when(declare(self)).then([{ type: 'ExpertProfileDeclared', data: { fields: ['装备制造'], affiliations: ['山西大学（2015–2020 任教）'], declaredAt: NOW } }]);
    given(personDecider, expert).when(declare(SCHOOL_ADMIN)).thenThrows('not-own-profile', 'forbidden');
    given(personDecider, schoolPerson).when(declare(self)).thenThrows('not-an-expert', 'illegal-state');
  });

  it('deactivates a person, ending every grant; deactivated, they are granted nothing', () => {
    const led = decided(granting('project-lead', SCHOOL, SCHOOL_ADMIN, {}, schoolActor), schoolPerson);
    const off = decided({ type: 'DeactivatePerson', data: { reason: '离职' }, actor: schoolActor, now: NOW, context: { by: SCHOOL_ADMIN } }, led);
    expect(off.at(-1)).toEqual({ type: 'PersonDeactivated', data: { reason: '离职', deactivatedAt: NOW, endedGrants: ['g-project-lead-1'] } });
    expect(standingOf(fold(personDecider, off))).toBeNull();
    given(personDecider, off).when(granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor)).thenThrows('person-deactivated', 'illegal-state');
  });

  it('is refused to roles the table does not name', () => {
    const auditor: Actor = { id: 'aud-1', role: 'auditor', org: OFFICE.creditCode };
    given(personDecider, []).when(registerIn(SCHOOL, OFFICE_ADMIN, auditor)).thenThrows('role-not-allowed', 'forbidden');
  });
});
