import { Button, Card, Empty, Flex, Form, Input, InputNumber, Radio, Select, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { call, Problem, Schemas, service } from '../api';
import { PROGRAMS, useMessages } from '../i18n';
import { navigate } from '../navigation';
import { attempt, fieldErrors, ProblemAlert, useLoad } from '../parts';
import { beijingTime } from '../words';

type CycleRules = Schemas['CycleRulesOverrideDto'];

interface Cycle {
  readonly id: string;
  readonly programType: string;
  readonly name: string;
  readonly status: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly tiers: readonly { tier: string }[];
  readonly windowOpen: boolean;
}

type Draft = Schemas['DraftApplicationDto'];

/** What each program's application is about: the subject's kind, by program type (domain: SUBJECT_KIND_BY_PROGRAM). */
const SUBJECT_KIND: Readonly<Record<string, string>> = {
  'secondary-school': 'school',
  'higher-college': 'school',
  'specialty-group': 'specialty-group',
  'brand-major': 'major',
  'quality-course': 'course',
};

/** The subject's fields of each kind, as the form names them: the body's `subject` is built from them. */
export function SubjectFields({ kind, parents, tiers }: { kind: string; parents: readonly { id: string; title: string }[]; tiers: readonly string[] }) {
  const { t } = useMessages();
  const required = [{ required: true, message: t.required }];
  if (kind === 'major') {
    return (
      <Flex gap={16} wrap>
        <Form.Item label={t.majorCode} name={['subject', 'majorCode']} rules={required}>
          <Input maxLength={20} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label={t.majorName} name={['subject', 'majorName']} rules={required}>
          <Input maxLength={100} style={{ width: 320 }} />
        </Form.Item>
      </Flex>
    );
  }
  if (kind === 'course') {
    return (
      <Flex gap={16} wrap>
        <Form.Item label={t.courseName} name={['subject', 'courseName']} rules={required}>
          <Input maxLength={200} style={{ width: 320 }} />
        </Form.Item>
        <Form.Item label={t.classHours} name={['subject', 'classHours']} rules={required}>
          <InputNumber min={0} max={10000} precision={0} />
        </Form.Item>
        <Form.Item label={t.semestersTaught} name={['subject', 'semestersTaught']} rules={required}>
          <InputNumber min={0} max={100} precision={0} />
        </Form.Item>
      </Flex>
    );
  }
  if (kind === 'specialty-group') {
    return (
      <>
        <Form.Item label={t.parentProject} name={['subject', 'parentProjectId']} rules={required}>
          <Select options={parents.map((p) => ({ value: p.id, label: p.title }))} />
        </Form.Item>
        <Form.Item label={t.groupName} name={['subject', 'groupName']} rules={required}>
          <Input maxLength={200} />
        </Form.Item>
        {tiers.length > 0 && (
          <Form.Item label={t.tierApplied} name={['subject', 'tier']}>
            <Radio.Group options={tiers.map((tier) => ({ value: tier, label: tier }))} />
          </Form.Item>
        )}
        <Typography.Text strong>{t.groupMajors}</Typography.Text>
        <Form.List name={['subject', 'majors']} initialValue={[{}, {}, {}]}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item label={`${t.majorCode} ${index + 1}`} name={[field.name, 'code']} rules={required}>
                    <Input maxLength={20} style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item label={`${t.majorName} ${index + 1}`} name={[field.name, 'name']} rules={required}>
                    <Input maxLength={100} style={{ width: 260 }} />
                  </Form.Item>
                  <Button onClick={() => remove(field.name)}>{t.remove}</Button>
                </Space>
              ))}
              <Form.Item>
                <Button onClick={() => add({})}>{t.addMajor}</Button>
              </Form.Item>
            </>
          )}
        </Form.List>
      </>
    );
  }
  return null;
}

/** The subject of a draft from the form's fields, `kind` added. */
export const subjectOf = (kind: string, fields: Record<string, unknown> | undefined): Draft['subject'] => ({ kind, ...(fields ?? {}) }) as unknown as Draft['subject'];


/** A school starts an application in an open cycle: the form of its program, saved as a draft. */
export function Apply() {
  const { t, language, problem: sentence } = useMessages();
  const [form] = Form.useForm();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const cycles = useLoad(async () => {
    const page = (await call(service.GET('/cycles', { params: { query: { limit: 100 } } }))) as unknown as { items: Cycle[] };
    // The service's clock says whether a window is open, not the browser's.
    return page.items.filter((c) => c.windowOpen);
  }, []);
  const parents = useLoad(async () => ((await call(service.GET('/projects', { params: { query: { programType: 'higher-college', limit: 100 } } }))) as unknown as { items: { id: string; title: string }[] }).items, []);
  const cycleId = Form.useWatch('cycleId', form) as string | undefined;
  const cycle = cycles.value?.find((c) => c.id === cycleId);
  // A joint application names its partners, as many as the cycle's rules take.
  const rules = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}', { params: { path: { id: cycleId } } }))) as unknown as { rules: CycleRules }).rules : null), [cycleId]);
  const partners = rules.value?.partners ?? null;
  const partnersHint = partners ? t.partnersHint.replace('{min}', String(partners.min)).replace('{max}', String(partners.max)) : '';
  const kind = cycle ? (SUBJECT_KIND[cycle.programType] ?? 'school') : undefined;

  const save = async (values: { cycleId: string; title: string; subject?: Record<string, unknown>; partners?: string[] }) => {
    if (!cycle || !kind) return;
    setBusy(true);
    setProblem(null);
    const body: Draft = {
      cycleId: cycle.id,
      programType: cycle.programType,
      title: values.title,
      subject: subjectOf(kind, values.subject),
      ...(partners ? { partners: values.partners ?? [] } : {}),
    };
    const drafted = await attempt(
      async () => {
        const answer = await service.POST('/projects', { body, headers: { 'idempotency-key': crypto.randomUUID() } });
        await call(Promise.resolve(answer));
        return answer.response.headers.get('location')?.split('/').pop();
      },
      (refused) => {
        setProblem(refused);
        form.setFields(fieldErrors(refused, sentence));
      },
    );
    setBusy(false);
    if (drafted) navigate('project', drafted);
  };

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.applyTitle}</h1>
      <Card>
        <Typography.Paragraph type="secondary">{t.applyIntro}</Typography.Paragraph>
        <ProblemAlert problem={cycles.problem ?? problem} />
        {cycles.value === undefined && !cycles.problem && <Skeleton active />}
        {cycles.value?.length === 0 && <Empty description={t.noOpenCycle} />}
        {cycles.value && cycles.value.length > 0 && (
          <Form form={form} layout="vertical" onFinish={save} requiredMark style={{ maxWidth: 720 }}>
            <Form.Item label={t.cycle} name="cycleId" rules={[{ required: true, message: t.chooseCycle }]}>
              <Select
                options={cycles.value.map((c) => ({
                  value: c.id,
                  label: `${c.name} · ${PROGRAMS[language][c.programType] ?? c.programType} · ${t.window} ${beijingTime(c.opensAt)} – ${beijingTime(c.closesAt)}`,
                }))}
              />
            </Form.Item>
            <Form.Item label={t.projectTitle} name="title" rules={[{ required: true, message: t.required }]}>
              <Input maxLength={200} />
            </Form.Item>
            {kind && <SubjectFields kind={kind} parents={parents.value ?? []} tiers={(cycle?.tiers ?? []).map((x) => x.tier)} />}
            {partners && (
              <Form.Item
                label={t.partners}
                name="partners"
                extra={partnersHint}
                rules={[{ type: 'array', min: partners.min, max: partners.max, message: partnersHint }]}
              >
                <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
              </Form.Item>
            )}
            <Button type="primary" htmlType="submit" loading={busy}>
              {t.saveDraft}
            </Button>
          </Form>
        )}
      </Card>
    </>
  );
}
