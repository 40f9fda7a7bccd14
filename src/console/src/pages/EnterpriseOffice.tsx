import { App, Button, Checkbox, Descriptions, Form, Input, Radio, Select, Tag, Typography } from 'antd';
import type { GetProps } from 'antd';
import { call, DocumentRef, Schemas, service } from '../api';
import { Messages, useMessages } from '../i18n';
import { DocumentField, DueTag, ProblemAlert, Section, TimelineView, useLoad } from '../parts';
import { beijingDay, beijingTime, DISQUALIFICATION_GROUNDS, EVENTS, word } from '../words';
import { DocumentLinks, latest, linesOf, ObjectionDetails, ObjectionRecord, ObjectionStatus, objectionsIn, useDocumentsRequired, useRequired, useStep } from '../office';

type NoticeStage = 'admission' | 'certification';
type TimelineEvent = TimelineView['events'][number];

/** What GET /enterprises/{id} answers the office (the state as folded, objectors named). */
interface OfficeEnterprise {
  readonly id: string;
  readonly revision: number;
  readonly status: string;
  readonly name: string;
  readonly notice: { readonly stage: NoticeStage; readonly noticeNo: number; readonly startsAt: string; readonly endsAt: string } | null;
  readonly objections: readonly { readonly objectionId: string; readonly noticeNo: number; readonly stage: NoticeStage; readonly status: ObjectionStatus }[];
  readonly incubation: {
    readonly admittedAt: string;
    readonly earliestCertificationAt: string;
    readonly minimumIncubationReached: boolean;
    readonly threeYearPlan: { readonly publishedAt: string; readonly late: boolean } | null;
  } | null;
  readonly certification: { readonly kind: 'initial' | 'renewal'; readonly requestedAt: string } | null;
}

/** The enterprise scheme as GET /programs tells it: the units that review jointly, and the rules in force. */
interface EnterpriseScheme {
  readonly responsibleUnits: readonly string[];
  readonly defaultRules: { readonly publicNotice: { readonly length: number; readonly unit: 'working-days' | 'calendar-days' }; readonly disqualificationBanYears: number };
}

type Ground = Schemas['DisqualifyEnterpriseDto']['ground'];
const GROUNDS: readonly Ground[] = ['fraud', 'major-accident', 'infringed-student-rights', 'credit-blacklisted'];
const DECLARATIONS = ['registeredAndTaxedInProvince', 'mainBusinessNotEducation', 'noMajorAccident', 'goodCredit', 'noTaxViolation'] as const;

// The statuses where the service takes each of the office's commands (src/domain/enterprise/decide): a
// card is offered only there, so the office is never shown a form the service refuses for its status alone.
/** Nothing in progress (decide/checks.ts TERMINAL): no disqualification there. */
const TERMINAL = ['None', 'NotAdmitted', 'Disqualified'];

/** A notice's days in Beijing: it runs from the start of its first day to the start of the day after its last. */
const noticeDays = (notice: NonNullable<OfficeEnterprise['notice']>) => ({ from: beijingDay(notice.startsAt), to: beijingDay(new Date(Date.parse(notice.endsAt) - 1).toISOString()) });

/**
 * The office's work on one enterprise, each card in the statuses the service takes it: the joint review
 * of a recommended application, the admission notice with its objections and the admission to the
 * incubation list, the minimum incubation reached, the evaluation of a certification request, the
 * certification notice and the certificate, and disqualification at any stage of a round in progress.
 */
export function EnterpriseOffice({ enterprise, onChanged }: { enterprise: { readonly id: string; readonly status: string }; onChanged: () => void }) {
  const e = enterprise as OfficeEnterprise;
  // Read again with each revision: a step's reload brings the events it recorded.
  const timeline = useLoad(async () => (await call(service.GET('/enterprises/{id}/timeline', { params: { path: { id: e.id } } }))) as unknown as TimelineView, [e.id, e.revision]);
  const scheme = useLoad(
    async () => ((await call(service.GET('/programs'))) as unknown as { items: (EnterpriseScheme & { code: string })[] }).items.find((p) => p.code === 'enterprise') ?? null,
    [],
  );
  const events = timeline.value?.events ?? [];
  const status = e.status;
  const stage = e.notice?.stage;
  // An upheld objection ends its notice; any other still open under it is resolved afterwards all the same.
  const anyOpen = e.objections.some((o) => o.status === 'open');
  const step = { enterprise: e, events, scheme: scheme.value ?? null, onChanged };

  return (
    <>
      <ProblemAlert problem={timeline.problem ?? scheme.problem} />
      {status === 'Recommended' && <JointReviewCard {...step} />}
      {(status === 'JointlyReviewed' || status === 'CertificationEvaluated') && <OpenNoticeCard stage={status === 'JointlyReviewed' ? 'admission' : 'certification'} {...step} />}
      {(status === 'InPublicNotice' || anyOpen) && <ObjectionsCard {...step} />}
      {status === 'InPublicNotice' && stage === 'admission' && <NoticeEndCard stage="admission" {...step} />}
      {status === 'InIncubation' && e.incubation && !e.incubation.minimumIncubationReached && <MinimumIncubationCard {...step} />}
      {status === 'CertificationRequested' && <CertificationEvaluationCard {...step} />}
      {status === 'InPublicNotice' && stage === 'certification' && <NoticeEndCard stage="certification" {...step} />}
      {!TERMINAL.includes(status) && <DisqualifyCard {...step} />}
    </>
  );
}

type Step = { enterprise: OfficeEnterprise; events: readonly TimelineEvent[]; scheme: EnterpriseScheme | null; onChanged: () => void };

// ------------------------------------------------------------------------------------------ admission

/**
 * A required list of checkboxes as one named group. The form marks its field aria-required, which a group
 * does not take (axe: aria-allowed-attr): that mark is left to the label's asterisk and the error beside it.
 */
function CheckboxesField({ label, 'aria-required': _required, ...props }: GetProps<typeof Checkbox.Group<string>> & { label: string; 'aria-required'?: unknown }) {
  return <Checkbox.Group role="group" aria-label={label} {...props} />;
}

interface JointReviewValues {
  outcome: 'passed' | 'failed';
  departments: string[];
  expertAssessment: { opinion: string; documents: DocumentRef[] };
  reasons?: string;
}

/** The joint review of the departments (部门联审) on the expert assessment, with what the enterprise and its city handed in. */
function JointReviewCard({ enterprise, events, scheme, onChanged }: Step) {
  const { t } = useMessages();
  const { modal } = App.useApp();
  const [form] = Form.useForm<JointReviewValues>();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const outcome = Form.useWatch('outcome', form);
  const applied = latest(events, 'IncubationApplicationSubmitted');
  const recommended = latest(events, 'IncubationApplicationRecommended');
  const declared = (applied?.declarations ?? {}) as Record<string, boolean>;
  const record = async (values: JointReviewValues) => {
    // A failed joint review ends the enterprise's application round: asked once more.
    if (values.outcome === 'failed' && !(await modal.confirm({ title: t.eoJointReviewFail, content: t.eoJointReviewFailConfirm.replace('{name}', enterprise.name), okText: t.eoJointReviewFail, cancelText: t.cancel, okButtonProps: { danger: true } }))) return;
    const body: Schemas['JointReviewDto'] = {
      outcome: values.outcome,
      departments: values.departments,
      expertAssessment: { opinion: values.expertAssessment.opinion.trim(), documents: values.expertAssessment.documents },
      reasons: values.outcome === 'failed' ? linesOf(values.reasons) : [],
    };
    await run(() => call(service.POST('/enterprises/{id}/joint-review', { params: { path, header: headers }, body })), t.eoJointReviewRecorded);
  };
  return (
    <Section title={t.eoJointReview}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.eoApplicationDocuments}>
          <DocumentLinks documents={(applied?.documents as DocumentRef[] | undefined) ?? []} />
        </Descriptions.Item>
        <Descriptions.Item label={t.eoDeclarations}>{DECLARATIONS.filter((d) => declared[d]).map((d) => t[`declare-${d}`]).join('；') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t.eoCityOpinion}>{String(recommended?.opinion ?? '—')}</Descriptions.Item>
        {Array.isArray(recommended?.documents) && recommended.documents.length > 0 && (
          <Descriptions.Item label={t.eoCityDocuments}>
            <DocumentLinks documents={recommended.documents as DocumentRef[]} />
          </Descriptions.Item>
        )}
      </Descriptions>
      <Form form={form} name="joint-review" layout="vertical" onFinish={record} style={{ maxWidth: 720 }}>
        <Form.Item label={t.eoDepartments} name="departments" rules={[{ required: true, type: 'array', min: 1, message: t.eoChooseDepartments }]}>
          <CheckboxesField label={t.eoDepartments} options={(scheme?.responsibleUnits ?? []).map((unit) => ({ value: unit, label: unit }))} />
        </Form.Item>
        <Form.Item label={t.eoExpertOpinion} name={['expertAssessment', 'opinion']} rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.eoExpertDocuments} name={['expertAssessment', 'documents']} rules={documentsRequired}>
          <DocumentField max={10} label={t.eoExpertDocuments} />
        </Form.Item>
        <Form.Item label={t.eoJointReviewOutcome} name="outcome" rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            options={[
              { value: 'passed', label: t.eoJointReviewPass },
              { value: 'failed', label: t.eoJointReviewFail },
            ]}
          />
        </Form.Item>
        {outcome === 'failed' && (
          <Form.Item label={t.eoFailReasons} name="reasons" rules={required}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        <Button type="primary" danger={outcome === 'failed'} htmlType="submit" loading={busy}>
          {t.eoRecordJointReview}
        </Button>
      </Form>
    </Section>
  );
}

/** A public notice (公示) opened from its first day, before admission or before certification; the rules and the calendar give its end. */
function OpenNoticeCard({ stage, enterprise, scheme, onChanged }: Step & { stage: NoticeStage }) {
  const { t } = useMessages();
  const [form] = Form.useForm<{ startsOn: string; notice?: DocumentRef[] }>();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged, form);
  const required = useRequired();
  const rule = scheme?.defaultRules.publicNotice;
  const open = (values: { startsOn: string; notice?: DocumentRef[] }) => {
    const body: Schemas['EnterpriseNoticeDto'] = { startsOn: values.startsOn, ...(values.notice?.[0] ? { notice: values.notice[0] } : {}) };
    return run(
      () => call(stage === 'admission' ? service.POST('/enterprises/{id}/open-notice', { params: { path, header: headers }, body }) : service.POST('/enterprises/{id}/open-certification-notice', { params: { path, header: headers }, body })),
      t.eoNoticeOpened,
    );
  };
  return (
    <Section title={stage === 'admission' ? t.eoOpenAdmissionNotice : t.eoOpenCertificationNotice}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph>
        {stage === 'admission' ? t.eoAdmissionNoticeIntro : t.eoCertificationNoticeIntro}
        {rule && t.eoNoticeLength.replace('{n}', String(rule.length)).replace('{unit}', rule.unit === 'working-days' ? t.workingDays : t.calendarDays)}
      </Typography.Paragraph>
      <Form form={form} name={`open-${stage}-notice`} layout="vertical" onFinish={open} style={{ maxWidth: 720 }}>
        <Form.Item label={t.eoNoticeStartsOn} name="startsOn" rules={required} extra={t.eoNoticeStartsOnNote}>
          <Input type="date" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={t.eoNoticeDocument} name="notice">
          <DocumentField max={1} label={t.eoNoticeDocument} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.eoOpenNotice}
        </Button>
      </Form>
    </Section>
  );
}

// ------------------------------------------------------------------------------------------ objections

/**
 * The objections of the notice in progress (and any left open under an earlier one) with who objected
 * (the office alone reads it), their grounds and evidence, and a resolution for each open one.
 */
function ObjectionsCard({ enterprise, events, onChanged }: Step) {
  const { t } = useMessages();
  const notice = enterprise.notice;
  const shown = new Set(enterprise.objections.filter((o) => o.noticeNo === notice?.noticeNo || o.status === 'open').map((o) => o.objectionId));
  const records = objectionsIn(events).filter((r) => shown.has(r.objectionId));
  const stageOf = (id: string) => enterprise.objections.find((o) => o.objectionId === id)?.stage ?? 'admission';
  const days = notice && noticeDays(notice);
  return (
    <Section title={notice?.stage === 'certification' ? t.eoCertificationObjections : t.eoAdmissionObjections}>
      {days && <Typography.Paragraph>{t.noticeRuns.replace('{from}', days.from).replace('{to}', days.to)}</Typography.Paragraph>}
      {records.length === 0 ? (
        <Typography.Text type="secondary">{t.noObjections}</Typography.Text>
      ) : (
        records.map((record) => <ObjectionItem key={record.objectionId} record={record} stage={stageOf(record.objectionId)} enterprise={enterprise} onChanged={onChanged} />)
      )}
    </Section>
  );
}


function ObjectionItem({ record, stage, enterprise, onChanged }: { record: ObjectionRecord; stage: NoticeStage; enterprise: OfficeEnterprise; onChanged: () => void }) {
  return <ObjectionDetails record={record}>{record.status === 'open' && <ResolveObjectionForm objectionId={record.objectionId} stage={stage} enterprise={enterprise} onChanged={onChanged} />}</ObjectionDetails>;
}

interface ResolveValues {
  outcome: 'dismissed' | 'upheld';
  reason: string;
  evidence?: DocumentRef[];
}

function ResolveObjectionForm({ objectionId, stage, enterprise, onChanged }: { objectionId: string; stage: NoticeStage; enterprise: OfficeEnterprise; onChanged: () => void }) {
  const { t } = useMessages();
  const { modal } = App.useApp();
  const [form] = Form.useForm<ResolveValues>();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged, form);
  const required = useRequired();
  const uphold = stage === 'admission' ? t.eoUpholdAdmission : t.eoUpholdCertification;
  const resolve = async (values: ResolveValues) => {
    // An upheld objection refuses what its notice announced: asked once more.
    if (values.outcome === 'upheld' && !(await modal.confirm({ title: uphold, content: stage === 'admission' ? t.eoUpholdAdmissionConfirm : t.eoUpholdCertificationConfirm, okText: uphold, cancelText: t.cancel, okButtonProps: { danger: true } }))) return;
    await run(
      () =>
        call(
          service.POST('/enterprises/{id}/objections/{objectionId}/resolve', {
            params: { path: { ...path, objectionId }, header: headers },
            body: { outcome: values.outcome, reason: values.reason.trim(), evidence: values.evidence ?? [] },
          }),
        ),
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
              { value: 'upheld', label: uphold },
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

/** Once its notice has ended with no objection open: admission to the incubation list (入库培育), or the certificate. */
function NoticeEndCard({ stage, enterprise, onChanged }: Step & { stage: NoticeStage }) {
  const { t } = useMessages();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged);
  const days = enterprise.notice && noticeDays(enterprise.notice);
  const open = enterprise.objections.filter((o) => o.noticeNo === enterprise.notice?.noticeNo && o.status === 'open').length;
  const admission = stage === 'admission';
  const decide = () =>
    run(
      () => call(admission ? service.POST('/enterprises/{id}/admit', { params: { path, header: headers }, body: {} }) : service.POST('/enterprises/{id}/certify', { params: { path, header: headers }, body: {} })),
      admission ? t.eoAdmitted : t.eoCertified,
    );
  return (
    <Section title={admission ? t.eoAdmitTitle : t.eoCertifyTitle}>
      <ProblemAlert problem={problem} />
      {days && <Typography.Paragraph>{(admission ? t.eoAdmitIntro : t.eoCertifyIntro).replace('{to}', days.to)}</Typography.Paragraph>}
      {/* Ant Design's warning text lacks 4.5:1 contrast; the due tag's colours keep it. */}
      {open > 0 && (
        <Typography.Paragraph>
          <DueTag>{t.eoObjectionsOpen.replace('{n}', String(open))}</DueTag>
        </Typography.Paragraph>
      )}
      <Button type="primary" loading={busy} onClick={decide}>
        {admission ? t.eoAdmit : t.eoCertify}
      </Button>
    </Section>
  );
}

// ------------------------------------------------------------------------------------------ incubation and certification

/** The minimum incubation over (the scheduler records it too): from then on the enterprise may request certification. */
function MinimumIncubationCard({ enterprise, onChanged }: Step) {
  const { t } = useMessages();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged);
  const incubation = enterprise.incubation!;
  return (
    <Section title={t.eoMinimumIncubation}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t.eoAdmittedOn}>{beijingDay(incubation.admittedAt)}</Descriptions.Item>
        <Descriptions.Item label={t.eoEarliestCertification}>{beijingDay(incubation.earliestCertificationAt)}</Descriptions.Item>
        <Descriptions.Item label={t.threeYearPlan}>
          {incubation.threeYearPlan ? `${t.eoPlanPublished} ${beijingDay(incubation.threeYearPlan.publishedAt)}` : t.eoPlanNotPublished}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">{t.eoMinimumIncubationIntro}</Typography.Paragraph>
      <Button loading={busy} onClick={() => run(() => call(service.POST('/enterprises/{id}/minimum-incubation-reached', { params: { path, header: headers }, body: {} })), t.eoMinimumIncubationRecorded)}>
        {t.eoRecordMinimumIncubation}
      </Button>
    </Section>
  );
}

interface EvaluationValues {
  outcome: 'passed' | 'failed';
  assessment: { opinion: string; documents: DocumentRef[] };
  reasons?: string;
}

/** The evaluation of a certification request (or of a renewal) on the expert assessment, with what the enterprise handed in. */
function CertificationEvaluationCard({ enterprise, events, onChanged }: Step) {
  const { t } = useMessages();
  const [form] = Form.useForm<EvaluationValues>();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const outcome = Form.useWatch('outcome', form);
  const requested = latest(events, 'CertificationRequested');
  const record = (values: EvaluationValues) => {
    const body: Schemas['CertificationEvaluationDto'] = {
      outcome: values.outcome,
      assessment: { opinion: values.assessment.opinion.trim(), documents: values.assessment.documents },
      reasons: values.outcome === 'failed' ? linesOf(values.reasons) : [],
    };
    return run(() => call(service.POST('/enterprises/{id}/certification-evaluation', { params: { path, header: headers }, body })), t.eoEvaluationRecorded);
  };
  return (
    <Section title={enterprise.certification?.kind === 'renewal' ? t.eoRenewalEvaluation : t.eoCertificationEvaluation}>
      <ProblemAlert problem={problem} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        {enterprise.certification && <Descriptions.Item label={t.eoRequestedAt}>{beijingTime(enterprise.certification.requestedAt)}</Descriptions.Item>}
        <Descriptions.Item label={t.certificationDocuments}>
          <DocumentLinks documents={(requested?.documents as DocumentRef[] | undefined) ?? []} />
        </Descriptions.Item>
      </Descriptions>
      <Form form={form} name="certification-evaluation" layout="vertical" onFinish={record} style={{ maxWidth: 720 }}>
        <Form.Item label={t.eoExpertOpinion} name={['assessment', 'opinion']} rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.eoExpertDocuments} name={['assessment', 'documents']} rules={documentsRequired}>
          <DocumentField max={10} label={t.eoExpertDocuments} />
        </Form.Item>
        <Form.Item label={t.eoEvaluationOutcome} name="outcome" rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            options={[
              { value: 'passed', label: t.eoEvaluationPass },
              { value: 'failed', label: t.eoEvaluationFail },
            ]}
          />
        </Form.Item>
        {outcome === 'failed' && (
          <Form.Item label={t.eoFailReasons} name="reasons" rules={required} extra={t.eoEvaluationFailNote}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t.eoRecordEvaluation}
        </Button>
      </Form>
    </Section>
  );
}

// ------------------------------------------------------------------------------------------ disqualification

interface DisqualifyValues {
  ground: Ground;
  reason: string;
  evidence: DocumentRef[];
}

/** Disqualification (取消资格) on a ground of the scheme, with its evidence: the certificate in force is revoked and the enterprise banned. */
function DisqualifyCard({ enterprise, scheme, onChanged }: Step) {
  const { t, language } = useMessages();
  const { modal } = App.useApp();
  const [form] = Form.useForm<DisqualifyValues>();
  const { problem, busy, run, headers, path } = useStep(enterprise, onChanged, form);
  const required = useRequired();
  const documentsRequired = useDocumentsRequired();
  const years = String(scheme?.defaultRules.disqualificationBanYears ?? '—');
  const disqualify = async (values: DisqualifyValues) => {
    const confirmed = await modal.confirm({
      title: t.eoDisqualify,
      content: t.eoDisqualifyConfirm.replace('{name}', enterprise.name).replace('{years}', years),
      okText: t.eoDisqualify,
      cancelText: t.cancel,
      okButtonProps: { danger: true },
    });
    if (!confirmed) return;
    await run(
      () => call(service.POST('/enterprises/{id}/disqualify', { params: { path, header: headers }, body: { ground: values.ground, reason: values.reason.trim(), evidence: values.evidence } })),
      t.eoDisqualified,
    );
  };
  return (
    <Section title={t.eoDisqualify}>
      <ProblemAlert problem={problem} />
      <Typography.Paragraph type="secondary">{t.eoDisqualifyIntro.replace('{years}', years)}</Typography.Paragraph>
      <Form form={form} name="disqualify" layout="vertical" onFinish={disqualify} style={{ maxWidth: 720 }}>
        <Form.Item label={t.eoGround} name="ground" rules={[{ required: true, message: t.required }]} style={{ maxWidth: 420 }}>
          <Select placeholder={t.eoChooseGround} options={GROUNDS.map((ground) => ({ value: ground, label: word(DISQUALIFICATION_GROUNDS, language, ground) }))} />
        </Form.Item>
        <Form.Item label={t.eoDisqualifyReason} name="reason" rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t.eoDisqualifyEvidence} name="evidence" rules={documentsRequired}>
          <DocumentField max={10} label={t.eoDisqualifyEvidence} />
        </Form.Item>
        <Button danger htmlType="submit" loading={busy}>
          {t.eoDisqualify}
        </Button>
      </Form>
    </Section>
  );
}
