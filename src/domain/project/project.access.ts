import { forbidden } from '../errors';
import { Actor } from '../messages';
import { Project } from './project.decider';

/**
 * Who reads a project: its applicant organisation, the recommender of its city, the reviewers assigned
 * to it (not once they declared a conflict), the office and auditors — as the decider lets them act on
 * it. The single-project read and the documents the project cites follow this one rule.
 */
export function requireProjectReader(actor: Actor, project: Project): void {
  if (actor.role === 'applicant' && actor.org !== project.applicantOrg) {
    throw forbidden('not-own-organisation', 'an applicant reads only its own organisation’s projects');
  }
  if (actor.role === 'recommender' && (actor.region === undefined || actor.region !== project.region)) {
    throw forbidden('not-own-region', 'a recommender reads only the projects of its region');
  }
  if (actor.role === 'reviewer') {
    const reviewer = project.reviewers.find((r) => r.reviewerId === actor.id);
    if (!reviewer) throw forbidden('not-assigned-reviewer', 'a reviewer reads only the projects assigned to it');
    if (reviewer.recused) throw forbidden('reviewer-recused', 'the reviewer has recused from this project');
  }
}
