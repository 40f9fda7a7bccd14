import { Alert, App, Button, Descriptions, Flex, Form, Input, InputNumber, Modal, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { call, DocumentRef, Problem, service, Session } from '../api';
import { PROGRAMS, useMessages } from '../i18n';
import { attempt, fieldErrors, ProblemAlert, Section, useLoad } from '../parts';
import { beijingTime } from '../words';
import { DocumentList } from './Project';

interface Indicator {
  readonly id: string;
  readonly name: string;
  readonly max?: number;
  readonly weight?: number;
}
interface Rubric {
  readonly dimensions: readonly { readonly name: string; readonly indicators: readonly Indicator[] }[];
}
interface IndicatorScore {
  readonly id: string;
  readonly score: number;
  readonly comment?: string;
}
interface Reviewer {
  readonly reviewerId: string;
  readonly recused: boolean;
  readonly score: number | null;
  readonly indicators?: readonly IndicatorScore[];
  readonly draft?: { readonly score: number | null; readonly indicators: readonly IndicatorScore[]; readonly comments: string | null; readonly savedAt: string };
}
interface ReviewedProject {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly programType: string;
  readonly cycleId: string;
  readonly cycleName: string | null;
  readonly applicantName: string | null;
  readonly applicantOrg: string;
  readonly region: string;
  readonly documents: { readonly applicationForm: DocumentRef | null; readonly attachments: DocumentRef[] };
  readonly reviewers: readonly Reviewer[];
}

/** What the form holds: a score per indicator (or the one score), a comment per indicator, the comments. */
interface Values {
  readonly score?: number;
  readonly indicators?: Record<string, { score?: number; comment?: string }>;
  readonly comments?: string;
}

const valuesOf = (scores: readonly IndicatorScore[], score: number | null, comments: string | null): Values => ({
  ...(score === null ? {} : { score }),
  indicators: Object.fromEntries(scores.map((s) => [s.id, { score: s.score, comment: s.comment }])),
  ...(comments ? { comments } : {}),
});

/**
 * An expert's review of one project: the application and its documents beside the scoring form of the
 * cycle's rubric (each indicator with its maximum and a comment), or the one score where the cycle has
 * none. A score is kept as a draft until submitted, and is read-only after; a conflict of interest is
 * declared instead of scoring.
 */
export function Review({ id, session }: { id: string; session: Session }) {
  const { t, language, problem: sentence } = useMessages();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [declaring, setDeclaring] = useState(false);
  const [reason, setReason] = useState('');
  const project = useLoad(async () => (await call(service.GET('/projects/{id}', { params: { path: { id } } }))) as unknown as ReviewedProject, [id]);
  const cycleId = project.value?.cycleId;
  const cycle = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}', { params: { path: { id: cycleId } } }))) as unknown as { rules: { rubric?: Rubric | null } }) : null), [cycleId]);
  const watched = Form.useWatch([], form) as Values | undefined;

  if (project.problem) return <ProblemAlert problem={project.problem} />;
  const p = project.value;
  if (!p || cycle.value === undefined) return <Skeleton active />;
  const me = p.reviewers.find((r) => r.reviewerId === session.personId);
  const rubric = cycle.value?.rules.rubric ?? null;
  const indicators = rubric?.dimensions.flatMap((d) => d.indicators) ?? [];
  const submitted = me?.score !== null && me?.score !== undefined;
  const readOnly = submitted || !!me?.recused || p.status !== 'UnderReview';
  const initial = submitted ? valuesOf(me?.indicators ?? [], me?.score ?? null, null) : me?.draft ? valuesOf(me.draft.indicators, me.draft.score, me.draft.comments) : {};

  // The total as the service will count it: points added, or weighted scores.
  const total = rubric
    ? indicators.reduce((sum, i) => sum + ((watched?.indicators?.[i.id]?.score ?? 0) * (i.weight ?? 100)) / 100, 0)
    : (watched?.score ?? null);

  const body = (values: Values) => ({
    ...(rubric
      ? {
          indicators: indicators
            .filter((i) => values.indicators?.[i.id]?.score !== undefined && values.indicators?.[i.id]?.score !== null)
            .map((i) => ({ id: i.id, score: values.indicators![i.id]!.score!, ...(values.indicators![i.id]!.comment?.trim() ? { comment: values.indicators![i.id]!.comment!.trim() } : {}) })),
        }
      : values.score === undefined || values.score === null
        ? {}
        : { score: values.score }),
  });
  const refused = (found: Problem) => {
    setProblem(found);
    // The comments are the one field whose path the form shares with the body; an indicator's refusal names it in the alert.
    form.setFields(fieldErrors(found, sentence).filter((f) => f.name[0] === 'comments' || f.name[0] === 'score') as never);
  };

  const saveDraft = async () => {
    setProblem(null);
    setBusy(true);
    const values = form.getFieldsValue();
    const comments = values.comments?.trim();
    const done = await attempt(() => call(service.POST('/projects/{id}/scores/draft', { params: { path: { id } }, body: { ...body(values), ...(comments ? { comments } : {}) } })), refused);
    setBusy(false);
    if (done) {
      void message.success(t.draftSaved);
      project.reload();
    }
  };

  const submit = async (values: Values) => {
    setProblem(null);
    const confirmed = await modal.confirm({ title: t.submitScore, content: t.submitScoreConfirm, okText: t.submitScore, cancelText: t.cancel });
    if (!confirmed) return;
    setBusy(true);
    const done = await attempt(() => call(service.POST('/projects/{id}/scores', { params: { path: { id } }, body: { ...body(values), comments: values.comments ?? '' } as never })), refused);
    setBusy(false);
    if (done) {
      void message.success(t.scoreSubmitted);
      project.reload();
    }
  };

  const declare = async () => {
    setProblem(null);
    const done = await attempt(() => call(service.POST('/projects/{id}/declare-conflict', { params: { path: { id } }, body: { reason } })), setProblem);
    if (done) {
      setDeclaring(false);
      void message.success(t.conflictDeclared);
      project.reload();
    }
  };

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{p.title}</h1>
      <Descriptions size="small" column={2} style={{ margin: '16px 0', background: '#fff', padding: 12 }}>
        <Descriptions.Item label={t.program}>{PROGRAMS[language][p.programType] ?? p.programType}</Descriptions.Item>
        <Descriptions.Item label={t.cycle}>{p.cycleName ?? p.cycleId}</Descriptions.Item>
        <Descriptions.Item label={t.applicant}>{p.applicantName ?? p.applicantOrg}</Descriptions.Item>
        <Descriptions.Item label={t.city}>{p.region}</Descriptions.Item>
      </Descriptions>
      <Flex gap={16} align="flex-start" wrap>
        <div style={{ flex: '1 1 320px', minWidth: 280 }}>
          <DocumentList project={p} />
        </div>
        <div style={{ flex: '2 1 520px', minWidth: 320 }}>
          <Section title={t.scoring}>
            {me?.recused && <Alert type="info" showIcon title={t.recusedNote} style={{ marginBottom: 16 }} />}
            {submitted && <Alert type="success" showIcon title={t.submittedNote} style={{ marginBottom: 16 }} />}
            {!readOnly && me?.draft && (
              <Typography.Paragraph type="secondary">{t.draftSavedAt.replace('{time}', beijingTime(me.draft.savedAt))}</Typography.Paragraph>
            )}
            <ProblemAlert problem={problem} />
            <Form form={form} layout="vertical" initialValues={initial} onFinish={submit} disabled={readOnly} requiredMark>
              {rubric ? (
                rubric.dimensions.map((dimension) => (
                  <fieldset key={dimension.name} style={{ border: '1px solid #f0f0f0', padding: '8px 16px', marginBottom: 16 }}>
                    <legend style={{ fontSize: 15, fontWeight: 600, width: 'auto', padding: '0 8px' }}>{dimension.name}</legend>
                    {dimension.indicators.map((indicator) => {
                      const max = indicator.max ?? 100;
                      const label = `${indicator.name}（${indicator.max !== undefined ? t.maxPoints.replace('{max}', String(max)) : t.weightOf.replace('{weight}', String(indicator.weight))}）`;
                      return (
                        <Flex key={indicator.id} gap={12} align="flex-start" wrap>
                          <Form.Item label={label} name={['indicators', indicator.id, 'score']} rules={[{ required: true, message: t.required }]} style={{ flex: '0 0 240px' }}>
                            <InputNumber min={0} max={max} step={0.5} style={{ width: 160 }} />
                          </Form.Item>
                          <Form.Item label={t.indicatorComment} name={['indicators', indicator.id, 'comment']} style={{ flex: '1 1 240px' }}>
                            <Input maxLength={2000} />
                          </Form.Item>
                        </Flex>
                      );
                    })}
                  </fieldset>
                ))
              ) : (
                <Form.Item label={t.oneScore} name="score" rules={[{ required: true, message: t.required }]}>
                  <InputNumber min={0} max={100} step={0.5} style={{ width: 160 }} />
                </Form.Item>
              )}
              <Typography.Paragraph strong aria-live="polite">{`${t.total}：${total === null ? '—' : Math.round(total * 100) / 100}`}</Typography.Paragraph>
              <Form.Item label={t.overallComments} name="comments" rules={[{ required: true, whitespace: true, message: t.required }]}>
                <Input.TextArea rows={4} maxLength={2000} />
              </Form.Item>
              {!readOnly && (
                <Flex gap={12} wrap>
                  <Button onClick={saveDraft} loading={busy}>
                    {t.saveDraft}
                  </Button>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t.submitScore}
                  </Button>
                  <Button danger onClick={() => setDeclaring(true)}>
                    {t.declareConflict}
                  </Button>
                </Flex>
              )}
            </Form>
          </Section>
        </div>
      </Flex>
      <Modal open={declaring} title={t.declareConflict} okText={t.declareConflict} cancelText={t.cancel} onOk={declare} onCancel={() => setDeclaring(false)} okButtonProps={{ danger: true, disabled: reason.trim() === '' }}>
        <Typography.Paragraph>{t.declareConflictIntro}</Typography.Paragraph>
        <label>
          {t.conflictReason}
          <Input.TextArea aria-label={t.conflictReason} rows={3} value={reason} onChange={(event) => setReason(event.target.value)} maxLength={2000} />
        </label>
      </Modal>
    </>
  );
}
