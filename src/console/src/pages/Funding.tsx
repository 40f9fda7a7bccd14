import { App, Button, Card, Empty, Flex, Form, Input, InputNumber, Modal, Radio, Select, Skeleton, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { call, Problem, service } from '../api';
import { Messages, useMessages } from '../i18n';
import { linkProps, Route } from '../navigation';
import { attempt, CyclePicker, ExportLinks, ForScreenReaders, ProblemAlert, Section, useLoad } from '../parts';
import { beijingToday, yuan } from '../words';

const SOURCES = ['central', 'provincial', 'matching'] as const;
type Source = (typeof SOURCES)[number];
/** The public sources, which a cycle's budget bounds; the school's matching funds have none. */
const BUDGETED = ['central', 'provincial'] as const;
type Budgeted = (typeof BUDGETED)[number];

interface Grant {
  readonly grantId: string;
  readonly projectId: string;
  readonly year: number;
  readonly source: Source;
  readonly amount: number;
  readonly disbursed: number;
}
/** GET /cycles/{id}/funds, in yuan: each source's budget, granted, paid and left, and every grant. */
interface Ledger {
  readonly budgets: Readonly<Record<Budgeted, number | null>>;
  readonly granted: Readonly<Record<Source, number>>;
  readonly disbursed: Readonly<Record<Source, number>>;
  readonly left: Readonly<Record<Budgeted, number | null>>;
  readonly grants: readonly Grant[];
}
type Group = 'program' | 'city' | 'school';
interface SummaryRow {
  readonly program?: string;
  readonly city?: string;
  readonly school?: string;
  readonly name?: string | null;
  readonly budget?: number;
  readonly granted: Readonly<Record<Source, number>>;
  readonly disbursed: Readonly<Record<Source, number>>;
  readonly total: { readonly granted: number; readonly disbursed: number };
  readonly projects: number;
}

/** The stages of a project approved (立项) and not ended: those a grant is for. */
const FUNDABLE = ['Approved', 'PlanSubmitted', 'UnderConstruction', 'MidtermEvaluated', 'Rectification', 'Extended', 'FinalSelfAssessed', 'FinalEvaluated', 'Deferred', 'Accredited', 'Recognised'];

/** Yuan as a ledger writes them: grouped, to the fen. */

type Unit = 'wan' | 'yuan';
/**
 * What was typed, in yuan to the fen (the unit the service takes), or null when it is not a positive
 * amount to the fen: 1.5 万元 is 15,000 yuan, 0.0000001 万元 is less than a fen.
 */
export function toYuan(value: number | null | undefined, unit: Unit): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const exact = value * (unit === 'wan' ? 1_000_000 : 100);
  const fen = Math.round(exact);
  return fen > 0 && Math.abs(fen - exact) < 1e-6 ? fen / 100 : null;
}


/** An amount typed in 万元 or 元, with what it is in yuan said beneath it. */
function AmountItem({ name, label }: { name: string; label: string }) {
  const { t } = useMessages();
  const form = Form.useFormInstance();
  const typed = Form.useWatch([name, 'value'], form) as number | null | undefined;
  const unit = (Form.useWatch([name, 'unit'], form) as Unit | undefined) ?? 'wan';
  const inYuan = toYuan(typed, unit);
  return (
    <Form.Item label={label} required extra={inYuan !== null ? t.fundAmountIs.replace('{amount}', yuan(inYuan)) : ' '}>
      <Space.Compact>
        <Form.Item
          name={[name, 'value']}
          noStyle
          rules={[
            { required: true, message: t.required },
            ({ getFieldValue }) => ({
              validator: (_, value: number | null) => (value == null || toYuan(value, getFieldValue([name, 'unit']) as Unit) !== null ? Promise.resolve() : Promise.reject(new Error(t.fundAmountInvalid))),
            }),
          ]}
        >
          <InputNumber aria-label={label} min={0} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name={[name, 'unit']} noStyle>
          <Select
            aria-label={`${label}：${t.fundAmountUnit}`}
            style={{ width: 110 }}
            options={[
              { value: 'wan', label: t.fundUnitWan },
              { value: 'yuan', label: t.fundUnitYuan },
            ]}
          />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

interface Amount {
  readonly value: number;
  readonly unit: Unit;
}
/** Amounts are typed in 万元 until the person picks 元: budgets and grants run to millions. */
const IN_WAN = { unit: 'wan' as const };

/**
 * The office's money of a cycle (资金): the ledger of each public source (budget, granted, paid, left)
 * and every grant; a source's budget set with its decision, an approved project granted funds for a
 * year, each payment of a grant recorded; beneath, the funds summed by program, city or school.
 */
export function Funding({ route }: { route: Route }) {
  const { t, programs } = useMessages();
  const { message } = App.useApp();
  const cycleId = route.query.get('cycleId') ?? undefined;
  const ledger = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}/funds', { params: { path: { id: cycleId } } }))) as unknown as Ledger) : null), [cycleId]);
  const projects = useLoad(
    async () => (cycleId ? ((await call(service.GET('/projects', { params: { query: { cycleId, limit: 500 } } }))) as unknown as { items: { id: string; title: string; status: string; applicantName: string | null; applicantOrg: string }[] }).items : []),
    [cycleId],
  );
  const [budgetForm] = Form.useForm<{ source: Budgeted; amount: Amount; reason: string }>();
  const [grantForm] = Form.useForm<{ projectId: string; year: number; source: Source; amount: Amount; reason: string }>();
  const budgetSource = Form.useWatch('source', budgetForm);
  const [budgetProblem, setBudgetProblem] = useState<Problem | null>(null);
  const [grantProblem, setGrantProblem] = useState<Problem | null>(null);
  // One key per grant being filled in: a retry after a lost answer grants once, not twice.
  const [grantKey, setGrantKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState<'budget' | 'grant' | null>(null);
  const [paying, setPaying] = useState<Grant | null>(null);
  /** The last write's position: the summary, a read model, is asked to include it. */
  const [position, setPosition] = useState<string | undefined>(undefined);

  const titleOf = (projectId: string) => projects.value?.find((p) => p.id === projectId)?.title ?? projectId;
  const fundable = (projects.value ?? []).filter((p) => FUNDABLE.includes(p.status));
  const sourceName = (source: string) => (t[`source-${source}` as keyof Messages] as string | undefined) ?? source;

  /** Sends a funds command; its position kept for the summary, the ledger read again. */
  const write = async (pending: Promise<{ data?: unknown; error?: unknown; response: Response }>) => {
    await call(pending);
    setPosition((await pending).response.headers.get('x-position') ?? undefined);
    ledger.reload();
    return true;
  };

  const setBudget = async (values: { source: Budgeted; amount: Amount; reason: string }) => {
    const amount = toYuan(values.amount.value, values.amount.unit);
    if (!cycleId || amount === null) return;
    setBudgetProblem(null);
    setBusy('budget');
    const done = await attempt(() => write(service.POST('/cycles/{id}/funds/budget', { params: { path: { id: cycleId } }, body: { source: values.source, amount, reason: values.reason.trim() } })), setBudgetProblem);
    setBusy(null);
    if (done) {
      void message.success(t.budgetSet);
      budgetForm.resetFields(['amount', 'reason']);
    }
  };

  const grant = async (values: { projectId: string; year: number; source: Source; amount: Amount; reason: string }) => {
    const amount = toYuan(values.amount.value, values.amount.unit);
    if (!cycleId || amount === null) return;
    setGrantProblem(null);
    setBusy('grant');
    const done = await attempt(
      () =>
        write(
          service.POST('/cycles/{id}/funds/grants', {
            params: { path: { id: cycleId } },
            body: { projectId: values.projectId, year: values.year, source: values.source, amount, reason: values.reason.trim() },
            headers: { 'idempotency-key': grantKey },
          }),
        ),
      setGrantProblem,
    );
    setBusy(null);
    if (done) {
      void message.success(t.fundsGranted);
      setGrantKey(crypto.randomUUID());
      grantForm.resetFields(['projectId', 'amount', 'reason']);
    }
  };

  const budgeted = budgetSource && ledger.value ? ledger.value.budgets[budgetSource] : null;

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.fundingTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.fundingIntro}</Typography.Paragraph>
        <CyclePicker value={cycleId} />
        <ProblemAlert problem={ledger.problem ?? projects.problem} style={{ marginTop: 16 }} />
      </Card>
      {cycleId && ledger.value === undefined && !ledger.problem && <Skeleton active />}
      {cycleId && ledger.value && (
        <>
          <Section title={t.ledgerTitle}>
            <Table
              aria-label={t.ledgerTitle}
              rowKey="source"
              pagination={false}
              dataSource={SOURCES.map((source) => ({ source }))}
              columns={[
                { title: t.fundSource, dataIndex: 'source', render: sourceName },
                {
                  title: t.budgetYuan,
                  align: 'right',
                  render: (_: unknown, { source }) => (source === 'matching' ? t.noBudgetForMatching : ledger.value!.budgets[source] === null ? t.budgetNotSet : yuan(ledger.value!.budgets[source]!)),
                },
                { title: t.grantedYuan, align: 'right', render: (_: unknown, { source }) => yuan(ledger.value!.granted[source]) },
                { title: t.disbursedYuan, align: 'right', render: (_: unknown, { source }) => yuan(ledger.value!.disbursed[source]) },
                { title: t.leftYuan, align: 'right', render: (_: unknown, { source }) => (source === 'matching' || ledger.value!.left[source] === null ? '—' : yuan(ledger.value!.left[source]!)) },
              ]}
            />
            <h3 style={{ fontSize: 15, margin: '24px 0 12px' }}>{t.grantsTitle}</h3>
            <Table<Grant>
              aria-label={t.grantsTitle}
              rowKey="grantId"
              pagination={false}
              dataSource={ledger.value.grants}
              locale={{ emptyText: t.grantsEmpty }}
              columns={[
                { title: t.grantProject, dataIndex: 'projectId', render: (id: string) => <a {...linkProps('project', id)}>{titleOf(id)}</a> },
                { title: t.grantYear, dataIndex: 'year' },
                { title: t.fundSource, dataIndex: 'source', render: sourceName },
                { title: t.amountYuan, dataIndex: 'amount', align: 'right', render: yuan },
                { title: t.disbursedYuan, dataIndex: 'disbursed', align: 'right', render: yuan },
                { title: t.undisbursedYuan, align: 'right', render: (_: unknown, g) => yuan((Math.round(g.amount * 100) - Math.round(g.disbursed * 100)) / 100) },
                {
                  title: '',
                  render: (_: unknown, g) => (
                    <Button onClick={() => setPaying(g)} disabled={Math.round(g.disbursed * 100) >= Math.round(g.amount * 100)}>
                      {t.recordPayment}
                      <ForScreenReaders>：{titleOf(g.projectId)}</ForScreenReaders>
                    </Button>
                  ),
                },
              ]}
            />
          </Section>
          <Section title={t.setBudgetTitle}>
            <ProblemAlert problem={budgetProblem} />
            <Form form={budgetForm} name="budget" layout="vertical" onFinish={setBudget} requiredMark initialValues={{ amount: IN_WAN }} style={{ maxWidth: 720 }}>
              <Form.Item
                label={t.fundSource}
                name="source"
                rules={[{ required: true, message: t.required }]}
                extra={budgetSource && ledger.value ? (budgeted === null ? t.budgetNotSet : t.currentBudget.replace('{amount}', yuan(budgeted)).replace('{granted}', yuan(ledger.value.granted[budgetSource]))) : undefined}
              >
                <Select style={{ width: 240 }} options={BUDGETED.map((source) => ({ value: source, label: sourceName(source) }))} />
              </Form.Item>
              <AmountItem name="amount" label={t.fundAmount} />
              <Form.Item label={t.budgetReason} name="reason" rules={[{ required: true, whitespace: true, message: t.required }]}>
                <Input maxLength={2000} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy === 'budget'}>
                {t.setBudget}
              </Button>
            </Form>
          </Section>
          <Section title={t.grantTitle}>
            <ProblemAlert problem={grantProblem} />
            {projects.value && fundable.length === 0 ? (
              <Empty description={t.noFundableProjects} />
            ) : (
              <Form form={grantForm} name="grant" layout="vertical" onFinish={grant} requiredMark initialValues={{ year: Number(beijingToday().slice(0, 4)), amount: IN_WAN }} style={{ maxWidth: 720 }}>
                <Form.Item label={t.grantProject} name="projectId" rules={[{ required: true, message: t.required }]} extra={t.grantProjectHint}>
                  <Select showSearch optionFilterProp="label" options={fundable.map((p) => ({ value: p.id, label: `${p.title}（${p.applicantName ?? p.applicantOrg}）` }))} />
                </Form.Item>
                <Flex gap={16} wrap>
                  <Form.Item label={t.grantYear} name="year" rules={[{ required: true, message: t.required }]}>
                    <InputNumber min={2000} max={2100} precision={0} style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item label={t.fundSource} name="source" rules={[{ required: true, message: t.required }]}>
                    <Select style={{ width: 240 }} options={SOURCES.map((source) => ({ value: source, label: sourceName(source) }))} />
                  </Form.Item>
                </Flex>
                <AmountItem name="amount" label={t.fundAmount} />
                <Form.Item label={t.grantReason} name="reason" rules={[{ required: true, whitespace: true, message: t.required }]}>
                  <Input maxLength={2000} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy === 'grant'}>
                  {t.grantFunds}
                </Button>
              </Form>
            )}
          </Section>
          {paying && <Payment cycleId={cycleId} grant={paying} title={titleOf(paying.projectId)} onClose={() => setPaying(null)} write={write} />}
        </>
      )}
      <Summary cycleId={cycleId} position={position} programs={programs} />
    </>
  );
}

/** A payment of one grant: how much, the day it was paid, its voucher; never beyond what the grant has left. */
function Payment({ cycleId, grant, title, onClose, write }: { cycleId: string; grant: Grant; title: string; onClose: () => void; write: (pending: Promise<{ data?: unknown; error?: unknown; response: Response }>) => Promise<boolean> }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ amount: Amount; disbursedOn: string; reference?: string }>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(() => crypto.randomUUID());
  const left = (Math.round(grant.amount * 100) - Math.round(grant.disbursed * 100)) / 100;

  const pay = async (values: { amount: Amount; disbursedOn: string; reference?: string }) => {
    const amount = toYuan(values.amount.value, values.amount.unit);
    if (amount === null) return;
    setProblem(null);
    setBusy(true);
    const reference = values.reference?.trim();
    const done = await attempt(
      () =>
        write(
          service.POST('/cycles/{id}/funds/grants/{grantId}/disburse', {
            params: { path: { id: cycleId, grantId: grant.grantId } },
            body: { amount, disbursedOn: values.disbursedOn, ...(reference ? { reference } : {}) },
            headers: { 'idempotency-key': key },
          }),
        ),
      setProblem,
    );
    setBusy(false);
    if (done) {
      void message.success(t.paymentRecorded);
      onClose();
    }
  };

  return (
    <Modal open title={t.recordPaymentOf.replace('{project}', title)} onCancel={onClose} footer={null} width={640} destroyOnHidden>
      <Typography.Paragraph>{t.paymentLeft.replace('{granted}', yuan(grant.amount)).replace('{disbursed}', yuan(grant.disbursed)).replace('{left}', yuan(left))}</Typography.Paragraph>
      <ProblemAlert problem={problem} />
      <Form form={form} name="payment" layout="vertical" onFinish={pay} requiredMark initialValues={{ disbursedOn: beijingToday(), amount: IN_WAN }}>
        <AmountItem name="amount" label={t.paymentAmount} />
        <Form.Item label={t.paymentDate} name="disbursedOn" rules={[{ required: true, message: t.required }]}>
          <Input type="date" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item label={t.paymentReference} name="reference">
          <Input maxLength={200} />
        </Form.Item>
        <Flex gap={8} justify="flex-end">
          <Button onClick={onClose}>{t.cancel}</Button>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t.recordPayment}
          </Button>
        </Flex>
      </Form>
    </Modal>
  );
}

/** GET /funding: what is granted and paid by source, per program, city or school, of this cycle or all; exported as the service writes it. */
function Summary({ cycleId, position, programs }: { cycleId?: string; position?: string; programs: Record<string, string> }) {
  const { t } = useMessages();
  const [by, setBy] = useState<Group>('program');
  const [scope, setScope] = useState<'cycle' | 'all'>('cycle');
  const [year, setYear] = useState<number | null>(null);
  const filters = useMemo(() => ({ by, ...(scope === 'cycle' && cycleId ? { cycleId } : {}), ...(year ? { year } : {}) }), [by, scope, cycleId, year]);
  const summary = useLoad(
    async () => ((await call(service.GET('/funding', { params: { query: { ...filters, ...(position ? { after: position } : {}) } } }))) as unknown as { items: SummaryRow[] }).items,
    [filters, position],
  );
  const keyOf = (row: SummaryRow) => (by === 'program' ? (programs[row.program ?? ''] ?? row.program) : by === 'city' ? row.city : (row.name ?? row.school)) ?? '—';
  const bySource = (kind: 'granted' | 'disbursed') => [
    ...SOURCES.map((source) => ({ title: t[`source-${source}`], key: `${kind}-${source}`, align: 'right' as const, render: (_: unknown, row: SummaryRow) => yuan(row[kind][source]) })),
    { title: t.summaryTotal, key: `${kind}-total`, align: 'right' as const, render: (_: unknown, row: SummaryRow) => yuan(row.total[kind]) },
  ];

  return (
    <Section title={t.summaryTitle}>
      <Flex gap={24} wrap align="center" style={{ marginBottom: 16 }}>
        <Radio.Group
          aria-label={t.summaryBy}
          optionType="button"
          value={by}
          onChange={(event) => setBy(event.target.value as Group)}
          options={(['program', 'city', 'school'] as const).map((g) => ({ value: g, label: t[`by-${g}`] }))}
        />
        {cycleId && (
          <Radio.Group
            aria-label={t.summaryScope}
            value={scope}
            onChange={(event) => setScope(event.target.value as 'cycle' | 'all')}
            options={[
              { value: 'cycle', label: t.scopeCycle },
              { value: 'all', label: t.scopeAll },
            ]}
          />
        )}
        <label>
          {t.summaryYear}{' '}
          <InputNumber aria-label={t.summaryYear} placeholder={t.allOption} min={2000} max={2100} precision={0} value={year} onChange={(value) => setYear(typeof value === 'number' ? value : null)} style={{ width: 120 }} />
        </label>
        <ExportLinks path="/funding" query={filters} />
      </Flex>
      <ProblemAlert problem={summary.problem} />
      <Table<SummaryRow>
        aria-label={t.summaryTitle}
        rowKey={(row) => row[by] ?? ''}
        size="small"
        pagination={false}
        loading={summary.value === undefined && !summary.problem}
        dataSource={summary.value ?? []}
        locale={{ emptyText: t.summaryEmpty }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t[`by-${by}`], key: 'key', render: (_: unknown, row) => keyOf(row) },
          { title: t.summaryProjects, dataIndex: 'projects', align: 'right' },
          ...(by === 'program' ? [{ title: t.summaryBudget, key: 'budget', align: 'right' as const, render: (_: unknown, row: SummaryRow) => yuan(row.budget ?? 0) }] : []),
          { title: t.summaryGranted, children: bySource('granted') },
          { title: t.summaryDisbursed, children: bySource('disbursed') },
        ]}
      />
    </Section>
  );
}
