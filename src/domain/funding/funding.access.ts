import { RoleRelations } from '../access';

/**
 * Who reads which funding figures (GET /funding): a school its own projects' grants, a city bureau its
 * city's, the office and auditors all of them, anyone else none. A cycle's whole ledger
 * (GET /cycles/{id}/funds) is the office's and the auditors' (service.access.ts, ReadFunds).
 */
export const FUNDING_VISIBILITY: RoleRelations = { applicant: 'own-organisation', recommender: 'own-region', reviewer: 'none', office: 'any', auditor: 'any', public: 'none' };
