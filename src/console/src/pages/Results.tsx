import { Card, Empty, Flex, Space, Spin, Table, Tag, Typography } from 'antd';
import { call, service } from '../api';
import { useMessages } from '../i18n';
import { ExportLinks, ProblemAlert, useLoad } from '../parts';
import { Frame } from './Frame';

interface ResultProject {
  readonly id: string;
  readonly title: string;
  readonly applicantOrg: string;
  readonly applicantName: string | null;
  readonly tier: string | null;
  readonly approvedOn: string;
  readonly revoked: boolean;
}

interface CycleResult {
  readonly cycleId: string;
  readonly programType: string;
  readonly name: string | null;
  readonly approvedOn: string;
  readonly projects: readonly ResultProject[];
}

/** The published results: each cycle's approved projects, for anyone. */
export function Results() {
  const { t, programs } = useMessages();
  const results = useLoad(async () => ((await call(service.GET('/results', { params: { query: { limit: 50 } } }))) as unknown as { items: CycleResult[] }).items, []);
  return (
    <Frame title={t.resultsTitle} wide>
      <Flex justify="space-between" align="baseline" wrap>
        <Typography.Paragraph type="secondary">{t.resultsIntro}</Typography.Paragraph>
        <ExportLinks path="/results" />
      </Flex>
      <ProblemAlert problem={results.problem} />
      {!results.problem && results.value === undefined && <Spin />}
      {results.value?.length === 0 && <Empty description={t.resultsEmpty} />}
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        {results.value?.map((cycle) => (
          <Card
            key={cycle.cycleId}
            type="inner"
            title={<h2 style={{ fontSize: 16, margin: 0 }}>{`${cycle.name ?? cycle.cycleId} · ${programs[cycle.programType] ?? cycle.programType}`}</h2>}
            extra={`${t.approvedOn} ${cycle.approvedOn}`}
          >
            <Table<ResultProject>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={[...cycle.projects]}
              columns={[
                { title: t.projectTitle, dataIndex: 'title', render: (title: string, p) => <>{title}{p.revoked && <Tag color="red" style={{ marginLeft: 8 }}>{t.revoked}</Tag>}</> },
                { title: t.applicant, dataIndex: 'applicantName', render: (name: string | null, p) => name ?? p.applicantOrg },
                { title: t.tier, dataIndex: 'tier', render: (tier: string | null) => tier ?? '—' },
              ]}
            />
          </Card>
        ))}
      </Space>
    </Frame>
  );
}
