import { DocumentRef } from '../domain/messages';

/** Where uploaded documents are kept: a command may cite only documents that were uploaded, with the size it claims. */
export interface CitedDocuments {
  /** Rejects for a reference to no uploaded document, or to one of another size. */
  verifyReferences(refs: readonly DocumentRef[]): Promise<void>;
}
export const CITED_DOCUMENTS = Symbol('CitedDocuments');

/** Every DocumentRef found anywhere in a command body or event data. */
export function documentRefsIn(value: unknown): DocumentRef[] {
  if (Array.isArray(value)) return value.flatMap(documentRefsIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.sha256 === 'string' && typeof record.size === 'number') return [record as unknown as DocumentRef];
  return Object.values(record).flatMap(documentRefsIn);
}
