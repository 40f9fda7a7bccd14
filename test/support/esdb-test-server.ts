/**
 * An in-process EventStoreDB for tests: a gRPC server built from the service definitions generated
 * into @eventstore/db-client itself, so the real client talks to it over a real HTTP/2 connection.
 *
 * It keeps EventStoreDB's documented semantics in memory: 0-based stream revisions; one global log
 * whose positions grow like byte offsets, each event self-committed (commit = prepare = its log
 * position, as for every event a gRPC append writes since 20.x); expected revision any / no_stream /
 * stream_exists / exact; idempotent appends (the same ids at the expected place answer success with
 * the first write's revision and position); stream reads that report the $all position (22.10+);
 * $all reads whose start position is inclusive; $all subscriptions whose start position is
 * exclusive, with the confirmation first, server-side filters with checkpoints, and `caughtUp` when
 * the subscription turns live (23.10+). Like a fresh node, the log starts with a few system events.
 *
 * What the client calls on connect for `esdb://host:port?tls=false` (one host, no discovery) is only
 * ServerFeatures.GetSupportedMethods; with `batchAppend` (the default, as on 21.10+ servers) the
 * client appends through Streams.BatchAppend, otherwise through the client-streaming Streams.Append.
 * Every other service answers UNIMPLEMENTED, which the client tolerates.
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

export interface EsdbTestServerOptions {
  /** Advertise and serve Streams.BatchAppend, as EventStoreDB 21.10+ does (default true). */
  readonly batchAppend?: boolean;
  /** Largest append (data + metadata of all its events), as the server's MaxAppendSize (default 1 MiB). */
  readonly maxAppendSize?: number;
  /** Start the log with a few system events, as a fresh node does (default true). */
  readonly seedSystemEvents?: boolean;
}

interface StoredEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly position: bigint;
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
  | { readonly kind: 'success'; readonly revision: number; readonly position: bigint | undefined }
  | { readonly kind: 'wrong-expected-version'; readonly current: number | undefined }
  | { readonly kind: 'too-large'; readonly max: number }
  | { readonly kind: 'invalid'; readonly message: string };

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

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Bytes a record takes in the log besides its payload, so positions look like file offsets. */
const RECORD_OVERHEAD = 96;
const DEFAULT_SEARCH_WINDOW = 32;

export class EsdbTestServer {
  /** How often each append path was used, so a test can tell which one the client chose. */
  readonly calls = { append: 0, batchAppend: 0, read: 0, subscribe: 0 };
  /** Where each $all subscription asked to start: 'start', 'end' or an (exclusive) commit position. */
  readonly subscriptionStarts: (bigint | 'start' | 'end')[] = [];

  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly subscriptions = new Set<LiveSubscription>();
  private nextLogPosition = 0n;
  private stopped = false;

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
    private readonly options: Required<EsdbTestServerOptions>,
  ) {}

  static async start(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
    const resolved: Required<EsdbTestServerOptions> = {
      batchAppend: options.batchAppend ?? true,
      maxAppendSize: options.maxAppendSize ?? 1024 * 1024,
      seedSystemEvents: options.seedSystemEvents ?? true,
    };
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const instance = new EsdbTestServer(server, port, resolved);
    instance.register();
    if (resolved.seedSystemEvents) {
      instance.appendSystemEvent('$users', '$UserCreated');
      instance.appendSystemEvent('$user-admin', '$user');
      instance.appendSystemEvent('$$$scavenges', '$metadata');
    }
    return instance;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Writes an event the way the server writes its own ($-prefixed type), e.g. between user events. */
  appendSystemEvent(stream = '$stats-127.0.0.1:2113', type = '$statsCollected'): void {
    const data = new TextEncoder().encode('{}');
    const outcome = this.appendNow(stream, { kind: 'any' }, [
      { id: randomUUID(), type, contentType: 'application/json', data, metadata: new Uint8Array() },
    ]);
    if (outcome.kind !== 'success') throw new Error(`system event not written: ${outcome.kind}`);
  }

  /**
   * Breaks every live $all subscription as a failing node or a proxy would: the call ends with
   * UNAVAILABLE after the messages already written. Returns how many were dropped.
   */
  dropSubscriptions(): number {
    const dropped = [...this.subscriptions];
    for (const subscription of dropped) {
      subscription.closed = true;
      this.subscriptions.delete(subscription);
      subscription.call.emit('error', {
        code: grpc.status.UNAVAILABLE,
        details: 'subscription dropped by the test server',
      });
    }
    return dropped.length;
  }

  /** Number of $all subscriptions currently served. */
  get liveSubscriptions(): number {
    return this.subscriptions.size;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const subscription of this.subscriptions) subscription.closed = true;
    this.subscriptions.clear();
    this.server.forceShutdown();
  }

  private register(): void {
    const unimplemented = (name: string) => (_call: unknown, callback: grpc.sendUnaryData<never>) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the test server` });
    this.server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>) => this.read(call),
      append: (call: grpc.ServerReadableStream<streams.AppendReq, streams.AppendResp>, callback: grpc.sendUnaryData<streams.AppendResp>) =>
        this.append(call, callback),
      delete: unimplemented('Streams.Delete'),
      tombstone: unimplemented('Streams.Tombstone'),
      batchAppend: (call: grpc.ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>) => {
        if (!this.options.batchAppend) {
          call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'BatchAppend is switched off' });
          return;
        }
        this.batchAppend(call);
      },
    });
    this.server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) => {
        const methods = new SupportedMethods();
        methods.setEventStoreServerVersion('24.10.0-in-process');
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
  }

  // ---- Streams.Read -------------------------------------------------------------------------

  private read(call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read options are required' });
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
    if (options.hasSubscription()) {
      const all = options.getAll();
      if (!all) {
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'stream subscriptions are not implemented' });
        return;
      }
      this.subscribeToAll(call, all, filter, uuidAsString);
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
      const all = options.getAll();
      if (!all) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'a read needs a stream or $all' });
        return;
      }
      if (backwards) {
        // Backwards from a position gives the events before it; from the end, the last event first.
        let from = this.log.length - 1;
        if (all.hasPosition()) from = this.firstIndexFrom(BigInt(all.getPosition()!.getCommitPosition())) - 1;
        else if (all.hasStart()) from = -1;
        for (let i = from; i >= 0 && selected.length < count; i -= 1) {
          if (matches(filter, this.log[i])) selected.push(this.log[i]);
        }
      } else {
        // Forwards from a position includes the event at that position.
        let from = 0;
        if (all.hasPosition()) from = this.firstIndexFrom(BigInt(all.getPosition()!.getCommitPosition()));
        else if (all.hasEnd()) from = this.log.length;
        for (let i = from; i < this.log.length && selected.length < count; i += 1) {
          if (matches(filter, this.log[i])) selected.push(this.log[i]);
        }
      }
    }
    void this.writeAll(call, selected.map((event) => eventResponse(event, uuidAsString))).then((open) => {
      if (open) call.end();
    });
  }

  private subscribeToAll(
    call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>,
    all: streams.ReadReq.Options.AllOptions,
    filter: EventFilter | undefined,
    uuidAsString: boolean,
  ): void {
    this.calls.subscribe += 1;
    let cursor = 0;
    // A subscription's start position is exclusive: it delivers what comes after it.
    if (all.hasPosition()) {
      const position = BigInt(all.getPosition()!.getCommitPosition());
      cursor = this.firstIndexAfter(position);
      this.subscriptionStarts.push(position);
    } else if (all.hasEnd()) {
      cursor = this.log.length;
      this.subscriptionStarts.push('end');
    } else this.subscriptionStarts.push('start');
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
      this.subscriptions.delete(subscription);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    this.subscriptions.add(subscription);
    const confirmation = new streams.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    const response = new streams.ReadResp();
    response.setConfirmation(confirmation);
    call.write(response);
    void this.pump(subscription);
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
              checkpoint.setCommitPosition(String(event.position));
              checkpoint.setPreparePosition(String(event.position));
              response = new streams.ReadResp();
              response.setCheckpoint(checkpoint);
            }
          }
          if (response && !(await this.writeAll(subscription.call, [response], () => subscription.closed))) return;
        }
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

  private append(
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
      const outcome = this.appendNow(stream, expected, proposed.map(toProposed));
      const response = new streams.AppendResp();
      switch (outcome.kind) {
        case 'success': {
          const success = new streams.AppendResp.Success();
          if (outcome.revision < 0) success.setNoStream(new shared.Empty());
          else success.setCurrentRevision(String(outcome.revision));
          if (outcome.position === undefined) success.setNoPosition(new shared.Empty());
          else {
            const position = new streams.AppendResp.Position();
            position.setCommitPosition(String(outcome.position));
            position.setPreparePosition(String(outcome.position));
            success.setPosition(position);
          }
          response.setSuccess(success);
          callback(null, response);
          return;
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
          callback(null, response);
          return;
        }
        case 'too-large': {
          const metadata = new grpc.Metadata();
          metadata.set('exception', 'maximum-append-size-exceeded');
          metadata.set('maximum-append-size', String(outcome.max));
          callback({ code: grpc.status.INVALID_ARGUMENT, details: `Maximum Append Size of ${outcome.max} Exceeded.`, metadata });
          return;
        }
        case 'invalid':
          callback({ code: grpc.status.INVALID_ARGUMENT, details: outcome.message });
      }
    });
  }

  private batchAppend(call: grpc.ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>): void {
    this.calls.batchAppend += 1;
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
      call.write(this.batchAppendResponse(correlation, entry.options, entry.messages));
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  }

  private batchAppendResponse(
    correlation: shared.UUID | undefined,
    options: streams.BatchAppendReq.Options | undefined,
    messages: readonly streams.BatchAppendReq.ProposedMessage[],
  ): streams.BatchAppendResp {
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
    const outcome = this.appendNow(stream, expected, messages.map(toProposed));
    switch (outcome.kind) {
      case 'success': {
        const success = new streams.BatchAppendResp.Success();
        if (outcome.revision < 0) success.setNoStream(new GoogleEmpty());
        else success.setCurrentRevision(String(outcome.revision));
        if (outcome.position === undefined) success.setNoPosition(new GoogleEmpty());
        else {
          const position = new shared.AllStreamPosition();
          position.setCommitPosition(String(outcome.position));
          position.setPreparePosition(String(outcome.position));
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
        response.setError(rpcStatus(Code.FAILED_PRECONDITION, 'WrongExpectedVersion', wrong, 'event_store.client.WrongExpectedVersion'));
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
    const repeatAt = (first: number): AppendOutcome | undefined => {
      if (first < 0 || first + proposed.length > events.length) return undefined;
      if (!proposed.every((event, i) => events[first + i].id === event.id)) return undefined;
      const last = events[first + proposed.length - 1];
      return { kind: 'success', revision: last.revision, position: last.position };
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
      return { kind: 'success', revision: current, position: events.at(-1)?.position };
    }
    const created = BigInt(Date.now()) * 10_000n;
    let last: StoredEvent | undefined;
    for (const event of proposed) {
      last = {
        ...event,
        stream,
        revision: events.length,
        position: this.nextLogPosition,
        created,
      };
      this.nextLogPosition += BigInt(
        RECORD_OVERHEAD + Buffer.byteLength(stream) + Buffer.byteLength(event.type) + event.data.length + event.metadata.length,
      );
      events.push(last);
      this.log.push(last);
    }
    this.streams.set(stream, events);
    for (const subscription of this.subscriptions) void this.pump(subscription);
    return { kind: 'success', revision: last!.revision, position: last!.position };
  }

  /** Index of the first event at or after a log position. */
  private firstIndexFrom(position: bigint): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.log[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first event strictly after a log position. */
  private firstIndexAfter(position: bigint): number {
    const index = this.firstIndexFrom(position);
    return index < this.log.length && this.log[index].position === position ? index + 1 : index;
  }
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
  // Self-committed events: the commit and prepare positions are the event's own log position.
  recorded.setCommitPosition(String(event.position));
  recorded.setPreparePosition(String(event.position));
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', String(event.created));
  recorded.setData(event.data);
  recorded.setCustomMetadata(event.metadata);
  const read = new streams.ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(String(event.position));
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
