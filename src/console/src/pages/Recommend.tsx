import { App, Button, Card, Empty, Flex, Skeleton, Statistic, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { call, Problem, service, Session } from '../api';
import { useMessages } from '../i18n';
import { linkProps, Route } from '../navigation';
import { attempt, CyclePicker, ExportLinks, ForScreenReaders, ProblemAlert, useLoad } from '../parts';
import type { ProjectRow } from './Projects';

interface CycleView {
  readonly id: string;
  readonly name: string;
  readonly rules: { readonly perRecommenderLimit: number };
  readonly recommendations: Readonly<Record<string, { readonly recommenderOrg: string; readonly rank: number }>>;
}

/**
 * The city's ranked recommendation within a cycle: the applications that passed the formal check, put
 * in order by dragging or with Up/Down (the keyboard's way), then recommended in that order, each at the
 * next rank the bureau has left; the limit and the places left are in view, and those past them marked.
 */
export function Recommend({ route, session }: { route: Route; session: Session }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const cycleId = route.query.get('cycleId') ?? undefined;
  const cycle = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}', { params: { path: { id: cycleId } } }))) as unknown as CycleView) : null), [cycleId]);
  const waiting = useLoad(
    async () => (cycleId ? ((await call(service.GET('/projects', { params: { query: { cycleId, status: 'FormallyChecked', limit: 500 } } }))) as unknown as { items: ProjectRow[] }).items : []),
    [cycleId],
  );
  const [order, setOrder] = useState<ProjectRow[]>([]);
  const [dragged, setDragged] = useState<number | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setOrder(waiting.value ?? []), [waiting.value]);

  const own = Object.values(cycle.value?.recommendations ?? {}).filter((r) => r.recommenderOrg === session.actor?.org);
  const limit = cycle.value?.rules.perRecommenderLimit ?? 0;
  const placesLeft = Math.max(0, limit - own.length);
  const freeRanks = Array.from({ length: limit }, (_, i) => i + 1).filter((rank) => !own.some((r) => r.rank === rank));

  const move = (from: number, to: number) => {
    if (to < 0 || to >= order.length) return;
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    setOrder(next);
  };

  const recommendAll = async () => {
    setProblem(null);
    setBusy(true);
    let all = true;
    for (const [index, project] of order.slice(0, placesLeft).entries()) {
      const done = await attempt(() => call(service.POST('/projects/{id}/recommend', { params: { path: { id: project.id } }, body: { rank: freeRanks[index]! } })), setProblem);
      if (!done) {
        all = false;
        break;
      }
    }
    setBusy(false);
    cycle.reload();
    waiting.reload();
    if (all) void message.success(t.recommended);
  };

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.recommendTitle}</h1>
      <Card>
        <Typography.Paragraph type="secondary">{t.recommendIntro}</Typography.Paragraph>
        <CyclePicker value={cycleId} />
        <ProblemAlert problem={problem ?? cycle.problem ?? waiting.problem} style={{ marginTop: 16 }} />
        {cycleId && (cycle.value === undefined || waiting.value === undefined) && <Skeleton active />}
        {cycleId && cycle.value && waiting.value && (
          <>
            <Flex gap={48} align="center" style={{ margin: '16px 0' }}>
              <Statistic title={t.limit} value={limit} />
              <Statistic title={t.placesLeft} value={placesLeft} />
              {/* The city's list of the cycle, its rank beside each it recommended (a city reads its own projects alone). */}
              <span style={{ marginLeft: 'auto' }}>
                <ExportLinks path="/projects" query={{ cycleId }} />
              </span>
            </Flex>
            {order.length === 0 ? (
              <Empty description={t.nothingToRank} />
            ) : (
              <ol aria-label={t.recommendTitle} style={{ listStyle: 'none', padding: 0 }}>
                {order.map((project, index) => (
                  <li
                    key={project.id}
                    draggable
                    onDragStart={() => setDragged(index)}
                    onDragOver={(event) => event.preventDefault()}
                    onDrop={() => {
                      if (dragged !== null) move(dragged, index);
                      setDragged(null);
                    }}
                    style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '10px 12px', marginBottom: 8, border: '1px solid #d9d9d9', borderRadius: 6, background: index < placesLeft ? '#fff' : '#fafafa', cursor: 'grab' }}
                  >
                    <Tag color={index < placesLeft ? 'blue' : 'default'} style={{ minWidth: 64, textAlign: 'center' }}>
                      {index < placesLeft ? `${t.rank} ${freeRanks[index]}` : t.overLimit}
                    </Tag>
                    <span style={{ flex: 1 }}>
                      <a {...linkProps('project', project.id)}>{project.title}</a>
                      <Typography.Text type="secondary">{` · ${project.applicantName ?? project.applicantOrg}`}</Typography.Text>
                    </span>
                    <Button size="small" disabled={index === 0} onClick={() => move(index, index - 1)}>
                      {t.moveUp}
                      <ForScreenReaders>{` ${project.title}`}</ForScreenReaders>
                    </Button>
                    <Button size="small" disabled={index === order.length - 1} onClick={() => move(index, index + 1)}>
                      {t.moveDown}
                      <ForScreenReaders>{` ${project.title}`}</ForScreenReaders>
                    </Button>
                  </li>
                ))}
              </ol>
            )}
            <Button type="primary" loading={busy} disabled={order.length === 0 || placesLeft === 0} onClick={recommendAll}>
              {t.recommendInOrder}
            </Button>
          </>
        )}
      </Card>
    </>
  );
}
