import type Database from 'better-sqlite3';
import { categoryOf } from '../../application/audit';
import { RecordedEvent } from '../../application/event-store';
import { Decider } from '../../domain/decider';
import { preparedOnce, Projection } from './projection';

export type RowValues = Readonly<Record<string, string | number | null>>;

export interface FoldedStateOptions<State, Event extends { type: string; data: unknown }> {
  readonly name: string;
  readonly version: number;
  /** Stream category whose streams are folded, e.g. 'enterprise'. */
  readonly category: string;
  readonly decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>;
  readonly table: string;
  /** Queryable columns and their SQL types; the table also keeps `id`, `stream`, `revision`, `position` and the state. */
  readonly columns: Readonly<Record<string, 'TEXT' | 'INTEGER' | 'REAL'>>;
  readonly indexes?: readonly string[];
  /** The column values of a stream's state; columns left out are null. */
  row(state: State, event: RecordedEvent): RowValues;
  /** Tables kept beside the main one from the same states (e.g. one row per assigned reviewer). */
  readonly sideTables?: {
    readonly names: readonly string[];
    readonly schema: string;
    /** Prepares the statements (once per database) and answers how a stream's rows are written with them. */
    writer(db: Database.Database): (id: string, state: State) => void;
  };
}

/**
 * A read model whose rows are the aggregates' own states: each stream is folded with the domain's
 * `evolve`, the one definition of what an event means, and its state written once per batch.
 */
export function foldedStateProjection<State, Event extends { type: string; data: unknown }>(options: FoldedStateOptions<State, Event>): Projection {
  const names = Object.keys(options.columns);
  const schema = [
    `CREATE TABLE IF NOT EXISTS ${options.table} (
      id TEXT PRIMARY KEY, stream TEXT NOT NULL UNIQUE, revision INTEGER NOT NULL, position INTEGER NOT NULL, state TEXT NOT NULL,
      ${names.map((column) => `${column} ${options.columns[column]}`).join(', ')})`,
    ...(options.indexes ?? []).map((columns, i) => `CREATE INDEX IF NOT EXISTS ${options.table}_${i} ON ${options.table} (${columns})`),
    ...(options.sideTables ? [options.sideTables.schema] : []),
  ].join(';\n');
  const upsert = `INSERT INTO ${options.table} (id, stream, revision, position, state, ${names.join(', ')})
    VALUES (@id, @stream, @revision, @position, @state, ${names.map((n) => `@${n}`).join(', ')})
    ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, position = excluded.position, state = excluded.state,
    ${names.map((n) => `${n} = excluded.${n}`).join(', ')}`;
  const prefix = `${options.category}-`;
  const statements = preparedOnce((db) => ({
    load: db.prepare<[string], { state: string; revision: number }>(`SELECT state, revision FROM ${options.table} WHERE stream = ?`),
    write: db.prepare(upsert),
    writeSideTables: options.sideTables?.writer(db),
  }));
  return {
    name: options.name,
    version: options.version,
    tables: [options.table, ...(options.sideTables?.names ?? [])],
    schema,
    apply(db: Database.Database, events: readonly RecordedEvent[]) {
      const { load, write, writeSideTables } = statements(db);
      const touched = new Map<string, { state: State; revision: number; last?: RecordedEvent }>();
      const stored = (stream: string) => {
        const row = load.get(stream);
        return row ? { state: JSON.parse(row.state) as State, revision: row.revision } : { state: options.decider.initialState, revision: -1 };
      };
      for (const event of events) {
        if (categoryOf(event.stream) !== options.category) continue;
        const before = touched.get(event.stream) ?? stored(event.stream);
        // An event the row already includes is skipped, so replaying events changes nothing.
        if (event.revision <= before.revision) {
          touched.set(event.stream, before);
          continue;
        }
        touched.set(event.stream, { state: options.decider.evolve(before.state, { type: event.type, data: event.data } as Event), revision: event.revision, last: event });
      }
      const nulls = Object.fromEntries(names.map((name) => [name, null]));
      for (const [stream, { state, last }] of touched) {
        if (!last) continue;
        const id = stream.slice(prefix.length);
        writeSideTables?.(id, state);
        write.run({
          id,
          stream,
          revision: last.revision,
          position: Number(last.position),
          state: JSON.stringify(state),
          ...nulls,
          ...options.row(state, last),
        });
      }
    },
  };
}
