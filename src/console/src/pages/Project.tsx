import { App, Button, Checkbox, Descriptions, Empty, Flex, Form, Input, Modal, Radio, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, DocumentRef, Problem, Session, service } from '../api';
import { PROGRAMS, useMessages } from '../i18n';
import { linkProps } from '../navigation';
import { attempt, DocumentField, fieldErrors, DueTag, History, ProblemAlert, Section, TimelineView, useLoad } from '../parts';
import { beijingDay, STAGES, word, WORK } from '../words';
import { SubjectFields, subjectOf } from './Apply';
import { ProjectOffice } from './ProjectOffice';

export interface ProjectView {
  readonly id: string;
  readonly revision: number;
  readonly status: string;
  readonly title: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly region: string;
  readonly subject: { readonly kind: string } & Record<string, unknown>;
  readonly documents: { readonly applicationForm: DocumentRef | null; readonly attachments: DocumentRef[] };
  readonly applicantName: string | null;
  readonly partners?: readonly { readonly org: string; readonly kind: string; readonly name: string | null }[];
  readonly cycleName: string | null;
  readonly approval: { readonly approvedOn: string; readonly constructionPlanDueOn: string | null } | null;
}


/** Until its city recommends it, an applicant may withdraw its application (domain: BEFORE_RECOMMENDATION). */
const WITHDRAWABLE = ['Draft', 'Submitted', 'Returned', 'FormallyChecked'];
const EDITABLE = ['Draft', 'Returned'];

/**
 * One project: its stage, what it is about, its documents, what is due when and its history in plain
 * words; and the forms of the person's role at this stage (the lead's draft and documents, the head's
 * sign-off, withdrawal, the city's formal check, what the school hands in during construction).
 */
export function Project({ id, session }: { id: string; session: Session }) {
  const { t, language } = useMessages();
  const project = useLoad(async () => (await call(service.GET('/projects/{id}', { params: { path: { id } } }))) as unknown as ProjectView, [id]);
  const timeline = useLoad(async () => (await call(service.GET('/projects/{id}/timeline', { params: { path: { id } } }))) as unknown as TimelineView, [id]);
  const reload = () => {
    project.reload();
    timeline.reload();
  };
  const p = project.value;
  const role = session.actor?.role;
  const isHead = session.grants.some((g) => g.signsOff && g.org === p?.applicantOrg);

  if (project.problem) return <ProblemAlert problem={project.problem} />;
  if (!p) return <Skeleton active />;
  return (
    <>
      <a {...linkProps('projects')}>{`← ${t.projectList}`}</a>
      <Flex align="center" gap={12} style={{ marginTop: 8 }}>
        <h1 style={{ fontSize: 22, margin: 0 }}>{p.title}</h1>
        <Tag color="blue">{word(STAGES, language, p.status)}</Tag>
      </Flex>
      <Descriptions size="small" column={2} style={{ margin: '16px 0', background: '#fff', padding: 12 }}>
        <Descriptions.Item label={t.program}>{PROGRAMS[language][p.programType] ?? p.programType}</Descriptions.Item>
        <Descriptions.Item label={t.cycle}>{p.cycleName ?? p.cycleId}</Descriptions.Item>
        <Descriptions.Item label={t.applicant}>{p.applicantName ?? p.applicantOrg}</Descriptions.Item>
        <Descriptions.Item label={t.city}>{p.region}</Descriptions.Item>
        {p.partners && p.partners.length > 0 && (
          <Descriptions.Item label={t.partners}>{p.partners.map((partner) => partner.name ?? partner.org).join('、')}</Descriptions.Item>
        )}
        {p.approval && (
          <Descriptions.Item label={t.approvedOn}>
            {p.approval.approvedOn}
            <a href={`/projects/${encodeURIComponent(p.id)}/approval/pdf`} target="_blank" rel="noreferrer" style={{ marginLeft: 12 }}>
              {t.printApproval}
            </a>
          </Descriptions.Item>
        )}
      </Descriptions>
      {role === 'applicant' && EDITABLE.includes(p.status) && (
        <>
          <EditCard project={p} onSaved={reload} />
          <DocumentsCard project={p} onSaved={reload} />
          <SignOffCard project={p} isHead={isHead} onSubmitted={reload} />
        </>
      )}
      {role === 'applicant' && !EDITABLE.includes(p.status) && <DocumentList project={p} />}
      {role === 'recommender' && p.status === 'Submitted' && <FormalCheckCard project={p} onRecorded={reload} />}
      {role === 'applicant' && <DueCard project={p} due={timeline.value?.due} onHandedIn={reload} />}
      {role === 'applicant' && WITHDRAWABLE.includes(p.status) && <WithdrawButton project={p} onWithdrawn={reload} />}
      {role === 'office' && <ProjectOffice project={p} onChanged={reload} />}
      <History timeline={timeline} />
    </>
  );
}

type Saved = { project: ProjectView; onSaved: () => void };

/** The draft's title and subject, editable until it is submitted (again, once returned). */
function EditCard({ project, onSaved }: Saved) {
  const { t, problem: sentence } = useMessages();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [problem, setProblem] = useState<Problem | null>(null);
  const { kind, ...subject } = project.subject;
  const save = async (values: { title: string; subject?: Record<string, unknown> }) => {
    setProblem(null);
    const done = await attempt(
      () => call(service.POST('/projects/{id}/edit', { params: { path: { id: project.id } }, body: { title: values.title, ...(kind === 'school' ? {} : { subject: subjectOf(kind, values.subject) }) } })),
      (refused) => {
        setProblem(refused);
        form.setFields(fieldErrors(refused, sentence));
      },
    );
    if (done) {
      void message.success(t.saved);
      onSaved();
    }
  };
  return (
    <Section title={t.applicationInfo}>
      <ProblemAlert problem={problem} />
      <Form form={form} layout="vertical" initialValues={{ title: project.title, subject }} onFinish={save} style={{ maxWidth: 720 }}>
        <Form.Item label={t.projectTitle} name="title" rules={[{ required: true, message: t.required }]}>
          <Input maxLength={200} />
        </Form.Item>
        <SubjectFields kind={kind} parents={[]} tiers={[]} />
        <Button htmlType="submit">{t.save}</Button>
      </Form>
    </Section>
  );
}

/** The application form and the supporting material, kept with the draft for the head to submit. */
function DocumentsCard({ project, onSaved }: Saved) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [form, setForm] = useState<DocumentRef[]>(project.documents.applicationForm ? [project.documents.applicationForm] : []);
  const [attachments, setAttachments] = useState<DocumentRef[]>(project.documents.attachments);
  const [problem, setProblem] = useState<Problem | null>(null);
  const save = async () => {
    setProblem(null);
    const done = await attempt(
      () => call(service.POST('/projects/{id}/documents', { params: { path: { id: project.id } }, body: { applicationForm: form[0] ?? null, attachments } })),
      setProblem,
    );
    if (done) {
      void message.success(t.documentsSaved);
      onSaved();
    }
  };
  return (
    <Section title={t.documents}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph strong>{t.applicationForm}</Typography.Paragraph>
      <DocumentField value={form} onChange={setForm} max={1} label={t.applicationForm} />
      <Typography.Paragraph strong style={{ marginTop: 16 }}>
        {t.attachments}
      </Typography.Paragraph>
      <DocumentField value={attachments} onChange={setAttachments} max={20} label={t.attachments} />
      <Button type="primary" style={{ marginTop: 16 }} onClick={save}>
        {t.saveDocuments}
      </Button>
    </Section>
  );
}

/** The head's sign-off: the sealed declarations and the confirmation, then the submission of what the draft keeps. */
function SignOffCard({ project, isHead, onSubmitted }: { project: ProjectView; isHead: boolean; onSubmitted: () => void }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [authenticity, setAuthenticity] = useState<DocumentRef[]>([]);
  const [commitment, setCommitment] = useState<DocumentRef[]>([]);
  const [confirmed, setConfirmed] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const form = project.documents.applicationForm;
  if (!isHead) {
    return (
      <Section title={t.signOff}>
        <Typography.Paragraph>{t.headOnly}</Typography.Paragraph>
      </Section>
    );
  }
  const submit = async () => {
    setProblem(null);
    setBusy(true);
    const done = await attempt(
      () =>
        call(
          service.POST('/projects/{id}/submit', {
            params: { path: { id: project.id } },
            body: { applicationForm: form!, attachments: project.documents.attachments, declarations: { authenticity: authenticity[0]!, commitment: commitment[0]! } },
          }),
        ),
      setProblem,
    );
    setBusy(false);
    if (done) {
      void message.success(t.submitted);
      onSubmitted();
    }
  };
  return (
    <Section title={t.signOff}>
      <ProblemAlert problem={problem} />
      {!form && <Typography.Paragraph type="warning">{t.needsForm}</Typography.Paragraph>}
      <Typography.Paragraph strong>{t.declarationAuthenticity}</Typography.Paragraph>
      <DocumentField value={authenticity} onChange={setAuthenticity} max={1} label={t.declarationAuthenticity} />
      <Typography.Paragraph strong style={{ marginTop: 16 }}>
        {t.declarationCommitment}
      </Typography.Paragraph>
      <DocumentField value={commitment} onChange={setCommitment} max={1} label={t.declarationCommitment} />
      <Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} style={{ marginTop: 16 }}>
        {t.confirmDeclarations}
      </Checkbox>
      <br />
      <Button type="primary" style={{ marginTop: 16 }} loading={busy} disabled={!form || !authenticity[0] || !commitment[0] || !confirmed} onClick={submit}>
        {t.submitApplication}
      </Button>
    </Section>
  );
}

/** The documents as submitted, each a link that opens it under its original name. */
export function DocumentList({ project }: { project: Pick<ProjectView, 'documents'> }) {
  const { t } = useMessages();
  const all = [...(project.documents.applicationForm ? [project.documents.applicationForm] : []), ...project.documents.attachments];
  return (
    <Section title={t.documents}>
      {all.length === 0 ? (
        <Empty />
      ) : (
        <ul>
          {all.map((d) => (
            <li key={d.sha256}>
              <a href={`/documents/${d.sha256}`} target="_blank" rel="noreferrer">
                {d.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** The city's formal check: passed, or failed with its reasons. */
function FormalCheckCard({ project, onRecorded }: { project: ProjectView; onRecorded: () => void }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [problem, setProblem] = useState<Problem | null>(null);
  const result = Form.useWatch('result', form) as 'passed' | 'failed' | undefined;
  const record = async (values: { result: 'passed' | 'failed'; reasons?: string }) => {
    setProblem(null);
    const reasons = (values.reasons ?? '').split('\n').map((r) => r.trim()).filter(Boolean);
    const done = await attempt(
      () => call(service.POST('/projects/{id}/formal-check', { params: { path: { id: project.id } }, body: { result: values.result, ...(values.result === 'failed' ? { reasons } : {}) } })),
      setProblem,
    );
    if (done) {
      void message.success(t.checkRecorded);
      onRecorded();
    }
  };
  return (
    <Section title={t.formalCheck}>
      <ProblemAlert problem={problem} />
      <Form form={form} layout="vertical" onFinish={record} style={{ maxWidth: 720 }}>
        <Form.Item label={t.formalCheck} name="result" rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            options={[
              { value: 'passed', label: t.checkPassed },
              { value: 'failed', label: t.checkFailed },
            ]}
          />
        </Form.Item>
        {result === 'failed' && (
          <Form.Item label={t.checkReasons} name="reasons" rules={[{ required: true, message: t.required }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit">
          {t.recordCheck}
        </Button>
      </Form>
    </Section>
  );
}

/** What the school has to hand in, by when, each with its form. */
function DueCard({ project, due, onHandedIn }: { project: ProjectView; due: TimelineView['due'] | undefined; onHandedIn: () => void }) {
  const { t, language } = useMessages();
  // Until the timeline has answered, nothing is said to be due or not.
  if (due === undefined) return null;
  const owed = due.filter((d) => d.kind in HAND_IN);
  if (owed.length === 0 && !EDITABLE.includes(project.status)) {
    return (
      <Section title={t.dueItems}>
        <Typography.Text type="secondary">{t.nothingDue}</Typography.Text>
      </Section>
    );
  }
  if (owed.length === 0) return null;
  return (
    <Section title={t.dueItems}>
      {owed.map((d) => (
        <div key={`${d.kind}/${d.key}`} style={{ marginBottom: 24 }}>
          <Flex gap={8} align="center">
            <Typography.Text strong>{`${word(WORK, language, d.kind)}${/^\d{4}$/.test(d.key) ? ` ${d.key}` : ''}`}</Typography.Text>
            <DueTag>{`${t.dueBy} ${beijingDay(d.dueAt)}`}</DueTag>
          </Flex>
          <HandInForm projectId={project.id} kind={d.kind} dueKey={d.key} onHandedIn={onHandedIn} />
        </div>
      ))}
    </Section>
  );
}

/** The documents each deadline is met with, and the route that takes them. */
const HAND_IN: Readonly<Record<string, readonly ('plan' | 'taskBook' | 'report' | 'documents')[]>> = {
  'construction-plan-due': ['plan', 'taskBook'],
  'annual-report-due': ['report'],
  'course-update-due': ['documents'],
  'rectification-due': ['report'],
};

function HandInForm({ projectId, kind, dueKey, onHandedIn }: { projectId: string; kind: string; dueKey: string; onHandedIn: () => void }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [docs, setDocs] = useState<Record<string, DocumentRef[]>>({});
  const [summary, setSummary] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const path = { params: { path: { id: projectId } } };
  const one = (field: string) => docs[field]?.[0];
  const send = () => {
    if (kind === 'construction-plan-due') return call(service.POST('/projects/{id}/construction-plan', { ...path, body: { plan: one('plan')!, taskBook: one('taskBook')! } }));
    if (kind === 'annual-report-due') return call(service.POST('/projects/{id}/annual-reports', { ...path, body: { year: Number(dueKey), report: one('report')! } }));
    if (kind === 'course-update-due') return call(service.POST('/projects/{id}/course-updates', { ...path, body: { academicYear: Number(dueKey), summary, documents: docs.documents ?? [] } }));
    return call(service.POST('/projects/{id}/rectification/submit', { ...path, body: { report: one('report')! } }));
  };
  const labels: Record<string, string> = { plan: t.constructionPlan, taskBook: t.taskBook, report: kind === 'annual-report-due' ? t.annualReport : t.rectificationReport, documents: t.courseUpdate };
  const ready = HAND_IN[kind]!.every((field) => (docs[field]?.length ?? 0) > 0) && (kind !== 'course-update-due' || summary.trim().length > 0);
  const handIn = async () => {
    setProblem(null);
    if (await attempt(send, setProblem)) {
      void message.success(t.handedIn);
      onHandedIn();
    }
  };
  return (
    <div style={{ marginTop: 8 }}>
      <ProblemAlert problem={problem} />
      {kind === 'course-update-due' && (
        <label>
          {t.courseUpdateSummary}
          <Input.TextArea rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={2000} />
        </label>
      )}
      {HAND_IN[kind]!.map((field) => (
        <div key={field} style={{ marginTop: 8 }}>
          <Typography.Text>{labels[field]}</Typography.Text>
          <DocumentField value={docs[field] ?? []} onChange={(value) => setDocs((all) => ({ ...all, [field]: value }))} max={field === 'documents' ? 10 : 1} label={labels[field]!} />
        </div>
      ))}
      <Button type="primary" style={{ marginTop: 8 }} disabled={!ready} onClick={handIn}>
        {t.handIn}
      </Button>
    </div>
  );
}

function WithdrawButton({ project, onWithdrawn }: { project: ProjectView; onWithdrawn: () => void }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const withdraw = async () => {
    setProblem(null);
    const done = await attempt(() => call(service.POST('/projects/{id}/withdraw', { params: { path: { id: project.id } }, body: reason.trim() ? { reason: reason.trim() } : {} })), setProblem);
    if (done) {
      setOpen(false);
      void message.success(t.withdrawn);
      onWithdrawn();
    }
  };
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        {t.withdraw}
      </Button>
      <Modal open={open} title={t.withdraw} onOk={withdraw} onCancel={() => setOpen(false)} okText={t.withdraw} cancelText={t.cancel} okButtonProps={{ danger: true }}>
        <ProblemAlert problem={problem} />
        <label>
          {t.withdrawReason}
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
        </label>
      </Modal>
    </>
  );
}

