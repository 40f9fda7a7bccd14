import { App, Button, Card, Checkbox, Empty, Flex, Form, Input, InputNumber, Radio, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { call, Problem, Schemas, service } from '../api';
import { Messages, useMessages } from '../i18n';
import { linkProps, Page, Route } from '../navigation';
import { attempt, fieldErrors, ForScreenReaders, ProblemAlert, Section, useLoad } from '../parts';
import { beijingTime, CYCLE_STAGES, word } from '../words';

type Overrides = Schemas['CycleRulesOverrideDto'];
type OpenCycleBody = Schemas['OpenCycleDto'];

interface CycleRow {
  readonly id: string;
  readonly programType: string;
  readonly name: string;
  readonly label: string;
  readonly status: string;
  readonly quota: number;
  readonly placesTaken: number;
  readonly remaining: number;
  readonly approved: number;
  readonly applications: number;
  readonly tiers: readonly { tier: string; quota: number; taken: number; remaining: number }[];
  readonly opensAt: string;
  readonly closesAt: string;
  readonly windowOpen: boolean;
}

/** The rules of the catalog the form edits (program-rules.ts): the rest keep the catalog's defaults. */
interface CatalogRules {
  readonly quota: number;
  readonly tiers: readonly { name: string; quota: number }[];
  readonly perApplicantLimit: number;
  readonly perRecommenderLimit: number;
  readonly formalCheckDays: number;
  readonly minReviewers: number;
  readonly reviewDays: number;
  readonly publicNotice: { length: number; unit: 'working-days' | 'calendar-days' };
  readonly constructionPlanDueDays: number;
  readonly constructionMonths: number;
  readonly midtermAfterMonths: number;
  readonly annualReportDue: { month: number; day: number };
  readonly maxRectificationMonths: number;
  readonly aggregate?: 'mean' | 'trimmed-mean';
  readonly cutOff?: number | null;
  readonly withoutRecommendation?: boolean;
  readonly rubric?: { dimensions: { name: string; indicators: { id: string; name: string; max?: number; weight?: number }[] }[] } | null;
}

/** A program as GET /programs and GET /programs/{code} answer it. */
interface Program {
  readonly code: string;
  readonly name: { zh: string; en: string };
  readonly lifecycle: 'project' | 'enterprise';
  readonly parent?: string;
  readonly rulesVersion: string;
  readonly defaultRules: CatalogRules;
  readonly target: number | null;
  readonly quotasGiven?: number;
  readonly placesLeft?: number | null;
}

interface FormValues {
  programType: string;
  id?: string;
  name: string;
  label: string;
  opensAt: string;
  closesAt: string;
  parentCycleId?: string;
  rules: CatalogRules;
  rulesVersion?: string;
}

/** The rules the form edits, in the order it shows them; each compared with the catalog's as the service would read it. */
const NUMBERS = ['perApplicantLimit', 'perRecommenderLimit', 'formalCheckDays', 'minReviewers', 'reviewDays', 'constructionPlanDueDays', 'constructionMonths', 'midtermAfterMonths', 'maxRectificationMonths'] as const;
const EDITED = ['quota', 'tiers', ...NUMBERS, 'publicNotice', 'annualReportDue', 'aggregate', 'cutOff', 'withoutRecommendation', 'rubric'] as const;
type Edited = (typeof EDITED)[number];

/** A rule as the service takes it: what the catalog leaves out reads as its meaning (no cut-off, the mean, no rubric). */
function normalised(key: Edited, value: unknown): unknown {
  if (key === 'aggregate') return value ?? 'mean';
  if (key === 'cutOff') return value ?? null;
  if (key === 'withoutRecommendation') return value ?? false;
  if (key === 'tiers') return ((value as CatalogRules['tiers'] | undefined) ?? []).map((tier) => ({ name: tier?.name, quota: tier?.quota }));
  if (key === 'rubric') {
    const dimensions = (value as CatalogRules['rubric'])?.dimensions ?? [];
    return dimensions.length === 0 ? null : { dimensions: dimensions.map((d) => ({ name: d?.name, indicators: (d?.indicators ?? []).map((i) => ({ id: i?.id, name: i?.name, ...(i?.weight === undefined ? { max: i?.max } : { weight: i.weight }) })) })) };
  }
  if (key === 'publicNotice') return { length: (value as CatalogRules['publicNotice'] | undefined)?.length, unit: (value as CatalogRules['publicNotice'] | undefined)?.unit };
  if (key === 'annualReportDue') return { month: (value as CatalogRules['annualReportDue'] | undefined)?.month, day: (value as CatalogRules['annualReportDue'] | undefined)?.day };
  return value ?? null;
}

const changed = (key: Edited, typed: Partial<CatalogRules> | undefined, defaults: CatalogRules | undefined) =>
  !!defaults && !!typed && JSON.stringify(normalised(key, typed[key])) !== JSON.stringify(normalised(key, defaults[key]));

/** The rules the office changed, as the body's overrides: the service fills in the rest from the catalog. */
function overridesOf(typed: Partial<CatalogRules>, defaults: CatalogRules): Overrides | undefined {
  const entries = EDITED.filter((key) => changed(key, typed, defaults)).map((key) => [key, normalised(key, typed[key])]);
  return entries.length ? (Object.fromEntries(entries) as Overrides) : undefined;
}

/** The catalog's rules as the form's fields hold them. */
const formRules = (rules: CatalogRules): CatalogRules => ({ ...rules, aggregate: rules.aggregate ?? 'mean', cutOff: rules.cutOff ?? null, withoutRecommendation: rules.withoutRecommendation ?? false });

/** A time typed in Beijing (datetime-local: no zone of its own) as the instant the service takes. */
const beijingInstant = (typed: string) => `${typed.length === 16 ? `${typed}:00` : typed}+08:00`;

/**
 * The office's cycles (批次): each with its status, its quota's use (per tier) and whether its window is
 * open now by the service's clock, leading to the pages that work on it; and a new cycle opened with the
 * catalog's rules for its program, the ones changed shown as overrides of the catalog's defaults.
 */
export function Cycles({ route }: { route: Route }) {
  const { t, language, programs: programNames, problem: sentence } = useMessages();
  void route;
  const cycles = useLoad(async () => ((await call(service.GET('/cycles', { params: { query: { limit: 500 } } }))) as unknown as { items: CycleRow[]; total: number }), []);
  const programs = useLoad(async () => ((await call(service.GET('/programs'))) as unknown as { items: Program[] }).items.filter((p) => p.lifecycle === 'project'), []);
  const nameOfProgram = (code: string) => programNames[code] ?? programs.value?.find((p) => p.code === code)?.name[language] ?? code;

  const work = (cycle: CycleRow, page: Page, label: string) => (
    <a {...linkProps(page, null, { cycleId: cycle.id })} style={{ whiteSpace: 'nowrap' }}>
      {label}
      <ForScreenReaders>：{cycle.name}</ForScreenReaders>
    </a>
  );

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.cyclesTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.cyclesIntro}</Typography.Paragraph>
        <ProblemAlert problem={cycles.problem} />
        {cycles.value === undefined && !cycles.problem && <Skeleton active />}
        {cycles.value?.items.length === 0 && <Empty description={t.cyclesEmpty} />}
        {cycles.value && cycles.value.items.length > 0 && (
          <Table<CycleRow>
            rowKey="id"
            pagination={false}
            dataSource={cycles.value.items}
            columns={[
              {
                title: t.cycleName,
                dataIndex: 'name',
                render: (name: string, c) => (
                  <>
                    <Typography.Text strong>{name}</Typography.Text>
                    <br />
                    <Typography.Text type="secondary">
                      {nameOfProgram(c.programType)} · {c.label} · {c.id}
                    </Typography.Text>
                  </>
                ),
              },
              {
                title: t.cycleStatus,
                dataIndex: 'status',
                render: (status: string, c) => (
                  <Space direction="vertical" size={4}>
                    <span>{word(CYCLE_STAGES, language, status)}</span>
                    {c.windowOpen ? <Tag color="blue">{t.windowOpenNow}</Tag> : <Tag>{t.windowNotOpenNow}</Tag>}
                  </Space>
                ),
              },
              { title: t.windowBeijing, render: (_: unknown, c) => `${beijingTime(c.opensAt)} – ${beijingTime(c.closesAt)}` },
              {
                title: t.quotaUsed,
                render: (_: unknown, c) => (
                  <>
                    {c.placesTaken} / {c.quota}（{t.quotaRemaining.replace('{n}', String(c.remaining))}）
                    {c.tiers.map((tier) => (
                      <div key={tier.tier}>
                        <Typography.Text type="secondary">
                          {t.tierUse.replace('{tier}', tier.tier).replace('{taken}', String(tier.taken)).replace('{quota}', String(tier.quota))}
                        </Typography.Text>
                      </div>
                    ))}
                  </>
                ),
              },
              { title: `${t.applicationsCount} / ${t.approvedCount}`, render: (_: unknown, c) => `${c.applications} / ${c.approved}` },
              {
                title: t.workOnCycle,
                render: (_: unknown, c) => (
                  <Space direction="vertical" size={2}>
                    {work(c, 'projects', t.menuProjects)}
                    {work(c, 'panels', t.menuPanels)}
                    {work(c, 'ranking', t.menuRanking)}
                    {work(c, 'desk', t.menuDesk)}
                    {work(c, 'dashboard', t.menuDashboard)}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      <OpenCycle
        programs={programs.value}
        programsProblem={programs.problem}
        cycles={cycles.value?.items ?? []}
        nameOfProgram={nameOfProgram}
        onOpened={cycles.reload}
        t={t}
        sentence={sentence}
      />
    </>
  );
}

/** The form that opens a cycle: the program's catalog rules filled in, the office's changes sent as overrides. */
function OpenCycle({
  programs,
  programsProblem,
  cycles,
  nameOfProgram,
  onOpened,
  t,
  sentence,
}: {
  programs: readonly Program[] | undefined;
  programsProblem: Problem | null;
  cycles: readonly CycleRow[];
  nameOfProgram: (code: string) => string;
  onOpened: () => void;
  t: Messages;
  sentence: (problem: Problem) => string;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // The fields the last refusal was put beside: cleared before the next attempt, as not every field has rules that would.
  const refused = useRef<(string | number)[][]>([]);
  const programType = Form.useWatch('programType', form) as string | undefined;
  const typed = Form.useWatch('rules', form) as Partial<CatalogRules> | undefined;
  // The program's own answer: its rules and version, and what is left of its target.
  const program = useLoad(async () => (programType ? ((await call(service.GET('/programs/{code}', { params: { path: { code: programType } } }))) as unknown as Program) : null), [programType]);
  const catalog = program.value ?? undefined;
  const defaults = catalog?.defaultRules;
  const anyChanged = !!defaults && !!typed && EDITED.some((key) => changed(key, typed, defaults));
  const parentCycles = catalog?.parent ? cycles.filter((c) => c.programType === catalog.parent) : [];

  /** A rule's label, marked when it differs from the catalog's. */
  const ruleLabel = (key: Edited, label: string) => (
    <>
      {label}
      {changed(key, typed, defaults) && (
        <Tag color="blue" style={{ marginInlineStart: 8 }}>
          {t.rulesOverridden}
        </Tag>
      )}
    </>
  );
  /** The catalog's value of a rule, said under its field. */
  const defaultOf = (key: Edited, shown?: string) => {
    if (!defaults) return undefined;
    const value = defaults[key];
    const said = shown ?? (value === undefined || value === null ? t.catalogNone : String(value));
    return t.catalogDefault.replace('{value}', said);
  };

  const choose = (code: string) => {
    const chosen = programs?.find((p) => p.code === code);
    // A new program's rules replace the previous one's: the rest of the form is kept.
    if (chosen) form.setFieldsValue({ rules: formRules(chosen.defaultRules), rulesVersion: undefined, parentCycleId: undefined });
    setProblem(null);
  };

  const open = async (values: FormValues) => {
    if (!catalog || !defaults) return;
    setBusy(true);
    setProblem(null);
    form.setFields(refused.current.map((name) => ({ name, errors: [] })));
    const rules = overridesOf(values.rules, defaults);
    const body: OpenCycleBody = {
      programType: values.programType,
      name: values.name,
      label: values.label,
      opensAt: beijingInstant(values.opensAt),
      closesAt: beijingInstant(values.closesAt),
      ...(values.id ? { id: values.id } : {}),
      ...(values.parentCycleId ? { parentCycleId: values.parentCycleId } : {}),
      ...(rules ? { rules, rulesVersion: values.rulesVersion } : {}),
    };
    const opened = await attempt(
      async () => {
        const answer = await service.POST('/cycles', { body, headers: { 'idempotency-key': crypto.randomUUID() } });
        await call(Promise.resolve(answer));
        return answer.response.headers.get('location')?.split('/').pop() ?? values.id ?? '';
      },
      (refusal) => {
        setProblem(refusal);
        const beside = fieldErrors(refusal, sentence);
        refused.current = beside.map((f) => f.name);
        form.setFields(beside);
      },
    );
    setBusy(false);
    if (opened !== undefined) {
      void message.success(t.cycleOpened);
      form.resetFields();
      onOpened();
    }
  };

  const count = (key: (typeof NUMBERS)[number], label: string, min: number, max: number) => (
    <Form.Item key={key} label={ruleLabel(key, label)} name={['rules', key]} extra={defaultOf(key)} rules={[{ required: true, message: t.required }]}>
      <InputNumber min={min} max={max} precision={0} style={{ width: 160 }} />
    </Form.Item>
  );

  return (
    <Section title={t.openCycleTitle}>
      <Typography.Paragraph type="secondary">{t.openCycleIntro}</Typography.Paragraph>
      <ProblemAlert problem={programsProblem ?? program.problem} />
      {programs === undefined && !programsProblem && <Skeleton active />}
      {programs && (
        <Form form={form} layout="vertical" onFinish={open} requiredMark style={{ maxWidth: 880 }}>
          <Form.Item label={t.program} name="programType" rules={[{ required: true, message: t.required }]}>
            <Select onChange={choose} options={programs.map((p) => ({ value: p.code, label: nameOfProgram(p.code) }))} style={{ maxWidth: 400 }} />
          </Form.Item>
          {catalog && (
            <Typography.Paragraph>
              {catalog.target === null
                ? t.programNoTarget.replace('{given}', String(catalog.quotasGiven ?? 0))
                : t.programTarget.replace('{target}', String(catalog.target)).replace('{given}', String(catalog.quotasGiven ?? 0)).replace('{left}', String(catalog.placesLeft ?? 0))}
            </Typography.Paragraph>
          )}
          <Flex gap={16} wrap>
            <Form.Item label={t.cycleName} name="name" rules={[{ required: true, whitespace: true, message: t.required }]} style={{ flex: '1 1 320px' }}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label={t.cycleLabel} name="label" rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input maxLength={100} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item label={t.cycleIdField} name="id" extra={t.cycleIdHint} rules={[{ pattern: /^[a-z0-9][a-z0-9-]{0,62}$/, message: t.cycleIdInvalid }]} style={{ flex: '1 1 280px' }}>
              <Input maxLength={63} />
            </Form.Item>
          </Flex>
          <Flex gap={16} wrap>
            <Form.Item label={t.opensAt} name="opensAt" rules={[{ required: true, message: t.required }]}>
              <Input type="datetime-local" style={{ width: 240 }} />
            </Form.Item>
            <Form.Item label={t.closesAt} name="closesAt" rules={[{ required: true, message: t.required }]}>
              <Input type="datetime-local" style={{ width: 240 }} />
            </Form.Item>
          </Flex>
          {catalog?.parent && (
            <Form.Item label={t.parentCycle} name="parentCycleId" rules={[{ required: true, message: t.required }]}>
              <Select options={parentCycles.map((c) => ({ value: c.id, label: c.name }))} style={{ maxWidth: 400 }} />
            </Form.Item>
          )}
          {programType && program.value === undefined && !program.problem && <Skeleton active />}
          {catalog && defaults && (
            <>
              <h3 style={{ fontSize: 15 }}>{t.cycleRules}</h3>
              <Typography.Paragraph type="secondary">{t.cycleRulesIntro.replace('{version}', catalog.rulesVersion)}</Typography.Paragraph>
              <Flex gap={16} wrap>
                <Form.Item label={ruleLabel('quota', t.quota)} name={['rules', 'quota']} extra={defaultOf('quota')} rules={[{ required: true, message: t.required }]}>
                  <InputNumber min={1} max={100_000} precision={0} style={{ width: 160 }} />
                </Form.Item>
                <Form.Item label={ruleLabel('cutOff', t.cutOff)} name={['rules', 'cutOff']} extra={defaultOf('cutOff')}>
                  <InputNumber min={0} max={100} precision={2} style={{ width: 160 }} />
                </Form.Item>
              </Flex>
              <Form.Item label={ruleLabel('tiers', t.tiers)} extra={defaultOf('tiers', defaults.tiers.length ? defaults.tiers.map((x) => `${x.name} ${x.quota}`).join('、') : t.noTiers)}>
                <Form.List name={['rules', 'tiers']}>
                  {(fields, { add, remove }, { errors }) => (
                    <>
                      <Form.ErrorList errors={errors} />
                      {fields.length === 0 && <Typography.Paragraph type="secondary">{t.noTiers}</Typography.Paragraph>}
                      {fields.map((field, index) => (
                        <Flex key={field.key} gap={8} align="flex-end" wrap>
                          <Form.Item label={`${t.tierName} ${index + 1}`} name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: t.required }]}>
                            <Input maxLength={20} style={{ width: 120 }} />
                          </Form.Item>
                          <Form.Item label={`${t.tierQuota} ${index + 1}`} name={[field.name, 'quota']} rules={[{ required: true, message: t.required }]}>
                            <InputNumber min={1} max={100_000} precision={0} style={{ width: 140 }} />
                          </Form.Item>
                          {/* Level with the inputs, above their error lines. */}
                          <Button onClick={() => remove(field.name)} style={{ marginBottom: 24 }}>
                            {t.remove}
                            <ForScreenReaders>
                              {t.tierName} {index + 1}
                            </ForScreenReaders>
                          </Button>
                        </Flex>
                      ))}
                      <div>
                        <Button onClick={() => add({})}>{t.addTier}</Button>
                      </div>
                    </>
                  )}
                </Form.List>
              </Form.Item>
              <Flex gap={16} wrap>
                {count('perApplicantLimit', t.perApplicantLimit, 1, 10_000)}
                {count('perRecommenderLimit', t.perRecommenderLimit, 1, 10_000)}
                {count('formalCheckDays', t.formalCheckDays, 0, 365)}
              </Flex>
              <Flex gap={16} wrap>
                {count('minReviewers', t.minReviewers, 1, 100)}
                {count('reviewDays', t.reviewDays, 1, 180)}
              </Flex>
              <Flex gap={16} wrap>
                <Form.Item label={ruleLabel('publicNotice', t.noticeLength)} name={['rules', 'publicNotice', 'length']} extra={defaultOf('publicNotice', `${defaults.publicNotice.length} ${defaults.publicNotice.unit === 'working-days' ? t.workingDays : t.calendarDays}`)} rules={[{ required: true, message: t.required }]}>
                  <InputNumber min={1} max={365} precision={0} style={{ width: 160 }} />
                </Form.Item>
                <Form.Item label={t.noticeUnit} name={['rules', 'publicNotice', 'unit']}>
                  <Radio.Group
                    options={[
                      { value: 'working-days', label: t.workingDays },
                      { value: 'calendar-days', label: t.calendarDays },
                    ]}
                  />
                </Form.Item>
              </Flex>
              <Flex gap={16} wrap>
                {count('constructionPlanDueDays', t.constructionPlanDueDays, 0, 365)}
                {count('constructionMonths', t.constructionMonths, 1, 240)}
                {count('midtermAfterMonths', t.midtermAfterMonths, 1, 239)}
                {count('maxRectificationMonths', t.maxRectificationMonths, 1, 120)}
              </Flex>
              <Flex gap={16} wrap>
                <Form.Item label={ruleLabel('annualReportDue', t.annualReportDueMonth)} name={['rules', 'annualReportDue', 'month']} extra={defaultOf('annualReportDue', `${defaults.annualReportDue.month}-${defaults.annualReportDue.day}`)} rules={[{ required: true, message: t.required }]}>
                  <InputNumber min={1} max={12} precision={0} style={{ width: 120 }} />
                </Form.Item>
                <Form.Item label={t.annualReportDueDay} name={['rules', 'annualReportDue', 'day']} rules={[{ required: true, message: t.required }]}>
                  <InputNumber min={1} max={31} precision={0} style={{ width: 120 }} />
                </Form.Item>
              </Flex>
              <Form.Item label={ruleLabel('aggregate', t.aggregate)} name={['rules', 'aggregate']} extra={defaultOf('aggregate', (defaults.aggregate ?? 'mean') === 'mean' ? t.aggregateMean : t.aggregateTrimmed)}>
                <Radio.Group
                  options={[
                    { value: 'mean', label: t.aggregateMean },
                    { value: 'trimmed-mean', label: t.aggregateTrimmed },
                  ]}
                />
              </Form.Item>
              <Form.Item name={['rules', 'withoutRecommendation']} valuePropName="checked" extra={defaultOf('withoutRecommendation', defaults.withoutRecommendation ? t.yes : t.no)}>
                <Checkbox>{ruleLabel('withoutRecommendation', t.withoutRecommendation)}</Checkbox>
              </Form.Item>
              <Form.Item label={ruleLabel('rubric', t.rubric)} extra={`${t.rubricHint} ${defaultOf('rubric', defaults.rubric ? defaults.rubric.dimensions.map((d) => d.name).join('、') : t.catalogNone)}`}>
                <RubricFields t={t} />
              </Form.Item>
              <Typography.Paragraph type="secondary">{t.otherRulesKept}</Typography.Paragraph>
              {anyChanged && (
                <Form.Item
                  label={t.rulesVersionField}
                  name="rulesVersion"
                  extra={t.rulesVersionHint.replaceAll('{version}', catalog.rulesVersion)}
                  rules={[
                    { required: true, whitespace: true, message: t.rulesVersionRequired },
                    { validator: async (_, value?: string) => (value?.trim() === catalog.rulesVersion ? Promise.reject(new Error(t.rulesVersionSame.replace('{version}', catalog.rulesVersion))) : undefined) },
                  ]}
                >
                  <Input maxLength={64} style={{ width: 320 }} />
                </Form.Item>
              )}
            </>
          )}
          <ProblemAlert problem={problem} />
          <Button type="primary" htmlType="submit" loading={busy}>
            {t.openCycle}
          </Button>
        </Form>
      )}
    </Section>
  );
}

/** A rubric's dimensions and their indicators (a points rubric: each indicator's maximum); none: one score of 0–100. */
function RubricFields({ t }: { t: Messages }) {
  return (
    <Form.List name={['rules', 'rubric', 'dimensions']}>
      {(dimensions, { add, remove }, { errors }) => (
        <>
          <Form.ErrorList errors={errors} />
          {dimensions.length === 0 && <Typography.Paragraph type="secondary">{t.rubricNone}</Typography.Paragraph>}
          {dimensions.map((dimension, d) => (
            <Card key={dimension.key} size="small" style={{ marginBottom: 8 }}>
              <Flex gap={8} align="flex-end" wrap>
                <Form.Item label={`${t.dimensionName} ${d + 1}`} name={[dimension.name, 'name']} rules={[{ required: true, whitespace: true, message: t.required }]}>
                  <Input maxLength={200} style={{ width: 280 }} />
                </Form.Item>
                <Button onClick={() => remove(dimension.name)} style={{ marginBottom: 24 }}>
                  {t.removeDimension}
                  <ForScreenReaders> {d + 1}</ForScreenReaders>
                </Button>
              </Flex>
              <Form.List name={[dimension.name, 'indicators']} initialValue={[{}]}>
                {(indicators, { add: addIndicator, remove: removeIndicator }) => (
                  <>
                    {indicators.map((indicator, i) => {
                      const which = `${d + 1}.${i + 1}`;
                      return (
                        <Flex key={indicator.key} gap={8} align="flex-end" wrap>
                          <Form.Item label={`${t.indicatorId} ${which}`} name={[indicator.name, 'id']} rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{0,63}$/, message: t.cycleIdInvalid }]}>
                            <Input maxLength={64} style={{ width: 140 }} />
                          </Form.Item>
                          <Form.Item label={`${t.indicatorName} ${which}`} name={[indicator.name, 'name']} rules={[{ required: true, whitespace: true, message: t.required }]}>
                            <Input maxLength={200} style={{ width: 260 }} />
                          </Form.Item>
                          <Form.Item label={`${t.indicatorMax} ${which}`} name={[indicator.name, 'max']} rules={[{ required: true, message: t.required }]}>
                            <InputNumber min={0.01} max={100} precision={2} style={{ width: 110 }} />
                          </Form.Item>
                          <Button onClick={() => removeIndicator(indicator.name)} style={{ marginBottom: 24 }}>
                            {t.remove}
                            <ForScreenReaders>
                              {t.indicatorName} {which}
                            </ForScreenReaders>
                          </Button>
                        </Flex>
                      );
                    })}
                    <div>
                      <Button onClick={() => addIndicator({})}>{t.addIndicator}</Button>
                    </div>
                  </>
                )}
              </Form.List>
            </Card>
          ))}
          <Button onClick={() => add({ indicators: [{}] })}>{t.addDimension}</Button>
        </>
      )}
    </Form.List>
  );
}
