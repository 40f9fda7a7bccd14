import type Database from 'better-sqlite3';
import { categoryOf } from '../../../application/audit';
import { DeadlineRule } from '../../../application/deadlines';
import { RecordedEvent } from '../../../application/event-store';
import { preparedOnce, Projection } from '../../projections/projection';

/**
 * Table `deadlines`: every deadline the rules derive from the log, and when it was settled. A row is
 * settled (`fired_at`, the recorded time of the settling event) only by an event — the one its firing
 * caused, or the one that met the obligation first — so every instance and every restart reads the
 * same answer from the log alone.
 */
export function deadlinesProjection(rules: readonly DeadlineRule[]): Projection {
  const byCategory = new Map<string, DeadlineRule[]>();
  for (const rule of rules) byCategory.set(rule.category, [...(byCategory.get(rule.category) ?? []), rule]);
  const statements = preparedOnce((db) => ({
    arm: db.prepare(
      `INSERT INTO deadlines (stream, kind, key, due_at, rule, calendar_version, detail, fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (stream, kind, key) DO UPDATE SET due_at = excluded.due_at, rule = excluded.rule,
         calendar_version = excluded.calendar_version, detail = excluded.detail, fired_at = NULL`,
    ),
    settle: db.prepare('UPDATE deadlines SET fired_at = ? WHERE stream = ? AND kind = ? AND key = ? AND fired_at IS NULL'),
  }));
  return {
    name: 'deadlines',
    // Derived from the rules, so adding or revising a rule rebuilds the table and past events get its deadlines.
    version: versionOf(rules),
    tables: ['deadlines'],
    schema: `CREATE TABLE IF NOT EXISTS deadlines (
        stream TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
        due_at TEXT NOT NULL, rule TEXT NOT NULL, calendar_version TEXT, detail TEXT, fired_at TEXT,
        PRIMARY KEY (stream, kind, key));
      CREATE INDEX IF NOT EXISTS deadlines_pending ON deadlines (due_at) WHERE fired_at IS NULL`,
    apply(db: Database.Database, events: readonly RecordedEvent[]) {
      const { arm, settle } = statements(db);
      for (const event of events) {
        for (const rule of byCategory.get(categoryOf(event.stream)) ?? []) {
          for (const change of rule.derive({ type: event.type, data: event.data }, event.stream)) {
            if ('set' in change) {
              const { key, dueAt, rule: text, calendarVersion, detail } = change.set;
              // UTC with milliseconds, so due times compare as strings whatever offset the event used.
              arm.run(event.stream, rule.kind, key, new Date(dueAt).toISOString(), text, calendarVersion ?? null, detail ? JSON.stringify(detail) : null);
            } else {
              settle.run(String(event.metadata.recordedAt ?? ''), event.stream, rule.kind, change.clear.key);
            }
          }
        }
      }
    },
  };
}

/** A stable number for the set of rules (FNV-1a over their ids and revisions). */
function versionOf(rules: readonly DeadlineRule[]): number {
  const ids = rules.map((r) => `${r.category}/${r.kind}#${r.revision ?? 1}${r.parameters ? `(${r.parameters})` : ''}`).sort().join('|');
  let hash = 0x811c9dc5;
  for (let i = 0; i < ids.length; i++) hash = Math.imul(hash ^ ids.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
