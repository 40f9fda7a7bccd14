import { App, Button, Descriptions, Flex, Form, Input, InputNumber, Radio, Select, Tag, Typography } from 'antd';
import { call, DocumentRef, Schemas, service } from '../api';
import { Messages, useMessages } from '../i18n';
import { DocumentField, ProblemAlert, Section, TimelineView, useLoad } from '../parts';
import { MIDTERM_MIN_TASKS_PERCENT_UNSET } from '../../../domain/catalog/program-rules';
import { beijingDay, beijingTime, EVENTS, REVOCATION_GROUNDS, word, yuan } from '../words';
import type { ProjectView } from './Project';
import { DocumentLinks, latest, linesOf, ObjectionDetails, ObjectionRecord, ObjectionStatus, objectionsIn, useDocumentsRequired, useRequired, useStep } from '../office';

/** What GET /projects/{id} answers the office beyond what every reader's page shows. */
interface OfficeProject extends ProjectView {
  readonly rules: {
    readonly rubric?: { readonly dimensions: readonly { readonly name: string; readonly indicators: readonly { readonly id: string; readonly name: string; readonly max: number }[] }[] } | null;
    readonly gradeScale: { readonly grades: readonly string[]; readonly passing: readonly string[]; readonly deferring: readonly string[] };
    readonly maxRectificationMonths: number;
    readonly midtermMinTasksPercent?: number;
    readonly bans: { readonly revocationYears: number };
  };
  readonly reviewers: readonly { readonly reviewerId: string; readonly reviewerOrg: string; readonly recused: boolean; readonly score: number | null; readonly indicators?: readonly { readonly id: string; readonly score: number }[] }[];
  readonly objections: readonly { readonly objectionId: string; readonly status: ObjectionStatus }[];
  readonly notice: { readonly startsOn: string; readonly endsOn: string } | null;
  readonly changes: readonly { readonly changeId: string; readonly status: 'open' | 'approved' | 'rejected' }[];
  readonly midterm: { readonly grade: string; readonly tasksCompletedPercent: number; readonly belowMinTasks: boolean } | null;
  readonly rectifications: readonly Rectification[];
  readonly construction: { readonly startsOn: string; readonly endsOn: string } | null;
  readonly selfAssessments: number;
  readonly evaluations: readonly { readonly grade: string; readonly outcome: 'passed' | 'deferred' | 'failed' }[];
  readonly fundRecovery: { readonly amount: number; readonly deadline: string; readonly recovered?: number; readonly overdue?: true } | null;
}
interface Rectification {
  readonly rectificationId: string;
  readonly deadline: string;
  readonly orderedFrom: string;
  readonly submitted: boolean;
  readonly overdue: boolean;
  readonly outcome: 'open' | 'accepted' | 'failed';
}
type TimelineEvent = TimelineView['events'][number];


// The stages where the service takes each of the office's commands (src/domain/project/decide): a card
// is offered only there, so the office is never shown a form the service refuses for its stage alone.
const IN_CONSTRUCTION = ['UnderConstruction', 'MidtermEvaluated', 'Rectification', 'Extended'];
const REPORTING = [...IN_CONSTRUCTION, 'RectificationFailed', 'FinalSelfAssessed', 'FinalEvaluated', 'Deferred', 'Accredited'];
const REVOCABLE = ['Approved', 'PlanSubmitted', ...REPORTING, 'Failed', 'Suspended', 'Recognised'];
const MIDTERM_FROM = ['UnderConstruction', 'Extended'];
const EXTENDABLE = ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Deferred'];
const FINAL_EVALUATION_FROM = ['FinalSelfAssessed', 'Deferred'];
const RECOVERABLE = ['Failed', 'Revoked'];
/** An accredited course still owes yearly updates, so it may be put to rectification too. */
const rectifiableIn = (p: OfficeProject) => ['UnderConstruction', 'MidtermEvaluated', 'Extended', ...(p.subject.kind === 'course' ? ['Accredited'] : [])];


/**
 * The office's work on one project, each card in the stages the service takes it: the objections of
 * the public notice, the construction plan, changes, the mid-term evaluation and rectifications,
 * suspension, extension, the final evaluation and accreditation, the recovery of funds, and revocation.
 */
export function ProjectOffice({ project, onChanged }: { project: ProjectView; onChanged: () => void }) {
  const p = project as OfficeProject;
  // Read again with each revision: a step's reload brings the events it recorded.
  const timeline = useLoad(async () => (await call(service.GET('/projects/{id}/timeline', { params: { path: { id: p.id } } }))) as unknown as TimelineView, [p.id, p.revision]);
  const events = timeline.value?.events ?? [];
  const status = p.status;
  const openRectification = p.rectifications.find((r) => r.outcome === 'open') ?? null;
  const lastRectification = p.rectifications[p.rectifications.length - 1];
  const suspendable = (status === 'RectificationFailed' && lastRectification?.orderedFrom !== 'Accredited') || (status === 'MidtermEvaluated' && !!p.midterm?.belowMinTasks);
  const openChanges = REPORTING.includes(status) ? p.changes.filter((c) => c.status === 'open') : [];
  const step = { project: p, events, onChanged };

  return (
    <>
      <ProblemAlert problem={timeline.problem} />
      {status === 'UnderReview' && p.reviewers.some((r) => r.score !== null) && <CorrectScoreCard {...step} />}
      {status === 'InPublicNotice' && <ObjectionsCard {...step} />}
      {status === 'PlanSubmitted' && <PlanCard {...step} />}
      {openChanges.map((change) => (
        <ChangeCard key={change.changeId} changeId={change.changeId} {...step} />
      ))}
      {MIDTERM_FROM.includes(status) && !p.midterm && <MidtermCard {...step} />}
      {status === 'Rectification' && openRectification && <RectificationCard rectification={openRectification} {...step} />}
      {rectifiableIn(p).includes(status) && <OrderRectificationCard {...step} />}
      {suspendable && <SuspendCard {...step} />}
      {EXTENDABLE.includes(status) && p.construction && <ExtensionCard {...step} />}
      {FINAL_EVALUATION_FROM.includes(status) && p.selfAssessments > 0 && <FinalEvaluationCard {...step} />}
      {status === 'FinalEvaluated' && <AccreditCard {...step} />}
      {RECOVERABLE.includes(status) && !p.fundRecovery && <FundRecoveryCard {...step} />}
      {p.fundRecovery && (p.fundRecovery.recovered ?? 0) < p.fundRecovery.amount && <FundsRecoveredCard {...step} />}
      {REVOCABLE.includes(status) && <RevokeCard {...step} />}
    </>
  );
}

type Step = { project: OfficeProject; events: readonly TimelineEvent[]; onChanged: () => void };

// ------------------------------------------------------------------------------------------ selection

interface Correction {
  reviewerId: string;
  score?: number;
  indicators?: Record<string, number>;
  reason: string;
}

/**
 * A submitted score corrected by the office (an expert's score is read-only to the expert once submitted):
 * the reviewer's score as it stands, the corrected one — by the rubric's indicators where the cycle has one —
 * and the reason, which the history keeps beside the score it replaced.
 */
function CorrectScoreCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<Correction>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const scored = project.reviewers.filter((r) => r.score !== null);
  // The experts by name, as the cycle's progress lists them (the project knows their ids).
  const experts = useLoad(
    async () => ((await call(service.GET('/cycles/{id}/experts', { params: { path: { id: project.cycleId } } }))) as unknown as { items: { reviewerId: string; name: string | null }[] }).items,
    [project.cycleId],
  );
  const nameOf = (reviewerId: string) => experts.value?.find((e) => e.reviewerId === reviewerId)?.name ?? reviewerId;
  const indicators = project.rules.rubric?.dimensions.flatMap((d) => d.indicators) ?? [];
  const chosen = Form.useWatch('reviewerId', form);
  const current = scored.find((r) => r.reviewerId === chosen);
  const correct = (values: Correction) =>
    run(
      () =>
        call(
          service.POST('/projects/{id}/scores/correct', {
            params: { path, header: headers },
            body: {
              reviewerId: values.reviewerId,
              reason: values.reason,
              ...(indicators.length > 0 ? { indicators: indicators.map((i) => ({ id: i.id, score: values.indicators?.[i.id] ?? 0 })) } : { score: values.score }),
            },
          }),
        ),
      t.scoreCorrected,
    );
  return (
    <Section title={t.correctScoreTitle}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph type="secondary">{t.correctScoreIntro}</Typography.Paragraph>
      <Form form={form} name="correct-score" layout="vertical" onFinish={correct} style={{ maxWidth: 720 }}>
        <Form.Item label={t.correctScoreReviewer} name="reviewerId" rules={[{ required: true, message: t.required }]}>
          <Select
            options={scored.map((r) => ({ value: r.reviewerId, label: `${nameOf(r.reviewerId)} · ${r.score}` }))}
            onChange={(reviewerId: string) => {
              const reviewer = scored.find((r) => r.reviewerId === reviewerId);
              // The form starts from the score as it stands: the office changes what is wrong in it.
              form.setFieldsValue({ score: reviewer?.score ?? undefined, indicators: Object.fromEntries((reviewer?.indicators ?? []).map((i) => [i.id, i.score])) });
            }}
          />
        </Form.Item>
        {current && <Typography.Paragraph>{t.correctScoreNow.replace('{score}', String(current.score))}</Typography.Paragraph>}
        {indicators.length > 0 ? (
          indicators.map((i) => (
            <Form.Item key={i.id} label={`${i.name}（${t.correctScoreMax.replace('{max}', String(i.max))}）`} name={['indicators', i.id]} rules={[{ required: true, message: t.required }]}>
              <InputNumber min={0} max={i.max} step={0.5} style={{ width: 160 }} />
            </Form.Item>
          ))
        ) : (
          <Form.Item label={t.correctScoreValue} name="score" rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0} max={100} step={0.5} style={{ width: 160 }} />
          </Form.Item>
        )}
        <Form.Item label={t.correctScoreReason} name="reason" rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.correctScore}
        </Button>
      </Form>
    </Section>
  );
}

/** The notice's objections with who objected (the office alone reads it), their grounds and evidence, and a resolution for each open one. */
function ObjectionsCard({ project, events, onChanged }: Step) {
  const { t } = useMessages();
  const records = objectionsIn(events);
  return (
    <Section title={t.officeObjections}>
      {project.notice && <Typography.Paragraph>{t.noticeRuns.replace('{from}', beijingDay(project.notice.startsOn)).replace('{to}', beijingDay(project.notice.endsOn))}</Typography.Paragraph>}
      {records.length === 0 ? (
        <Typography.Text type="secondary">{t.noObjections}</Typography.Text>
      ) : (
        records.map((record) => <ObjectionItem key={record.objectionId} record={record} project={project} events={events} onChanged={onChanged} />)
      )}
    </Section>
  );
}


function ObjectionItem({ record, project, onChanged }: Step & { record: ObjectionRecord }) {
  return <ObjectionDetails record={record}>{record.status === 'open' && <ResolveObjectionForm objectionId={record.objectionId} project={project} onChanged={onChanged} />}</ObjectionDetails>;
}

function ResolveObjectionForm({ objectionId, project, onChanged }: { objectionId: string; project: OfficeProject; onChanged: () => void }) {
  const { t } = useMessages();
  const { modal } = App.useApp();
  const [form] = Form.useForm<{ outcome: 'dismissed' | 'upheld'; reason: string; evidence?: DocumentRef[] }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const resolve = async (values: { outcome: 'dismissed' | 'upheld'; reason: string; evidence?: DocumentRef[] }) => {
    // An upheld objection takes the project off the list for good: asked once more.
    if (values.outcome === 'upheld' && !(await modal.confirm({ title: t.upholdObjection, content: t.upholdConfirm, okText: t.upholdObjection, cancelText: t.cancel, okButtonProps: { danger: true } }))) return;
    await run(
      () => call(service.POST('/projects/{id}/objections/{objectionId}/resolve', { params: { path: { ...path, objectionId }, header: headers }, body: { outcome: values.outcome, reason: values.reason.trim(), evidence: values.evidence ?? [] } })),
      t.objectionResolved,
    );
  };
  return (
    <div style={{ marginTop: 16, maxWidth: 720 }}>
      <ProblemAlert problem={problem} />
      <Form form={form} name={`resolve-${objectionId}`} layout="vertical" onFinish={resolve}>
        <Form.Item label={t.resolutionOutcome} name="outcome" rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            options={[
              { value: 'dismissed', label: t.dismissObjection },
              { value: 'upheld', label: t.upholdObjection },
            ]}
          />
        </Form.Item>
        <Form.Item label={t.resolutionReason} name="reason" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.resolutionEvidence} name="evidence">
          <DocumentField max={10} label={t.resolutionEvidence} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.resolveObjection}
        </Button>
      </Form>
    </div>
  );
}

// ------------------------------------------------------------------------------------------ construction

/** The construction plan and task book handed in, accepted (construction starts today) or returned with the reasons. */
function PlanCard({ project, events, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ reasons: string }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const handedIn = latest(events, 'ConstructionPlanSubmitted');
  return (
    <Section title={t.planReview}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.constructionPlan}>
          <DocumentLinks documents={[handedIn?.plan as DocumentRef | undefined]} />
        </Descriptions.Item>
        <Descriptions.Item label={t.taskBook}>
          <DocumentLinks documents={[handedIn?.taskBook as DocumentRef | undefined]} />
        </Descriptions.Item>
        {typeof handedIn?.submittedAt === 'string' && (
          <Descriptions.Item label={t.handedInAt}>
            {beijingTime(handedIn.submittedAt)} {handedIn.late === true && <Tag color="red">{t.handedInLate}</Tag>}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Button type="primary" loading={busy} onClick={() => run(() => call(service.POST('/projects/{id}/construction-plan/accept', { params: { path, header: headers }, body: {} })), t.planAccepted)}>
        {t.acceptPlan}
      </Button>
      <Form form={form} name="reject-plan" layout="vertical" style={{ marginTop: 24, maxWidth: 720 }} onFinish={(values) => run(() => call(service.POST('/projects/{id}/construction-plan/reject', { params: { path, header: headers }, body: { reasons: linesOf(values.reasons) } })), t.planRejected)}>
        <Form.Item label={t.rejectPlanReasons} name="reasons" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t.rejectPlan}
        </Button>
      </Form>
    </Section>
  );
}

/** A change the school asked for, approved or rejected on the expert review it rests on. */
function ChangeCard({ changeId, project, events, onChanged }: Step & { changeId: string }) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ decision: 'approved' | 'rejected'; reason: string; expertReview: DocumentRef[] }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const requested = latest(events, 'ChangeRequested', (data) => data.changeId === changeId);
  const decide = (values: { decision: 'approved' | 'rejected'; reason: string; expertReview: DocumentRef[] }) =>
    run(
      () =>
        call(
          service.POST('/projects/{id}/change-requests/{changeId}/decide', {
            params: { path: { ...path, changeId }, header: headers },
            body: { decision: values.decision, reason: values.reason.trim(), expertReview: values.expertReview[0]! },
          }),
        ),
      t.changeDecided,
    );
  return (
    <Section title={t.changeRequest}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.changeRequestDescription}>{String(requested?.description ?? '—')}</Descriptions.Item>
        <Descriptions.Item label={t.changeRequestDocuments}>
          <DocumentLinks documents={(requested?.documents as DocumentRef[] | undefined) ?? []} />
        </Descriptions.Item>
      </Descriptions>
      <Form form={form} name={`decide-${changeId}`} layout="vertical" onFinish={decide} style={{ maxWidth: 720 }}>
        <Form.Item label={t.changeDecision} name="decision" rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            options={[
              { value: 'approved', label: t.approveChange },
              { value: 'rejected', label: t.rejectChange },
            ]}
          />
        </Form.Item>
        <Form.Item label={t.decisionReason} name="reason" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.expertReview} name="expertReview" rules={documentsRequired}>
          <DocumentField max={1} label={t.expertReview} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.decideChange}
        </Button>
      </Form>
    </Section>
  );
}

// ------------------------------------------------------------------------------------------ evaluation

interface MidtermValues {
  findings: { targetsAndTasks: string; useOfFunds: string; results: string; impact: string };
  grade: string;
  tasksCompletedPercent: number;
  report: DocumentRef[];
}

/** The grades of the cycle's scale, each with what it leads to at the final evaluation. */
function useGradeOptions(project: OfficeProject, withOutcome: boolean) {
  const { t } = useMessages();
  const scale = project.rules.gradeScale;
  const outcomeOf = (grade: string) => (scale.passing.includes(grade) ? t.gradePasses : scale.deferring.includes(grade) ? t.gradeDefers : t.gradeFails);
  return scale.grades.map((grade) => ({ value: grade, label: withOutcome ? `${grade}（${outcomeOf(grade)}）` : grade }));
}

/** The mid-term evaluation on Shanxi's four dimensions, its grade and the share of the tasks done, on the panel's report. */
function MidtermCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<MidtermValues>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const grades = useGradeOptions(project, false);
  const minimum = project.rules.midtermMinTasksPercent ?? MIDTERM_MIN_TASKS_PERCENT_UNSET;
  const record = (values: MidtermValues) =>
    run(
      () =>
        call(
          service.POST('/projects/{id}/midterm-evaluation', {
            params: { path, header: headers },
            body: { findings: values.findings, grade: values.grade, tasksCompletedPercent: values.tasksCompletedPercent, report: values.report[0]! },
          }),
        ),
      t.midtermRecorded,
    );
  return (
    <Section title={t.midtermEvaluation}>
      <ProblemAlert problem={problem} />
      <Form form={form} name="midterm" layout="vertical" onFinish={record} style={{ maxWidth: 720 }}>
        <Form.Item label={t.findingTargets} name={['findings', 'targetsAndTasks']} rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.findingFunds} name={['findings', 'useOfFunds']} rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.findingResults} name={['findings', 'results']} rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.findingImpact} name={['findings', 'impact']} rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Flex gap={24} wrap>
          <Form.Item label={t.grade} name="grade" rules={[{ required: true, message: t.required }]} style={{ minWidth: 200 }}>
            <Select options={grades} placeholder={t.chooseGrade} />
          </Form.Item>
          <Form.Item label={t.tasksCompletedPercent} name="tasksCompletedPercent" rules={[{ required: true, message: t.required }]} extra={t.tasksMinimumNote.replace('{n}', String(minimum))}>
            <InputNumber min={0} max={100} precision={2} suffix="%" style={{ width: 160 }} />
          </Form.Item>
        </Flex>
        <Form.Item label={t.panelReport} name="report" rules={documentsRequired}>
          <DocumentField max={1} label={t.panelReport} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.recordMidterm}
        </Button>
      </Form>
    </Section>
  );
}

/** A rectification ordered with its findings and its last day, at most the rules' months away. */
function OrderRectificationCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ findings: string; deadline: string }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  return (
    <Section title={t.orderRectificationTitle}>
      <ProblemAlert problem={problem} />
      <Form
        form={form}
        name="order-rectification"
        layout="vertical"
        style={{ maxWidth: 720 }}
        onFinish={(values) => run(() => call(service.POST('/projects/{id}/rectification', { params: { path, header: headers }, body: { findings: linesOf(values.findings), deadline: values.deadline } })), t.rectificationOrdered)}
      >
        <Form.Item label={t.rectificationFindingsField} name="findings" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.rectificationDeadline} name="deadline" rules={required} extra={t.rectificationDeadlineNote.replace('{n}', String(project.rules.maxRectificationMonths))}>
          <Input type="date" style={{ width: 200 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.orderRectification}
        </Button>
      </Form>
    </Section>
  );
}

/** The open rectification: what was found, by when, what the school handed in; accepted, or found failed. */
function RectificationCard({ rectification, project, events, onChanged }: Step & { rectification: Rectification }) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ decision: 'accept' | 'fail'; reason: string }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const decision = Form.useWatch('decision', form);
  const byId = (data: Record<string, unknown>) => data.rectificationId === rectification.rectificationId;
  const ordered = latest(events, 'RectificationOrdered', byId);
  const handedIn = latest(events, 'RectificationSubmitted', byId);
  const decide = (values: { decision: 'accept' | 'fail'; reason: string }) =>
    run(
      () =>
        call(
          values.decision === 'accept'
            ? service.POST('/projects/{id}/rectification/accept', { params: { path, header: headers }, body: { reason: values.reason.trim() } })
            : service.POST('/projects/{id}/rectification/fail', { params: { path, header: headers }, body: { reason: values.reason.trim() } }),
        ),
      values.decision === 'accept' ? t.rectificationAccepted : t.rectificationFailed,
    );
  return (
    <Section title={t.rectificationTitle}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.rectificationFindings}>{((ordered?.findings as string[] | undefined) ?? []).join('；') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t.rectificationDeadline}>{beijingDay(rectification.deadline)}</Descriptions.Item>
        <Descriptions.Item label={t.rectificationReport}>
          {rectification.submitted ? (
            <DocumentLinks documents={[handedIn?.report as DocumentRef | undefined]} />
          ) : (
            <Tag color={rectification.overdue ? 'red' : 'default'}>{rectification.overdue ? t.rectificationOverdue : t.rectificationAwaited}</Tag>
          )}
        </Descriptions.Item>
      </Descriptions>
      <Form form={form} name="decide-rectification" layout="vertical" onFinish={decide} style={{ maxWidth: 720 }}>
        <Form.Item label={t.rectificationDecision} name="decision" rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            options={[
              { value: 'accept', label: t.acceptRectification },
              { value: 'fail', label: t.failRectification },
            ]}
          />
        </Form.Item>
        <Form.Item label={t.decisionReason} name="reason" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" danger={decision === 'fail'} htmlType="submit" loading={busy}>
          {decision === 'fail' ? t.failRectification : t.acceptRectification}
        </Button>
      </Form>
    </Section>
  );
}

/** Suspension (中止): after a failed rectification, or too few tasks done at mid-term; the applicant may never apply again. */
function SuspendCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const { modal } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const why = project.status === 'RectificationFailed' ? t.suspendAfterRectification : t.suspendBelowTasks.replace('{n}', String(project.midterm?.tasksCompletedPercent ?? ''));
  const suspend = async (values: { reason: string }) => {
    if (!(await modal.confirm({ title: t.suspendProject, content: t.suspendConfirm, okText: t.suspendProject, cancelText: t.cancel, okButtonProps: { danger: true } }))) return;
    await run(() => call(service.POST('/projects/{id}/suspend', { params: { path, header: headers }, body: { reason: values.reason.trim() } })), t.projectSuspended);
  };
  return (
    <Section title={t.suspendProject}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph>{why}</Typography.Paragraph>
      <Form form={form} name="suspend" layout="vertical" onFinish={suspend} style={{ maxWidth: 720 }}>
        <Form.Item label={t.suspendReason} name="reason" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button danger htmlType="submit" loading={busy}>
          {t.suspendProject}
        </Button>
      </Form>
    </Section>
  );
}

/** An extension of construction to a later last day, on the school's request. */
function ExtensionCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ newEndsOn: string; reason: string; request: DocumentRef[] }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const extend = (values: { newEndsOn: string; reason: string; request: DocumentRef[] }) =>
    run(() => call(service.POST('/projects/{id}/extension', { params: { path, header: headers }, body: { newEndsOn: values.newEndsOn, reason: values.reason.trim(), request: values.request[0]! } })), t.extensionGranted);
  return (
    <Section title={t.extensionTitle}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph>{t.constructionRuns.replace('{from}', beijingDay(project.construction!.startsOn)).replace('{to}', beijingDay(project.construction!.endsOn))}</Typography.Paragraph>
      <Form form={form} name="extension" layout="vertical" onFinish={extend} style={{ maxWidth: 720 }}>
        <Form.Item label={t.newEndsOn} name="newEndsOn" rules={required}>
          <Input type="date" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={t.extensionReason} name="reason" rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.extensionRequest} name="request" rules={documentsRequired}>
          <DocumentField max={1} label={t.extensionRequest} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t.grantExtension}
        </Button>
      </Form>
    </Section>
  );
}

/** The final evaluation (验收): its grade passes, defers or fails the project by the cycle's scale. */
function FinalEvaluationCard({ project, events, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ grade: string; findings: string; report: DocumentRef[] }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const grades = useGradeOptions(project, true);
  const selfAssessment = latest(events, 'FinalSelfAssessmentSubmitted');
  const evaluate = (values: { grade: string; findings: string; report: DocumentRef[] }) =>
    run(() => call(service.POST('/projects/{id}/final-evaluation', { params: { path, header: headers }, body: { grade: values.grade, findings: values.findings.trim(), report: values.report[0]! } })), t.finalEvaluationRecorded);
  return (
    <Section title={t.finalEvaluation}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.selfAssessmentReport}>
          <DocumentLinks documents={[selfAssessment?.report as DocumentRef | undefined]} />
        </Descriptions.Item>
        {project.rectifications.length > 0 && (
          <Descriptions.Item label={t.rectificationsConsidered}>
            {project.rectifications.map((r) => `${beijingDay(r.deadline)} ${r.outcome === 'accepted' ? t.rectificationOutcomeAccepted : r.outcome === 'failed' ? t.rectificationOutcomeFailed : t.objectionOpen}`).join('；')}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Form form={form} name="final-evaluation" layout="vertical" onFinish={evaluate} style={{ maxWidth: 720 }}>
        <Form.Item label={t.grade} name="grade" rules={[{ required: true, message: t.required }]} style={{ maxWidth: 280 }}>
          <Select options={grades} placeholder={t.chooseGrade} />
        </Form.Item>
        <Form.Item label={t.evaluationFindings} name="findings" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.acceptanceReport} name="report" rules={documentsRequired}>
          <DocumentField max={1} label={t.acceptanceReport} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.recordFinalEvaluation}
        </Button>
      </Form>
    </Section>
  );
}

/** Accreditation (认定) of a project that passed, with the accreditation notice if there is one. */
function AccreditCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ document?: DocumentRef[] }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const grade = project.evaluations[project.evaluations.length - 1]?.grade;
  const accredit = (values: { document?: DocumentRef[] }) =>
    run(() => call(service.POST('/projects/{id}/accredit', { params: { path, header: headers }, body: values.document?.[0] ? { document: values.document[0] } : {} })), t.projectAccredited);
  return (
    <Section title={t.accreditTitle}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph>{t.accreditIntro.replace('{grade}', grade ?? '—')}</Typography.Paragraph>
      <Form form={form} name="accredit" layout="vertical" onFinish={accredit} style={{ maxWidth: 720 }}>
        <Form.Item label={t.accreditationDocument} name="document">
          <DocumentField max={1} label={t.accreditationDocument} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.accredit}
        </Button>
      </Form>
    </Section>
  );
}

// ------------------------------------------------------------------------------------------ revocation and funds

/** The recovery of funds from a failed or revoked project: how much, by when, why (at most what its grants disbursed). */
function FundRecoveryCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ amount: number; deadline: string; reason: string }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const order = (values: { amount: number; deadline: string; reason: string }) =>
    run(() => call(service.POST('/projects/{id}/fund-recovery', { params: { path, header: headers }, body: { amount: values.amount, deadline: values.deadline, reason: values.reason.trim() } })), t.fundRecoveryOrdered);
  return (
    <Section title={t.fundRecoveryTitle}>
      <ProblemAlert problem={problem} />
      <Form form={form} name="fund-recovery" layout="vertical" onFinish={order} style={{ maxWidth: 720 }}>
        <Flex gap={24} wrap>
          <Form.Item label={t.recoveryAmount} name="amount" rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 220 }} suffix="元" />
          </Form.Item>
          <Form.Item label={t.recoveryDeadline} name="deadline" rules={required}>
            <Input type="date" style={{ width: 200 }} />
          </Form.Item>
        </Flex>
        <Form.Item label={t.recoveryReason} name="reason" rules={required}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.orderFundRecovery}
        </Button>
      </Form>
    </Section>
  );
}

/** Money returned under the recovery order, up to the amount ordered. */
function FundsRecoveredCard({ project, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ amount: number; recoveredOn: string; reference?: string }>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const order = project.fundRecovery!;
  const recovered = order.recovered ?? 0;
  const record = (values: { amount: number; recoveredOn: string; reference?: string }) => {
    const reference = values.reference?.trim();
    return run(() => call(service.POST('/projects/{id}/fund-recovery/recovered', { params: { path, header: headers }, body: { amount: values.amount, recoveredOn: values.recoveredOn, ...(reference ? { reference } : {}) } })), t.fundsRecoveredRecorded);
  };
  return (
    <Section title={t.fundsRecoveredTitle}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.recoveryOrdered}>{`${yuan(order.amount)} 元`}</Descriptions.Item>
        <Descriptions.Item label={t.recoveryDeadline}>
          {beijingDay(order.deadline)} {order.overdue && <Tag color="red">{t.recoveryOverdue}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t.recoveredSoFar}>{`${yuan(recovered)} 元`}</Descriptions.Item>
        <Descriptions.Item label={t.recoveryOutstanding}>{`${yuan(Math.round((order.amount - recovered) * 100) / 100)} 元`}</Descriptions.Item>
      </Descriptions>
      <Form form={form} name="funds-recovered" layout="vertical" onFinish={record} style={{ maxWidth: 720 }}>
        <Flex gap={24} wrap>
          <Form.Item label={t.recoveredAmount} name="amount" rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 220 }} suffix="元" />
          </Form.Item>
          <Form.Item label={t.recoveredOn} name="recoveredOn" rules={required}>
            <Input type="date" style={{ width: 200 }} />
          </Form.Item>
        </Flex>
        <Form.Item label={t.recoveryReference} name="reference">
          <Input maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.recordFundsRecovered}
        </Button>
      </Form>
    </Section>
  );
}

interface RevokeValues {
  reason: Schemas['RevokeProjectDto']['reason'];
  explanation: string;
  evidence: DocumentRef[];
  banUntil?: string;
}

/** Revocation (撤销) on a ground of the plan, with its evidence: the applicant is banned and the funds are to be recovered. */
function RevokeCard({ project, onChanged }: Step) {
  const { t, language } = useMessages();
  const { modal } = App.useApp();
  const [form] = Form.useForm<RevokeValues>();
  const { problem, busy, run, headers, path } = useStep(project, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const years = project.rules.bans.revocationYears;
  const revoke = async (values: RevokeValues) => {
    const confirmed = await modal.confirm({
      title: t.revokeProject,
      content: t.revokeConfirm.replace('{title}', project.title).replace('{years}', String(years)),
      okText: t.revokeProject,
      cancelText: t.cancel,
      okButtonProps: { danger: true },
    });
    if (!confirmed) return;
    await run(
      () =>
        call(
          service.POST('/projects/{id}/revoke', {
            params: { path, header: headers },
            body: { reason: values.reason, explanation: values.explanation.trim(), evidence: values.evidence, ...(values.banUntil ? { banUntil: values.banUntil } : {}) },
          }),
        ),
      t.projectRevoked,
    );
  };
  return (
    <Section title={t.revokeProject}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph type="secondary">{t.revokeIntro.replace('{years}', String(years))}</Typography.Paragraph>
      <Form form={form} name="revoke" layout="vertical" onFinish={revoke} style={{ maxWidth: 720 }}>
        <Form.Item label={t.revocationReason} name="reason" rules={[{ required: true, message: t.required }]} style={{ maxWidth: 420 }}>
          <Select placeholder={t.chooseRevocationReason} options={Object.entries(REVOCATION_GROUNDS[language]).map(([reason, label]) => ({ value: reason, label }))} />
        </Form.Item>
        <Form.Item label={t.revocationExplanation} name="explanation" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.revocationEvidence} name="evidence" rules={documentsRequired}>
          <DocumentField max={10} label={t.revocationEvidence} />
        </Form.Item>
        <Form.Item label={t.banUntil} name="banUntil" extra={t.banUntilNote.replace('{years}', String(years))}>
          <Input type="date" style={{ width: 200 }} />
        </Form.Item>
        <Button danger htmlType="submit" loading={busy}>
          {t.revokeProject}
        </Button>
      </Form>
    </Section>
  );
}
