import { DomainError } from './errors';
import { ROLES } from './messages';
import { requireOperation, ServiceOperation } from './service.access';

/** Who may use each of the service's own operations, written out: every role against every operation. */
const MAY: Readonly<Record<ServiceOperation, readonly string[]>> = {
  ReadAudit: ['auditor', 'office'],
  UploadDocument: ['applicant', 'recommender', 'reviewer', 'office'],
  ReadReactionFailures: ['office'],
  ReadReview: ['office', 'auditor'],
  ReadFunds: ['office', 'auditor'],
  RebuildReadModels: ['office'],
  MoveSimulatedClock: ['office'],
  EndOthersSessions: ['office'],
};

describe('the service’s own operations', () => {
  it.each(Object.keys(MAY) as ServiceOperation[])('%s: the roles the table names, every other refused as role-not-allowed', (operation) => {
    for (const role of ROLES) {
      const actor = { id: `u-${role}`, role, org: 'org' };
      let refusal: DomainError | undefined;
      try {
        requireOperation(operation, actor);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error;
      }
      expect([role, refusal?.code ?? 'allowed', refusal?.kind]).toEqual(MAY[operation].includes(role) ? [role, 'allowed', undefined] : [role, 'role-not-allowed', 'forbidden']);
    }
  });
});
