import { expectRefusal } from '../../test/support/decider-spec';
import { Role, ROLES } from './messages';
import { mayUse, requireOperation, ServiceOperation } from './service.access';

/** Who may use each of the service's own operations, written out: every role against every operation. */
const MAY: Readonly<Record<ServiceOperation, readonly Role[]>> = {
  ReadAudit: ['auditor', 'office'],
  UploadDocument: ['applicant', 'recommender', 'reviewer', 'office', 'public'],
  ReadReactionFailures: ['office'],
  ReadReview: ['office', 'auditor'],
  ReadFunds: ['office', 'auditor'],
  RebuildReadModels: ['office'],
  MoveSimulatedClock: ['office'],
  EndOthersSessions: ['office'],
};

const EVERY_ROLE: readonly Role[] = [...ROLES, 'public'];
const CELLS = (Object.keys(MAY) as ServiceOperation[]).flatMap((operation) => EVERY_ROLE.map((role) => [operation, role] as const));

describe('the service’s own operations', () => {
  it.each(CELLS)('%s by %s: allowed exactly when the table names the role, else refused as role-not-allowed, saying why', (operation, role) => {
    const actor = { id: `u-${role}`, role, org: 'org' };
    const allowed = MAY[operation].includes(role);
    expect(mayUse(operation, actor)).toBe(allowed);
    if (allowed) expect(requireOperation(operation, actor)).toBeUndefined();
    else expectRefusal(() => requireOperation(operation, actor), 'role-not-allowed', 'forbidden');
  });
});
