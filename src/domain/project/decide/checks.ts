import { isIsoDate } from '../../beijing-time';
import { DOCUMENTS, documentRef as plainDocumentRef, invalidTransition as refusedIn, listOf, text } from '../../checks';
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
export const REVOCABLE: readonly ProjectStatus[] = ['Approved', 'PlanSubmitted', ...REPORTING, 'Failed', 'Suspended', 'Recognised'];

export function invalidTransition(command: ProjectCommand, state: ProjectState, expected: readonly ProjectStatus[]) {
  return refusedIn('project', command.type, state.status, expected.join(' | '));
}

export function requireStatus(command: ProjectCommand, project: Project, allowed: readonly ProjectStatus[]): void {
  if (!allowed.includes(project.status)) throw invalidTransition(command, project, allowed);
}

export const openRectification = (project: Project): ProjectRectification | null => project.rectifications.find((r) => r.outcome === 'open') ?? null;

// ---------------------------------------------------------------------------------------------
// Data

export function optionalText(value: string | null | undefined, code: string, what: string): string | null {
  return value === undefined || value === null ? null : text(value, code, what);
}

/** A cited document, refused when the context lists the stored documents and it is not among them. */
export function documentRef(value: DocumentRef, context: ProjectContext | undefined): DocumentRef {
  const known = context?.knownDocuments;
  if (known && !known.includes(value.sha256)) {
    throw notFound('unknown-document', `no stored document ${value.sha256}`, { sha256: value.sha256 });
  }
  return plainDocumentRef(value);
}

export function documentRefs(value: readonly DocumentRef[] | undefined, context: ProjectContext | undefined, min: number, code = 'documents-required'): DocumentRef[] {
  return listOf(value, min, code, DOCUMENTS, (item) => documentRef(item, context));
}

/** Absent, or null as the edge lets an optional document through, is none. */
export function optionalDocument(value: DocumentRef | null | undefined, context: ProjectContext | undefined): DocumentRef | null {
  return value === undefined || value === null ? null : documentRef(value, context);
}

/** A day of the calendar: the pattern YYYY-MM-DD alone lets through days that do not exist (2025-02-30). */
export function date(value: string, field: string): string {
  if (!isIsoDate(value)) throw validation('invalid-date', `${field} must be a YYYY-MM-DD date`, { field });
  return value;
}

/** A count within the bounds a rule sets (a rank within the recommender's limit, a year within the service). */
export function within(value: number, code: string, what: string, min: number, max: number): number {
  if (value < min || value > max) throw validation(code, `${what} must be from ${min} to ${max}`, { value });
  return value;
}
