import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { ChainVerifier, readEverything, Verification } from './audit';
import { EventStore, JsonValue } from './event-store';
import { canonicalJson, GlobalChain, GlobalChainState } from './integrity';

/**
 * A signed statement of where the global chain stood: at `position`, after `count` events, its hash
 * was `head`. Whoever can write the data folder can rewrite the events and recompute every unkeyed
 * hash, but cannot sign: a log that no longer leads to a signed head has been changed.
 */
export interface Checkpoint {
  readonly v: 1;
  /** Global position of the last event covered. */
  readonly position: string;
  /** Events from the start of the log through `position`. */
  readonly count: number;
  /** The global chain's hash after the event at `position`. */
  readonly head: string;
  /** The order-independent digest of the same events: tells a reordering from a rewrite. */
  readonly events: string;
  /** The event at `position`, found again by stream and revision when positions were renumbered. */
  readonly last: { readonly stream: string; readonly revision: number; readonly hash: string };
  /** When it was signed (the service's clock). */
  readonly time: string;
  /** The signing key's id: the first 16 hex digits of the SHA-256 of its public key (SPKI, DER). */
  readonly key: string;
  /** Ed25519 signature, base64, over SIGNING_CONTEXT and the canonical JSON of every other field. */
  readonly sig: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'sig'>;

const SIGNING_CONTEXT = 'accreditation-lifecycle-service checkpoint v1\n';

const payload = (body: UnsignedCheckpoint): Buffer => Buffer.from(SIGNING_CONTEXT + canonicalJson(body as unknown as JsonValue));

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The key that signs checkpoints and the public key that checks them. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 private key is needed, not ${privateKey.asymmetricKeyType ?? privateKey.type}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function signCheckpoint(state: GlobalChainState, time: string, key: SigningKey): Checkpoint {
  if (!state.last) throw new Error('an empty log has nothing to checkpoint');
  const body: UnsignedCheckpoint = {
    v: 1,
    position: state.last.position,
    count: state.count,
    head: state.head,
    events: state.events,
    last: { stream: state.last.stream, revision: state.last.revision, hash: state.last.hash },
    time,
    key: key.keyId,
  };
  return { ...body, sig: sign(null, payload(body), key.privateKey).toString('base64') };
}

export type SignatureCheck = 'valid' | 'invalid' | 'other-key';

export function checkSignature(checkpoint: Checkpoint, publicKey: KeyObject, keyId: string): SignatureCheck {
  if (checkpoint.key !== keyId) return 'other-key';
  const { sig, ...body } = checkpoint;
  try {
    return verify(null, payload(body), publicKey, Buffer.from(sig, 'base64')) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Where the chain resumes after a checkpoint: the state it signed. */
export function chainStateOf(checkpoint: Checkpoint): GlobalChainState {
  return {
    count: checkpoint.count,
    head: checkpoint.head,
    events: checkpoint.events,
    last: { position: checkpoint.position, ...checkpoint.last },
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A checkpoint read back from a file, or why the line is not one. */
export function parseCheckpoint(line: string): Checkpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const c = value as Partial<Checkpoint> | null;
  const last = c?.last as Partial<Checkpoint['last']> | undefined;
  const shaped =
    !!c &&
    c.v === 1 &&
    typeof c.position === 'string' &&
    /^\d{1,30}$/.test(c.position) &&
    Number.isSafeInteger(c.count) &&
    c.count! >= 1 &&
    typeof c.head === 'string' &&
    HEX64.test(c.head) &&
    typeof c.events === 'string' &&
    HEX64.test(c.events) &&
    !!last &&
    typeof last.stream === 'string' &&
    Number.isSafeInteger(last.revision) &&
    typeof last.hash === 'string' &&
    typeof c.time === 'string' &&
    typeof c.key === 'string' &&
    typeof c.sig === 'string';
  if (!shaped) return 'not a checkpoint of version 1';
  return {
    v: 1,
    position: c.position!,
    count: c.count!,
    head: c.head!,
    events: c.events!,
    last: { stream: last.stream!, revision: last.revision!, hash: last.hash! },
    time: c.time!,
    key: c.key!,
    sig: c.sig!,
  };
}

/** The stable codes of what GET /audit/verify finds; `kind` says which tampering a finding is evidence of. */
export type FindingCode =
  | 'stream-chain-broken'
  | 'no-signed-checkpoint'
  | 'log-truncated'
  | 'events-removed'
  | 'events-inserted'
  | 'log-reordered'
  | 'chain-recomputed'
  | 'checkpoint-hash-differs'
  | 'checkpoint-signature-invalid'
  | 'checkpoint-other-key'
  | 'checkpoint-unreadable'
  | 'checkpoint-missing-locally'
  | 'checkpoint-missing-from-copy'
  | 'checkpoint-differs-from-copy'
  | 'checkpoint-copy-unavailable'
  | 'checkpointer-halted';

export type FindingKind = 'alteration' | 'truncation' | 'insertion' | 'reordering' | 'recomputation' | 'checkpoints' | 'coverage';

export interface Finding {
  readonly code: FindingCode;
  /** An error makes `ok` false; a warning is a limit of what could be checked. */
  readonly severity: 'error' | 'warning';
  readonly kind: FindingKind;
  readonly message: string;
  /** The checkpoint the finding was made against. */
  readonly checkpoint?: { readonly position: string; readonly time: string };
  readonly details?: { readonly [key: string]: JsonValue };
}

/** One line of a checkpoint file. */
export interface CheckpointLine {
  /** 1-based. */
  readonly line: number;
  readonly checkpoint?: Checkpoint;
  /** Why the line is not a checkpoint. */
  readonly unreadable?: string;
}

/** The checkpoints kept beside the log, and the auditor's copy when one is configured. */
export interface CheckpointFiles {
  readonly local: { readonly file: string; readonly lines: readonly CheckpointLine[] };
  readonly copy?: { readonly file: string; readonly lines: readonly CheckpointLine[]; readonly unavailable?: string };
}

/** The checkpoints verification relies on, oldest first, and what was wrong with the files. */
export interface TrustedCheckpoints {
  readonly trusted: readonly (Checkpoint & { readonly source: 'local' | 'copy' | 'both' })[];
  readonly findings: readonly Finding[];
}

const SAMPLE = 10;

/** A finding about several lines is made once, with how many and the first few. */
function grouped(code: FindingCode, severity: Finding['severity'], message: string, items: readonly JsonValue[]): Finding[] {
  if (items.length === 0) return [];
  return [{ code, severity, kind: 'checkpoints', message: message.replace('{n}', String(items.length)), details: { count: items.length, first: items.slice(0, SAMPLE) as JsonValue[] } }];
}

/**
 * Keeps the checkpoints whose signature the configured key verifies. The auditor's copy is preferred:
 * a checkpoint it holds and the local file lost or changed is evidence that the data folder was
 * written; one it lacks is only not yet protected by it (the service adds it at its next start).
 */
export function trustCheckpoints(files: CheckpointFiles, key: Pick<SigningKey, 'publicKey' | 'keyId'>): TrustedCheckpoints {
  const findings: Finding[] = [];
  const valid = (source: 'local' | 'copy', lines: readonly CheckpointLine[]) => {
    const kept = new Map<string, Checkpoint>();
    const unreadable: JsonValue[] = [];
    const tornTail: JsonValue[] = [];
    const invalid: JsonValue[] = [];
    const otherKey: JsonValue[] = [];
    lines.forEach((line, index) => {
      if (!line.checkpoint) {
        // A crash while appending leaves at most the last line cut short.
        (index === lines.length - 1 ? tornTail : unreadable).push({ source, line: line.line, reason: line.unreadable ?? 'unreadable' });
        return;
      }
      const check = checkSignature(line.checkpoint, key.publicKey, key.keyId);
      if (check === 'other-key') otherKey.push({ source, line: line.line, key: line.checkpoint.key });
      else if (check === 'invalid') invalid.push({ source, line: line.line, position: line.checkpoint.position });
      else kept.set(line.checkpoint.position, line.checkpoint);
    });
    findings.push(
      ...grouped('checkpoint-unreadable', 'error', `{n} line(s) of the ${source} checkpoint file are not checkpoints`, unreadable),
      ...grouped('checkpoint-unreadable', 'warning', `the last line of the ${source} checkpoint file is cut short (a crash while it was written)`, tornTail),
      ...grouped('checkpoint-signature-invalid', 'error', `{n} checkpoint(s) of the ${source} file do not carry a valid signature of the configured key: they were forged or altered`, invalid),
      ...grouped('checkpoint-other-key', 'warning', `{n} checkpoint(s) of the ${source} file were signed with another key and are not checked`, otherKey),
    );
    return kept;
  };
  const local = valid('local', files.local.lines);
  // Any readable local line, signed or not, to tell a changed checkpoint from a lost one.
  const localLines = new Map(files.local.lines.flatMap((l) => (l.checkpoint ? [[l.checkpoint.position, l.checkpoint] as const] : [])));
  if (!files.copy) return { trusted: sorted([...local.values()].map((c) => ({ ...c, source: 'local' as const }))), findings };
  if (files.copy.unavailable) {
    findings.push({ code: 'checkpoint-copy-unavailable', severity: 'warning', kind: 'checkpoints', message: `the auditor's copy cannot be read (${files.copy.unavailable}): only the local checkpoints are checked` });
  }
  const copy = valid('copy', files.copy.lines);
  const missingLocally: JsonValue[] = [];
  const differs: JsonValue[] = [];
  const missingFromCopy: JsonValue[] = [];
  const trusted: (Checkpoint & { source: 'local' | 'copy' | 'both' })[] = [];
  for (const [position, c] of copy) {
    const mine = local.get(position);
    const written = mine ?? localLines.get(position);
    if (!written) missingLocally.push({ position, time: c.time });
    else if (!sameAttestation(written, c)) {
      differs.push({ position, local: { head: written.head, count: written.count, time: written.time }, copy: { head: c.head, count: c.count, time: c.time } });
    }
    trusted.push({ ...c, source: mine && sameAttestation(mine, c) ? 'both' : 'copy' });
  }
  for (const [position, c] of local) {
    if (!copy.has(position)) {
      missingFromCopy.push({ position, time: c.time });
      trusted.push({ ...c, source: 'local' });
    }
  }
  findings.push(
    ...grouped('checkpoint-missing-locally', 'error', "{n} checkpoint(s) of the auditor's copy are missing from the data folder: its checkpoint file was cut or replaced", missingLocally),
    ...grouped('checkpoint-differs-from-copy', 'error', "{n} checkpoint(s) of the data folder differ from the auditor's copy, which is used instead", differs),
    ...grouped('checkpoint-missing-from-copy', 'warning', "{n} checkpoint(s) are not in the auditor's copy yet: they are checked, but only the data folder holds them", missingFromCopy),
  );
  return { trusted: sorted(trusted), findings };
}

/**
 * Two checkpoints that say the same of the log: two instances serving one data folder both sign at the
 * same positions, at slightly different times.
 */
const sameAttestation = (a: Checkpoint, b: Checkpoint): boolean =>
  a.position === b.position && a.count === b.count && a.head === b.head && a.events === b.events && a.key === b.key && canonicalJson(a.last) === canonicalJson(b.last);

const sorted = <T extends Checkpoint>(checkpoints: T[]): T[] => checkpoints.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : BigInt(a.position) > BigInt(b.position) ? 1 : 0));

/** How a checkpoint's event was found again while the log was read. */
interface Sighting {
  readonly position: bigint;
  readonly hashMatches: boolean;
  readonly state: GlobalChainState;
}

/** What verification says of the checkpoints it checked the log against. */
export interface CheckpointReport {
  /** The latest trusted checkpoint, and whether the log leads to it. */
  readonly latest: { readonly position: string; readonly count: number; readonly head: string; readonly time: string; readonly source: string; readonly matches: boolean } | null;
  readonly trusted: number;
  /** The latest checkpoint the log still leads to: whatever was changed lies after it. */
  readonly lastMatching: { readonly position: string; readonly time: string } | null;
  /** The earliest checkpoint the log no longer leads to. */
  readonly firstFailing: { readonly position: string; readonly time: string } | null;
  /** Events after the latest checkpoint, when the log leads to it: their removal cannot be seen yet. */
  readonly eventsAfterLatest: number | null;
}

export interface LogVerification extends Verification {
  /** Every finding, per-stream chain breaks included; `ok` is false when one is an error. */
  readonly findings: readonly Finding[];
  /** Events read from the log, all of them (`checkedEvents` stops at the first broken link). */
  readonly eventsInLog: number;
  /** The global chain's hash over the whole log, as read. */
  readonly globalHead: string;
  readonly checkpoints: CheckpointReport;
}

export interface LogVerificationOptions {
  readonly consecutivePositions: boolean;
  /** Trusted checkpoints and the findings about their files; none when no key is configured. */
  readonly checkpoints?: TrustedCheckpoints;
  /** Findings from elsewhere (the checkpointer's own state). */
  readonly findings?: readonly Finding[];
}

const anchorKey = (stream: string, revision: number) => `${revision}\u0000${stream}`;

/**
 * Reads the whole log once: the per-stream chains as before, the global chain, and each trusted
 * checkpoint's event found again by stream and revision, with the global chain as it stood there. A
 * log that no longer leads to the latest checkpoint is classified by what differs: fewer events
 * (truncation), the same events in another order, or other hashes under intact stream chains (a
 * rewrite whose hashes were recomputed).
 */
export async function verifyLog(store: EventStore, options: LogVerificationOptions): Promise<LogVerification> {
  const verifier = new ChainVerifier(options.consecutivePositions);
  const chain = new GlobalChain();
  const trusted = options.checkpoints?.trusted ?? [];
  const anchors = new Map<string, (typeof trusted)[number][]>();
  for (const c of trusted) anchors.set(anchorKey(c.last.stream, c.last.revision), [...(anchors.get(anchorKey(c.last.stream, c.last.revision)) ?? []), c]);
  const anchorStreams = new Set(trusted.map((c) => c.last.stream));
  const lastRevision = new Map<string, number>();
  const sightings = new Map<Checkpoint, Sighting>();
  let lastPosition: bigint | undefined;

  for await (const event of readEverything(store)) {
    verifier.check(event);
    chain.add(event);
    lastPosition = event.position;
    if (!anchorStreams.has(event.stream)) continue;
    lastRevision.set(event.stream, Math.max(event.revision, lastRevision.get(event.stream) ?? -1));
    const waiting = anchors.get(anchorKey(event.stream, event.revision));
    if (!waiting) continue;
    for (const c of waiting) {
      const hashMatches = event.metadata.hash === c.last.hash;
      const seen = sightings.get(c);
      if (!seen || (!seen.hashMatches && hashMatches)) sightings.set(c, { position: event.position, hashMatches, state: chain.state() });
    }
  }

  const base = verifier.result();
  const findings: Finding[] = [...(options.findings ?? []), ...(options.checkpoints?.findings ?? [])];
  if (base.firstBroken) {
    findings.unshift({
      code: 'stream-chain-broken',
      severity: 'error',
      kind: 'alteration',
      message: `the hash chain of ${base.firstBroken.stream} breaks at revision ${base.firstBroken.revision} (position ${base.firstBroken.position}): ${base.firstBroken.reason}`,
      details: { ...base.firstBroken },
    });
  }
  const judge = (c: Checkpoint): Finding | undefined => judgeAgainst(c, sightings.get(c), { count: chain.count, lastPosition, streamBroken: !!base.firstBroken, lastRevision: lastRevision.get(c.last.stream) });
  const judged = trusted.map((c) => ({ c, finding: judge(c) }));
  const latest = judged[judged.length - 1];
  if (!options.checkpoints) {
    findings.push({
      code: 'no-signed-checkpoint',
      severity: 'warning',
      kind: 'coverage',
      message: 'no checkpoint signing key is configured (AUDIT_SIGNING_KEY_FILE): there is no signed checkpoint, so removing the newest events, renumbering positions or recomputing the hashes cannot be detected',
    });
  } else if (!latest) {
    findings.push({
      code: 'no-signed-checkpoint',
      severity: 'warning',
      kind: 'coverage',
      message:
        chain.count === 0
          ? 'the log is empty: there is no signed checkpoint yet'
          : 'there is no signed checkpoint yet: removing the newest events, renumbering positions or recomputing the hashes cannot be detected until one is written',
    });
  } else if (latest.finding) {
    findings.push(latest.finding);
  }
  const lastMatching = [...judged].reverse().find((j) => !j.finding);
  const firstFailing = judged.find((j) => j.finding);
  const at = (c: Checkpoint | undefined) => (c ? { position: c.position, time: c.time } : null);
  return {
    ...base,
    ok: !base.firstBroken && !findings.some((f) => f.severity === 'error'),
    findings,
    eventsInLog: chain.count,
    globalHead: chain.head,
    checkpoints: {
      latest: latest
        ? { position: latest.c.position, count: latest.c.count, head: latest.c.head, time: latest.c.time, source: latest.c.source, matches: !latest.finding }
        : null,
      trusted: trusted.length,
      lastMatching: at(lastMatching?.c),
      firstFailing: at(firstFailing?.c),
      eventsAfterLatest: latest && !latest.finding ? chain.count - latest.c.count : latest ? null : chain.count,
    },
  };
}

function judgeAgainst(
  c: Checkpoint,
  seen: Sighting | undefined,
  log: { count: number; lastPosition: bigint | undefined; streamBroken: boolean; lastRevision: number | undefined },
): Finding | undefined {
  const checkpoint = { position: c.position, time: c.time };
  const signed = { position: c.position, count: c.count, head: c.head, stream: c.last.stream, revision: c.last.revision };
  const rewritten = (message: string, details: { [key: string]: JsonValue }): Finding =>
    log.streamBroken
      ? { code: 'checkpoint-hash-differs', severity: 'error', kind: 'alteration', message: `${message}; stream chains are broken too`, checkpoint, details }
      : { code: 'chain-recomputed', severity: 'error', kind: 'recomputation', message: `${message}, while every stream chain is intact: events were rewritten and their hashes recomputed`, checkpoint, details };
  if (!seen) {
    const endsBefore = log.count < c.count || log.lastPosition === undefined || log.lastPosition < BigInt(c.position);
    const details = { signed, eventsInLog: log.count, lastPosition: log.lastPosition?.toString() ?? null, streamEndsAt: log.lastRevision ?? null };
    return endsBefore
      ? { code: 'log-truncated', severity: 'error', kind: 'truncation', message: `the log ends before the checkpoint of ${c.time}: it holds ${log.count} events up to position ${details.lastPosition ?? 'none'}, the checkpoint covered ${c.count} through position ${c.position} (${c.last.stream} revision ${c.last.revision}, which is gone)`, checkpoint, details }
      : { code: 'events-removed', severity: 'error', kind: 'truncation', message: `the event the checkpoint of ${c.time} ends with (${c.last.stream} revision ${c.last.revision}) is gone, though the log goes on: events were removed`, checkpoint, details };
  }
  const found = { position: seen.position.toString(), count: seen.state.count, head: seen.state.head };
  if (!seen.hashMatches) return rewritten(`the checkpointed event ${c.last.stream} revision ${c.last.revision} no longer has the hash that was signed`, { signed, found });
  if (seen.state.count < c.count) {
    return { code: 'events-removed', severity: 'error', kind: 'truncation', message: `${c.count - seen.state.count} event(s) are missing before the checkpointed event${found.position !== c.position ? `, and the positions after them were renumbered (it is now at ${found.position})` : ''}`, checkpoint, details: { signed, found } };
  }
  if (seen.state.count > c.count) {
    return { code: 'events-inserted', severity: 'error', kind: 'insertion', message: `${seen.state.count - c.count} event(s) were inserted before the checkpointed event`, checkpoint, details: { signed, found } };
  }
  if (seen.state.head === c.head && found.position === c.position) return undefined;
  if (seen.state.events === c.events) {
    return { code: 'log-reordered', severity: 'error', kind: 'reordering', message: 'the log holds the same events as the checkpoint signed, in another global order', checkpoint, details: { signed, found } };
  }
  return rewritten('the global chain no longer leads to the signed head', { signed, found });
}
