/**
 * An in-process EventStoreDB/KurrentDB for tests: a gRPC server built from the service definitions
 * generated into @eventstore/db-client itself, so the real client talks to it over a real HTTP/2
 * connection.
 *
 * It keeps the server's semantics in memory: 0-based stream revisions; one global log whose
 * positions grow like byte offsets; every event a gRPC append writes is self-committed (commit =
 * prepare = its own log position: KurrentDB's AllReader reports a committed prepare at its own
 * position), while an explicit transaction of the old TCP client (writeTransaction) writes its
 * prepares first and a commit record last, so its events share the commit record's position and
 * differ by prepare position; $all is ordered by (commit, prepare); expected revision any /
 * no_stream / stream_exists / exact; idempotent appends (the same ids at the expected place answer
 * success with the first write's revision and position); stream reads that report the $all
 * position (22.10+); $all reads whose start position is inclusive, subscriptions whose start is
 * exclusive, a read from inside a record refused as an invalid position; the confirmation first,
 * server-side filters with checkpoints, `caughtUp` when catch-up reaches the end of the log
 * (23.10+). Like a fresh node, the log starts with a few system events.
 *
 * What a real cluster does and a single healthy node never shows is switched on by the test: more
 * nodes over the same log with gossip (addNode, electLeader); an election, during which every node
 * answers "not ready" (BatchAppend: an error status whose details are an Empty, which the 6.2.1
 * client surfaces as UnknownError, as Streams.BatchAppend.cs does; Append: UNAVAILABLE); a follower's
 * NotLeader (the BatchAppend call fails with the leader's endpoint, as the server throws it from its
 * completion callback); write timeouts before or after the write; a deadline checked against the
 * server's own clock (clockOffsetMs), answered Timeout at once when it has passed; an append
 * response without a position; subscriptions left open and silent (KurrentDB #5672); a limit of
 * concurrent HTTP/2 streams per connection (Kestrel's MaxStreamsPerConnection, #5682).
 *
 * With batchAppend (the default, as on 21.10+ servers) the client appends through
 * Streams.BatchAppend, otherwise through the client-streaming Streams.Append. Every service it does
 * not implement answers UNIMPLEMENTED, which the client tolerates.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { Status as RpcStatus } from '@eventstore/db-client/generated/status_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { ClusterInfo, EndPoint, MemberInfo } from '@eventstore/db-client/generated/gossip_pb';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';

export interface EsdbTestServerOptions {
  /** Advertise and serve Streams.BatchAppend, as EventStoreDB 21.10+ does (default true). */
  readonly batchAppend?: boolean;
  /** Largest append (data + metadata of all its events), as the server's MaxAppendSize (default 1 MiB). */
  readonly maxAppendSize?: number;
  /** Start the log with a few system events, as a fresh node does (default true). */
  readonly seedSystemEvents?: boolean;
  /** Concurrent HTTP/2 streams a connection may carry (Kestrel's default is 100); unlimited when absent. */
  readonly maxConcurrentStreams?: number;
  /** How long a write waits for its prepare and commit before it times out (the server's 2 s; default 2000). */
  readonly writeTimeoutMs?: number;
}

/** A (commit, prepare) pair as the server reports it. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

interface StoredEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly commit: bigint;
  readonly prepare: bigint;
  readonly created: bigint;
}

interface Proposed {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: number };

type AppendOutcome =
  | { readonly kind: 'success'; readonly revision: number; readonly position: LogPosition | undefined }
  | { readonly kind: 'wrong-expected-version'; readonly current: number | undefined }
  | { readonly kind: 'too-large'; readonly max: number }
  | { readonly kind: 'invalid'; readonly message: string };

/** What the next appends meet instead of a plain write. */
export type AppendFault = 'timeout-before-write' | 'timeout-after-write' | 'unknown';

interface EventFilter {
  readonly on: 'type' | 'stream';
  readonly regex?: RegExp;
  readonly prefixes: readonly string[];
  readonly checkpointEvery: number;
}

interface LiveSubscription {
  readonly call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>;
  readonly filter: EventFilter | undefined;
  readonly uuidAsString: boolean;
  cursor: number;
  scannedSinceCheckpoint: number;
  caughtUp: boolean;
  pumping: boolean;
  again: boolean;
  closed: boolean;
}

export type NodeRole = 'leader' | 'follower' | 'not-ready';

interface Node {
  readonly server: grpc.Server;
  readonly port: number;
  readonly instanceId: string;
  role: NodeRole;
  readonly subscriptions: Set<LiveSubscription>;
  readonly batchCalls: Set<grpc.ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>>;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Bytes a record takes in the log besides its payload, so positions look like file offsets. */
const RECORD_OVERHEAD = 96;
/**
 * A commit record of log format V2: record type, version and log position (10 bytes), transaction
 * position, first event number, sort key, correlation id and timestamp (48), framed by its length
 * before and after (8).
 */
export const COMMIT_RECORD_BYTES = 66;
const DEFAULT_SEARCH_WINDOW = 32;

const comparePositions = (a: LogPosition, b: LogPosition) =>
  a.commit === b.commit ? (a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1) : a.commit < b.commit ? -1 : 1;

export class EsdbTestServer {
  /** How often each append path was used, so a test can tell which one the client chose. */
  readonly calls = { append: 0, batchAppend: 0, read: 0, subscribe: 0, gossip: 0, notReady: 0, notLeader: 0, timeouts: 0 };
  /** Where each $all subscription asked to start: 'start', 'end' or the commit of an (exclusive) position. */
  readonly subscriptionStarts: (bigint | 'start' | 'end')[] = [];
  /** The same starts with their prepare positions. */
  readonly subscriptionStartPositions: (LogPosition | 'start' | 'end')[] = [];
  /** Every append's deadline as the server saw it: milliseconds left on its own clock (capped at the write timeout). */
  readonly appendTimeoutsMs: number[] = [];
  /** Milliseconds the server's clock runs ahead of the machine's (negative: behind). */
  clockOffsetMs = 0;
  /** Append answers without a position (servers before 20.x, or a lost position), so the client must read it back. */
  positionInAppendAnswer = true;

  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Every record's start in the log, so a read from inside one is refused as the server refuses it. */
  private readonly recordStarts = new Set<bigint>([0n]);
  private readonly nodes: Node[] = [];
  private readonly faults: AppendFault[] = [];
  private nextLogPosition = 0n;
  private stopped = false;

  private constructor(private readonly options: Required<Omit<EsdbTestServerOptions, 'maxConcurrentStreams'>> & { maxConcurrentStreams?: number }) {}

  static async start(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
    const instance = new EsdbTestServer({
      batchAppend: options.batchAppend ?? true,
      maxAppendSize: options.maxAppendSize ?? 1024 * 1024,
      seedSystemEvents: options.seedSystemEvents ?? true,
      writeTimeoutMs: options.writeTimeoutMs ?? 2000,
      maxConcurrentStreams: options.maxConcurrentStreams,
    });
    await instance.addNode('leader');
    if (instance.options.seedSystemEvents) {
      instance.appendSystemEvent('$users', '$UserCreated');
      instance.appendSystemEvent('$user-admin', '$user');
      instance.appendSystemEvent('$$$scavenges', '$metadata');
    }
    return instance;
  }

  /** The first node's port. */
  get port(): number {
    return this.nodes[0].port;
  }

  /** One node, no discovery. */
  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Every node as a gossip seed: the client discovers the leader, and again after each failure. */
  get clusterConnectionString(): string {
    return `esdb://${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}?tls=false&discoveryInterval=20&maxDiscoverAttempts=50&gossipTimeout=1`;
  }

  /** A further node over the same log (a follower unless told otherwise); returns its index. */
  async addNode(role: NodeRole = 'follower'): Promise<number> {
    const server = new grpc.Server(
      this.options.maxConcurrentStreams === undefined ? {} : { 'grpc.max_concurrent_streams': this.options.maxConcurrentStreams },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const node: Node = { server, port, instanceId: randomUUID(), role, subscriptions: new Set(), batchCalls: new Set() };
    this.nodes.push(node);
    this.register(node);
    return this.nodes.length - 1;
  }

  /** The nodes' roles, in order. */
  get roles(): NodeRole[] {
    return this.nodes.map((node) => node.role);
  }

  /** Every node stops taking writes and answers "not ready" until electLeader. */
  startElection(): void {
    for (const node of this.nodes) node.role = 'not-ready';
  }

  /**
   * The election's outcome: one leader, the others followers. A follower fails the BatchAppend calls
   * open on it with NotLeader (pending writes included), as the server does once it knows the leader.
   */
  electLeader(index: number): void {
    this.nodes.forEach((node, i) => {
      node.role = i === index ? 'leader' : 'follower';
    });
    for (const [i, node] of this.nodes.entries()) {
      if (i === index) continue;
      for (const call of [...node.batchCalls]) {
        node.batchCalls.delete(call);
        call.emit('error', this.notLeaderError());
      }
    }
  }

  /** The next appends meet these faults, one each, in order. */
  failNextAppends(...faults: AppendFault[]): void {
    this.faults.push(...faults);
  }

  /** Writes an event the way the server writes its own ($-prefixed type), e.g. between user events. */
  appendSystemEvent(stream = '$stats-127.0.0.1:2113', type = '$statsCollected'): void {
    const data = new TextEncoder().encode('{}');
    const outcome = this.appendNow(stream, { kind: 'any' }, [
      { id: randomUUID(), type, contentType: 'application/json', data, metadata: new Uint8Array() },
    ]);
    if (outcome.kind !== 'success') throw new Error(`system event not written: ${outcome.kind}`);
  }

  /** A user event written at once (self-committed), e.g. by another writer while a transaction is open. */
  writeEvent(stream: string, type: string): void {
    const data = new TextEncoder().encode(JSON.stringify({ type }));
    const outcome = this.appendNow(stream, { kind: 'any' }, [{ id: randomUUID(), type, contentType: 'application/json', data, metadata: new TextEncoder().encode('{}') }]);
    if (outcome.kind !== 'success') throw new Error(`event not written: ${outcome.kind}`);
  }

  /**
   * An explicit transaction of the old TCP client: its prepares are written first (not yet in $all),
   * `between` may write other events meanwhile, then one commit record makes them visible together,
   * all at the commit record's position and each at its own prepare position. Appended at the
   * stream's end; returns the commit position.
   */
  writeTransaction(stream: string, events: readonly { readonly type: string; readonly data?: object; readonly id?: string }[], between: () => void = () => undefined): bigint {
    const prepared = events.map((event) => {
      const proposed: Proposed = {
        id: event.id ?? randomUUID(),
        type: event.type,
        contentType: 'application/json',
        data: new TextEncoder().encode(JSON.stringify(event.data ?? {})),
        metadata: new TextEncoder().encode('{}'),
      };
      return { proposed, prepare: this.takeRecord(stream, proposed) };
    });
    between();
    const commit = this.nextLogPosition;
    this.nextLogPosition += BigInt(COMMIT_RECORD_BYTES);
    this.recordStarts.add(this.nextLogPosition);
    const existing = this.streams.get(stream) ?? [];
    const created = this.serverTicks();
    for (const { proposed, prepare } of prepared) {
      const stored: StoredEvent = { ...proposed, stream, revision: existing.length, commit, prepare, created };
      existing.push(stored);
      this.log.push(stored);
    }
    this.streams.set(stream, existing);
    this.pumpAll();
    return commit;
  }

  /**
   * Breaks every live $all subscription as a failing node or a proxy would: the call ends with
   * UNAVAILABLE after the messages already written. Returns how many were dropped.
   */
  dropSubscriptions(): number {
    const dropped = this.takeSubscriptions();
    for (const subscription of dropped) {
      subscription.call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'subscription dropped by the test server' });
    }
    return dropped.length;
  }

  /**
   * What a node shutting down does to its subscriptions (KurrentDB #5672): it drops them inside as
   * "unsubscribed" and sends nothing more, and the calls stay open, healthy-looking and silent.
   * Returns how many went silent.
   */
  silenceSubscriptions(): number {
    return this.takeSubscriptions().length;
  }

  /** Number of $all subscriptions currently served, on every node. */
  get liveSubscriptions(): number {
    return this.nodes.reduce((sum, node) => sum + node.subscriptions.size, 0);
  }

  /** The newest position in the log, system events included. */
  get headPosition(): LogPosition | undefined {
    const last = this.log.at(-1);
    return last && { commit: last.commit, prepare: last.prepare };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const node of this.nodes) {
      for (const subscription of node.subscriptions) subscription.closed = true;
      node.subscriptions.clear();
      node.server.forceShutdown();
    }
  }

  private takeSubscriptions(): LiveSubscription[] {
    const taken: LiveSubscription[] = [];
    for (const node of this.nodes) {
      for (const subscription of node.subscriptions) {
        subscription.closed = true;
        taken.push(subscription);
      }
      node.subscriptions.clear();
    }
    return taken;
  }

  private serverTicks(): bigint {
    return BigInt(Date.now() + this.clockOffsetMs) * 10_000n;
  }

  private get leader(): Node | undefined {
    return this.nodes.find((node) => node.role === 'leader');
  }

  private notLeaderError(): Partial<grpc.StatusObject> {
    const leader = this.leader;
    const metadata = new grpc.Metadata();
    metadata.set('exception', 'not-leader');
    metadata.set('leader-endpoint-host', '127.0.0.1');
    metadata.set('leader-endpoint-port', String(leader?.port ?? 0));
    return { code: grpc.status.NOT_FOUND, details: 'Leader info available', metadata };
  }

  private register(node: Node): void {
    const unimplemented = (name: string) => (_call: unknown, callback: grpc.sendUnaryData<never>) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the test server` });
    node.server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>) => this.read(node, call),
      append: (call: grpc.ServerReadableStream<streams.AppendReq, streams.AppendResp>, callback: grpc.sendUnaryData<streams.AppendResp>) =>
        this.append(node, call, callback),
      delete: unimplemented('Streams.Delete'),
      tombstone: unimplemented('Streams.Tombstone'),
      batchAppend: (call: grpc.ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>) => {
        if (!this.options.batchAppend) {
          call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'BatchAppend is switched off' });
          return;
        }
        this.batchAppend(node, call);
      },
    });
    node.server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) => {
        const methods = new SupportedMethods();
        methods.setEventStoreServerVersion('25.1.4-in-process');
        const names = ['read', 'append', ...(this.options.batchAppend ? ['batchappend'] : [])];
        methods.setMethodsList(
          names.map((name) => {
            const method = new SupportedMethod();
            method.setServiceName('event_store.client.streams.streams');
            method.setMethodName(name);
            if (name === 'read') method.setFeaturesList(['position', 'events']);
            return method;
          }),
        );
        callback(null, methods);
      },
    });
    node.server.addService(GossipService, {
      read: (_call: unknown, callback: grpc.sendUnaryData<ClusterInfo>) => {
        this.calls.gossip += 1;
        const info = new ClusterInfo();
        info.setMembersList(
          this.nodes.map((member) => {
            const endpoint = new EndPoint();
            endpoint.setAddress('127.0.0.1');
            endpoint.setPort(member.port);
            const state = { leader: MemberInfo.VNodeState.LEADER, follower: MemberInfo.VNodeState.FOLLOWER, 'not-ready': MemberInfo.VNodeState.PRELEADER }[member.role];
            const info = new MemberInfo();
            info.setInstanceId(uuidMessage(member.instanceId, true));
            info.setTimeStamp(String(this.serverTicks()));
            info.setState(state);
            info.setIsAlive(true);
            info.setHttpEndPoint(endpoint);
            return info;
          }),
        );
        callback(null, info);
      },
    });
  }

  // ---- Streams.Read -------------------------------------------------------------------------

  private read(node: Node, call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read options are required' });
      return;
    }
    const requiresLeader = call.metadata.get('requires-leader')[0] === 'true';
    if (requiresLeader && node.role !== 'leader') {
      call.emit('error', node.role === 'not-ready' ? { code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' } : this.notLeaderError());
      return;
    }
    const uuidAsString = options.getUuidOption()?.hasString() ?? false;
    let filter: EventFilter | undefined;
    try {
      filter = toFilter(options);
    } catch (error) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
      return;
    }
    const all = options.getAll();
    const from = all?.hasPosition() ? toLogPosition(all.getPosition()!) : undefined;
    if (from && !this.recordStarts.has(from.commit) && from.commit !== this.nextLogPosition) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'Trying to read from an invalid position.' });
      return;
    }
    if (options.hasSubscription()) {
      if (!all) {
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'stream subscriptions are not implemented' });
        return;
      }
      this.subscribeToAll(node, call, all, filter, uuidAsString);
      return;
    }
    this.calls.read += 1;
    const count = clampCount(options.getCount());
    const backwards = options.getReadDirection() === streams.ReadReq.Options.ReadDirection.BACKWARDS;
    const stream = options.getStream();
    const selected: StoredEvent[] = [];
    if (stream) {
      const name = streamName(stream.getStreamIdentifier());
      const events = this.streams.get(name);
      if (!events) {
        const notFound = new streams.ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(streamIdentifier(name));
        const response = new streams.ReadResp();
        response.setStreamNotFound(notFound);
        call.write(response);
        call.end();
        return;
      }
      if (backwards) {
        let from = events.length - 1;
        if (stream.hasRevision()) from = Math.min(Number(stream.getRevision()), events.length - 1);
        else if (stream.hasStart()) from = Math.min(0, events.length - 1);
        for (let i = from; i >= 0 && selected.length < count; i -= 1) selected.push(events[i]);
      } else {
        let from = 0;
        if (stream.hasRevision()) from = Number(stream.getRevision());
        else if (stream.hasEnd()) from = events.length;
        for (let i = from; i < events.length && selected.length < count; i += 1) selected.push(events[i]);
      }
    } else {
      if (!all) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'a read needs a stream or $all' });
        return;
      }
      if (backwards) {
        // Backwards from a position gives the events before it; from the end, the last event first.
        let start = this.log.length - 1;
        if (from) start = this.firstIndexFrom(from) - 1;
        else if (all.hasStart()) start = -1;
        for (let i = start; i >= 0 && selected.length < count; i -= 1) {
          if (matches(filter, this.log[i])) selected.push(this.log[i]);
        }
      } else {
        // Forwards from a position includes the event at that position.
        let start = 0;
        if (from) start = this.firstIndexFrom(from);
        else if (all.hasEnd()) start = this.log.length;
        for (let i = start; i < this.log.length && selected.length < count; i += 1) {
          if (matches(filter, this.log[i])) selected.push(this.log[i]);
        }
      }
    }
    void this.writeAll(call, selected.map((event) => eventResponse(event, uuidAsString))).then((open) => {
      if (open) call.end();
    });
  }

  private subscribeToAll(
    node: Node,
    call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>,
    all: streams.ReadReq.Options.AllOptions,
    filter: EventFilter | undefined,
    uuidAsString: boolean,
  ): void {
    this.calls.subscribe += 1;
    let cursor = 0;
    // A subscription's start position is exclusive: it delivers what comes after it.
    if (all.hasPosition()) {
      const position = toLogPosition(all.getPosition()!);
      cursor = this.firstIndexAfter(position);
      this.subscriptionStarts.push(position.commit);
      this.subscriptionStartPositions.push(position);
    } else if (all.hasEnd()) {
      cursor = this.log.length;
      this.subscriptionStarts.push('end');
      this.subscriptionStartPositions.push('end');
    } else {
      this.subscriptionStarts.push('start');
      this.subscriptionStartPositions.push('start');
    }
    const subscription: LiveSubscription = {
      call,
      filter,
      uuidAsString,
      cursor,
      scannedSinceCheckpoint: 0,
      caughtUp: false,
      pumping: false,
      again: false,
      closed: false,
    };
    const close = () => {
      subscription.closed = true;
      node.subscriptions.delete(subscription);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    node.subscriptions.add(subscription);
    const confirmation = new streams.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    const response = new streams.ReadResp();
    response.setConfirmation(confirmation);
    call.write(response);
    void this.pump(subscription);
  }

  private pumpAll(): void {
    for (const node of this.nodes) for (const subscription of node.subscriptions) void this.pump(subscription);
  }

  /** Sends a subscription everything from its cursor to the end of the log, one pump at a time. */
  private async pump(subscription: LiveSubscription): Promise<void> {
    if (subscription.pumping) {
      subscription.again = true;
      return;
    }
    subscription.pumping = true;
    try {
      do {
        subscription.again = false;
        while (!subscription.closed && subscription.cursor < this.log.length) {
          const event = this.log[subscription.cursor];
          subscription.cursor += 1;
          let response: streams.ReadResp | undefined;
          if (matches(subscription.filter, event)) {
            response = eventResponse(event, subscription.uuidAsString);
            subscription.scannedSinceCheckpoint = 0;
          } else if (subscription.filter) {
            subscription.scannedSinceCheckpoint += 1;
            if (subscription.scannedSinceCheckpoint >= subscription.filter.checkpointEvery) {
              subscription.scannedSinceCheckpoint = 0;
              const checkpoint = new streams.ReadResp.Checkpoint();
              checkpoint.setCommitPosition(String(event.commit));
              checkpoint.setPreparePosition(String(event.prepare));
              response = new streams.ReadResp();
              response.setCheckpoint(checkpoint);
            }
          }
          if (response && !(await this.writeAll(subscription.call, [response], () => subscription.closed))) return;
        }
        // Once, when the catch-up has reached the end of the log: from then on it is live.
        if (!subscription.closed && !subscription.caughtUp) {
          subscription.caughtUp = true;
          const response = new streams.ReadResp();
          response.setCaughtUp(new streams.ReadResp.CaughtUp());
          if (!(await this.writeAll(subscription.call, [response], () => subscription.closed))) return;
        }
      } while (subscription.again && !subscription.closed);
    } finally {
      subscription.pumping = false;
    }
  }

  /** Writes with backpressure; false once the call is gone. */
  private async writeAll(
    call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>,
    responses: readonly streams.ReadResp[],
    closed: () => boolean = () => false,
  ): Promise<boolean> {
    for (const response of responses) {
      if (closed() || call.cancelled || call.destroyed || call.writableEnded) return false;
      if (!call.write(response)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            call.off('drain', done);
            call.off('close', done);
            call.off('cancelled', done);
            resolve();
          };
          call.on('drain', done);
          call.on('close', done);
          call.on('cancelled', done);
        });
      }
    }
    return !(closed() || call.cancelled || call.destroyed || call.writableEnded);
  }

  // ---- Streams.Append and Streams.BatchAppend ------------------------------------------------

  /**
   * A write as the server's writer handles it: refused unhandled by a node that is not the leader,
   * or meeting the next planned fault; the timeout is min(what the client's deadline leaves on this
   * server's clock, the write timeout), answered at once when nothing is left.
   */
  private async write(node: Node, stream: string, expected: Expected, proposed: readonly Proposed[], timeoutMs: number): Promise<AppendOutcome | 'not-ready' | 'not-leader' | 'timeout' | 'unknown'> {
    if (node.role === 'not-ready') {
      this.calls.notReady += 1;
      return 'not-ready';
    }
    if (node.role === 'follower') {
      this.calls.notLeader += 1;
      return 'not-leader';
    }
    this.appendTimeoutsMs.push(timeoutMs);
    if (timeoutMs <= 0) {
      this.calls.timeouts += 1;
      return 'timeout';
    }
    const fault = this.faults.shift();
    if (fault === 'unknown') return 'unknown';
    if (fault === 'timeout-before-write' || fault === 'timeout-after-write') {
      if (fault === 'timeout-after-write') this.appendNow(stream, expected, proposed);
      await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, this.options.writeTimeoutMs)));
      this.calls.timeouts += 1;
      return 'timeout';
    }
    return this.appendNow(stream, expected, proposed);
  }

  private append(
    node: Node,
    call: grpc.ServerReadableStream<streams.AppendReq, streams.AppendResp>,
    callback: grpc.sendUnaryData<streams.AppendResp>,
  ): void {
    this.calls.append += 1;
    let options: streams.AppendReq.Options | undefined;
    const proposed: streams.AppendReq.ProposedMessage[] = [];
    call.on('data', (request: streams.AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      else if (request.hasProposedMessage()) proposed.push(request.getProposedMessage()!);
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (!options) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'the first append message carries the options' });
        return;
      }
      let expected: Expected = { kind: 'any' };
      if (options.hasRevision()) expected = { kind: 'revision', revision: Number(options.getRevision()) };
      else if (options.hasNoStream()) expected = { kind: 'no_stream' };
      else if (options.hasStreamExists()) expected = { kind: 'stream_exists' };
      const stream = streamName(options.getStreamIdentifier());
      // Streams.Append's deadline is the call's own (relative on the wire): only the write timeout applies.
      void this.write(node, stream, expected, proposed.map(toProposed), this.options.writeTimeoutMs).then((outcome) => {
        if (outcome === 'not-ready') return callback({ code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' });
        if (outcome === 'not-leader') return callback(this.notLeaderError());
        if (outcome === 'timeout') return callback({ code: grpc.status.ABORTED, details: 'Operation timed out: CommitTimeout' });
        if (outcome === 'unknown') return callback({ code: grpc.status.UNKNOWN, details: 'Unexpected OperationResult: 255' });
        const response = new streams.AppendResp();
        switch (outcome.kind) {
          case 'success': {
            const success = new streams.AppendResp.Success();
            if (outcome.revision < 0) success.setNoStream(new shared.Empty());
            else success.setCurrentRevision(String(outcome.revision));
            if (outcome.position === undefined || !this.positionInAppendAnswer) success.setNoPosition(new shared.Empty());
            else {
              const position = new streams.AppendResp.Position();
              position.setCommitPosition(String(outcome.position.commit));
              position.setPreparePosition(String(outcome.position.prepare));
              success.setPosition(position);
            }
            response.setSuccess(success);
            return callback(null, response);
          }
          case 'wrong-expected-version': {
            const wrong = new streams.AppendResp.WrongExpectedVersion();
            if (outcome.current === undefined) wrong.setCurrentNoStream(new shared.Empty());
            else wrong.setCurrentRevision(String(outcome.current));
            if (expected.kind === 'revision') wrong.setExpectedRevision(String(expected.revision));
            else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new shared.Empty());
            else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new shared.Empty());
            else wrong.setExpectedAny(new shared.Empty());
            response.setWrongExpectedVersion(wrong);
            return callback(null, response);
          }
          case 'too-large': {
            const metadata = new grpc.Metadata();
            metadata.set('exception', 'maximum-append-size-exceeded');
            metadata.set('maximum-append-size', String(outcome.max));
            return callback({ code: grpc.status.INVALID_ARGUMENT, details: `Maximum Append Size of ${outcome.max} Exceeded.`, metadata });
          }
          case 'invalid':
            return callback({ code: grpc.status.INVALID_ARGUMENT, details: outcome.message });
        }
      });
    });
  }

  private batchAppend(node: Node, call: grpc.ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>): void {
    this.calls.batchAppend += 1;
    node.batchCalls.add(call);
    const pending = new Map<string, { options?: streams.BatchAppendReq.Options; messages: streams.BatchAppendReq.ProposedMessage[] }>();
    call.on('data', (request: streams.BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      const key = correlation ? uuidOf(correlation) ?? '' : '';
      const entry = pending.get(key) ?? { messages: [] };
      if (request.hasOptions()) entry.options = request.getOptions();
      entry.messages.push(...request.getProposedMessagesList());
      pending.set(key, entry);
      if (!request.getIsFinal()) return;
      pending.delete(key);
      void this.batchAppendResponse(node, correlation, entry.options, entry.messages).then((response) => {
        if (response === 'not-leader') {
          // The server throws NotLeader from its completion callback: the whole call fails with it.
          node.batchCalls.delete(call);
          call.emit('error', this.notLeaderError());
          return;
        }
        if (!call.cancelled && !call.destroyed && !call.writableEnded) call.write(response);
      });
    });
    const forget = () => node.batchCalls.delete(call);
    call.on('end', () => {
      forget();
      call.end();
    });
    call.on('cancelled', forget);
    call.on('error', forget);
  }

  private async batchAppendResponse(
    node: Node,
    correlation: shared.UUID | undefined,
    options: streams.BatchAppendReq.Options | undefined,
    messages: readonly streams.BatchAppendReq.ProposedMessage[],
  ): Promise<streams.BatchAppendResp | 'not-leader'> {
    const response = new streams.BatchAppendResp();
    response.setCorrelationId(correlation);
    if (!options) {
      response.setError(rpcStatus(Code.INVALID_ARGUMENT, 'the first message of a batch carries the options'));
      return response;
    }
    const stream = streamName(options.getStreamIdentifier());
    response.setStreamIdentifier(streamIdentifier(stream));
    let expected: Expected = { kind: 'any' };
    if (options.hasStreamPosition()) {
      expected = { kind: 'revision', revision: Number(options.getStreamPosition()) };
      response.setStreamPosition(options.getStreamPosition());
    } else if (options.hasNoStream()) {
      expected = { kind: 'no_stream' };
      response.setNoStream(new GoogleEmpty());
    } else if (options.hasStreamExists()) {
      expected = { kind: 'stream_exists' };
      response.setStreamExists(new GoogleEmpty());
    } else response.setAny(new GoogleEmpty());
    // The 6.2.1 client sends an absolute deadline (its clock + 10 s), read against this server's clock.
    const deadline = options.getDeadline();
    const left = deadline ? deadline.toDate().getTime() - (Date.now() + this.clockOffsetMs) : Number.POSITIVE_INFINITY;
    const outcome = await this.write(node, stream, expected, messages.map(toProposed), Math.min(left, this.options.writeTimeoutMs));
    if (outcome === 'not-leader') return outcome;
    if (outcome === 'not-ready') {
      // Streams.BatchAppend.cs: NotHandled(NotReady) becomes an error whose details are an Empty.
      response.setError(rpcStatus(Code.UNKNOWN, 'Server Is Not Ready', new GoogleEmpty(), 'google.protobuf.Empty'));
      return response;
    }
    if (outcome === 'timeout') {
      response.setError(rpcStatus(Code.DEADLINE_EXCEEDED, 'Timeout', new shared.Timeout(), 'event_store.client.Timeout'));
      return response;
    }
    if (outcome === 'unknown') {
      response.setError(rpcStatus(Code.UNKNOWN, 'Unknown', new shared.Unknown(), 'event_store.client.Unknown'));
      return response;
    }
    switch (outcome.kind) {
      case 'success': {
        const success = new streams.BatchAppendResp.Success();
        if (outcome.revision < 0) success.setNoStream(new GoogleEmpty());
        else success.setCurrentRevision(String(outcome.revision));
        if (outcome.position === undefined || !this.positionInAppendAnswer) success.setNoPosition(new GoogleEmpty());
        else {
          const position = new shared.AllStreamPosition();
          position.setCommitPosition(String(outcome.position.commit));
          position.setPreparePosition(String(outcome.position.prepare));
          success.setPosition(position);
        }
        response.setSuccess(success);
        return response;
      }
      case 'wrong-expected-version': {
        const wrong = new shared.WrongExpectedVersion();
        if (outcome.current === undefined) wrong.setCurrentNoStream(new GoogleEmpty());
        else wrong.setCurrentStreamRevision(String(outcome.current));
        if (expected.kind === 'revision') wrong.setExpectedStreamPosition(String(expected.revision));
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new GoogleEmpty());
        else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new GoogleEmpty());
        else wrong.setExpectedAny(new GoogleEmpty());
        response.setError(rpcStatus(Code.ALREADY_EXISTS, 'WrongExpectedVersion', wrong, 'event_store.client.WrongExpectedVersion'));
        return response;
      }
      case 'too-large': {
        const exceeded = new shared.MaximumAppendSizeExceeded();
        exceeded.setMaxappendsize(outcome.max);
        response.setError(
          rpcStatus(Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', exceeded, 'event_store.client.MaximumAppendSizeExceeded'),
        );
        return response;
      }
      case 'invalid':
        response.setError(rpcStatus(Code.INVALID_ARGUMENT, outcome.message));
        return response;
    }
  }

  /** A prepare record's place in the log; returns its position. */
  private takeRecord(stream: string, event: Proposed): bigint {
    const position = this.nextLogPosition;
    this.nextLogPosition += BigInt(
      RECORD_OVERHEAD + Buffer.byteLength(stream) + Buffer.byteLength(event.type) + event.data.length + event.metadata.length,
    );
    this.recordStarts.add(this.nextLogPosition);
    return position;
  }

  /**
   * The write itself, atomic because it runs in one turn of the event loop. Idempotency follows
   * EventStoreDB: with an exact expected revision (no_stream being -1) older than the stream, the
   * append is a repeat when the events right after that revision carry the proposed ids in order;
   * with any / stream_exists, when the first proposed id is in the stream and the others follow it.
   * A partial match is a wrong expected version, as on the server.
   */
  private appendNow(stream: string, expected: Expected, proposed: readonly Proposed[]): AppendOutcome {
    if (!stream) return { kind: 'invalid', message: 'the stream name is empty' };
    for (const event of proposed) {
      if (!UUID_PATTERN.test(event.id)) return { kind: 'invalid', message: `event id ${event.id} is not a UUID` };
      if (!event.type) return { kind: 'invalid', message: 'an event needs a type' };
    }
    const size = proposed.reduce((sum, event) => sum + event.data.length + event.metadata.length, 0);
    if (size > this.options.maxAppendSize) return { kind: 'too-large', max: this.options.maxAppendSize };
    const events = this.streams.get(stream) ?? [];
    const current = events.length - 1;
    const currentOrNone = current < 0 ? undefined : current;
    const positionOf = (event: StoredEvent): LogPosition => ({ commit: event.commit, prepare: event.prepare });
    const repeatAt = (first: number): AppendOutcome | undefined => {
      if (first < 0 || first + proposed.length > events.length) return undefined;
      if (!proposed.every((event, i) => events[first + i].id === event.id)) return undefined;
      const last = events[first + proposed.length - 1];
      return { kind: 'success', revision: last.revision, position: positionOf(last) };
    };
    if (expected.kind === 'revision' || expected.kind === 'no_stream') {
      const revision = expected.kind === 'no_stream' ? -1 : expected.revision;
      if (revision > current) return { kind: 'wrong-expected-version', current: currentOrNone };
      if (revision < current) {
        if (proposed.length === 0) return { kind: 'wrong-expected-version', current: currentOrNone };
        return repeatAt(revision + 1) ?? { kind: 'wrong-expected-version', current: currentOrNone };
      }
    } else {
      if (expected.kind === 'stream_exists' && current < 0) return { kind: 'wrong-expected-version', current: undefined };
      if (proposed.length > 0) {
        const first = events.findIndex((event) => event.id === proposed[0].id);
        if (first >= 0) return repeatAt(first) ?? { kind: 'wrong-expected-version', current: currentOrNone };
      }
    }
    if (proposed.length === 0) {
      const last = events.at(-1);
      return { kind: 'success', revision: current, position: last && positionOf(last) };
    }
    const created = this.serverTicks();
    let last: StoredEvent | undefined;
    for (const event of proposed) {
      // Self-committed: the event's commit and prepare positions are its own record's.
      const position = this.takeRecord(stream, event);
      last = { ...event, stream, revision: events.length, commit: position, prepare: position, created };
      events.push(last);
      this.log.push(last);
    }
    this.streams.set(stream, events);
    this.pumpAll();
    return { kind: 'success', revision: last!.revision, position: positionOf(last!) };
  }

  /** Index of the first event at or after a position, in (commit, prepare) order. */
  private firstIndexFrom(position: LogPosition): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comparePositions(this.log[middle], position) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first event strictly after a position. */
  private firstIndexAfter(position: LogPosition): number {
    const index = this.firstIndexFrom(position);
    return index < this.log.length && comparePositions(this.log[index], position) === 0 ? index + 1 : index;
  }
}

function toLogPosition(position: streams.ReadReq.Options.Position): LogPosition {
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}

function toFilter(options: streams.ReadReq.Options): EventFilter | undefined {
  const filter = options.getFilter();
  if (!filter) return undefined;
  const on = filter.hasEventType() ? 'type' : 'stream';
  const expression = filter.hasEventType() ? filter.getEventType() : filter.getStreamIdentifier();
  if (!expression) throw new Error('a filter needs an expression');
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    on,
    regex: expression.getRegex() ? new RegExp(expression.getRegex()) : undefined,
    prefixes: expression.getPrefixList(),
    checkpointEvery: Math.max(1, filter.getCheckpointintervalmultiplier()) * window,
  };
}

function matches(filter: EventFilter | undefined, event: StoredEvent): boolean {
  if (!filter) return true;
  const subject = filter.on === 'type' ? event.type : event.stream;
  if (filter.regex && !filter.regex.test(subject)) return false;
  if (filter.prefixes.length > 0 && !filter.prefixes.some((prefix) => subject.startsWith(prefix))) return false;
  return true;
}

function clampCount(count: string): number {
  if (!count) return Number.MAX_SAFE_INTEGER;
  const value = BigInt(count);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

function streamName(identifier: shared.StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function streamIdentifier(name: string): shared.StreamIdentifier {
  const identifier = new shared.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
}

function uuidOf(uuid: shared.UUID | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())), 0);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())), 8);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  // The server parses ids as GUIDs and always answers them in lower case.
  return uuid.getString().toLowerCase();
}

function uuidMessage(id: string, asString: boolean): shared.UUID {
  const uuid = new shared.UUID();
  if (asString) {
    uuid.setString(id);
    return uuid;
  }
  const bytes = Buffer.from(id.replace(/-/g, ''), 'hex');
  const structured = new shared.UUID.Structured();
  structured.setMostSignificantBits(BigInt.asIntN(64, bytes.readBigUInt64BE(0)).toString());
  structured.setLeastSignificantBits(BigInt.asIntN(64, bytes.readBigUInt64BE(8)).toString());
  uuid.setStructured(structured);
  return uuid;
}

function toProposed(message: streams.AppendReq.ProposedMessage | streams.BatchAppendReq.ProposedMessage): Proposed {
  const metadata = message.getMetadataMap();
  return {
    id: uuidOf(message.getId()) ?? '',
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function eventResponse(event: StoredEvent, uuidAsString: boolean): streams.ReadResp {
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(event.id, uuidAsString));
  recorded.setStreamIdentifier(streamIdentifier(event.stream));
  recorded.setStreamRevision(String(event.revision));
  recorded.setCommitPosition(String(event.commit));
  recorded.setPreparePosition(String(event.prepare));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', String(event.created));
  recorded.setData(event.data);
  recorded.setCustomMetadata(event.metadata);
  const read = new streams.ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(String(event.commit));
  const response = new streams.ReadResp();
  response.setEvent(read);
  return response;
}

function rpcStatus(code: Code, message: string, detail?: { serializeBinary(): Uint8Array }, typeName?: string): RpcStatus {
  const status = new RpcStatus();
  status.setCode(code);
  status.setMessage(message);
  if (detail && typeName) {
    const any = new Any();
    any.pack(detail.serializeBinary(), typeName);
    status.setDetails(any);
  }
  return status;
}
