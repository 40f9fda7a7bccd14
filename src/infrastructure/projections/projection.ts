import type Database from 'better-sqlite3';
import { RecordedEvent } from '../../application/event-store';

/**
 * A read model: tables it owns in the read-model database, and how a batch of events changes them.
 * `apply` runs inside the runner's transaction, together with the checkpoint, so an event is applied
 * exactly once however the process stops. Batches let a projection write each touched row once.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or `apply` change: the runner then rebuilds the projection from the log. */
  readonly version: number;
  /** Every table the projection owns, dropped on a rebuild. */
  readonly tables: readonly string[];
  /** CREATE TABLE / INDEX IF NOT EXISTS statements. */
  readonly schema: string;
  apply(db: Database.Database, events: readonly RecordedEvent[]): void;
}

/** Prepares statements once per database, rather than on every use (each batch a projection applies, each query). */
export function preparedOnce<Statements>(prepare: (db: Database.Database) => Statements): (db: Database.Database) => Statements {
  const byDatabase = new WeakMap<Database.Database, Statements>();
  return (db) => {
    let statements = byDatabase.get(db);
    if (!statements) byDatabase.set(db, (statements = prepare(db)));
    return statements;
  };
}
