import { Alert, Button, Card, Descriptions, Empty, Flex, Input, InputNumber, Select, Skeleton, Table, Typography } from 'antd';
import { useState } from 'react';
import { call, Problem, service } from '../api';
import { useMessages } from '../i18n';
import { replaceQuery, Route } from '../navigation';
import { attempt, ProblemAlert, Section, useLoad } from '../parts';
import { beijingTime, CYCLE_STAGES, ENTERPRISE_STAGES, EVENTS, ROLES, STAGES, word } from '../words';

interface Entry {
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly actor: { readonly id?: string; readonly role?: string; readonly org?: string } | null;
  readonly reason: string | null;
  readonly recordedAt: string;
  readonly rulesVersion: string | null;
  readonly stateAfter: unknown;
}
interface Verified {
  readonly ok: boolean;
  readonly checkedEvents: number;
  readonly checkedStreams?: number;
  readonly findings?: readonly { readonly code: string; readonly message: string }[];
}

/** The kinds of record a person looks up, by the category of their stream. */
const KINDS = ['project', 'cycle', 'funds', 'enterprise', 'person', 'organisation', 'registry'] as const;
type Kind = (typeof KINDS)[number];
/** An organisation has no stream of its own: its record is in the registry, its work in its projects' and enterprise records' streams. */
const streamOf = (kind: Kind, id: string) => (kind === 'registry' || kind === 'organisation' ? 'registry-organisations' : `${kind}-${id.trim()}`);

/** The streams that hold an organisation's records: the registry's entry, its projects, its enterprise records. */
interface Gathered {
  readonly stream: string;
  readonly kind: string;
  readonly label: string;
}

/** Every document an event cites (an object with a sha256 and a name), for its links. */
function documentsIn(value: unknown, found: { sha256: string; name: string }[] = []): { sha256: string; name: string }[] {
  if (Array.isArray(value)) for (const item of value) documentsIn(item, found);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.sha256 === 'string' && typeof o.name === 'string') found.push({ sha256: o.sha256, name: o.name });
    else for (const v of Object.values(o)) documentsIn(v, found);
  }
  return found;
}

/** The top-level fields of a state whose values differ between two states. */
function differences(then: unknown, now: unknown): { field: string; then: string; now: string }[] {
  const a = (then ?? {}) as Record<string, unknown>;
  const b = (now ?? {}) as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((field) => ({ field, then: show(a[field]), now: show(b[field]) }));
}

/**
 * An auditor's view of the log: a record's stream found by its kind and id; its history in plain words
 * (who, role, organisation, when in Beijing time, why, the rules version, the documents by hash); its state
 * as of a revision or a day, with what differs from now; the integrity of the stream or of the whole log.
 */
export function Audit({ route }: { route: Route }) {
  const { t, language } = useMessages();
  const stream = route.query.get('stream') ?? undefined;
  const [kind, setKind] = useState<Kind>('project');
  const [id, setId] = useState('');
  // The records of the chosen kind to pick from, by name: the lists the service already has.
  const records = useLoad(async (): Promise<{ value: string; label: string }[]> => {
    const items = async (path: '/projects' | '/cycles' | '/enterprises' | '/people' | '/organisations') =>
      ((await call(service.GET(path, { params: { query: { limit: 500 } } } as never))) as unknown as { items: Record<string, unknown>[] }).items;
    switch (kind) {
      case 'project':
        return (await items('/projects')).map((p) => ({ value: String(p.id), label: `${p.title} · ${p.applicantName ?? p.applicantOrg}` }));
      case 'cycle':
      case 'funds':
        return (await items('/cycles')).map((c) => ({ value: String(c.id), label: String(c.name) }));
      case 'enterprise':
        return (await items('/enterprises')).map((e) => ({ value: String(e.id), label: String(e.name ?? e.id) }));
      case 'person':
        return (await items('/people')).map((p) => ({ value: String(p.personId), label: String(p.name) }));
      case 'organisation':
        return (await items('/organisations')).map((o) => ({ value: String(o.creditCode), label: `${o.name} · ${o.creditCode}` }));
      default:
        return [];
    }
  }, [kind]);
  const organisation = route.query.get('org') ?? undefined;
  const gathered = useLoad(async (): Promise<Gathered[] | null> => {
    if (!organisation) return null;
    const portfolio = (await call(service.GET('/organisations/{org}/portfolio', { params: { path: { org: organisation }, query: { limit: 500 } } } as never))) as unknown as {
      projects: { items: { id: string; title: string; status: string }[] };
      enterprises: { id: string; name: string }[];
    };
    return [
      { stream: 'registry-organisations', kind: t.kindRegistry, label: t.registryEntryOf.replace('{org}', organisation) },
      ...portfolio.projects.items.map((p) => ({ stream: `project-${p.id}`, kind: t.kindProject, label: p.title })),
      ...portfolio.enterprises.map((e) => ({ stream: `enterprise-${e.id}`, kind: t.kindEnterprise, label: e.name ?? e.id })),
    ];
  }, [organisation]);
  const history = useLoad(async () => (stream ? ((await call(service.GET('/audit/streams/{stream}/history', { params: { path: { stream } } }))) as unknown as { events: Entry[] }).events : null), [stream]);
  const [asOf, setAsOf] = useState<{ revision?: number; day?: string }>({});
  const [then, setThen] = useState<{ state: unknown; revision?: number } | null>(null);
  const [verified, setVerified] = useState<{ scope: 'stream' | 'log'; result: Verified } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const replay = async () => {
    if (!stream) return;
    setProblem(null);
    const query = asOf.revision !== undefined ? { revision: asOf.revision } : { time: `${asOf.day}T23:59:59+08:00` };
    const answer = await attempt(() => call(service.GET('/audit/streams/{stream}/state', { params: { path: { stream }, query: query as never } })) as unknown as Promise<{ state: unknown; revision?: number }>, setProblem);
    if (answer) setThen(answer);
  };
  const verify = async (scope: 'stream' | 'log') => {
    setProblem(null);
    const answer = await attempt(() => call(service.GET('/audit/verify', { params: { query: scope === 'stream' && stream ? { stream } : {} } })) as unknown as Promise<Verified>, setProblem);
    if (answer) setVerified({ scope, result: answer });
  };
  // A state's stage in words, by the kind of record its stream holds.
  const stageWords = stream?.startsWith('enterprise-') ? ENTERPRISE_STAGES : stream?.startsWith('cycle-') ? CYCLE_STAGES : STAGES;
  const stageOf = (state: unknown) => word(stageWords, language, (state as { status?: string } | null)?.status);
  const open = () => replaceQuery(kind === 'organisation' ? { org: id.trim() } : { stream: streamOf(kind, id) });
  const now = history.value?.at(-1)?.stateAfter;
  const kinds: Record<Kind, string> = { project: t.kindProject, cycle: t.kindCycle, funds: t.kindFunds, enterprise: t.kindEnterprise, person: t.kindPerson, organisation: t.kindOrganisation, registry: t.kindRegistry };

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.auditTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.auditIntro}</Typography.Paragraph>
        <Flex gap={12} wrap align="flex-end">
          <label>
            {t.recordKind}{' '}
            <Select aria-label={t.recordKind} style={{ width: 160 }} value={kind} onChange={(k: Kind) => { setKind(k); setId(''); }} options={KINDS.map((k) => ({ value: k, label: kinds[k] }))} />
          </label>
          {kind !== 'registry' && (
            <label style={{ flex: '1 1 320px' }}>
              {t.recordPick}
              <Select
                aria-label={t.recordPick}
                showSearch
                optionFilterProp="label"
                style={{ width: '100%' }}
                value={records.value?.some((r) => r.value === id) ? id : undefined}
                onChange={(value: string) => {
                  setId(value);
                  replaceQuery(kind === 'organisation' ? { org: value } : { stream: streamOf(kind, value) });
                }}
                options={records.value ?? []}
              />
            </label>
          )}
          {kind !== 'registry' && (
            <label style={{ flex: '1 1 240px' }}>
              {t.recordId}
              <Input aria-label={t.recordId} value={id} onChange={(event) => setId(event.target.value)} onPressEnter={() => id.trim() && open()} />
            </label>
          )}
          <Button type="primary" disabled={kind !== 'registry' && !id.trim()} onClick={open}>
            {t.openRecord}
          </Button>
          <Button onClick={() => verify('log')}>{t.verifyLog}</Button>
        </Flex>
        <ProblemAlert problem={problem} style={{ marginTop: 16 }} />
        {verified && (
          <Alert
            style={{ marginTop: 16 }}
            type={verified.result.ok ? 'success' : 'error'}
            showIcon
            title={(verified.result.ok ? t.verifiedOk : t.verifiedBroken).replace('{what}', verified.scope === 'log' ? t.wholeLog : (stream ?? '')).replace('{n}', String(verified.result.checkedEvents))}
            description={verified.result.findings?.length ? verified.result.findings.map((f) => `${f.code}: ${f.message}`).join('；') : undefined}
          />
        )}
      </Card>
      {organisation && (
        <Section title={`${t.recordsOfOrganisation} ${records.value?.find((r) => r.value === organisation)?.label ?? organisation}`}>
          <ProblemAlert problem={gathered.problem} />
          {gathered.value === undefined && !gathered.problem && <Skeleton active />}
          {gathered.value && (
            <Table<Gathered>
              rowKey="stream"
              size="small"
              pagination={false}
              dataSource={gathered.value}
              columns={[
                { title: t.recordKind, dataIndex: 'kind', width: 120 },
                { title: t.recordName, dataIndex: 'label' },
                {
                  title: t.stream,
                  dataIndex: 'stream',
                  render: (s: string) => (
                    <a
                      href={`?org=${encodeURIComponent(organisation)}&stream=${encodeURIComponent(s)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        replaceQuery({ org: organisation, stream: s });
                      }}
                    >
                      {s}
                    </a>
                  ),
                },
              ]}
            />
          )}
        </Section>
      )}
      {stream && (
        <>
          <ProblemAlert problem={history.problem} />
          {history.value === undefined && !history.problem && <Skeleton active />}
          {history.value && (
            <>
              <Section title={`${t.historyOf} ${stream}`}>
                <Flex gap={12} style={{ marginBottom: 12 }}>
                  <Button onClick={() => verify('stream')}>{t.verifyStream}</Button>
                  <a href={`/audit/export?stream=${encodeURIComponent(stream)}`} download={`${stream}.ndjson`}>
                    {t.exportStream}
                  </a>
                </Flex>
                <Table<Entry>
                  rowKey="revision"
                  size="small"
                  pagination={false}
                  dataSource={history.value}
                  columns={[
                    { title: t.revision, dataIndex: 'revision', width: 64 },
                    { title: t.when, dataIndex: 'recordedAt', render: (at: string) => beijingTime(at), width: 150 },
                    { title: t.what, dataIndex: 'type', render: (type: string) => word(EVENTS, language, type) },
                    { title: t.who, dataIndex: 'actor', render: (a: Entry['actor']) => (a ? [a.id, a.role ? word(ROLES, language, a.role) : null, a.org].filter(Boolean).join(' · ') : '—') },
                    { title: t.why, dataIndex: 'reason', render: (why: string | null, e) => why ?? ((e.data as { reason?: string } | null)?.reason ?? '—') },
                    { title: t.rulesVersion, dataIndex: 'rulesVersion', render: (v: string | null) => v ?? '—' },
                    {
                      title: t.documentsByHash,
                      render: (_: unknown, e) =>
                        documentsIn(e.data).map((d) => (
                          <div key={d.sha256}>
                            <a href={`/documents/${d.sha256}`} target="_blank" rel="noreferrer" title={d.sha256} style={{ textDecoration: 'underline' }}>
                              {d.name}
                            </a>{' '}
                            <Typography.Text type="secondary" code>{d.sha256.slice(0, 12)}</Typography.Text>
                          </div>
                        )),
                    },
                  ]}
                />
              </Section>
              <Section title={t.asOfTitle}>
                <Flex gap={12} wrap align="flex-end">
                  <label>
                    {t.asOfRevision}{' '}
                    <InputNumber aria-label={t.asOfRevision} min={0} max={history.value.length - 1} value={asOf.revision} onChange={(n) => setAsOf({ revision: n === null ? undefined : Number(n) })} />
                  </label>
                  <label>
                    {t.asOfDay}{' '}
                    <Input aria-label={t.asOfDay} type="date" style={{ width: 180 }} value={asOf.day ?? ''} onChange={(event) => setAsOf({ day: event.target.value || undefined })} />
                  </label>
                  <Button onClick={replay} disabled={asOf.revision === undefined && !asOf.day}>
                    {t.replay}
                  </Button>
                </Flex>
                {then && (
                  <>
                    <Descriptions size="small" column={1} style={{ marginTop: 16 }}>
                      <Descriptions.Item label={t.statusThen}>{stageOf(then.state)}</Descriptions.Item>
                      <Descriptions.Item label={t.statusNow}>{stageOf(now)}</Descriptions.Item>
                    </Descriptions>
                    {differences(then.state, now).length === 0 ? (
                      <Empty description={t.noDifference} />
                    ) : (
                      <Table
                        rowKey="field"
                        size="small"
                        pagination={false}
                        caption={t.differenceFromNow}
                        dataSource={differences(then.state, now)}
                        columns={[
                          { title: t.field, dataIndex: 'field' },
                          { title: t.then, dataIndex: 'then', render: (v: string) => <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{v.length > 200 ? `${v.slice(0, 200)}…` : v}</Typography.Text> },
                          { title: t.nowValue, dataIndex: 'now', render: (v: string) => <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{v.length > 200 ? `${v.slice(0, 200)}…` : v}</Typography.Text> },
                        ]}
                      />
                    )}
                  </>
                )}
              </Section>
            </>
          )}
        </>
      )}
      {!stream && <Empty description={t.auditEmpty} />}
    </>
  );
}
