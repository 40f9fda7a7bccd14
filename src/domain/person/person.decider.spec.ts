import { given } from '../../../test/support/decider-spec';
import { fold } from '../decider';
import { Actor } from '../messages';
import { Organisation } from '../organisation/organisation';
import { Grant, GrantKind, Standing } from './grants';
import { Acting, GrantRole, PersonCommand, RegisterPerson } from './person.commands';
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
      const again = given(personDecider, led).when(granting('liaison', SCHOOL, SCHOOL_ADMIN, { grantId: 'g-other' }, schoolActor)).thenThrows('grant-already-held', 'illegal-state');
      expect(again.message).toBe('王老师 already holds liaison');
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
  describe('registering, rule by rule', () => {
    it('records no email when none is given, or a blank one, and trims one given', () => {
      const withEmail = (email: string | undefined): PersonCommand => {
        const command = registerIn(SCHOOL, OFFICE_ADMIN) as RegisterPerson;
        return { ...command, data: { ...command.data, email } } as PersonCommand;
      };
      const registeredWith = (email: string | null) => [{ type: 'PersonRegistered', data: { personId: 'p-1', name: '王老师', organisationId: SCHOOL.creditCode, email, registeredAt: NOW } }] as PersonEvent[];
      given(personDecider, []).when(withEmail(undefined)).then(registeredWith(null));
      given(personDecider, []).when(withEmail('   ')).then(registeredWith(null));
      given(personDecider, []).when(withEmail(' li@example.cn ')).then(registeredWith('li@example.cn'));
    });

    it('refuses a blank name', () => {
      const command = registerIn(SCHOOL, OFFICE_ADMIN) as RegisterPerson;
      given(personDecider, []).when({ ...command, data: { ...command.data, name: '  ' } }).thenThrows('name-required', 'validation');
    });

    it('refuses an organisation other than the one the person is registered in', () => {
      const command = registerIn(SCHOOL, OFFICE_ADMIN) as RegisterPerson;
      given(personDecider, []).when({ ...command, context: { by: OFFICE_ADMIN, organisation: OTHER_SCHOOL } }).thenThrows('organisation-not-found', 'not-found');
    });

    it('lets an admin register only in its own organisation, and the first start only in the office', () => {
      given(personDecider, []).when(registerIn(OTHER_SCHOOL, SCHOOL_ADMIN, schoolActor)).thenThrows('not-organisation-admin', 'forbidden');
      given(personDecider, []).when(registerIn(BUREAU, 'first-start')).thenThrows('not-organisation-admin', 'forbidden');
      given(personDecider, [])
        .when(registerIn(OFFICE, 'first-start'))
        .then([{ type: 'PersonRegistered', data: { personId: 'p-1', name: '王老师', organisationId: OFFICE.creditCode, email: 'wang@example.cn', registeredAt: NOW } }]);
    });

    it.each(['GrantRole', 'RevokeGrant', 'DeclareExpertProfile', 'DeactivatePerson'] as const)('answers %s on nobody as a person not found', (type) => {
      given(personDecider, []).when({ type, data: {}, actor: officeActor, now: NOW, context: { by: OFFICE_ADMIN } } as unknown as PersonCommand).thenThrows('person-not-found', 'not-found');
    });
  });

  describe('granting, rule by rule', () => {
    const grantedEvent = (kind: GrantKind, grantedBy: string, more: { grantId?: string; projectId?: string } = {}): PersonEvent => ({
      type: 'RoleGranted',
      data: { grant: { grantId: more.grantId ?? `g-${kind}-1`, kind, organisationId: SCHOOL.creditCode, projectId: more.projectId ?? null, grantedAt: NOW, grantedBy }, reason: '岗位职责' },
    });

    it('refuses a grant in an organisation the registry lacks', () => {
      const command = granting('school-head', SCHOOL, OFFICE_ADMIN) as GrantRole;
      given(personDecider, schoolPerson).when({ ...command, context: { by: OFFICE_ADMIN, organisation: null } }).thenThrows('organisation-not-found', 'not-found');
    });

    it('names the grant and the kind of organisation that does not hold it', () => {
      given(personDecider, schoolPerson).when(granting('auditor', SCHOOL, OFFICE_ADMIN)).thenThrows('grant-not-for-organisation', 'illegal-state', { kind: 'auditor', organisationKind: 'school' });
    });

    it('names the field of a project given to a grant that is not per project', () => {
      given(personDecider, schoolPerson).when(granting('school-admin', SCHOOL, OFFICE_ADMIN, { projectId: 'p' })).thenThrows('grant-not-per-project', 'validation', { field: 'projectId' });
    });

    it('names the grant refused and the grants that may give it', () => {
      given(personDecider, schoolPerson).when(granting('school-admin', SCHOOL, SCHOOL_ADMIN, {}, schoolActor)).thenThrows('may-not-grant', 'forbidden', { kind: 'school-admin', givenBy: ['office-admin'] });
      given(personDecider, schoolPerson).when(granting('school-head', SCHOOL, OFFICE_STAFF)).thenThrows('may-not-grant', 'forbidden', { kind: 'school-head', givenBy: ['school-admin', 'office-admin'] });
    });

    it('lets the office’s admin give a school’s head, or the school’s own admin', () => {
      given(personDecider, schoolPerson).when(granting('school-head', SCHOOL, OFFICE_ADMIN)).then([grantedEvent('school-head', 'admin-1')]);
      given(personDecider, schoolPerson).when(granting('school-head', SCHOOL, SCHOOL_ADMIN, {}, schoolActor)).then([grantedEvent('school-head', 'sa-1')]);
    });

    it('lets the first start grant the office’s admin only, and only as the person’s first grant', () => {
      const first = decided(registerIn(OFFICE, 'first-start'));
      given(personDecider, first).when(granting('office-staff', OFFICE, 'first-start')).thenThrows('may-not-grant', 'forbidden', { kind: 'office-staff', givenBy: ['office-admin'] });
      const revoked = decided({ type: 'RevokeGrant', data: { grantId: 'g-office-admin-1', reason: '调岗' }, actor: officeActor, now: NOW, context: { by: OFFICE_ADMIN } }, decided(granting('office-admin', OFFICE, 'first-start'), first));
      given(personDecider, revoked).when(granting('office-admin', OFFICE, 'first-start', { grantId: 'g-2' })).thenThrows('may-not-grant', 'forbidden');
    });

    it('holds a lead once per project: another project is another grant, the same project is refused', () => {
      const lead = (projectId: string, grantId: string) => granting('project-lead', SCHOOL, SCHOOL_ADMIN, { projectId, grantId }, schoolActor);
      const led = decided(lead('project-9', 'g-9'), schoolPerson);
      given(personDecider, led).when(lead('project-10', 'g-10')).then([grantedEvent('project-lead', 'sa-1', { grantId: 'g-10', projectId: 'project-10' })]);
      given(personDecider, led).when(granting('project-lead', SCHOOL, SCHOOL_ADMIN, { grantId: 'g-all' }, schoolActor)).then([grantedEvent('project-lead', 'sa-1', { grantId: 'g-all' })]);
      const refusal = given(personDecider, led).when(lead('project-9', 'g-9b')).thenThrows('grant-already-held', 'illegal-state');
      expect(refusal.message).toContain('project-9');
    });

    it('refuses a grant without a reason', () => {
      const command = granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor) as GrantRole;
      given(personDecider, schoolPerson).when({ ...command, data: { ...command.data, reason: ' ' } }).thenThrows('reason-required', 'validation');
    });

    it('lets the office’s admin revoke what it may give (a school’s head) and not what only the school’s admin gives (a liaison)', () => {
      const both = decided(granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor), decided(granting('school-head', SCHOOL, OFFICE_ADMIN), schoolPerson));
      const revoke = (grantId: string, by: Standing): PersonCommand => ({ type: 'RevokeGrant', data: { grantId, reason: '调岗' }, actor: officeActor, now: NOW, context: { by } });
      given(personDecider, both).when(revoke('g-school-head-1', OFFICE_ADMIN)).then([{ type: 'GrantRevoked', data: { grantId: 'g-school-head-1', reason: '调岗', revokedAt: NOW, revokedBy: 'admin-1' } }]);
      given(personDecider, both).when(revoke('g-liaison-1', OFFICE_ADMIN)).thenThrows('may-not-revoke', 'forbidden');
      given(personDecider, both).when(revoke('g-school-head-1', OFFICE_STAFF)).thenThrows('may-not-revoke', 'forbidden');
      given(personDecider, both).when(revoke('g-nope', OFFICE_ADMIN)).thenThrows('grant-not-found', 'not-found');
    });
  });

  describe('an expert’s profile, rule by rule', () => {
    const expert = decided(granting('expert', SCHOOL, OFFICE_ADMIN), schoolPerson);
    const declare = (by: Standing, fields: string[], affiliations: string[] = []): PersonCommand => ({
      type: 'DeclareExpertProfile',
      data: { fields, affiliations },
      actor: officeActor,
      now: NOW,
      context: { by },
    });

    it('may be declared for the expert by the office’s admin, with no affiliations at all', () => {
      given(personDecider, expert).when(declare(OFFICE_ADMIN, ['装备制造'])).then([{ type: 'ExpertProfileDeclared', data: { fields: ['装备制造'], affiliations: [], declaredAt: NOW } }]);
      given(personDecider, expert).when(declare(OFFICE_STAFF, ['装备制造'])).thenThrows('not-own-profile', 'forbidden');
    });

    it('names at least one field, and no blank affiliation', () => {
      given(personDecider, expert).when(declare(OFFICE_ADMIN, [])).thenThrows('fields-required', 'validation');
      given(personDecider, expert).when(declare(OFFICE_ADMIN, ['装备制造'], [' '])).thenThrows('invalid-affiliation', 'validation');
    });

    it('is the state’s once declared, and is declared by no deactivated person', () => {
      const declared = decided(declare(OFFICE_ADMIN, ['装备制造'], ['山西大学']), expert);
      expect(fold(personDecider, declared)).toMatchObject({ expert: { fields: ['装备制造'], affiliations: ['山西大学'] } });
      const off = decided({ type: 'DeactivatePerson', data: { reason: '离职' }, actor: officeActor, now: NOW, context: { by: OFFICE_ADMIN } }, expert);
      given(personDecider, off).when(declare(OFFICE_ADMIN, ['装备制造'])).thenThrows('person-deactivated', 'illegal-state');
    });
  });

  describe('deactivating, rule by rule', () => {
    const deactivate = (by: Standing, reason = '离职'): PersonCommand => ({ type: 'DeactivatePerson', data: { reason }, actor: officeActor, now: NOW, context: { by } });

    it('is for the organisation’s admin or the office’s, never oneself, and with a reason', () => {
      given(personDecider, schoolPerson).when(deactivate(OFFICE_ADMIN)).then([{ type: 'PersonDeactivated', data: { reason: '离职', deactivatedAt: NOW, endedGrants: [] } }]);
      given(personDecider, schoolPerson).when(deactivate(OTHER_SCHOOL_ADMIN)).thenThrows('not-organisation-admin', 'forbidden');
      given(personDecider, schoolPerson).when(deactivate({ ...SCHOOL_ADMIN, personId: 'p-1' })).thenThrows('cannot-deactivate-self', 'illegal-state');
      given(personDecider, schoolPerson).when(deactivate(OFFICE_ADMIN, ' ')).thenThrows('reason-required', 'validation');
    });

    it('happens once', () => {
      const off = decided(deactivate(OFFICE_ADMIN), schoolPerson);
      given(personDecider, off).when(deactivate(OFFICE_ADMIN)).thenThrows('person-deactivated', 'illegal-state');
    });
  });

  describe('the state', () => {
    it('keeps the first registration, and folds nothing onto nobody', () => {
      const again: PersonEvent = { type: 'PersonRegistered', data: { personId: 'p-2', name: '李', organisationId: OTHER_SCHOOL.creditCode, email: null, registeredAt: NOW } };
      expect(fold(personDecider, [...schoolPerson, again])).toEqual(fold(personDecider, schoolPerson));
      const granted = decided(granting('school-head', SCHOOL, OFFICE_ADMIN), schoolPerson).slice(1);
      expect(fold(personDecider, granted)).toEqual({ status: 'None' });
      expect(fold(personDecider, schoolPerson)).toEqual({ status: 'Active', personId: 'p-1', name: '王老师', organisationId: SCHOOL.creditCode, email: 'wang@example.cn', grants: [], grantIds: [], expert: null });
    });

    it('keeps every grant id given and only the grants in force', () => {
      const two = decided(granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor), decided(granting('school-head', SCHOOL, OFFICE_ADMIN), schoolPerson));
      const revoked = decided({ type: 'RevokeGrant', data: { grantId: 'g-school-head-1', reason: '调岗' }, actor: officeActor, now: NOW, context: { by: OFFICE_ADMIN } }, two);
      expect(fold(personDecider, revoked)).toMatchObject({ grantIds: ['g-school-head-1', 'g-liaison-1'], grants: [expect.objectContaining({ grantId: 'g-liaison-1' })] });
      expect(standingOf(fold(personDecider, revoked))).toEqual({ personId: 'p-1', organisationId: SCHOOL.creditCode, grants: [expect.objectContaining({ grantId: 'g-liaison-1', kind: 'liaison' })] });
      expect(standingOf(personDecider.initialState)).toBeNull();
    });

    it('ends every grant on deactivation', () => {
      const led = decided(granting('liaison', SCHOOL, SCHOOL_ADMIN, {}, schoolActor), schoolPerson);
      const off = decided({ type: 'DeactivatePerson', data: { reason: '离职' }, actor: officeActor, now: NOW, context: { by: OFFICE_ADMIN } }, led);
      expect(fold(personDecider, off)).toMatchObject({ status: 'Deactivated', grants: [], grantIds: ['g-liaison-1'] });
    });
  });
});
