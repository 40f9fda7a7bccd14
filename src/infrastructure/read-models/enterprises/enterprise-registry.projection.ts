import { enterpriseDecider, EnterpriseState } from '../../../domain/enterprise/enterprise.decider';
import { foldedStateProjection } from '../../projections/folded-state.projection';

/** Enterprises by status: incubating, certified with the validity of their certificate, disqualified with the ban's end. */
export const enterpriseRegistryProjection = foldedStateProjection({
  name: 'enterprise-registry',
  version: 2,
  category: 'enterprise',
  decider: enterpriseDecider,
  table: 'enterprise_registry',
  columns: {
    org: 'TEXT',
    name: 'TEXT',
    credit_code: 'TEXT',
    region: 'TEXT',
    status: 'TEXT',
    admitted_at: 'TEXT',
    certificate_no: 'INTEGER',
    certified_until: 'TEXT',
    banned_until: 'TEXT',
    disqualification_ground: 'TEXT',
    overdue: 'TEXT',
  },
  indexes: ['status', 'region', 'org'],
  row: (state: EnterpriseState) => {
    const current = state.certificates.at(-1);
    const inForce = current && current.ended === null ? current : undefined;
    return {
      org: state.enterpriseId,
      name: state.name,
      credit_code: state.creditCode,
      region: state.region,
      status: state.status,
      admitted_at: state.incubation?.admittedAt ?? null,
      certificate_no: inForce?.certificateNo ?? null,
      certified_until: inForce?.validUntil ?? null,
      banned_until: state.disqualification?.bannedUntil ?? null,
      disqualification_ground: state.disqualification?.ground ?? null,
      overdue: JSON.stringify([
        ...(state.incubation?.threeYearPlanOverdue && !state.incubation.threeYearPlan ? ['three-year-plan'] : []),
        ...(state.incubation?.annualReports.filter((r) => r.status === 'overdue').map((r) => `annual-report ${r.year}`) ?? []),
      ]),
    };
  },
});
