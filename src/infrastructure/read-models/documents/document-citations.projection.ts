import type Database from 'better-sqlite3';
import { RecordedEvent } from '../../../application/event-store';
import { documentRefsIn } from '../../../application/documents';
import { preparedOnce, Projection } from '../../projections/projection';

const statements = preparedOnce((db) => ({
  cite: db.prepare('INSERT OR IGNORE INTO document_citations (sha256, stream) VALUES (?, ?)'),
}));

/**
 * Table `document_citations`: which streams cite each uploaded document. A document is read by its
 * uploader and by whoever may read a record that cites it, so this is where a download finds those records.
 */
export const documentCitationsProjection: Projection = {
  name: 'document-citations',
  version: 1,
  tables: ['document_citations'],
  schema: 'CREATE TABLE IF NOT EXISTS document_citations (sha256 TEXT NOT NULL, stream TEXT NOT NULL, PRIMARY KEY (sha256, stream)) WITHOUT ROWID',
  apply(db: Database.Database, events: readonly RecordedEvent[]) {
    const { cite } = statements(db);
    for (const event of events) for (const ref of documentRefsIn(event.data)) cite.run(ref.sha256, event.stream);
  },
};
