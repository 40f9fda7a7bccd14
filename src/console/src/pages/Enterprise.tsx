import { App, Button, Checkbox, Descriptions, Flex, Form, Input, Select, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, DocumentRef, Problem, Schemas, Session, service } from '../api';
import { useMessages } from '../i18n';
import { linkProps, navigate } from '../navigation';
import { attempt, DocumentField, fieldErrors, DueTag, History, ProblemAlert, Section, TimelineView, useLoad } from '../parts';
import { beijingDay, ENTERPRISE_STAGES, word, WORK } from '../words';
import { EnterpriseOffice } from './EnterpriseOffice';

interface EnterpriseView {
  readonly id: string;
  readonly status: string;
  readonly name: string;
  readonly creditCode: string;
  readonly region: string;
  readonly incubation: { readonly threeYearPlan: unknown; readonly minimumIncubationReached: boolean } | null;
  readonly certificates: readonly { readonly validUntil: string; readonly ended: unknown }[];
}

const DECLARATIONS = ['registeredAndTaxedInProvince', 'mainBusinessNotEducation', 'noMajorAccident', 'goodCredit', 'noTaxViolation'] as const;
const CHANGE_KINDS = ['rename', 'relocation', 'merger', 'business-change'] as const;

/**
 * An enterprise (产教融合型企业): its stage and history; to the enterprise itself, its application when it
 * has none yet, then its three-year plan, annual reports, material changes and certification requests;
 * to its city, the recommendation.
 */
export function Enterprise({ id, session }: { id: string; session: Session }) {
  const { t, language } = useMessages();
  const enterprise = useLoad(async () => (await call(service.GET('/enterprises/{id}', { params: { path: { id } } }))) as unknown as EnterpriseView, [id]);
  const timeline = useLoad(async () => (await call(service.GET('/enterprises/{id}/timeline', { params: { path: { id } } }))) as unknown as TimelineView, [id]);
  const reload = () => {
    enterprise.reload();
    timeline.reload();
  };
  const role = session.actor?.role;
  const own = role === 'applicant' && session.actor?.org === id;

  if (enterprise.problem?.code === 'enterprise-not-found' && own) return <ApplyForm session={session} onApplied={reload} />;
  if (enterprise.problem) return <ProblemAlert problem={enterprise.problem} />;
  const e = enterprise.value;
  if (!e) return <Skeleton active />;
  const current = e.certificates.find((c) => c.ended === null);
  return (
    <>
      {role !== 'applicant' && <a {...linkProps('enterprises')}>{`← ${t.enterpriseList}`}</a>}
      <Flex align="center" gap={12} style={{ marginTop: 8 }}>
        <h1 style={{ fontSize: 22, margin: 0 }}>{e.name}</h1>
        <Tag color="blue">{word(ENTERPRISE_STAGES, language, e.status)}</Tag>
      </Flex>
      <Descriptions size="small" column={2} style={{ margin: '16px 0', background: '#fff', padding: 12 }}>
        <Descriptions.Item label={t.creditCode}>{e.creditCode}</Descriptions.Item>
        <Descriptions.Item label={t.city}>{e.region}</Descriptions.Item>
        {current && <Descriptions.Item label={t.certifiedUntil}>{beijingDay(current.validUntil)}</Descriptions.Item>}
      </Descriptions>
      {role === 'recommender' && e.status === 'Submitted' && <RecommendCard id={id} onDecided={reload} />}
      {role === 'office' && <EnterpriseOffice enterprise={e} onChanged={reload} />}
      {own && (
        <>
          {(timeline.value?.due ?? []).filter((d) => d.kind === 'annual-report-due' || d.kind === 'three-year-plan-due').map((d) => (
            <DueForm key={`${d.kind}/${d.key}`} id={id} due={d} onHandedIn={reload} />
          ))}
          {/* The plan is owed past its deadline too (the deadline has fired): once the timeline has answered. */}
          {e.status === 'InIncubation' && e.incubation?.threeYearPlan === null && timeline.value && !timeline.value.due.some((d) => d.kind === 'three-year-plan-due') && (
            <DueForm id={id} due={{ kind: 'three-year-plan-due', key: 'plan', dueAt: '' }} onHandedIn={reload} />
          )}
          {['InIncubation', 'Certified', 'CertificateExpired'].includes(e.status) && <MaterialChangeCard id={id} onReported={reload} />}
          {(e.status === 'InIncubation' || e.status === 'Certified' || e.status === 'CertificateExpired') && (
            <CertificationCard id={id} again={e.status !== 'InIncubation'} onRequested={reload} />
          )}
        </>
      )}
      <History timeline={timeline} />
    </>
  );
}

/** The enterprise's application for incubation: its conditions declared one by one, and its documents. */
function ApplyForm({ session, onApplied }: { session: Session; onApplied: () => void }) {
  const { t, problem: sentence } = useMessages();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [documents, setDocuments] = useState<DocumentRef[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const grant = session.grants.find((g) => g.org === session.actor?.org);
  const apply = async (values: { name: string; region: string; declarations?: string[] }) => {
    setProblem(null);
    const declared = new Set(values.declarations ?? []);
    const body: Schemas['ApplyForIncubationDto'] = {
      creditCode: session.actor!.org,
      name: values.name,
      region: values.region,
      declarations: Object.fromEntries(DECLARATIONS.map((d) => [d, declared.has(d)])) as Schemas['ApplyForIncubationDto']['declarations'],
      documents,
    };
    const done = await attempt(
      () => call(service.POST('/enterprises', { body })),
      (refused) => {
        setProblem(refused);
        form.setFields(fieldErrors(refused, sentence));
      },
    );
    if (done) {
      void message.success(t.applied);
      onApplied();
      navigate('enterprise', session.actor!.org);
    }
  };
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.enterpriseApplyTitle}</h1>
      <Section title={t.applicationInfo}>
        <Typography.Paragraph type="secondary">{t.enterpriseApplyIntro}</Typography.Paragraph>
        <ProblemAlert problem={problem} />
        <Form form={form} layout="vertical" onFinish={apply} initialValues={{ name: grant?.orgName ?? '', region: session.actor?.region ?? '' }} style={{ maxWidth: 720 }}>
          <Form.Item label={t.creditCode} htmlFor="enterprise-credit-code">
            <Input id="enterprise-credit-code" value={session.actor?.org} disabled />
          </Form.Item>
          <Form.Item label={t.enterpriseName} name="name" rules={[{ required: true, message: t.required }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t.city} name="region" rules={[{ required: true, message: t.required }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t.eligibility} name="declarations">
            <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }} options={DECLARATIONS.map((d) => ({ value: d, label: t[`declare-${d}`] }))} />
          </Form.Item>
          <Typography.Paragraph strong>{t.applicationDocuments}</Typography.Paragraph>
          <DocumentField value={documents} onChange={setDocuments} max={20} label={t.applicationDocuments} />
          <Button type="primary" htmlType="submit" disabled={documents.length === 0} style={{ marginTop: 16 }}>
            {t.applyForIncubation}
          </Button>
        </Form>
      </Section>
    </>
  );
}

/** The three-year plan or an annual report, with its due day. */
function DueForm({ id, due, onHandedIn }: { id: string; due: { kind: string; key: string; dueAt: string }; onHandedIn: () => void }) {
  const { t, language } = useMessages();
  const { message } = App.useApp();
  const [docs, setDocs] = useState<DocumentRef[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const plan = due.kind === 'three-year-plan-due';
  const path = { params: { path: { id } } };
  const handIn = async () => {
    setProblem(null);
    const send = () =>
      plan
        ? call(service.POST('/enterprises/{id}/three-year-plan', { ...path, body: { plan: docs[0]! } }))
        : call(service.POST('/enterprises/{id}/annual-reports', { ...path, body: { year: Number(due.key), report: docs[0]! } }));
    if (await attempt(send, setProblem)) {
      void message.success(t.handedIn);
      onHandedIn();
    }
  };
  const title = `${word(WORK, language, due.kind)}${plan ? '' : ` ${due.key}`}`;
  return (
    <Section title={title}>
      {due.dueAt && <DueTag>{`${t.dueBy} ${beijingDay(due.dueAt)}`}</DueTag>}
      <ProblemAlert problem={problem} style={{ marginTop: 8 }} />
      <div style={{ marginTop: 8 }}>
        <DocumentField value={docs} onChange={setDocs} max={1} label={plan ? t.threeYearPlan : t.annualReport} />
      </div>
      <Button type="primary" disabled={docs.length === 0} onClick={handIn} style={{ marginTop: 8 }}>
        {plan ? t.publish : t.handIn}
      </Button>
    </Section>
  );
}

function MaterialChangeCard({ id, onReported }: { id: string; onReported: () => void }) {
  const { t, problem: sentence } = useMessages();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [problem, setProblem] = useState<Problem | null>(null);
  const kind = Form.useWatch('kind', form) as string | undefined;
  const [documents, setDocuments] = useState<DocumentRef[]>([]);
  const report = async (values: Omit<Schemas['MaterialChangeDto'], 'documents'>) => {
    setProblem(null);
    const body: Schemas['MaterialChangeDto'] = { ...values, ...(documents.length ? { documents } : {}) };
    const done = await attempt(
      () => call(service.POST('/enterprises/{id}/material-changes', { params: { path: { id } }, body })),
      (refused) => {
        setProblem(refused);
        form.setFields(fieldErrors(refused, sentence));
      },
    );
    if (done) {
      void message.success(t.recorded);
      form.resetFields();
      setDocuments([]);
      onReported();
    }
  };
  return (
    <Section title={t.materialChange}>
      <ProblemAlert problem={problem} />
      <Form form={form} layout="vertical" onFinish={report} style={{ maxWidth: 720 }}>
        <Form.Item label={t.changeKind} name="kind" rules={[{ required: true, message: t.required }]}>
          <Select options={CHANGE_KINDS.map((k) => ({ value: k, label: t[`change-${k}`] }))} />
        </Form.Item>
        <Form.Item label={t.changeDescription} name="details" rules={[{ required: true, message: t.required }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {kind === 'rename' && (
          <Form.Item label={t.newName} name="newName" rules={[{ required: true, message: t.required }]}>
            <Input maxLength={200} />
          </Form.Item>
        )}
        {kind === 'relocation' && (
          <Form.Item label={t.newRegion} name="newRegion" rules={[{ required: true, message: t.required }]}>
            <Input maxLength={100} />
          </Form.Item>
        )}
        <Typography.Paragraph>{t.attachments}</Typography.Paragraph>
        <DocumentField value={documents} onChange={setDocuments} max={10} label={`${t.materialChange} · ${t.attachments}`} />
        <Button htmlType="submit" style={{ marginTop: 16 }}>
          {t.materialChange}
        </Button>
      </Form>
    </Section>
  );
}

function CertificationCard({ id, again, onRequested }: { id: string; again: boolean; onRequested: () => void }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [documents, setDocuments] = useState<DocumentRef[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const request = async () => {
    setProblem(null);
    const path = { params: { path: { id } }, body: { documents } };
    const done = await attempt(() => call(again ? service.POST('/enterprises/{id}/request-recertification', path) : service.POST('/enterprises/{id}/request-certification', path)), setProblem);
    if (done) {
      void message.success(t.recorded);
      onRequested();
    }
  };
  return (
    <Section title={t.requestCertification}>
      <ProblemAlert problem={problem} />
      <DocumentField value={documents} onChange={setDocuments} max={20} label={t.certificationDocuments} />
      <Button type="primary" disabled={documents.length === 0} onClick={request} style={{ marginTop: 8 }}>
        {t.requestCertification}
      </Button>
    </Section>
  );
}

/** The city's recommendation of an enterprise, or its refusal with the reason. */
function RecommendCard({ id, onDecided }: { id: string; onDecided: () => void }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [opinion, setOpinion] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const path = { params: { path: { id } } };
  const decide = async (recommend: boolean) => {
    setProblem(null);
    const text = opinion.trim();
    const send = () =>
      recommend ? call(service.POST('/enterprises/{id}/recommend', { ...path, body: { opinion: text } })) : call(service.POST('/enterprises/{id}/not-recommend', { ...path, body: { reason: text } }));
    if (await attempt(send, setProblem)) {
      void message.success(t.recorded);
      onDecided();
    }
  };
  return (
    <Section title={t.recommendEnterprise}>
      <ProblemAlert problem={problem} />
      <label>
        {`${t.opinion} / ${t.notRecommendReason}`}
        <Input.TextArea rows={3} value={opinion} onChange={(event) => setOpinion(event.target.value)} maxLength={2000} />
      </label>
      <Flex gap={8} style={{ marginTop: 8 }}>
        <Button type="primary" disabled={!opinion.trim()} onClick={() => decide(true)}>
          {t.recommendEnterprise}
        </Button>
        <Button danger disabled={!opinion.trim()} onClick={() => decide(false)}>
          {t.notRecommendEnterprise}
        </Button>
      </Flex>
    </Section>
  );
}
