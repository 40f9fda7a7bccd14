import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileLine {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time, in percent. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  readonly busyMs: number;
  /** Self time by where the code lives: a package, a service file, Node internals, GC. */
  readonly byArea: readonly ProfileLine[];
  /** Functions by self time. */
  readonly topSelf: readonly ProfileLine[];
  /** Service functions (dist/…) by inclusive time: the synchronous work under them, counted once per sample. */
  readonly serviceInclusive: readonly ProfileLine[];
  /**
   * Time in native code (SQLite statements, syscalls such as fsync, JSON) by the nearest service
   * function above it. The sampler sees the main thread, so a blocking call (a commit's fsync) counts
   * as busy time here: the event loop can do nothing else meanwhile.
   */
  readonly nativeByCaller: readonly ProfileLine[];
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'native/(program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return `package: ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `service: ${url.slice(dist + '/dist/'.length)}`;
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return `node: ${parts.slice(0, parts[0] === 'internal' ? 2 : 1).join('/')}`;
  }
  return url;
}

function nameOf(frame: CallFrame): string {
  const where = areaOf(frame).replace(/^(service|package|node): /, '');
  return frame.url ? `${frame.functionName || '(anonymous)'} (${where}:${frame.lineNumber + 1})` : areaOf(frame);
}

const top = (totals: Map<string, number>, busyMs: number, count: number): ProfileLine[] =>
  [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Math.round((us / 1000 / busyMs) * 1000) / 10 }));

/** Reads a V8 .cpuprofile and says where the busy time went. */
export function summarizeProfile(file: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byArea = new Map<string, number>();
  const bySelf = new Map<string, number>();
  let idleUs = 0;
  let sampledUs = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    sampledUs += us;
    const area = areaOf(frame);
    if (area === 'idle') {
      idleUs += us;
      continue;
    }
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    bySelf.set(nameOf(frame), (bySelf.get(nameOf(frame)) ?? 0) + us);
  }

  const inclusive = new Map<string, number>();
  const stackCache = new Map<number, string[]>();
  const serviceStack = (id: number): string[] => {
    const cached = stackCache.get(id);
    if (cached) return cached;
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url.includes('/dist/') && !frame.url.includes('/dist/bench/')) names.add(nameOf(frame));
    }
    const list = [...names];
    stackCache.set(id, list);
    return list;
  };
  profile.samples.forEach((id, i) => {
    if (areaOf(byId.get(id)!.callFrame) === 'idle') return;
    for (const name of serviceStack(id)) inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const nativeByCaller = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.url || ['(garbage collector)', '(idle)', '(program)'].includes(frame.functionName)) continue;
    let caller = 'no service caller';
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const above = byId.get(at)!.callFrame;
      if (above.url.includes('/dist/') && !above.url.includes('/dist/bench/')) {
        caller = nameOf(above);
        break;
      }
    }
    const key = `${frame.functionName || '(anonymous)'} ← ${caller}`;
    nativeByCaller.set(key, (nativeByCaller.get(key) ?? 0) + us);
  }

  const busyMs = Math.max(1, (sampledUs - idleUs) / 1000);
  return {
    sampledMs: Math.round(sampledUs / 1000),
    busyMs: Math.round(busyMs),
    byArea: top(byArea, busyMs, count),
    topSelf: top(bySelf, busyMs, count),
    serviceInclusive: top(inclusive, busyMs, count),
    nativeByCaller: top(nativeByCaller, busyMs, 10),
  };
}
