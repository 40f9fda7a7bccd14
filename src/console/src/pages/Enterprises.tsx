import { Card, Empty, Flex, Table } from 'antd';
import { call, service } from '../api';
import type { paths } from '../api/schema';
import { useMessages } from '../i18n';
import { linkProps, replaceQuery, Route } from '../navigation';
import { ExportLinks, Filter, ProblemAlert, useLoad } from '../parts';
import { ENTERPRISE_STAGES, word } from '../words';

interface EnterpriseRow {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly status: string;
  readonly certifiedUntil: string | null;
}

const PAGE_SIZE = 20;

/** The enterprises the person may see (产教融合型企业), filtered by stage and paged by the service. */
export function Enterprises({ route }: { route: Route }) {
  const { t, language } = useMessages();
  const status = route.query.get('status') ?? undefined;
  const page = Number(route.query.get('page') ?? '1') || 1;
  const list = useLoad(async () => {
    const query = { status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } as paths['/enterprises']['get']['parameters']['query'];
    return (await call(service.GET('/enterprises', { params: { query } }))) as unknown as { items: EnterpriseRow[]; total: number };
  }, [status, page]);
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.enterpriseList}</h1>
      <Card>
        <Flex gap={16} justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Filter label={t.stage} width={260} value={status} onChange={(next) => replaceQuery({ status: next })} options={Object.entries(ENTERPRISE_STAGES[language]).map(([value, label]) => ({ value, label }))} />
          <ExportLinks path="/enterprises" query={{ status }} />
        </Flex>
        <ProblemAlert problem={list.problem} />
        <Table<EnterpriseRow>
          rowKey="id"
          loading={list.value === undefined && !list.problem}
          dataSource={list.value?.items ?? []}
          locale={{ emptyText: <Empty description={t.enterprisesEmpty} /> }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: list.value?.total ?? 0, showSizeChanger: false, onChange: (next) => replaceQuery({ status, page: String(next) }) }}
          columns={[
            { title: t.enterpriseName, dataIndex: 'name', render: (name: string, row) => <a {...linkProps('enterprise', row.id)}>{name}</a> },
            { title: t.creditCode, dataIndex: 'id' },
            { title: t.city, dataIndex: 'region' },
            { title: t.stage, dataIndex: 'status', render: (code: string) => word(ENTERPRISE_STAGES, language, code) },
            { title: t.certifiedUntil, dataIndex: 'certifiedUntil', render: (until: string | null) => until?.slice(0, 10) ?? '—' },
          ]}
        />
      </Card>
    </>
  );
}
