import { Alert, Button, Card, Descriptions, Empty, Flex, Form, Input, Modal, Result, Space, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { call, DocumentRef, Problem, service } from '../api';
import { useMessages } from '../i18n';
import { attempt, DocumentField, ExportLinks, ForScreenReaders, ProblemAlert, useLoad } from '../parts';
import { Frame } from './Frame';

interface NoticeProject {
  readonly id: string;
  readonly title: string;
  readonly applicantOrg: string;
  readonly applicantName: string | null;
  readonly tier: string | null;
  readonly objections: number;
}

interface Notice {
  readonly noticeId: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly endsOn: string;
  readonly projects: readonly NoticeProject[];
}

interface Receipt {
  readonly receipt: string;
  readonly admissible: boolean;
  readonly reasons: readonly string[];
}

/** The public notices (公示) open now: anyone reads them, signed in or not, and may object under real name. */
export function Notices() {
  const { t, programs } = useMessages();
  const notices = useLoad(async () => ((await call(service.GET('/notices', { params: { query: { limit: 100 } } }))) as unknown as { items: Notice[] }).items, []);
  const [objecting, setObjecting] = useState<NoticeProject | null>(null);

  return (
    <Frame title={t.notices} wide>
      <Flex justify="space-between" align="baseline" wrap>
        <Typography.Paragraph type="secondary">{t.noticesIntro}</Typography.Paragraph>
        <ExportLinks path="/notices" />
      </Flex>
      <ProblemAlert problem={notices.problem} />
      {!notices.problem && notices.value === undefined && <Spin />}
      {notices.value?.length === 0 && <Empty description={t.noticesEmpty} />}
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        {notices.value?.map((notice) => (
          <Card
            key={`${notice.cycleId}/${notice.noticeId}`}
            type="inner"
            title={<h2 style={{ fontSize: 16, margin: 0 }}>{`${programs[notice.programType] ?? notice.programType} · ${t.noticeOf}`}</h2>}
            extra={
              <Space>
                {`${t.endsOn} ${notice.endsOn}`}
                <a href={`/notices/${encodeURIComponent(notice.cycleId)}/${encodeURIComponent(notice.noticeId)}/pdf`} target="_blank" rel="noreferrer">
                  {t.printNotice}
                </a>
              </Space>
            }
          >
            <Table<NoticeProject>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={[...notice.projects]}
              columns={[
                { title: t.projectTitle, dataIndex: 'title' },
                { title: t.applicant, dataIndex: 'applicantName', render: (name: string | null, project) => name ?? project.applicantOrg },
                { title: t.tier, dataIndex: 'tier', render: (tier: string | null) => tier ?? '—' },
                { title: t.objectionCount, dataIndex: 'objections' },
                {
                  title: t.object,
                  key: 'object',
                  render: (_, project) => (
                    <Button size="small" onClick={() => setObjecting(project)}>
                      {t.object}
                      <ForScreenReaders>{` ${project.title}`}</ForScreenReaders>
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        ))}
      </Space>
      {objecting && (
        <ObjectionForm
          project={objecting}
          onClose={() => {
            setObjecting(null);
            notices.reload();
          }}
        />
      )}
    </Frame>
  );
}

interface ObjectionValues {
  name: string;
  organisation?: string;
  contact: string;
  statement: string;
}

/** The objection: name, organisation, contact, statement and evidence; answered with a receipt number and whether it was admitted. */
function ObjectionForm({ project, onClose }: { project: NoticeProject; onClose: () => void }) {
  const { t } = useMessages();
  const [form] = Form.useForm<ObjectionValues>();
  const [evidence, setEvidence] = useState<DocumentRef[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [busy, setBusy] = useState(false);
  // One key for this form: a retry after a lost answer files the same objection, not a second one.
  const [key] = useState(() => crypto.randomUUID());

  const submit = async (values: ObjectionValues) => {
    setProblem(null);
    setBusy(true);
    const organisation = values.organisation?.trim();
    const answer = await attempt(
      () =>
        call(
          service.POST('/notices/objections', {
            body: { projectId: project.id, objector: { name: values.name, contact: values.contact, ...(organisation ? { organisation } : {}) }, statement: values.statement, evidence },
            headers: { 'idempotency-key': key },
          }),
        ) as unknown as Promise<Receipt>,
      setProblem,
    );
    setBusy(false);
    if (answer) setReceipt(answer);
  };

  return (
    <Modal open title={t.objectionTitle} onCancel={onClose} footer={null} width={640} destroyOnHidden>
      {receipt ? (
        <Result
          status={receipt.admissible ? 'success' : 'warning'}
          title={t.receiptTitle}
          subTitle={t.keepReceipt}
          extra={
            <Descriptions bordered size="small" column={1}>
              <Descriptions.Item label={t.receipt}>
                <Typography.Text copyable data-testid="receipt">
                  {receipt.receipt}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t.projectTitle}>{project.title}</Descriptions.Item>
              <Descriptions.Item label={t.admission}>
                {receipt.admissible ? t.admissible : `${t.inadmissible}：${receipt.reasons.map((r) => t[`reason-${r}` as keyof typeof t] ?? r).join('、')}`}
              </Descriptions.Item>
            </Descriptions>
          }
        />
      ) : (
        <>
          <Alert type="info" showIcon title={t.objectionIntro} style={{ marginBottom: 16 }} />
          <Typography.Paragraph strong>{project.title}</Typography.Paragraph>
          <ProblemAlert problem={problem} />
          <Form form={form} layout="vertical" onFinish={submit}>
            <Form.Item label={t.objectorName} name="name" rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input maxLength={100} autoComplete="name" />
            </Form.Item>
            <Form.Item label={t.objectorOrganisation} name="organisation">
              <Input maxLength={200} autoComplete="organization" />
            </Form.Item>
            <Form.Item label={t.objectorContact} name="contact" rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input maxLength={200} autoComplete="tel" />
            </Form.Item>
            <Form.Item label={t.statement} name="statement" rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input.TextArea rows={4} maxLength={5000} showCount />
            </Form.Item>
            <Typography.Paragraph>{t.evidence}</Typography.Paragraph>
            <DocumentField value={evidence} onChange={setEvidence} max={10} label={t.evidence} path="/notices/evidence" />
            <Button type="primary" htmlType="submit" loading={busy} style={{ marginTop: 16 }}>
              {t.submitObjection}
            </Button>
          </Form>
        </>
      )}
    </Modal>
  );
}
