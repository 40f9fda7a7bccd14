import { Alert, App, Button, Card, Empty, Flex, Form, Input, InputNumber, Select, Skeleton, Table, Typography } from 'antd';
import { useState } from 'react';
import { call, Problem, service } from '../api';
import { useMessages } from '../i18n';
import { Route } from '../navigation';
import { attempt, CyclePicker, ProblemAlert, Section, useLoad } from '../parts';

interface Person {
  readonly personId: string;
  readonly name: string;
  readonly organisationId: string;
  readonly status: string;
  readonly expert: { readonly fields: readonly string[]; readonly affiliations: readonly string[] } | null;
}
interface Panel {
  readonly field: string;
  readonly experts: readonly { readonly personId: string; readonly organisationId: string }[];
}
interface Progress {
  readonly reviewerId: string;
  readonly name: string | null;
  readonly assigned: number;
  readonly scored: number;
  readonly pending: number;
  readonly recused: number;
}
interface Outcome {
  readonly assigned: readonly { projectId: string; reviewerId: string }[];
  readonly conflicts: readonly { projectId: string; reviewerId: string }[];
  readonly unfilled: readonly { projectId: string; missing: number }[];
  readonly refused: readonly { projectId: string; reviewerId: string; code: string }[];
}

/** Where a project takes reviewers. */
const ASSIGNABLE = ['Recommended', 'UnderReview', 'FormallyChecked'];

/**
 * The office's expert panels of a cycle (评审专家组): a panel formed for a field from the reviewer pool,
 * assigned to the cycle's projects (the least loaded first, never to a project of an expert's own side:
 * those left out are listed as conflicts), and each expert's progress.
 */
export function Panels({ route }: { route: Route }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const cycleId = route.query.get('cycleId') ?? undefined;
  const cycle = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}', { params: { path: { id: cycleId } } }))) as unknown as { panels?: Record<string, Panel> }) : null), [cycleId]);
  const people = useLoad(async () => ((await call(service.GET('/people', { params: { query: { limit: 500 } } }))) as unknown as { items: Person[] }).items.filter((p) => p.status === 'Active' && p.expert), []);
  const projects = useLoad(
    async () => (cycleId ? ((await call(service.GET('/projects', { params: { query: { cycleId, limit: 500 } } }))) as unknown as { items: { id: string; title: string; status: string }[] }).items : []),
    [cycleId],
  );
  const progress = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}/experts', { params: { path: { id: cycleId } } }))) as unknown as { items: Progress[] }).items : []), [cycleId]);
  const [form] = Form.useForm<{ field: string; experts: string[] }>();
  const field = Form.useWatch('field', form) as string | undefined;
  const [problem, setProblem] = useState<Problem | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [perProject, setPerProject] = useState<number>(3);

  const nameOf = (personId: string) => people.value?.find((p) => p.personId === personId)?.name ?? personId;
  const titleOf = (projectId: string) => projects.value?.find((p) => p.id === projectId)?.title ?? projectId;
  const ofField = (people.value ?? []).filter((p) => !field?.trim() || p.expert!.fields.includes(field.trim()));
  const assignable = (projects.value ?? []).filter((p) => ASSIGNABLE.includes(p.status));

  const formPanel = async (values: { field: string; experts: string[] }) => {
    if (!cycleId) return;
    setProblem(null);
    const done = await attempt(() => call(service.POST('/cycles/{id}/panels', { params: { path: { id: cycleId } }, body: { field: values.field.trim(), experts: values.experts } })), setProblem);
    if (done) {
      void message.success(t.panelFormed);
      form.resetFields();
      cycle.reload();
    }
  };

  const assign = async (panelId: string) => {
    if (!cycleId) return;
    setProblem(null);
    setOutcome(null);
    const done = await attempt(
      () => call(service.POST('/cycles/{id}/panels/{panelId}/assign', { params: { path: { id: cycleId, panelId } }, body: { projectIds: assignable.map((p) => p.id), perProject } })) as unknown as Promise<Outcome>,
      setProblem,
    );
    if (done) {
      setOutcome(done);
      progress.reload();
    }
  };

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.panelsTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.panelsIntro}</Typography.Paragraph>
        <CyclePicker value={cycleId} />
        <ProblemAlert problem={cycle.problem ?? people.problem ?? problem} style={{ marginTop: 16 }} />
      </Card>
      {cycleId && cycle.value === undefined && <Skeleton active />}
      {cycleId && cycle.value && (
        <>
          <Section title={t.panelsOfCycle}>
            {Object.keys(cycle.value.panels ?? {}).length === 0 && <Empty description={t.noPanels} />}
            {Object.entries(cycle.value.panels ?? {}).map(([panelId, panel]) => (
              <Flex key={panelId} justify="space-between" align="center" gap={16} wrap style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
                <div>
                  <Typography.Text strong>{panel.field}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">{panel.experts.map((e) => nameOf(e.personId)).join('、')}</Typography.Text>
                </div>
                <Flex gap={8} align="center">
                  <label>
                    {t.perProject}{' '}
                    <InputNumber aria-label={t.perProject} min={1} max={50} value={perProject} onChange={(n) => setPerProject(Number(n ?? 1))} style={{ width: 80 }} />
                  </label>
                  <Button type="primary" onClick={() => assign(panelId)} disabled={assignable.length === 0}>
                    {t.assignPanel.replace('{n}', String(assignable.length))}
                  </Button>
                </Flex>
              </Flex>
            ))}
            {outcome && (
              <div style={{ marginTop: 16 }}>
                <Alert type="success" showIcon title={t.panelAssigned.replace('{n}', String(outcome.assigned.length))} />
                {outcome.conflicts.length > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginTop: 8 }}
                    title={t.conflictsLeftOut}
                    description={
                      <ul style={{ margin: 0 }}>
                        {outcome.conflicts.map((c) => (
                          <li key={`${c.projectId}/${c.reviewerId}`}>{t.conflictOf.replace('{expert}', nameOf(c.reviewerId)).replace('{project}', titleOf(c.projectId))}</li>
                        ))}
                      </ul>
                    }
                  />
                )}
                {outcome.unfilled.length > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginTop: 8 }}
                    title={t.unfilled}
                    description={
                      <ul style={{ margin: 0 }}>
                        {outcome.unfilled.map((u) => (
                          <li key={u.projectId}>{t.unfilledOf.replace('{project}', titleOf(u.projectId)).replace('{n}', String(u.missing))}</li>
                        ))}
                      </ul>
                    }
                  />
                )}
              </div>
            )}
          </Section>
          <Section title={t.formPanel}>
            <Form form={form} layout="vertical" onFinish={formPanel} requiredMark style={{ maxWidth: 720 }}>
              <Form.Item label={t.panelField} name="field" rules={[{ required: true, whitespace: true, message: t.required }]}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item label={t.panelExperts} name="experts" rules={[{ required: true, message: t.required }]} extra={t.panelExpertsHint}>
                <Select mode="multiple" optionFilterProp="label" options={ofField.map((p) => ({ value: p.personId, label: `${p.name}（${p.expert!.fields.join('、')}）` }))} />
              </Form.Item>
              <Button htmlType="submit">{t.formPanel}</Button>
            </Form>
          </Section>
          <Section title={t.expertProgress}>
            <Table<Progress>
              rowKey="reviewerId"
              pagination={false}
              dataSource={progress.value ?? []}
              locale={{ emptyText: t.noAssignments }}
              columns={[
                { title: t.expert, dataIndex: 'name', render: (name: string | null, row) => name ?? row.reviewerId },
                { title: t.assignedCount, dataIndex: 'assigned' },
                { title: t.reviewSubmitted, dataIndex: 'scored' },
                { title: t.reviewPending, dataIndex: 'pending' },
                { title: t.reviewRecused, dataIndex: 'recused' },
              ]}
            />
          </Section>
        </>
      )}
    </>
  );
}
