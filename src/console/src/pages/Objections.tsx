import { Card, Empty, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import { call, service } from '../api';
import { useMessages } from '../i18n';
import { linkProps, replaceQuery, Route } from '../navigation';
import { Filter, ProblemAlert, TimelineView, useLoad } from '../parts';
import { beijingDay, beijingTime } from '../words';
import { ObjectionRecord, objectionsIn, objectorText } from '../office';

/** An objection waiting for the office, with what it is against. */
interface Waiting {
  readonly subject: 'project' | 'enterprise';
  readonly id: string;
  readonly title: string;
  readonly applicant: string;
  readonly programType: string | null;
  readonly noticeEndsOn: string | null;
  readonly record: ObjectionRecord;
}

interface NoticedProject {
  readonly id: string;
  readonly title: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly applicantName: string | null;
  readonly noticeEndsOn: string | null;
  readonly openObjections: number;
}

/** The largest page the lists serve: far more records than are ever on notice at once. */
const ON_NOTICE = { status: 'InPublicNotice', limit: 500 } as const;

/** A date, a time or a short heading kept on one line: broken, "2035-10-" and "22" read as two things. */
const NoWrap = ({ children }: { children: React.ReactNode }) => <span style={{ whiteSpace: 'nowrap' }}>{children}</span>;

const openIn = (timeline: TimelineView) => objectionsIn(timeline.events).filter((o) => o.status === 'open');

/**
 * The admissible objections not yet resolved, across the projects and the enterprises on public notice,
 * oldest first: what each is against, who objected (named to the office alone), what they say, when,
 * and a link to the page where it is investigated and resolved.
 *
 * No list of objections is served: the project list counts each project's open objections, and each
 * such project's timeline (and each enterprise's on notice) tells the objections themselves.
 */
export function Objections({ route }: { route: Route }) {
  const { t, programs } = useMessages();
  const subject = route.query.get('subject') ?? undefined;
  const waiting = useLoad(async (): Promise<Waiting[]> => {
    const projects = ((await call(service.GET('/projects', { params: { query: ON_NOTICE } }))) as unknown as { items: NoticedProject[] }).items.filter((p) => p.openObjections > 0);
    const enterprises = ((await call(service.GET('/enterprises', { params: { query: ON_NOTICE } }))) as unknown as { items: { id: string; name: string | null }[] }).items;
    const ofProjects = projects.map(async (p) => {
      const timeline = (await call(service.GET('/projects/{id}/timeline', { params: { path: { id: p.id } } }))) as unknown as TimelineView;
      return openIn(timeline).map((record): Waiting => ({ subject: 'project', id: p.id, title: p.title, applicant: p.applicantName ?? p.applicantOrg, programType: p.programType, noticeEndsOn: p.noticeEndsOn, record }));
    });
    const ofEnterprises = enterprises.map(async (e) => {
      const timeline = (await call(service.GET('/enterprises/{id}/timeline', { params: { path: { id: e.id } } }))) as unknown as TimelineView;
      return openIn(timeline).map((record): Waiting => ({ subject: 'enterprise', id: e.id, title: e.name ?? e.id, applicant: e.name ?? e.id, programType: null, noticeEndsOn: null, record }));
    });
    const all = (await Promise.all([...ofProjects, ...ofEnterprises])).flat();
    return all.sort((a, b) => a.record.filedAt.localeCompare(b.record.filedAt));
  }, []);
  const shown = (waiting.value ?? []).filter((w) => !subject || w.subject === subject);

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.objectionsTitle}</h1>
      <Card>
        <Typography.Paragraph type="secondary">{t.objectionsIntro}</Typography.Paragraph>
        <Flex gap={16} wrap align="center" style={{ marginBottom: 16 }}>
          <Filter
            label={t.objectionAgainst}
            value={subject}
            width={160}
            onChange={(value) => replaceQuery({ subject: value })}
            options={[
              { value: 'project', label: t.objectionOfProject },
              { value: 'enterprise', label: t.objectionOfEnterprise },
            ]}
          />
          {waiting.value && <Typography.Text aria-live="polite">{t.objectionsWaiting.replace('{n}', String(shown.length))}</Typography.Text>}
        </Flex>
        <ProblemAlert problem={waiting.problem} />
        {waiting.value === undefined && !waiting.problem && <Skeleton active />}
        {waiting.value && shown.length === 0 && <Empty description={t.noWaitingObjections} />}
        {shown.length > 0 && (
          <Table<Waiting>
            rowKey={(w) => w.record.objectionId}
            pagination={false}
            dataSource={shown}
            columns={[
              {
                title: t.objectionAgainst,
                render: (_: unknown, w) => (
                  <>
                    <Tag>{w.subject === 'project' ? t.objectionOfProject : t.objectionOfEnterprise}</Tag>
                    {w.title}
                    {w.programType && (
                      <>
                        <br />
                        <Typography.Text type="secondary">{`${programs[w.programType] ?? w.programType} · ${w.applicant}`}</Typography.Text>
                      </>
                    )}
                  </>
                ),
              },
              { title: t.objectorOfficeOnly, render: (_: unknown, w) => objectorText(w.record.objector, t) },
              {
                title: t.objectionGrounds,
                render: (_: unknown, w) => (
                  <Typography.Paragraph ellipsis={{ rows: 2, tooltip: w.record.grounds }} style={{ margin: 0, maxWidth: 360 }}>
                    {w.record.grounds}
                  </Typography.Paragraph>
                ),
              },
              { title: <NoWrap>{t.objectionFiledAt}</NoWrap>, render: (_: unknown, w) => <NoWrap>{beijingTime(w.record.filedAt)}</NoWrap> },
              { title: <NoWrap>{t.endsOn}</NoWrap>, render: (_: unknown, w) => <NoWrap>{w.noticeEndsOn ? beijingDay(w.noticeEndsOn) : '—'}</NoWrap> },
              {
                title: t.objectionAction,
                render: (_: unknown, w) => (
                  // Named by what it is about: a list of links all reading "resolve" tells a screen reader nothing.
                  <a {...linkProps(w.subject, w.id)} aria-label={`${w.subject === 'project' ? t.resolveOnProject : t.openEnterprise}：${w.title}`} style={{ whiteSpace: 'nowrap' }}>
                    {w.subject === 'project' ? t.resolveOnProject : t.openEnterprise}
                  </a>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
