import { Alert, Card, Empty, Space, Spin, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, Problem, ProblemError } from '../api';
import { useMessages } from '../i18n';
import { Frame } from './Frame';

interface Notice {
  readonly noticeId: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly endsOn: string;
  readonly projectCount: number;
  readonly objections: number;
  readonly projects: readonly { readonly id: string; readonly title: string; readonly applicantOrg: string; readonly applicantName: string | null; readonly tier: string | null; readonly objections: number }[];
}

/** The public notices (公示) open now: anyone reads them, signed in or not. */
export function Notices() {
  const { t, programs, problem: sentence } = useMessages();
  const [notices, setNotices] = useState<readonly Notice[] | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    api<{ items: Notice[] }>('GET', '/notices?limit=100').then(
      (page) => setNotices(page.items),
      (error: unknown) => {
        if (!(error instanceof ProblemError)) throw error;
        setProblem(error.problem);
      },
    );
  }, []);

  return (
    <Frame title={t.notices} wide>
      <Typography.Paragraph type="secondary">{t.noticesIntro}</Typography.Paragraph>
      {problem && <Alert role="alert" type="error" showIcon title={sentence(problem)} />}
      {!problem && notices === undefined && <Spin />}
      {notices?.length === 0 && <Empty description={t.noticesEmpty} />}
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        {notices?.map((notice) => (
          <Card
            key={`${notice.cycleId}/${notice.noticeId}`}
            type="inner"
            title={<h2 style={{ fontSize: 16, margin: 0 }}>{`${programs[notice.programType] ?? notice.programType} · ${t.noticeOf}`}</h2>}
            extra={`${t.endsOn} ${notice.endsOn}`}
          >
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={[...notice.projects]}
              columns={[
                { title: t.projectTitle, dataIndex: 'title' },
                { title: t.applicant, dataIndex: 'applicantName', render: (name: string | null, project) => name ?? project.applicantOrg },
                { title: t.tier, dataIndex: 'tier', render: (tier: string | null) => tier ?? '—' },
                { title: t.objectionCount, dataIndex: 'objections' },
              ]}
            />
          </Card>
        ))}
      </Space>
    </Frame>
  );
}
