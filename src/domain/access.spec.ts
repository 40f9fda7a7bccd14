import { expectRefusal } from '../../test/support/decider-spec';
import {
  Access,
  AccessPolicy,
  maySee,
  namesObjector,
  OBJECTORS_NAMED_TO_OFFICE,
  objectorAsSeenBy,
  PORTFOLIO_ACCESS,
  REDACTED,
  requireAccess,
  requireSeen,
  requireStanding,
  requireView,
  seesEvery,
  shortfall,
} from './access';
import { ENTERPRISE_ACCESS, requireOwnApplication } from './enterprise/enterprise.access';
import { decideEnterprise, EnterpriseCommand, EnterpriseState } from './enterprise/enterprise.decider';
import { DomainError, forbidden } from './errors';
import { Actor, Role, ROLES } from './messages';
import { PROGRAM_CYCLE_ACCESS } from './program-cycle/program-cycle.access';
import { ProgramCycleState } from './program-cycle/program-cycle.state';
import { PROJECT_ACCESS, REVIEWER_QUEUE_ACCESS } from './project/project.access';
import { decideProject, Project, ProjectCommand } from './project/project.decider';

/**
 * Every role in every relation to a project, an enterprise and a cycle, against each aggregate's one
 * policy: who sees it (the GET, the documents it cites; the lists read the same relations as SQL,
 * visibility.spec.ts and access-matrix.e2e-spec.ts), who acts on it (the deciders' standing), and who
 * is shown its objectors. The expected answers are written out here, codes and messages as the four
 * copies this policy replaced had them.
 */

/** The relations an actor can stand in to a record: one actor each, the same people for every aggregate. */
const KINDS = [
  'own organisation',
  'other organisation',
  'own city',
  'other city',
  'city-less recommender',
  'assigned reviewer',
  'recused reviewer',
  'unassigned reviewer',
  'assigned reviewer of the applicant',
  'office',
  'auditor',
] as const;
type Kind = (typeof KINDS)[number];

/** The record's organisation is `org` (school-a for the project, ent-a for the enterprise), in 太原市. */
const actorsFor = (org: string): Record<Kind, Actor> => ({
  'own organisation': { id: 'u-own', role: 'applicant', org, region: '太原市' },
  'other organisation': { id: 'u-other', role: 'applicant', org: `${org}-other`, region: '太原市' },
  'own city': { id: 'rec-ty', role: 'recommender', org: '太原市教育局', region: '太原市' },
  'other city': { id: 'rec-dt', role: 'recommender', org: '大同市教育局', region: '大同市' },
  'city-less recommender': { id: 'rec-none', role: 'recommender', org: '某教育局' },
  'assigned reviewer': { id: 'expert-1', role: 'reviewer', org: 'univ-1' },
  'recused reviewer': { id: 'expert-2', role: 'reviewer', org: 'univ-2' },
  'unassigned reviewer': { id: 'expert-9', role: 'reviewer', org: 'univ-9' },
  'assigned reviewer of the applicant': { id: 'expert-3', role: 'reviewer', org },
  office: { id: 'office-1', role: 'office', org: '山西省教育厅' },
  auditor: { id: 'audit-1', role: 'auditor', org: '省审计厅' },
});

const PROJECT = {
  status: 'UnderReview',
  projectId: 'p-1',
  rules: {},
  applicantOrg: 'school-a',
  region: '太原市',
  reviewers: [
    { reviewerId: 'expert-1', reviewerOrg: 'univ-1', recused: false, score: null },
    { reviewerId: 'expert-2', reviewerOrg: 'univ-2', recused: true, score: null },
    { reviewerId: 'expert-3', reviewerOrg: 'univ-3', recused: false, score: null },
  ],
  objections: [],
} as unknown as Project;

const ENTERPRISE = { status: 'Submitted', enterpriseId: 'ent-a', region: '太原市', objections: [] } as unknown as EnterpriseState;
const CYCLE = { status: 'Open', cycleId: 'c-1' } as unknown as ProgramCycleState;

const OK = 'ok';
type Answer = typeof OK | readonly [code: string, message: string];

const PROJECT_SEE: Record<Kind, Answer> = {
  'own organisation': OK,
  'other organisation': ['not-own-organisation', 'an applicant reads only its own organisation’s projects'],
  'own city': OK,
  'other city': ['not-own-region', 'a recommender reads only the projects of its region'],
  'city-less recommender': ['not-own-region', 'a recommender reads only the projects of its region'],
  'assigned reviewer': OK,
  'recused reviewer': ['reviewer-recused', 'the reviewer has recused from this project'],
  'unassigned reviewer': ['not-assigned-reviewer', 'a reviewer reads only the projects assigned to it'],
  'assigned reviewer of the applicant': OK,
  office: OK,
  auditor: OK,
};

const ENTERPRISE_SEE: Record<Kind, Answer> = {
  'own organisation': OK,
  'other organisation': ['not-own-organisation', 'an enterprise reads only its own file'],
  'own city': OK,
  'other city': ['not-own-region', 'a recommender reads only the files of enterprises of its region'],
  'city-less recommender': ['not-own-region', 'a recommender reads only the files of enterprises of its region'],
  'assigned reviewer': ['role-not-allowed', 'reviewers do not read enterprise files'],
  'recused reviewer': ['role-not-allowed', 'reviewers do not read enterprise files'],
  'unassigned reviewer': ['role-not-allowed', 'reviewers do not read enterprise files'],
  'assigned reviewer of the applicant': ['role-not-allowed', 'reviewers do not read enterprise files'],
  office: OK,
  auditor: OK,
};

const CYCLE_SEE = Object.fromEntries(KINDS.map((kind) => [kind, OK])) as Record<Kind, Answer>;

/** The standing the deciders check once the role table let the role issue the command. */
const PROJECT_ACT: Record<Kind, Answer> = {
  'own organisation': OK,
  'other organisation': ['not-own-organisation', 'an applicant acts only on its own organisation’s projects'],
  'own city': OK,
  'other city': ['not-own-region', 'the project is in 太原市, outside the recommender’s region'],
  'city-less recommender': ['not-own-region', 'the project is in 太原市, outside the recommender’s region'],
  'assigned reviewer': OK,
  // Standing holds; the review commands refuse a recused reviewer themselves (409 reviewer-recused).
  'recused reviewer': OK,
  'unassigned reviewer': ['not-assigned-reviewer', 'the reviewer is not assigned to this project'],
  'assigned reviewer of the applicant': ['own-organisation', 'a reviewer never reviews a project of its own organisation'],
  office: OK,
  // No role table lets an auditor act; its standing is refused all the same.
  auditor: ['role-not-allowed', 'role auditor has no access here'],
};

const ENTERPRISE_ACT: Record<Kind, Answer> = {
  'own organisation': OK,
  'other organisation': ['not-own-organisation', 'an enterprise acts only for itself'],
  'own city': OK,
  'other city': ['not-own-region', 'a recommender acts only for enterprises of its region'],
  'city-less recommender': ['not-own-region', 'a recommender acts only for enterprises of its region'],
  'assigned reviewer': ['role-not-allowed', 'role reviewer has no access here'],
  'recused reviewer': ['role-not-allowed', 'role reviewer has no access here'],
  'unassigned reviewer': ['role-not-allowed', 'role reviewer has no access here'],
  'assigned reviewer of the applicant': ['role-not-allowed', 'role reviewer has no access here'],
  office: OK,
  auditor: ['role-not-allowed', 'role auditor has no access here'],
};

const answerOf = (run: () => void): Answer => {
  try {
    run();
    return OK;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.kind).toBe('forbidden');
    return [error.code, error.message];
  }
};

interface Aggregate<R> {
  readonly name: string;
  readonly policy: AccessPolicy<R, string>;
  readonly record: R;
  readonly actors: Record<Kind, Actor>;
  readonly see: Record<Kind, Answer>;
  readonly act: Record<Kind, Answer> | null;
}

const AGGREGATES: readonly Aggregate<never>[] = [
  { name: 'project', policy: PROJECT_ACCESS, record: PROJECT, actors: actorsFor('school-a'), see: PROJECT_SEE, act: PROJECT_ACT },
  { name: 'enterprise', policy: ENTERPRISE_ACCESS, record: ENTERPRISE, actors: actorsFor('ent-a'), see: ENTERPRISE_SEE, act: ENTERPRISE_ACT },
  { name: 'cycle', policy: PROGRAM_CYCLE_ACCESS, record: CYCLE, actors: actorsFor('school-a'), see: CYCLE_SEE, act: CYCLE_SEE },
] as unknown as Aggregate<never>[];

const EVERY_ROLE: readonly Role[] = [...ROLES, 'public'];

const CELLS = AGGREGATES.flatMap((aggregate) => KINDS.map((kind) => [aggregate.name, kind, aggregate] as const));

describe('one access policy per aggregate', () => {
  describe.each(CELLS)('%s, %s', (_name, kind, aggregate) => {
    const actor = aggregate.actors[kind];

    it('sees it as the table says, in words the reads always used', () => {
      expect(answerOf(() => requireSeen(aggregate.policy, actor, aggregate.record))).toEqual(aggregate.see[kind]);
      expect(maySee(aggregate.policy, actor, aggregate.record)).toBe(aggregate.see[kind] === OK);
    });

    it('stands to act on it as the table says, in words the deciders always used', () => {
      const answer = answerOf(() => requireStanding(aggregate.policy, { type: 'any command', actor }, aggregate.record));
      expect(answer).toEqual(aggregate.act![kind]);
      // Objections are open to anyone the role table lets file them, whatever their standing.
      for (const open of aggregate.policy.open) expect(answerOf(() => requireStanding(aggregate.policy, { type: open, actor }, aggregate.record))).toBe(OK);
    });

    it('is shown who objected only as the office', () => {
      expect(objectorAsSeenBy(aggregate.policy.objections, actor.role, { name: '张三' })).toEqual(actor.role === 'office' ? { name: '张三' } : { redacted: true });
    });
  });

  it('names the first requirement an actor fails, in order', () => {
    const relations = PROJECT_ACCESS.act.relations;
    expect(shortfall(relations, { id: 'expert-9', role: 'reviewer', org: 'school-a' }, PROJECT_ACCESS.subject(PROJECT))).toBe('assignment');
    expect(shortfall(relations, { id: 'expert-3', role: 'reviewer', org: 'school-a' }, PROJECT_ACCESS.subject(PROJECT))).toBe('impartiality');
    expect(shortfall(PROJECT_ACCESS.see.relations, { id: 'expert-2', role: 'reviewer', org: 'univ-2' }, PROJECT_ACCESS.subject(PROJECT))).toBe('recusal');
  });

  it('keeps a grant limited to one project to that project of its organisation', () => {
    const lead = (project: string): Actor => ({ id: 'u-lead', role: 'applicant', org: 'school-a', region: '太原市', project });
    const subject = PROJECT_ACCESS.subject(PROJECT as unknown as Project);
    expect(shortfall(PROJECT_ACCESS.act.relations, lead('p-1'), subject)).toBeNull();
    expect(shortfall(PROJECT_ACCESS.act.relations, lead('p-2'), subject)).toBe('project');
    expect(shortfall(PROJECT_ACCESS.see.relations, lead('p-2'), subject)).toBe('project');
    expect(() => requireSeen(PROJECT_ACCESS, lead('p-2'), PROJECT as unknown as Project)).toThrow(expect.objectContaining({ code: 'not-own-project', kind: 'forbidden' }));
    // Another school's project stays another organisation's, whatever project the grant names.
    expect(shortfall(PROJECT_ACCESS.see.relations, { ...lead('p-1'), org: 'school-b' }, subject)).toBe('organisation');
    // A view with no project (a portfolio) is not a one-project grant's.
    expect(shortfall(PORTFOLIO_ACCESS.relations, lead('p-1'), { org: 'school-a' })).toBe('project');
  });

  describe('the deciders check standing by the policy', () => {
    const now = '2025-10-10T10:00:00+08:00';
    /** One command each role may issue, refused (or decided) after the standing check, on a project under review. */
    const projectCommand = (actor: Actor): ProjectCommand | null => {
      const byRole: Record<Role, { type: string; data: unknown } | null> = {
        applicant: { type: 'EditApplication', data: { title: 'x' } },
        recommender: { type: 'Recommend', data: { rank: 1 } },
        reviewer: { type: 'ScoreReview', data: { score: 80, comments: 'x' } },
        office: { type: 'CorrectScore', data: { reviewerId: 'nobody', score: 1, reason: 'x' } },
        auditor: null,
        public: null,
      };
      const command = byRole[actor.role];
      return command && ({ ...command, actor, now } as ProjectCommand);
    };

    // An auditor issues no project command: its refusal by the role table is checked in project.decider.spec.ts.
    it.each(KINDS.filter((kind) => projectCommand(actorsFor('school-a')[kind])))('project, %s: refused for standing exactly when the policy refuses', (kind) => {
      const command = projectCommand(actorsFor('school-a')[kind])!;
      const answer = answerOrOther(() => decideProject(command, PROJECT));
      expect(answer).toEqual(PROJECT_ACT[kind] === OK ? 'not refused for standing' : PROJECT_ACT[kind]);
    });

    /** One command each role may issue on an enterprise (reviewers and auditors issue none: the role table refuses them). */
    const enterpriseCommand = (actor: Actor): { type: string; data: unknown } | null =>
      ({
        applicant: { type: 'PublishThreeYearPlan', data: {} },
        recommender: { type: 'NotRecommend', data: { reason: 'x' } },
        reviewer: null,
        office: { type: 'Disqualify', data: {} },
        auditor: null,
        public: null,
      })[actor.role];

    it.each(KINDS.filter((kind) => enterpriseCommand(actorsFor('ent-a')[kind])))('enterprise, %s: refused for standing exactly when the policy refuses', (kind) => {
      const actor = actorsFor('ent-a')[kind];
      const command = enterpriseCommand(actor)!;
      const answer = answerOrOther(() => decideEnterprise({ ...command, actor, now, context: { rulesVersion: 'v1' } } as EnterpriseCommand, ENTERPRISE));
      expect(answer).toEqual(ENTERPRISE_ACT[kind] === OK ? 'not refused for standing' : ENTERPRISE_ACT[kind]);
    });

    it('lets an enterprise apply only for itself', () => {
      const own = actorsFor('ent-a')['own organisation'];
      expect(answerOf(() => requireOwnApplication(own, 'ent-a'))).toBe(OK);
      expect(answerOf(() => requireOwnApplication(own, 'ent-b'))).toEqual(['not-own-organisation', 'an enterprise applies only for itself']);
    });

    /** A forbidden refusal as [code, message]; any other outcome (events, another refusal) passed the standing check. */
    function answerOrOther(run: () => unknown): Answer | 'not refused for standing' {
      try {
        run();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.kind === 'forbidden') return [error.code, error.message];
      }
      return 'not refused for standing';
    }
  });

  describe('the views that span records', () => {
    const PORTFOLIO: Record<Kind, Answer> = {
      'own organisation': OK,
      'other organisation': ['not-own-organisation', 'a portfolio is read by its own organisation, the office and auditors'],
      ...Object.fromEntries(
        (['own city', 'other city', 'city-less recommender', 'assigned reviewer', 'recused reviewer', 'unassigned reviewer', 'assigned reviewer of the applicant'] as const).map((kind) => [
          kind,
          ['role-not-allowed', 'a portfolio is read by its own organisation, the office and auditors'],
        ]),
      ),
      office: OK,
      auditor: OK,
    } as unknown as Record<Kind, Answer>;

    it.each(KINDS)("an organisation's portfolio, %s", (kind) => {
      expect(answerOf(() => requireView(PORTFOLIO_ACCESS, actorsFor('school-a')[kind], { org: 'school-a' }))).toEqual(PORTFOLIO[kind]);
    });

    it.each(KINDS)("expert-1's review queue, %s", (kind) => {
      const expected = kind === 'assigned reviewer' || kind === 'office' || kind === 'auditor' ? OK : ['not-own-queue', 'a reviewer sees its own queue only'];
      expect(answerOf(() => requireView(REVIEWER_QUEUE_ACCESS, actorsFor('school-a')[kind], { person: 'expert-1' }))).toEqual(expected);
    });
  });

  it('states a relation for every role in every policy', () => {
    for (const policy of [PROJECT_ACCESS, ENTERPRISE_ACCESS, PROGRAM_CYCLE_ACCESS] as AccessPolicy<never, string>[]) {
      for (const access of [policy.see, policy.act]) expect(Object.keys(access.relations).sort()).toEqual([...ROLES, 'public'].sort());
    }
  });
});

describe('the relations, read on their own', () => {
  const relations = { applicant: 'own-organisation', recommender: 'own-region', reviewer: 'self', office: 'any', auditor: 'none', public: 'none' } as const;
  const bare: Access<string> = { relations, refusals: {} };

  it('finds no city for an actor that serves none, even on a record that is in none', () => {
    const cityless: Actor = { id: 'rec-none', role: 'recommender', org: '某教育局' };
    expect(shortfall(relations, cityless, {})).toBe('region');
    expect(shortfall(relations, cityless, { region: null })).toBe('region');
    expect(shortfall(relations, { ...cityless, region: '太原市' }, { region: '太原市' })).toBeNull();
  });

  it('finds a record about the actor itself only when it names the actor', () => {
    const expert: Actor = { id: 'expert-1', role: 'reviewer', org: 'univ-1' };
    expect(shortfall(relations, expert, { person: 'expert-1' })).toBeNull();
    expect(shortfall(relations, expert, { person: 'expert-2' })).toBe('person');
  });

  it('finds no assignment on a record that has no reviewers', () => {
    const reviewing = { ...relations, reviewer: 'assigned-reviewer' } as const;
    expect(shortfall(reviewing, { id: 'expert-1', role: 'reviewer', org: 'univ-1' }, { org: 'school-a' })).toBe('assignment');
    expect(shortfall({ ...relations, reviewer: 'impartial-reviewer' }, { id: 'expert-1', role: 'reviewer', org: 'univ-1' }, {})).toBe('assignment');
  });

  it('refuses a shortfall the access does not word as role-not-allowed, naming the role', () => {
    const applicant: Actor = { id: 'u-1', role: 'applicant', org: 'school-b' };
    expectRefusal(() => requireAccess(bare, applicant, 'the record', { org: 'school-a' }), 'role-not-allowed', 'forbidden', { role: 'applicant' });
    expect(requireAccess(bare, applicant, 'the record', { org: 'school-b' })).toBeUndefined();
  });

  it('words a refusal with the record it is about', () => {
    const worded: Access<string> = { relations, refusals: { role: (record) => forbidden('role-not-allowed', `no access to ${record}`) } };
    const refusal = expectRefusal(() => requireAccess(worded, { id: 'a', role: 'auditor', org: 'x' }, 'project p-1', {}), 'role-not-allowed', 'forbidden');
    expect(refusal.message).toBe('no access to project p-1');
  });

  it('says which roles see every record of an aggregate', () => {
    expect(ROLES.filter((role) => seesEvery(PROJECT_ACCESS as AccessPolicy<never, string>, role))).toEqual(['office', 'auditor']);
  });

  it('names objectors to the office only, and redacts them with a fresh copy for everyone else', () => {
    expect(OBJECTORS_NAMED_TO_OFFICE).toEqual(['office']);
    const redaction = { filedByObjector: [], objectorNamedTo: OBJECTORS_NAMED_TO_OFFICE };
    expect(EVERY_ROLE.filter((role) => namesObjector(redaction, role))).toEqual(['office']);
    const redacted = objectorAsSeenBy(redaction, 'applicant', { name: '张三' });
    expect(redacted).toEqual(REDACTED);
    expect(redacted).not.toBe(REDACTED);
    expect(Object.isFrozen(REDACTED)).toBe(true);
  });
});
