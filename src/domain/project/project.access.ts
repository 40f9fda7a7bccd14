import { Access, AccessPolicy, AccessSubject, OBJECTORS_NAMED_TO_OFFICE } from '../access';
import { forbidden } from '../errors';
import { PROJECT_COMMANDS, ProjectCommandType } from './project.commands';
import { ProjectEventType } from './project.events';
import { Project } from './project.state';

/**
 * Who acts on a project, who reads it, and who is told who objected to it (domain.md §7).
 *
 * - Acting: the role table says which role issues each command; on which project: the applicant on its
 *   own organisation's, the recommender on its city's, a reviewer on a project it is assigned to and
 *   that is not its own organisation's (a reviewer who recused is refused by the review commands
 *   themselves, 409 reviewer-recused), the office on any. An objection may be filed by anyone the
 *   table names, on any project.
 * - Reading (GET /projects/{id}, the documents a project cites, GET /projects and the other lists): its
 *   applicant organisation, the recommender of its city, its assigned reviewers until they recuse, the
 *   office and auditors. A project in public notice is published: GET /notices shows everyone its
 *   title, applicant, tier and objection counts, never its file.
 * - Objectors are named to the office alone.
 */
export const PROJECT_ACCESS: AccessPolicy<Project, ProjectCommandType> = {
  roles: PROJECT_COMMANDS,
  open: ['FileObjection'],
  act: {
    relations: { applicant: 'own-organisation', recommender: 'own-region', reviewer: 'impartial-reviewer', office: 'any', auditor: 'none', public: 'none' },
    refusals: {
      organisation: () => forbidden('not-own-organisation', 'an applicant acts only on its own organisation’s projects'),
      project: () => forbidden('not-own-project', 'this grant is limited to another project of the school'),
      region: (project) => forbidden('not-own-region', `the project is in ${project.region}, outside the recommender’s region`),
      assignment: () => forbidden('not-assigned-reviewer', 'the reviewer is not assigned to this project'),
      impartiality: () => forbidden('own-organisation', 'a reviewer never reviews a project of its own organisation'),
    },
  },
  see: {
    relations: { applicant: 'own-organisation', recommender: 'own-region', reviewer: 'assigned-reviewer', office: 'any', auditor: 'any', public: 'none' },
    refusals: {
      organisation: () => forbidden('not-own-organisation', 'an applicant reads only its own organisation’s projects'),
      project: () => forbidden('not-own-project', 'this grant is limited to another project of the school'),
      region: () => forbidden('not-own-region', 'a recommender reads only the projects of its region'),
      assignment: () => forbidden('not-assigned-reviewer', 'a reviewer reads only the projects assigned to it'),
      recusal: () => forbidden('reviewer-recused', 'the reviewer has recused from this project'),
    },
  },
  subject: (project) => ({ org: project.applicantOrg, project: project.projectId, region: project.region, reviewers: project.reviewers }),
  objections: {
    filedByObjector: ['ObjectionFiled', 'ObjectionRejected'] satisfies ProjectEventType[],
    objectorNamedTo: OBJECTORS_NAMED_TO_OFFICE,
  },
};

/** The status in which a project is published to everyone signed in, as a public notice (公示) lists it. */
export const PUBLISHED_WHILE = 'InPublicNotice' satisfies Project['status'];

/**
 * A reviewer's queue (its assignments with their scores; its subject is the reviewer, as `person`) is
 * read by the reviewer itself, the office and auditors; what it lists is further bounded by who may read each project, so a recused reviewer no
 * longer finds the project there.
 */
export const REVIEWER_QUEUE_ACCESS: Access<AccessSubject> = {
  relations: { applicant: 'none', recommender: 'none', reviewer: 'self', office: 'any', auditor: 'any', public: 'none' },
  refusals: {
    person: () => forbidden('not-own-queue', 'a reviewer sees its own queue only'),
    role: () => forbidden('not-own-queue', 'a reviewer sees its own queue only'),
  },
};
