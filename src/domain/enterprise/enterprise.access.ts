import { Access, AccessPolicy, OBJECTORS_NAMED_TO_OFFICE, requireAccess } from '../access';
import { forbidden } from '../errors';
import { Actor } from '../messages';
import { ENTERPRISE_COMMANDS, EnterpriseCommandType } from './enterprise.commands';
import { EnterpriseEventType } from './enterprise.events';
import { EnterpriseState } from './enterprise.state';

/**
 * Who acts on an enterprise's file, who reads it, and who is told who objected (domain.md §6–§7).
 *
 * - Acting: the role table says which role issues each command; on which file: the enterprise on its
 *   own (and it applies only for itself), the recommender on the enterprises of its city, the office on
 *   any. An objection may be filed by anyone the table names, on any enterprise.
 * - Reading (GET /enterprises/{id}, the documents the file cites, GET /enterprises and the other lists):
 *   the enterprise itself, the recommender of its city, the office and auditors; reviewers never.
 * - Objectors are named to the office alone.
 */
export const ENTERPRISE_ACCESS: AccessPolicy<EnterpriseState, EnterpriseCommandType> = {
  roles: ENTERPRISE_COMMANDS,
  open: ['FileObjection'],
  act: {
    relations: { applicant: 'own-organisation', recommender: 'own-region', reviewer: 'none', office: 'any', auditor: 'none', public: 'none' },
    refusals: {
      organisation: () => forbidden('not-own-organisation', 'an enterprise acts only for itself'),
      region: () => forbidden('not-own-region', 'a recommender acts only for enterprises of its region'),
    },
  },
  see: {
    relations: { applicant: 'own-organisation', recommender: 'own-region', reviewer: 'none', office: 'any', auditor: 'any', public: 'none' },
    refusals: {
      role: () => forbidden('role-not-allowed', 'reviewers do not read enterprise files'),
      organisation: () => forbidden('not-own-organisation', 'an enterprise reads only its own file'),
      region: () => forbidden('not-own-region', 'a recommender reads only the files of enterprises of its region'),
    },
  },
  subject: (state) => ({ org: state.enterpriseId, region: state.region }),
  objections: {
    filedByObjector: ['ObjectionFiled', 'ObjectionRejected'] satisfies EnterpriseEventType[],
    objectorNamedTo: OBJECTORS_NAMED_TO_OFFICE,
  },
};

/** An application for incubation is the applicant enterprise's own: its subject is the enterprise applied for. */
const APPLYING: Access<string> = {
  relations: { applicant: 'own-organisation', recommender: 'none', reviewer: 'none', office: 'none', auditor: 'none', public: 'none' },
  refusals: { organisation: () => forbidden('not-own-organisation', 'an enterprise applies only for itself') },
};

/** Refuses an application for any enterprise but the actor's own. */
export function requireOwnApplication(actor: Actor, enterpriseId: string): void {
  requireAccess(APPLYING, actor, enterpriseId, { org: enterpriseId });
}
