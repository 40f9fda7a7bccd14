import { given } from '../../../test/support/decider-spec';
import { fold } from '../decider';
import { Role } from '../messages';
import { Organisation, OrganisationKind } from '../organisation/organisation';
import { administers, Grant, GRANT_KINDS, GRANT_RULES, GrantKind, mayGive, SIGN_OFF_GRANTS, Standing } from './grants';
import { PersonCommand } from './person.commands';
import { personDecider } from './person.decider';

/**
 * The grants table (domain.md §7), written out: the role each grant acts in, the organisations that
 * hold it, who gives it, and which may be limited to one project; read through the person decider
 * and the two questions the handlers ask (mayGive, administers).
 */
const NOW = '2026-12-01T02:00:00.000Z';

const ORGANISATIONS: Readonly<Record<OrganisationKind, Organisation>> = {
  office: { kind: 'office', creditCode: 'ORG-OFFICE', name: '山西省教育厅' },
  school: { kind: 'school', creditCode: 'ORG-SCHOOL', name: '太原职业技术学院', city: '太原市', schoolKind: '高职' },
  bureau: { kind: 'bureau', creditCode: 'ORG-BUREAU', name: '太原市教育局', city: '太原市', bureauKind: '教育局' },
  enterprise: { kind: 'enterprise', creditCode: 'ORG-ENTERPRISE', name: '太原重工', city: '太原市' },
  government: { kind: 'government', creditCode: 'ORG-GOVERNMENT', name: '太原市人民政府', city: '太原市' },
  department: { kind: 'department', creditCode: 'ORG-DEPARTMENT', name: '山西省财政厅', departmentKind: '财政厅' },
};
const KINDS_OF_ORGANISATION = Object.keys(ORGANISATIONS) as OrganisationKind[];

/** The table read the other way round: which grants each role, organisation and giver has. */
const ACTS_AS: Readonly<Record<Exclude<Role, 'public'>, readonly GrantKind[]>> = {
  office: ['office-admin', 'office-staff'],
  recommender: ['bureau-clerk'],
  applicant: ['school-admin', 'project-lead', 'liaison', 'school-head', 'enterprise-admin', 'government-admin'],
  reviewer: ['expert'],
  auditor: ['auditor'],
};
const HELD_IN: Readonly<Record<OrganisationKind, readonly GrantKind[]>> = {
  office: ['office-admin', 'office-staff', 'expert', 'auditor'],
  school: ['school-admin', 'project-lead', 'liaison', 'school-head', 'expert'],
  bureau: ['bureau-clerk', 'expert'],
  enterprise: ['enterprise-admin', 'expert'],
  government: ['government-admin'],
  department: ['expert', 'auditor'],
};
const PER_PROJECT: readonly GrantKind[] = ['project-lead', 'liaison'];
/** The school's admin gives its staff and its head; the office's admin everything but a school's staff. */
const GIVEN_BY_SCHOOL_ADMIN: readonly GrantKind[] = ['project-lead', 'liaison', 'school-head'];
const givenBy = (kind: GrantKind): GrantKind[] => [...(GIVEN_BY_SCHOOL_ADMIN.includes(kind) ? ['school-admin' as const] : []), ...(PER_PROJECT.includes(kind) ? [] : ['office-admin' as const])];
const heldIn = (kind: GrantKind) => KINDS_OF_ORGANISATION.filter((organisation) => HELD_IN[organisation].includes(kind));
const KINDS = Object.values(ACTS_AS).flat();

const grant = (kind: GrantKind, organisationId: string): Grant => ({ grantId: `g-${kind}`, kind, organisationId, projectId: null, grantedAt: NOW, grantedBy: 'someone' });
const holding = (kind: GrantKind, organisationId: string): Standing => ({ personId: `holder-of-${kind}`, organisationId, grants: [grant(kind, organisationId)] });

/** A person of the organisation, registered by the office's admin. */
const personIn = (organisation: Organisation) =>
  personDecider.decide(
    {
      type: 'RegisterPerson',
      data: { personId: 'p-1', name: '王老师', organisationId: organisation.creditCode },
      actor: { id: 'admin-1', role: 'office', org: 'ORG-OFFICE' },
      now: NOW,
      context: { by: holding('office-admin', 'ORG-OFFICE'), organisation },
    },
    fold(personDecider, []),
  );

/** The grant given by a holder of every grant that may give it, there. */
const grantOf = (kind: GrantKind, organisation: Organisation, projectId?: string): PersonCommand => ({
  type: 'GrantRole',
  data: { grantId: 'g-new', kind, reason: '岗位职责', ...(projectId ? { projectId } : {}) },
  actor: { id: 'granter', role: 'office', org: 'ORG-OFFICE' },
  now: NOW,
  context: {
    by: { personId: 'granter', organisationId: organisation.creditCode, grants: givenBy(kind).map((giver) => grant(giver, organisation.creditCode)) },
    organisation,
  },
});

describe('the grants table', () => {
  it('has a rule for every grant kind, and no other', () => {
    expect([...GRANT_KINDS].sort()).toEqual([...KINDS].sort());
    expect(Object.keys(GRANT_RULES).sort()).toEqual([...KINDS].sort());
  });

  it.each(KINDS)('%s acts in the role the table says', (kind) => {
    expect(ACTS_AS[GRANT_RULES[kind].role as Exclude<Role, 'public'>]).toContain(kind);
  });

  it.each(KINDS)('%s is held in the organisations the table says, and refused in every other', (kind) => {
    for (const organisationKind of KINDS_OF_ORGANISATION) {
      const organisation = ORGANISATIONS[organisationKind];
      const scenario = given(personDecider, personIn(organisation)).when(grantOf(kind, organisation));
      if (HELD_IN[organisationKind].includes(kind)) {
        expect([organisationKind, scenario.then([expect.objectContaining({ type: 'RoleGranted' })]).length]).toEqual([organisationKind, 1]);
      } else {
        scenario.thenThrows('grant-not-for-organisation', 'illegal-state', { kind, organisationKind });
      }
    }
  });

  it.each(KINDS)('%s is limited to one project exactly when the table says', (kind) => {
    const organisation = ORGANISATIONS[heldIn(kind)[0]];
    const scenario = given(personDecider, personIn(organisation)).when(grantOf(kind, organisation, 'project-9'));
    if (PER_PROJECT.includes(kind)) {
      const [event] = scenario.then([expect.objectContaining({ type: 'RoleGranted' })]);
      expect(event).toMatchObject({ data: { grant: { projectId: 'project-9' } } });
    } else {
      scenario.thenThrows('grant-not-per-project', 'validation', { field: 'projectId' });
    }
  });

  it.each(KINDS)('%s is given by the grants the table says (in the same organisation, or the office’s admin anywhere)', (kind) => {
    for (const giver of KINDS) {
      const expected = givenBy(kind).includes(giver);
      expect([giver, mayGive(holding(giver, 'ORG-SCHOOL'), kind, 'ORG-SCHOOL')]).toEqual([giver, expected]);
      expect([giver, 'elsewhere', mayGive(holding(giver, 'ORG-SCHOOL'), kind, 'ORG-OTHER')]).toEqual([giver, 'elsewhere', expected && giver === 'office-admin']);
    }
    expect(mayGive({ personId: 'nobody', organisationId: 'ORG-SCHOOL', grants: [] }, kind, 'ORG-SCHOOL')).toBe(false);
  });

  it('reads every grant the giver holds, not only its first', () => {
    const both: Standing = { personId: 'sa', organisationId: 'ORG-SCHOOL', grants: [grant('expert', 'ORG-SCHOOL'), grant('school-admin', 'ORG-SCHOOL')] };
    expect(mayGive(both, 'liaison', 'ORG-SCHOOL')).toBe(true);
    expect(administers(both, 'ORG-SCHOOL')).toBe(true);
  });

  it.each(KINDS)('a holder of %s administers the people of its organisation only if it is an admin, and every organisation only as the office’s', (kind) => {
    const admins: readonly GrantKind[] = ['office-admin', 'school-admin', 'enterprise-admin', 'government-admin'];
    expect(administers(holding(kind, 'ORG-SCHOOL'), 'ORG-SCHOOL')).toBe(admins.includes(kind));
    expect(administers(holding(kind, 'ORG-SCHOOL'), 'ORG-OTHER')).toBe(kind === 'office-admin');
  });

  it('signs off an application by the head of a school, or the admin of an enterprise or a government: one grant per kind of applicant', () => {
    expect(SIGN_OFF_GRANTS.map((kind) => [kind, GRANT_RULES[kind].role, GRANT_RULES[kind].heldIn])).toEqual([
      ['school-head', 'applicant', ['school']],
      ['enterprise-admin', 'applicant', ['enterprise']],
      ['government-admin', 'applicant', ['government']],
    ]);
  });
});
