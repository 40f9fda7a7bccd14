import { isIsoDate } from '../../beijing-time';
import { DOCUMENTS, invalidTransition as refusedIn, isDocumentRef, listOf, plainDocumentRef, text } from '../../checks';
import { notFound, validation } from '../../errors';
import { DocumentRef } from '../../messages';
import { ProjectCommand, ProjectContext } from '../project.commands';
import { ProjectStatus } from '../project.events';
import { Project, ProjectRectification, ProjectState } from '../project.state';

/** The checks the project's commands share, across its lifecycle phases. */

// ---------------------------------------------------------------------------------------------
// Status groups

export const IN_CONSTRUCTION: readonly ProjectStatus[] = ['UnderConstruction', 'MidtermEvaluated', 'Rectification', 'Extended'];
/** Construction has started and the project still stands: annual reports are owed [S]. */
export const REPORTING: readonly ProjectStatus[] = [
  ...IN_CONSTRUCTION,
  'RectificationFailed',
  'FinalSelfAssessed',
  'FinalEvaluated',
  'Deferred',
  'Accredited',
];
/** "from any non-terminal state after approval", Failed and Suspended included: they are revoked with evidence. */
export const REVOCABLE: readonly ProjectStatus[] = ['Approved', 'PlanSubmitted', ...REPORTING, 'Failed', 'Suspended'];

export function invalidTransition(command: ProjectCommand, state: ProjectState, expected: readonly ProjectStatus[]) {
  return refusedIn('project', command.type, state.status, expected.join(' | '));
}

export function requireStatus(command: ProjectCommand, project: Project, allowed: readonly ProjectStatus[]): void {
  if (!allowed.includes(project.status)) throw invalidTransition(command, project, allowed);
}

export const openRectification = (project: Project): ProjectRectification | null => project.rectifications.find((r) => r.outcome === 'open') ?? null;

// ---------------------------------------------------------------------------------------------
// Data

export function optionalText(value: unknown, code: string, what: string): string | null {
  return value === undefined || value === null ? null : text(value, code, what);
}

export function documentRef(value: unknown, context: ProjectContext | undefined, code = 'invalid-document'): DocumentRef {
  if (value === undefined || value === null) throw validation(code, 'a document reference is required');
  if (!isDocumentRef(value)) throw validation('invalid-document', 'a document reference needs sha256 (lower-case hex), name and size');
  const known = context?.knownDocuments;
  if (known && !known.includes(value.sha256)) {
    throw notFound('unknown-document', `no stored document ${value.sha256}`, { sha256: value.sha256 });
  }
  return plainDocumentRef(value);
}

export function documentRefs(value: unknown, context: ProjectContext | undefined, min: number, code = 'documents-required'): DocumentRef[] {
  return listOf(value, min, code, DOCUMENTS, (item) => documentRef(item, context));
}

export function optionalDocument(value: unknown, context: ProjectContext | undefined): DocumentRef | null {
  return value === undefined || value === null ? null : documentRef(value, context);
}

export function date(value: unknown, field: string): string {
  if (!isIsoDate(value)) throw validation('invalid-date', `${field} must be a YYYY-MM-DD date`, { field });
  return value;
}

export function wholeNumber(value: unknown, code: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(code, `${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`, { value: value as number });
  }
  return value;
}
