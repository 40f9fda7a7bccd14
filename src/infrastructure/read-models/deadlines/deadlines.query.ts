import type Database from 'better-sqlite3';
import { Deadline } from '../../../application/deadlines';
import { preparedOnce } from '../../projections/projection';

interface DeadlineRow {
  stream: string;
  kind: string;
  key: string;
  due_at: string;
  rule: string;
  calendar_version: string | null;
  detail: string | null;
}

const dueQuery = preparedOnce((db) =>
  db.prepare<[string], DeadlineRow>(
    'SELECT stream, kind, key, due_at, rule, calendar_version, detail FROM deadlines WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at, stream, kind, key',
  ),
);

/** The deadlines (deadlines.projection.ts) not yet settled and due by `now`, the earliest first. */
export function deadlinesDue(db: Database.Database, now: Date): Deadline[] {
  return dueQuery(db)
    .all(now.toISOString())
    .map((row) => ({
      stream: row.stream,
      kind: row.kind,
      key: row.key,
      dueAt: row.due_at,
      rule: row.rule,
      calendarVersion: row.calendar_version,
      detail: row.detail === null ? null : (JSON.parse(row.detail) as Deadline['detail']),
    }));
}

const ofStream = preparedOnce((db) =>
  db.prepare<[string], { kind: string; key: string; due_at: string }>('SELECT kind, key, due_at FROM deadlines WHERE stream = ? AND fired_at IS NULL ORDER BY due_at, kind, key'),
);

/** A stream's deadlines not yet settled, the earliest first: what its owner has to hand in, and by when. */
export function deadlinesOf(db: Database.Database, stream: string): { kind: string; key: string; dueAt: string }[] {
  return ofStream(db)
    .all(stream)
    .map((row) => ({ kind: row.kind, key: row.key, dueAt: row.due_at }));
}
