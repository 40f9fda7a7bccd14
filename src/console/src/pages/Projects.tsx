import { Card, Empty, Flex, Table, Tag } from 'antd';
import { call, service } from '../api';
import type { paths } from '../api/schema';
import { PROGRAMS, useMessages } from '../i18n';
import { linkProps, replaceQuery, Route } from '../navigation';
import { SHANXI_CITIES } from '../../../domain/organisation/organisation';
import { ExportLinks, Filter, ProblemAlert, useLoad } from '../parts';
import { beijingTime, EVENTS, STAGES, word, WORK } from '../words';

export interface ProjectRow {
  readonly id: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly applicantName: string | null;
  readonly region: string;
  readonly title: string;
  readonly status: string;
  readonly lastDecision: string;
  readonly lastDecidedAt: string;
  readonly overdue: readonly string[];
}

const PAGE_SIZE = 20;

/**
 * The projects the person may see, filtered and paged by the service (10,000 projects stay one page
 * of 20): by program, cycle and stage, the filters kept in the address so a link or the back button
 * returns to the same list.
 */
export function Projects({ route }: { route: Route }) {
  const { t, language } = useMessages();
  const q = route.query;
  const filters = { programType: q.get('programType') ?? undefined, cycleId: q.get('cycleId') ?? undefined, status: q.get('status') ?? undefined, region: q.get('region') ?? undefined, due: q.get('due') ?? undefined };
  const page = Number(q.get('page') ?? '1') || 1;
  const overdue = q.get('overdue') === '1';
  const cycles = useLoad(async () => ((await call(service.GET('/cycles', { params: { query: { limit: 100 } } }))) as unknown as { items: { id: string; name: string; programType: string }[] }).items, []);
  const list = useLoad(async () => {
    const paging = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
    if (overdue) return ((await call(service.GET('/overdue', { params: { query: paging } }))) as unknown as { projects: { items: ProjectRow[]; total: number } }).projects;
    const query = { ...filters, ...paging } as paths['/projects']['get']['parameters']['query'];
    return (await call(service.GET('/projects', { params: { query } }))) as unknown as { items: ProjectRow[]; total: number };
  }, [filters.programType, filters.cycleId, filters.status, filters.region, filters.due, page, overdue]);
  const set = (change: Record<string, string | undefined>) => replaceQuery({ ...filters, ...change, page: undefined });

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.projectList}</h1>
      <Card>
        <Flex gap={16} wrap style={{ marginBottom: 16 }}>
          <Filter label={t.program} width={220} value={filters.programType} onChange={(programType) => set({ programType })} options={Object.entries(PROGRAMS[language]).map(([value, label]) => ({ value, label }))} />
          <Filter
            label={t.cycle}
            value={filters.cycleId}
            onChange={(cycleId) => set({ cycleId })}
            options={(cycles.value ?? []).filter((c) => !filters.programType || c.programType === filters.programType).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Filter label={t.stage} value={filters.status} onChange={(status) => set({ status })} options={Object.entries(STAGES[language]).map(([value, label]) => ({ value, label }))} />
          <Filter label={t.city} width={140} value={filters.region} onChange={(region) => set({ region })} options={SHANXI_CITIES.map((city) => ({ value: city, label: city }))} />
          {filters.due && (
            <Tag closable onClose={() => set({ due: undefined })} style={{ alignSelf: 'center' }}>
              {word(WORK, language, filters.due)}
            </Tag>
          )}
        </Flex>
        <Flex justify="flex-end" style={{ marginBottom: 8 }}>
          {/* The file holds every row the filters select, not only this page. */}
          <ExportLinks path={overdue ? '/overdue' : '/projects'} query={overdue ? {} : filters} />
        </Flex>
        <ProblemAlert problem={list.problem} />
        <Table<ProjectRow>
          rowKey="id"
          loading={list.value === undefined && !list.problem}
          dataSource={list.value?.items ?? []}
          locale={{ emptyText: <Empty description={t.projectsEmpty} /> }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.value?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => `${total} ${t.projects}`,
            onChange: (next) => replaceQuery({ ...filters, overdue: overdue ? '1' : undefined, page: String(next) }),
          }}
          columns={[
            { title: t.projectTitle, dataIndex: 'title', render: (title: string, row) => <a {...linkProps('project', row.id)}>{title}</a> },
            { title: t.applicant, dataIndex: 'applicantName', render: (name: string | null, row) => name ?? row.applicantOrg },
            { title: t.program, dataIndex: 'programType', render: (code: string) => PROGRAMS[language][code] ?? code },
            { title: t.stage, dataIndex: 'status', render: (status: string, row) => <>{word(STAGES, language, status)}{row.overdue.length > 0 && <Tag color="red" style={{ marginLeft: 8 }}>{t.overdueTag}</Tag>}</> },
            { title: t.lastDecision, dataIndex: 'lastDecision', render: (type: string) => word(EVENTS, language, type) },
            { title: t.updatedAt, dataIndex: 'lastDecidedAt', render: (at: string) => (at ? beijingTime(at) : '—') },
          ]}
        />
      </Card>
    </>
  );
}
