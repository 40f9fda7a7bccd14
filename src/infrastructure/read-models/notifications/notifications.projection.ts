import type Database from 'better-sqlite3';
import { categoryOf } from '../../../application/audit';
import { RecordedEvent } from '../../../application/event-store';
import { idInStream } from '../../../application/streams';
import { HeldGrant, noticeOf, recipientsOf } from '../../../domain/notifications/notifications';
import { Grant, GrantKind } from '../../../domain/person/grants';
import { preparedOnce, Projection } from '../../projections/projection';

const statements = preparedOnce((db) => ({
  subject: db.prepare<[string]>('SELECT organisation_id, title FROM notification_subjects WHERE stream = ?'),
  setSubject: db.prepare(
    'INSERT INTO notification_subjects (stream, organisation_id, title) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET organisation_id = coalesce(excluded.organisation_id, organisation_id), title = excluded.title',
  ),
  held: db.prepare<[string]>('SELECT person_id AS personId, kind, organisation_id AS organisationId, project_id AS projectId FROM notification_grants WHERE organisation_id = ?'),
  grantKind: db.prepare<[string]>('SELECT kind FROM notification_grants WHERE grant_id = ?'),
  give: db.prepare('INSERT OR REPLACE INTO notification_grants (grant_id, person_id, kind, organisation_id, project_id) VALUES (?, ?, ?, ?, ?)'),
  revoke: db.prepare('DELETE FROM notification_grants WHERE grant_id = ?'),
  endAll: db.prepare('DELETE FROM notification_grants WHERE person_id = ?'),
  // The key (person, cause event, kind) makes a second delivery of an event write nothing more.
  notify: db.prepare(
    `INSERT OR IGNORE INTO notifications (person_id, event_id, kind, id, subject, record_id, title, outcome, due_on, at, position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
}));

/** What a subject's stream tells of who it belongs to and what it is called, as the events carry it. */
function subjectFacts(category: string, event: RecordedEvent): { organisationId: string | null; title: string } | undefined {
  const data = event.data as Record<string, unknown>;
  if (category === 'project' && (event.type === 'ApplicationDrafted' || event.type === 'ApplicationSubmitted')) return { organisationId: String(data.applicantOrg), title: String(data.title) };
  if (category === 'project' && event.type === 'ApplicationEdited') return { organisationId: null, title: String(data.title) };
  if (category === 'enterprise' && event.type === 'IncubationApplicationSubmitted') return { organisationId: String(data.creditCode), title: String(data.name) };
  if (category === 'enterprise' && event.type === 'MaterialChangeReported' && typeof data.newName === 'string') return { organisationId: null, title: data.newName };
  return undefined;
}

/**
 * Table `notifications`: one row per person told, cause event and kind (domain/notifications), with the
 * record it links to, the words' parameters and when it happened. Who acts for an organisation and what
 * a record is called are kept here too (`notification_grants`, `notification_subjects`) as of each event,
 * rather than read from the people or project tables: those may already hold the rest of the batch, and
 * a rebuild must tell the same people as the live run did, not whoever holds the grants today.
 * Read marks are not here: a rebuild drops these tables, so they live in accounts.db.
 */
export const notificationsProjection: Projection = {
  name: 'notifications',
  // 2: reminders and overdue notices, with the day due (due_on).
  version: 2,
  tables: ['notifications', 'notification_grants', 'notification_subjects'],
  schema: `CREATE TABLE IF NOT EXISTS notifications (
      person_id TEXT NOT NULL, event_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
      subject TEXT NOT NULL, record_id TEXT NOT NULL, title TEXT, outcome TEXT, due_on TEXT, at TEXT NOT NULL, position INTEGER NOT NULL,
      PRIMARY KEY (person_id, event_id, kind)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS notifications_newest ON notifications (person_id, position DESC);
    CREATE INDEX IF NOT EXISTS notifications_position ON notifications (position);
    CREATE TABLE IF NOT EXISTS notification_grants (
      grant_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, kind TEXT NOT NULL, organisation_id TEXT NOT NULL, project_id TEXT);
    CREATE INDEX IF NOT EXISTS notification_grants_organisation ON notification_grants (organisation_id);
    CREATE INDEX IF NOT EXISTS notification_grants_person ON notification_grants (person_id);
    CREATE TABLE IF NOT EXISTS notification_subjects (stream TEXT PRIMARY KEY, organisation_id TEXT, title TEXT) WITHOUT ROWID`,
  apply(db: Database.Database, events: readonly RecordedEvent[]) {
    const s = statements(db);
    for (const event of events) {
      const category = categoryOf(event.stream);
      const id = idInStream(event.stream);
      const facts = subjectFacts(category, event);
      if (facts) s.setSubject.run(event.stream, facts.organisationId, facts.title);
      const notice = noticeOf({ category, type: event.type, data: event.data as Record<string, unknown> });
      // A revocation names the grant by id: its kind is read before the grant is forgotten.
      const revokedKind = event.type === 'GrantRevoked' && category === 'person' ? (s.grantKind.get(String((event.data as { grantId: string }).grantId)) as { kind: GrantKind } | undefined)?.kind : undefined;
      if (category === 'person') {
        if (event.type === 'RoleGranted') {
          const grant = (event.data as unknown as { grant: Grant }).grant;
          s.give.run(grant.grantId, id, grant.kind, grant.organisationId, grant.projectId);
        } else if (event.type === 'GrantRevoked') s.revoke.run(String((event.data as { grantId: string }).grantId));
        else if (event.type === 'PersonDeactivated') s.endAll.run(id);
      }
      if (!notice) continue;
      const subject = category === 'person' ? undefined : (s.subject.get(event.stream) as { organisation_id: string | null; title: string | null } | undefined);
      const organisationId = subject?.organisation_id ?? undefined;
      const held = organisationId === undefined ? [] : (s.held.all(organisationId) as HeldGrant[]);
      const recipients = recipientsOf(notice.audience, { personId: category === 'person' ? id : undefined, organisationId, projectId: category === 'project' ? id : undefined }, held);
      const outcome = notice.outcome ?? revokedKind ?? null;
      for (const personId of recipients) {
        s.notify.run(personId, event.id, notice.kind, `${event.id}.${notice.kind}`, category, id, subject?.title ?? null, outcome, notice.dueOn ?? null, String(event.metadata.recordedAt), event.position);
      }
    }
  },
};
