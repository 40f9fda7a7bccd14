import { Card, Empty, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import { call, service } from '../api';
import { Messages, useMessages } from '../i18n';
import { linkProps, Route } from '../navigation';
import { DueTag, ExportLinks, ProblemAlert, Section, TimelineView, useLoad } from '../parts';
import { beijingDay, beijingTime, ENTERPRISE_STAGES, overdueWords, REACTIONS, STAGES, word } from '../words';

interface OverdueProject {
  readonly id: string;
  readonly title: string;
  readonly applicantOrg: string;
  readonly applicantName: string | null;
  readonly region: string;
  readonly status: string;
  readonly planDueOn: string | null;
  readonly overdue: readonly string[];
}
interface OverdueEnterprise {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly status: string;
  readonly overdue: readonly string[];
}
interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}
/** A reaction that failed, as GET /reactions/failures lists it (infrastructure/reactor/reactor.ts). */
interface Failure {
  readonly commandId: string;
  readonly stream: string;
  readonly command: string;
  readonly causationId: string;
  readonly error: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly dead: boolean;
}

/** The lists are short; one page of the service's largest holds them, and more is said to be left out. */
const LIMIT = 500;

/**
 * The event that recorded an overdue obligation (it holds the due day), by the obligation as the read
 * models name it: 'construction-plan', 'annual-report 2026', 'course-update 2026–2027',
 * 'rectification <id>', 'three-year-plan'.
 */
function recordedOverdue(item: string): (e: TimelineView['events'][number]) => boolean {
  const [kind = '', of = ''] = item.split(/ (.*)/);
  const data = (e: TimelineView['events'][number]) => e.data ?? {};
  switch (kind) {
    case 'construction-plan':
      return (e) => e.type === 'ConstructionPlanOverdue';
    case 'annual-report':
      return (e) => e.type === 'AnnualReportOverdue' && String(data(e).year) === of;
    case 'course-update':
      return (e) => e.type === 'CourseUpdateOverdue' && of.startsWith(String(data(e).academicYear));
    case 'rectification':
      return (e) => e.type === 'RectificationOverdue' && data(e).rectificationId === of;
    case 'three-year-plan':
      return (e) => e.type === 'ThreeYearPlanOverdue';
    default:
      return () => false;
  }
}

/** The due day an overdue event recorded (its field is named by the record it is on). */
const dueDayOf = (e: TimelineView['events'][number] | undefined): string | null => {
  const data = e?.data ?? {};
  for (const field of ['dueOn', 'due', 'deadline']) if (typeof data[field] === 'string') return data[field] as string;
  return null;
};

/**
 * A record's overdue obligations, each with the day it was due (Beijing): read from the event that
 * recorded it overdue in the record's history, as the overdue list carries no dates of its own.
 */
function Obligations({ record, id, items, planDueOn }: { record: 'project' | 'enterprise'; id: string; items: readonly string[]; planDueOn?: string | null }) {
  const { t, language } = useMessages();
  const timeline = useLoad(
    async () =>
      (record === 'project'
        ? await call(service.GET('/projects/{id}/timeline', { params: { path: { id } } }))
        : await call(service.GET('/enterprises/{id}/timeline', { params: { path: { id } } }))) as unknown as TimelineView,
    [record, id],
  );
  return (
    <Flex vertical gap={4}>
      {items.map((item) => {
        const recorded = timeline.value?.events.filter(recordedOverdue(item)).at(-1);
        const due = dueDayOf(recorded) ?? (item === 'construction-plan' ? (planDueOn ?? null) : null);
        return (
          <span key={item}>
            {overdueWords(language, item)}{' '}
            {due ? <DueTag>{t.overdueDueOn.replace('{day}', beijingDay(due))}</DueTag> : timeline.value === undefined && !timeline.problem ? <Skeleton.Button active size="small" /> : null}
          </span>
        );
      })}
      <ProblemAlert problem={timeline.problem} style={{ marginBottom: 0 }} />
    </Flex>
  );
}

const shownOf = (page: Page<unknown>, t: Messages) => (page.total > page.items.length ? <Typography.Paragraph type="secondary">{t.overdueShown.replace('{total}', String(page.total)).replace('{shown}', String(page.items.length))}</Typography.Paragraph> : null);

/**
 * The office's overdue obligations across programs (逾期与异常): each project and enterprise with what it
 * has not handed in and since when, linked to its record; and the cross-stream reactions that failed,
 * retrying or dead-lettered, with what failed, where and why.
 */
export function Overdue({ route }: { route: Route }) {
  const { t, language } = useMessages();
  void route;
  const overdue = useLoad(async () => (await call(service.GET('/overdue', { params: { query: { limit: LIMIT } } }))) as unknown as { projects: Page<OverdueProject>; enterprises: Page<OverdueEnterprise> }, []);
  const failures = useLoad(async () => (await call(service.GET('/reactions/failures'))) as unknown as { items: Failure[]; retrying: number; dead: number }, []);

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.overdueTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.overdueIntro}</Typography.Paragraph>
        <ExportLinks path="/overdue" />
        <ProblemAlert problem={overdue.problem} style={{ marginTop: 16 }} />
      </Card>
      {overdue.value === undefined && !overdue.problem && <Skeleton active />}
      {overdue.value && (
        <>
          <Section title={t.overdueProjects}>
            {overdue.value.projects.items.length === 0 ? (
              <Empty description={t.overdueNone} />
            ) : (
              <>
                {shownOf(overdue.value.projects, t)}
                <Table<OverdueProject>
                  rowKey="id"
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  dataSource={[...overdue.value.projects.items]}
                  columns={[
                    { title: t.projectTitle, dataIndex: 'title', render: (title: string, p) => <a {...linkProps('project', p.id)}>{title}</a> },
                    { title: t.applicant, render: (_: unknown, p) => `${p.applicantName ?? p.applicantOrg} · ${p.region}` },
                    { title: t.overdueItems, render: (_: unknown, p) => <Obligations record="project" id={p.id} items={p.overdue} planDueOn={p.planDueOn} /> },
                    { title: t.stage, dataIndex: 'status', render: (status: string) => word(STAGES, language, status) },
                  ]}
                />
              </>
            )}
          </Section>
          <Section title={t.overdueEnterprises}>
            {overdue.value.enterprises.items.length === 0 ? (
              <Empty description={t.overdueNone} />
            ) : (
              <>
                {shownOf(overdue.value.enterprises, t)}
                <Table<OverdueEnterprise>
                  rowKey="id"
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  dataSource={[...overdue.value.enterprises.items]}
                  columns={[
                    { title: t.enterpriseName, dataIndex: 'name', render: (name: string, e) => <a {...linkProps('enterprise', e.id)}>{name}</a> },
                    { title: t.city, dataIndex: 'region' },
                    { title: t.overdueItems, render: (_: unknown, e) => <Obligations record="enterprise" id={e.id} items={e.overdue} /> },
                    { title: t.stage, dataIndex: 'status', render: (status: string) => word(ENTERPRISE_STAGES, language, status) },
                  ]}
                />
              </>
            )}
          </Section>
        </>
      )}
      <Section title={t.reactionFailures}>
        <Typography.Paragraph type="secondary">{t.reactionFailuresIntro}</Typography.Paragraph>
        <ProblemAlert problem={failures.problem} />
        {failures.value === undefined && !failures.problem && <Skeleton active />}
        {failures.value?.items.length === 0 && <Empty description={t.reactionsNone} />}
        {failures.value && failures.value.items.length > 0 && (
          <>
            <Typography.Paragraph>{t.reactionsCount.replace('{retrying}', String(failures.value.retrying)).replace('{dead}', String(failures.value.dead))}</Typography.Paragraph>
            <Table<Failure>
              rowKey="commandId"
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={failures.value.items}
              columns={[
                { title: t.reactionWhat, dataIndex: 'command', render: (command: string) => word(REACTIONS, language, command) },
                { title: t.reactionTarget, dataIndex: 'stream', render: (stream: string) => <a {...linkProps('audit', null, { stream })}>{stream}</a> },
                { title: t.reactionCause, dataIndex: 'causationId', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
                { title: t.reactionAttempts, dataIndex: 'attempts' },
                { title: t.reactionError, dataIndex: 'error', render: (error: string) => <Typography.Text style={{ wordBreak: 'break-word' }}>{error}</Typography.Text> },
                { title: t.reactionNext, dataIndex: 'nextAttemptAt', render: (at: string | null) => (at ? beijingTime(at) : t.reactionNoRetry) },
                { title: t.reactionState, dataIndex: 'dead', render: (dead: boolean) => (dead ? <Tag color="red">{t.reactionDead}</Tag> : <Tag color="blue">{t.reactionRetrying}</Tag>) },
              ]}
            />
          </>
        )}
      </Section>
    </>
  );
}
