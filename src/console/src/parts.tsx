import { InboxOutlined } from '@ant-design/icons';
import { Alert, Card, Select, Skeleton, Space, Tag, Timeline, Typography, Upload } from 'antd';
import type { UploadFile, UploadProps } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, DocumentRef, Problem, ProblemError, service, upload } from './api';
import { Language, Messages, useMessages } from './i18n';
import { replaceQuery } from './navigation';
import { beijingTime, DISQUALIFICATION_GROUNDS, EVENTS, REVOCATION_GROUNDS, ROLES, word } from './words';

/** What a page loads: undefined while asked, the answer, or the problem; `reload` asks again. */
export function useLoad<T>(load: () => Promise<T>, dependencies: readonly unknown[]) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, dependencies);
  const reload = useCallback(() => {
    setProblem(null);
    run().then(setValue, (error: unknown) => {
      if (!(error instanceof ProblemError)) throw error;
      setProblem(error.problem);
    });
  }, [run]);
  useEffect(reload, [reload]);
  return { value, problem, reload };
}

/** A problem the service answered, as a sentence in the user's language, announced to screen readers. */
export function ProblemAlert({ problem, style }: { problem: Problem | null; style?: React.CSSProperties }) {
  const { problem: sentence } = useMessages();
  if (!problem) return null;
  return <Alert role="alert" type="error" showIcon title={sentence(problem)} style={{ marginBottom: 16, ...style }} />;
}

/** Each call's problem kept for its form: the form's fields keep what was typed. */
export async function attempt<T>(action: () => Promise<T>, onProblem: (problem: Problem) => void): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    onProblem(error.problem);
    return undefined;
  }
}

let limits: Promise<{ documentMaxBytes: number; documentMediaTypes: string[] }> | undefined;
/** What an upload may be, asked of the service once. */
const uploadLimits = () => (limits ??= call(service.GET('/limits')) as unknown as Promise<{ documentMaxBytes: number; documentMediaTypes: string[] }>);

/** A size as a person reads it: in MB, or in KB below one. */
const megabytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`);

/** A stored document as a file of the upload list: its link downloads it under its original name. */
const asFile = (ref: DocumentRef, public_: boolean): UploadFile => ({
  uid: ref.sha256,
  name: ref.name,
  status: 'done',
  size: ref.size,
  // The public's own evidence is not theirs to read back (they have no session); the office reads it.
  url: public_ ? undefined : `/documents/${ref.sha256}`,
});

/**
 * Documents by drag and drop or the keyboard: type and size checked before sending, the progress of
 * each upload shown, the stored ones linked for preview and download. `max` 1 holds one document.
 */
export function DocumentField({
  value,
  onChange,
  max,
  label,
  path = '/documents',
}: {
  value?: DocumentRef[];
  onChange?: (value: DocumentRef[]) => void;
  max: number;
  label: string;
  path?: '/documents' | '/notices/evidence';
}) {
  const { t, problem: sentence } = useMessages();
  const [pending, setPending] = useState<UploadFile[]>([]);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [known, setKnown] = useState<{ documentMaxBytes: number; documentMediaTypes: string[] } | null>(null);
  useEffect(() => {
    void uploadLimits().then(setKnown, () => undefined);
  }, []);
  const stored = value ?? [];
  const isPublic = path !== '/documents';

  const check = (file: File): string | null => {
    if (!known) return null;
    if (!known.documentMediaTypes.includes(file.type)) return `${t.fileTypeRefused}${file.name}`;
    if (file.size > known.documentMaxBytes) return `${t.fileTooLarge}${file.name}（${megabytes(file.size)} > ${megabytes(known.documentMaxBytes)}）`;
    return null;
  };

  return (
    <>
      <Upload.Dragger
        multiple={max > 1}
        maxCount={max}
        fileList={[...stored.map((ref) => asFile(ref, isPublic)), ...pending]}
        accept={known?.documentMediaTypes.join(',') ?? '.pdf,.jpg,.jpeg,.png'}
        beforeUpload={(file) => {
          const refused = check(file);
          setRefusal(refused);
          return refused ? Upload.LIST_IGNORE : true;
        }}
        onRemove={(file) => {
          onChange?.(stored.filter((ref) => ref.sha256 !== file.uid));
          return true;
        }}
        customRequest={({ file }) => {
          const chosen = file as File & { uid: string };
          const entry: UploadFile = { uid: chosen.uid, name: chosen.name, status: 'uploading', percent: 0 };
          setPending((list) => [...list, entry]);
          const progress = (percent: number) => setPending((list) => list.map((f) => (f.uid === entry.uid ? { ...f, percent } : f)));
          upload(chosen, progress, path).then(
            (ref) => {
              setPending((list) => list.filter((f) => f.uid !== entry.uid));
              onChange?.(max === 1 ? [ref] : [...stored.filter((s) => s.sha256 !== ref.sha256), ref]);
            },
            (error: unknown) => {
              setPending((list) => list.filter((f) => f.uid !== entry.uid));
              setRefusal(error instanceof ProblemError ? sentence(error.problem) : String(error));
            },
          );
        }}
        aria-label={label}
        // Each upload's progress bar is named for screen readers (Ant Design's is not).
        progress={{ 'aria-label': `${t.uploading}：${label}` } as UploadProps['progress']}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined aria-hidden />
        </p>
        <p className="ant-upload-text">{t.uploadHint}</p>
        <p className="ant-upload-hint">{known ? `${t.uploadTypes} ${megabytes(known.documentMaxBytes)}` : ''}</p>
      </Upload.Dragger>
      {refusal && <Alert role="alert" type="error" showIcon title={refusal} style={{ marginTop: 8 }} />}
    </>
  );
}

/** A due day, in colours that keep 4.5:1 contrast (Ant Design's orange tag does not). */
export function DueTag({ children }: { children: React.ReactNode }) {
  return <Tag style={{ color: '#874d00', background: '#fff7e6', borderColor: '#ffc069' }}>{children}</Tag>;
}

/** Words for screen readers alone: a button's visible "Up" is "Up <the project>" to them. */
export function ForScreenReaders({ children }: { children: React.ReactNode }) {
  return <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' }}>{children}</span>;
}

/** A record's history and what is due, as GET /projects/{id}/timeline and GET /enterprises/{id}/timeline answer. */
export interface TimelineView {
  readonly events: readonly { revision: number; type: string; data?: Record<string, unknown>; actor?: { role?: string; org?: string; orgName?: string } | { redacted: true }; reason: string | null; recordedAt: string; rulesVersion: string | null }[];
  readonly due: readonly { kind: string; key: string; dueAt: string }[];
}

/** Why a step was taken: the reason given with the command, or the one its event records (a failed check's reasons, an explanation). */
function whyOf(e: TimelineView['events'][number], t: Messages, language: Language): string | null {
  const data = e.data ?? {};
  const reasons = Array.isArray(data.reasons) ? (data.reasons as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  // An inadmissible objection's reasons are codes: said in words.
  if (e.type === 'ObjectionRejected') return reasons.map((r) => t[`reason-${r}` as keyof Messages] ?? r).join('、') || null;
  // A revocation's ground is a code too: said in words, before the office's explanation of it.
  if (e.type === 'ProjectRevoked' && typeof data.reason === 'string') {
    return [word(REVOCATION_GROUNDS, language, data.reason), data.explanation].filter((part) => typeof part === 'string' && part).join(language === 'zh' ? '：' : ': ');
  }
  if (e.type === 'EnterpriseDisqualified' && typeof data.ground === 'string') {
    return [word(DISQUALIFICATION_GROUNDS, language, data.ground), data.reason].filter((part) => typeof part === 'string' && part).join(language === 'zh' ? '：' : ': ');
  }
  for (const why of [e.reason, data.reason, data.explanation]) if (typeof why === 'string' && why) return why;
  return reasons.length ? reasons.join('; ') : null;
}

/** A record's history in plain words, the latest first: what happened, when (Beijing), who and why. */
export function History({ timeline }: { timeline: { value: TimelineView | undefined; problem: Problem | null } }) {
  const { t, language } = useMessages();
  return (
    <Section title={t.history} style={{ marginTop: 24 }}>
      <ProblemAlert problem={timeline.problem} />
      {timeline.value === undefined && !timeline.problem && <Skeleton active />}
      {timeline.value && (
        <Timeline
          items={[...timeline.value.events].reverse().map((e) => {
            const actor = e.actor && !('redacted' in e.actor) ? e.actor : undefined;
            const why = whyOf(e, t, language);
            return {
              key: e.revision,
              content: (
                <>
                  <Typography.Text strong>{word(EVENTS, language, e.type)}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">
                    {[beijingTime(e.recordedAt), actor?.role ? word(ROLES, language, actor.role) : null, actor?.orgName ?? actor?.org].filter(Boolean).join(' · ')}
                  </Typography.Text>
                  {why && <Typography.Paragraph style={{ margin: 0 }}>{why}</Typography.Paragraph>}
                </>
              ),
            };
          })}
        />
      )}
    </Section>
  );
}

/** A list's filter: its label, and "all" until a value is chosen; the list asks the service again on each change. */
export function Filter({ label, value, onChange, options, width = 240 }: { label: string; value?: string; onChange: (value?: string) => void; options: { value: string; label: string }[]; width?: number }) {
  const { t } = useMessages();
  return (
    <label>
      {label}{' '}
      <Select aria-label={label} allowClear placeholder={t.allOption} style={{ width }} value={value} onChange={onChange} options={options} />
    </label>
  );
}

/** The cycles a page works on, picked by name (the page keeps the choice in its address, ?cycleId=). */
export function CyclePicker({ value, onChange }: { value?: string; onChange?: (cycleId: string) => void }) {
  const { t, programs } = useMessages();
  const cycles = useLoad(async () => ((await call(service.GET('/cycles', { params: { query: { limit: 100 } } }))) as unknown as { items: { id: string; name: string; programType: string }[] }).items, []);
  return (
    <>
      <label>
        {t.cycle}{' '}
        <Select
          aria-label={t.cycle}
          placeholder={t.chooseCycle}
          showSearch
          optionFilterProp="label"
          style={{ width: 360 }}
          value={value}
          onChange={(id: string) => {
            onChange?.(id);
            replaceQuery({ cycleId: id });
          }}
          options={(cycles.value ?? []).map((c) => ({ value: c.id, label: `${c.name} · ${programs[c.programType] ?? c.programType}` }))}
        />
      </label>
      <ProblemAlert problem={cycles.problem} style={{ marginTop: 16 }} />
    </>
  );
}

/** A section of a page: a card under its heading. */
export function Section({ title, children, style }: { title: string; children: React.ReactNode; style?: React.CSSProperties }) {
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{title}</h2>} style={{ marginBottom: 16, ...style }}>
      {children}
    </Card>
  );
}

/** The form field a refusal is about, for the service's codes that name one without saying its path. */
const FIELD_OF_CODE: Readonly<Record<string, string>> = {
  'title-required': 'title',
  'reasons-required': 'reasons',
  'grounds-required': 'statement',
  'unknown-grade': 'grade',
  'invalid-percent': 'tasksCompletedPercent',
  'invalid-deadline': 'deadline',
  'rectification-deadline-too-far': 'deadline',
  'invalid-extension': 'newEndsOn',
  'invalid-ban': 'banUntil',
  'recovery-exceeds-disbursed': 'amount',
  'recovery-exceeds-order': 'amount',
  'invalid-amount': 'amount',
  'reason-required': 'reason',
  'explanation-required': 'explanation',
  'findings-required': 'findings',
  'evidence-required': 'evidence',
  // Opening a cycle (the body of POST /cycles).
  'invalid-window': 'closesAt',
  'invalid-quota': 'rules.quota',
  'program-target-exceeded': 'rules.quota',
  'quota-already-allocated': 'rules.quota',
  'invalid-tiers': 'rules.tiers',
  'tier-quotas-exceed-quota': 'rules.tiers',
  'invalid-notice': 'rules.publicNotice.length',
  'invalid-rubric': 'rules.rubric.dimensions',
  'cycle-already-open': 'id',
  'unknown-program-type': 'programType',
  'not-a-cycle-program': 'programType',
  'rules-incomplete': 'programType',
  'unexpected-parent-cycle': 'parentCycleId',
};

/**
 * The field of a cycle's rule the service refused, as the body holds it under `rules`: the rule its
 * details name (a month and day at its month), or the mid-term evaluation refused for falling outside construction.
 */
function ruleField(details: Record<string, unknown>): string | undefined {
  if (typeof details.field === 'string') return details.field === 'annualReportDue' ? 'rules.annualReportDue.month' : `rules.${details.field}`;
  return 'midtermAfterMonths' in details ? 'rules.midtermAfterMonths' : undefined;
}

/** What the service refused, beside each field of the form it is about (a field's path is the body's). */
export function fieldErrors(problem: Problem, sentence: (problem: Problem) => string): { name: (string | number)[]; errors: string[] }[] {
  const path = (field: string) => field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const listed = (problem.errors ?? []).map((e) => ({ name: path(e.field), errors: [e.message ?? e.reason ?? ''] }));
  // The service names the field in a refusal's details where one rule guards several (a deadline, an amount).
  const details = (problem.details ?? {}) as Record<string, unknown>;
  const named = problem.code === 'invalid-rules' ? ruleField(details) : typeof details.field === 'string' ? details.field : FIELD_OF_CODE[problem.code];
  return named ? [...listed, { name: path(named), errors: [sentence(problem)] }] : listed;
}

/**
 * A list's downloads, as the service writes them (`?format=xlsx` or `csv`, with the filters on screen):
 * plain links, so the browser saves the file with the session's cookie and its Chinese name.
 */
export function ExportLinks({ path, query }: { path: string; query?: Record<string, string | number | undefined> }) {
  const { t } = useMessages();
  const href = (format: 'xlsx' | 'csv') => {
    const filters = Object.entries(query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
    const search = new URLSearchParams([...filters.map(([k, v]) => [k, String(v)]), ['format', format]]);
    return `${path}?${search}`;
  };
  return (
    <Space>
      <a href={href('xlsx')} download>
        {t.exportXlsx}
      </a>
      <a href={href('csv')} download>
        {t.exportCsv}
      </a>
    </Space>
  );
}
