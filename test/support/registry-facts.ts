import type { ProjectContext } from '../../src/domain/project/project.commands';

/**
 * What the registry says of a fixture's applicant school, recommending bureau and enterprise, for the
 * contexts of logs a spec builds through the deciders (the command handlers read them from the registry).
 */
export const SCHOOL_FACTS = { applicant: { kind: 'school', schoolKind: '高职' }, signsOff: true } as const satisfies ProjectContext;
export const RECOMMENDATION_FACTS = {
  recommendation: { recommender: { kind: 'bureau', bureauKind: '教育局' }, applicant: { kind: 'school', schoolKind: '高职' } },
} as const satisfies ProjectContext;
export const ENTERPRISE_FACTS = { applicant: { kind: 'enterprise' } } as const;

/** A reviewer of the pool, in the registry under `organisationId`. */
export const reviewerFacts = (organisationId: string) => ({ reviewer: { organisationId, expert: true, affiliations: [] } }) satisfies ProjectContext;
