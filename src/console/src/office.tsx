import { App, Descriptions, Flex, Tag, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { DocumentRef, Problem } from './api';
import { Messages, useMessages } from './i18n';
import { attempt, fieldErrors, TimelineView } from './parts';
import { beijingTime, EVENTS, word } from './words';

/**
 * What the office's cards on a record share (ProjectOffice, EnterpriseOffice): a step sent on the revision
 * on screen, the objections read from the record's history, documents as links, the forms' rules.
 */

type TimelineEvent = TimelineView['events'][number];

/**
 * One step of the office's: the call made with the ETag of the revision on screen (a decision on what
 * the office read, or a 412 if the record changed meanwhile), the refusal beside the field it is about
 * with everything typed kept, and the record read again once the step is recorded.
 */
export function useStep(record: { readonly id: string; readonly revision: number }, onChanged: () => void, form?: FormInstance) {
  const { problem: sentence } = useMessages();
  const { message } = App.useApp();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const headers = { 'If-Match': `"${record.revision}"` };
  // Another step recorded meanwhile: a refusal of this one read an older record, so it no longer stands.
  useEffect(() => setProblem(null), [record.revision]);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setProblem(null);
    setBusy(true);
    const answered = await attempt(action, (refused) => {
      setProblem(refused);
      form?.setFields(fieldErrors(refused, sentence));
    });
    setBusy(false);
    if (answered === undefined) return;
    void message.success(done);
    form?.resetFields();
    onChanged();
  };
  return { problem, busy, run, headers, path: { id: record.id } };
}

/** Stored documents, each a link that opens it under its original name. */
export function DocumentLinks({ documents }: { documents: readonly (DocumentRef | null | undefined)[] }) {
  const shown = documents.filter((d): d is DocumentRef => !!d);
  if (shown.length === 0) return <>—</>;
  return (
    <Flex gap={12} wrap>
      {shown.map((d) => (
        <a key={d.sha256} href={`/documents/${d.sha256}`} target="_blank" rel="noreferrer">
          {d.name}
        </a>
      ))}
    </Flex>
  );
}

/** The text of a multi-line field as the list of its non-empty lines (findings, reasons). */
export const linesOf = (text: string | undefined) => (text ?? '').split('\n').map((line) => line.trim()).filter(Boolean);

/** A required text's rule, in words (spaces alone are no answer). */
export const useRequired = () => {
  const { t } = useMessages();
  return [{ required: true, whitespace: true, message: t.required }];
};

/** A required document field's rule: the field holds a list, empty once its one document is removed. */
export const useDocumentsRequired = () => {
  const { t } = useMessages();
  return [{ required: true, type: 'array' as const, min: 1, message: t.required }];
};

/** The latest event of a type in the history (and matching `where`), for what a step handed in. */
export const latest = (events: readonly TimelineEvent[], type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  [...events].reverse().find((e) => e.type === type && where((e.data ?? {}) as Record<string, unknown>))?.data as Record<string, unknown> | undefined;

export type ObjectionStatus = 'open' | 'rejected' | 'dismissed' | 'upheld';

/** An objection's status as its tag's colour (text colours that keep 4.5:1 on their tag). */
export const OBJECTION_TAG: Readonly<Record<ObjectionStatus, string>> = { open: 'blue', rejected: 'default', dismissed: 'default', upheld: 'red' };

/** Who objected, as the office alone reads it; others read `{ redacted: true }`. */
export interface Objector {
  readonly name: string;
  readonly contact: string;
  readonly organisation?: string;
}

/** One objection as its events tell it: who, why, with what evidence, when, and how it ended. */
export interface ObjectionRecord {
  readonly objectionId: string;
  readonly status: ObjectionStatus;
  readonly objector: Objector | null;
  readonly grounds: string;
  readonly evidence: readonly DocumentRef[];
  readonly filedAt: string;
  /** Why an inadmissible objection was not admitted (codes). */
  readonly reasons: readonly string[];
  readonly resolution: { readonly reason: string; readonly evidence: readonly DocumentRef[]; readonly resolvedAt: string } | null;
}

/**
 * A record's objections from its history (a project's or an enterprise's timeline): the state lists
 * only their ids and statuses, the events keep the grounds, the evidence and, for the office, the objector.
 */
export function objectionsIn(events: readonly TimelineEvent[]): ObjectionRecord[] {
  const records = new Map<string, ObjectionRecord>();
  for (const e of events) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const id = typeof data.objectionId === 'string' ? data.objectionId : null;
    if (!id) continue;
    if (e.type === 'ObjectionFiled' || e.type === 'ObjectionRejected') {
      const objector = data.objector as Partial<Objector> | null | undefined;
      records.set(id, {
        objectionId: id,
        status: e.type === 'ObjectionFiled' ? 'open' : 'rejected',
        objector: objector && typeof objector.name === 'string' ? (objector as Objector) : null,
        grounds: String(data.grounds ?? ''),
        evidence: (data.evidence as DocumentRef[] | undefined) ?? [],
        filedAt: String(data.filedAt ?? e.recordedAt),
        reasons: (data.reasons as string[] | undefined) ?? [],
        resolution: null,
      });
    }
    const filed = records.get(id);
    if (filed && (e.type === 'ObjectionDismissed' || e.type === 'ObjectionUpheld')) {
      records.set(id, {
        ...filed,
        status: e.type === 'ObjectionDismissed' ? 'dismissed' : 'upheld',
        resolution: { reason: String(data.reason ?? ''), evidence: (data.evidence as DocumentRef[] | undefined) ?? [], resolvedAt: String(data.resolvedAt ?? e.recordedAt) },
      });
    }
  }
  return [...records.values()];
}

/** An objector as the office reads them: name, organisation, contact. */
export const objectorText = (objector: Objector | null, t: Messages): string =>
  objector ? [objector.name, objector.organisation, objector.contact].filter(Boolean).join(' · ') : t.objectorHidden;

/** An objection as the office reads it (who, when, why, with what evidence, how it stands or ended), with the record's resolution form beneath. */
export function ObjectionDetails({ record, children }: { record: ObjectionRecord; children?: ReactNode }) {
  const { t, language } = useMessages();
  const statusWord = record.status === 'open' ? t.objectionOpen : record.status === 'rejected' ? t.inadmissible : word(EVENTS, language, record.status === 'dismissed' ? 'ObjectionDismissed' : 'ObjectionUpheld');
  return (
    <div style={{ marginBottom: 24 }}>
      <Descriptions bordered size="small" column={1} styles={{ label: { width: 220 } }}>
        <Descriptions.Item label={t.objectorOfficeOnly}>{objectorText(record.objector, t)}</Descriptions.Item>
        <Descriptions.Item label={t.objectionFiledAt}>{beijingTime(record.filedAt)}</Descriptions.Item>
        <Descriptions.Item label={t.objectionGrounds}>
          <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{record.grounds}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t.evidence}>
          <DocumentLinks documents={record.evidence} />
        </Descriptions.Item>
        <Descriptions.Item label={t.objectionStatus}>
          <Tag color={OBJECTION_TAG[record.status]}>{statusWord}</Tag>
          {record.reasons.length > 0 && record.reasons.map((r) => t[`reason-${r}` as keyof Messages] ?? r).join('、')}
        </Descriptions.Item>
        {record.resolution && (
          <Descriptions.Item label={t.resolutionReason}>
            {`${record.resolution.reason}（${beijingTime(record.resolution.resolvedAt)}）`}
            {record.resolution.evidence.length > 0 && <DocumentLinks documents={record.resolution.evidence} />}
          </Descriptions.Item>
        )}
      </Descriptions>
      {children}
    </div>
  );
}
