import { forbidden } from '../errors';
import { Actor } from '../messages';
import { EnterpriseState } from './enterprise.decider';

/** Who reads an enterprise's file: the enterprise itself, the recommender of its city, the office and auditors (as in the registry). */
export function requireEnterpriseReader(actor: Actor, state: EnterpriseState): void {
  if (actor.role === 'reviewer') throw forbidden('role-not-allowed', 'reviewers do not read enterprise files');
  if (actor.role === 'applicant' && actor.org !== state.enterpriseId) throw forbidden('not-own-organisation', 'an enterprise reads only its own file');
  if (actor.role === 'recommender' && (actor.region === undefined || actor.region !== state.region)) {
    throw forbidden('not-own-region', 'a recommender reads only the files of enterprises of its region');
  }
}
