import { requireRole, RoleTable } from './checks';
import { forbidden } from './errors';
import { Actor } from './messages';

/**
 * Who may use the service's own operations, which belong to no aggregate: the same kind of role
 * table as each aggregate's commands, with how each refusal is told.
 */
export const SERVICE_OPERATIONS = {
  ReadAudit: ['auditor', 'office'],
  // The public uploads an objection's evidence, through the public pages' own route and limits.
  UploadDocument: ['applicant', 'recommender', 'reviewer', 'office', 'public'],
  ReadReactionFailures: ['office'],
  // The review's workings before the decision (the ranking by scores, the panels, each expert's progress): the office's and the auditors'.
  ReadReview: ['office', 'auditor'],
  // A cycle's whole ledger; a school reads its own grants, a city its schools', in GET /funding.
  ReadFunds: ['office', 'auditor'],
  RebuildReadModels: ['office'],
  MoveSimulatedClock: ['office'],
  EndOthersSessions: ['office'],
} as const satisfies RoleTable<string>;

export type ServiceOperation = keyof typeof SERVICE_OPERATIONS;

const REFUSED: Readonly<Record<ServiceOperation, string>> = {
  ReadAudit: 'the audit API is for auditors and the program office',
  UploadDocument: 'auditors read; they do not upload documents',
  ReadReactionFailures: 'the dead-letter view is the program office’s',
  ReadReview: 'the review’s ranking, panels and experts’ progress are the program office’s and the auditors’',
  ReadFunds: 'a cycle’s ledger is the program office’s and the auditors’; GET /funding shows an organisation its own',
  RebuildReadModels: 'only the program office rebuilds the read models',
  MoveSimulatedClock: 'only the program office moves the simulated clock',
  EndOthersSessions: 'only the program office lists and ends other people’s sessions',
};

/** Whether the actor's role may use the operation. */
export function mayUse(type: ServiceOperation, actor: Actor): boolean {
  return (SERVICE_OPERATIONS[type] as readonly string[]).includes(actor.role);
}

/** Refuses the actor unless its role may use the operation. */
export function requireOperation(type: ServiceOperation, actor: Actor): void {
  requireRole(SERVICE_OPERATIONS, { type, actor }, () => forbidden('role-not-allowed', REFUSED[type]));
}
