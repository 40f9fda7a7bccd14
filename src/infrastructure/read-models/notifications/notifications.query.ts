import { Injectable } from '@nestjs/common';
import { preparedOnce } from '../../projections/projection';
import { Page, pageOf, Paging, read, where } from '../query';
import { ReadModels } from '../read-models';

const COLUMNS = 'id, kind, subject, record_id AS recordId, title, outcome, due_on AS dueOn, at';

const statements = preparedOnce((db) => ({
  // The marks come from accounts.db, another file: they are handed in as one JSON array.
  unread: db.prepare<[string, string]>('SELECT count(*) AS unread FROM notifications WHERE person_id = ? AND id NOT IN (SELECT value FROM json_each(?))'),
  ids: db.prepare<[string]>('SELECT id FROM notifications WHERE person_id = ?'),
}));

export interface NotificationItem {
  readonly id: string;
  readonly kind: string;
  readonly subject: 'project' | 'enterprise' | 'person';
  readonly recordId: string;
  readonly title: string | null;
  readonly outcome: string | null;
  /** The day an obligation is due by, for a reminder or an overdue notice. */
  readonly dueOn: string | null;
  readonly at: string;
  readonly read: boolean;
}

/** A person's notifications (notifications.projection.ts), newest first, each with whether its reader has marked it read. */
@Injectable()
export class NotificationQueries {
  constructor(private readonly readModels: ReadModels) {}

  of(personId: string, readIds: readonly string[], paging: Paging): Page<NotificationItem> & { unread: number } {
    const marked = new Set(readIds);
    const page = pageOf(this.readModels.db, 'notifications', COLUMNS, [where('person_id = ?', personId)], 'position DESC, kind', paging, (row) => ({ ...row, read: marked.has(String(row.id)) }) as NotificationItem);
    return { ...page, unread: this.unread(personId, readIds) };
  }

  unread(personId: string, readIds: readonly string[]): number {
    return read('notifications', () => (statements(this.readModels.db).unread.get(personId, JSON.stringify(readIds)) as { unread: number }).unread);
  }

  /** The ids of all the person's notifications: what "mark all read" marks. */
  idsOf(personId: string): string[] {
    return read('notifications', () => (statements(this.readModels.db).ids.all(personId) as { id: string }[]).map((r) => r.id));
  }
}
