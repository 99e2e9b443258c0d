// A streaming call the caller abandons (its signal, its deadline, its request source throwing, a response it stops
// reading) must never look complete to the server: the stream is reset (RST_STREAM CANCEL) and its request side is
// never ended (no END_STREAM). Node's Http2Stream.close(code) ends the writable side before it resets, so a request
// stream idle between two messages sent an empty DATA frame with END_STREAM ahead of the RST_STREAM, and the server
// had a complete upload to act on. Many aborts at every point of the request stream, dozens at once, against a real
// grpc-js server, with control calls in the same run that must complete; what the handler committed and the
// client's frames on the wire are both checked. Every step waits for the server to report what it received.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { AUTH_PROTO, AUTH_SERVICE, paths, startAuthGrpcServer } from "../../support/servers/grpc-auth.js";
import { until } from "../../support/stepped-clock.js";
import { metadataOf, startGrpcServer } from "../../support/servers/grpc.js";
import { failure, generateExample } from "./support.js";
import type { Generated } from "./support.js";
import { startFrameProxy } from "./h2-frames.js";
import type { FrameProxy } from "./h2-frames.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-client-stream-abort");
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** What the handler of one call saw, by the call's `x-call` metadata. */
interface ServerCall {
  received: number;
  /** "completed": the request stream ended and the call was not cancelled; the handler answered. */
  outcome: "completed" | "cancelled" | undefined;
  /** 'end' fired (grpc-js fires it for a reset stream too, just before 'cancelled'). */
  sawEnd: boolean;
}

/** The server's record of every call, and a way to wait for it to change (no polling on a timer). */
class Ledger {
  readonly calls = new Map<string, ServerCall>();
  #waiters: (() => void)[] = [];

  changed(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** The server saw the call and at least `messages` of its messages. */
  received(id: string, messages: number): Promise<void> {
    return this.until(() => (this.calls.get(id)?.received ?? -1) >= messages);
  }

  settled(id: string): Promise<void> {
    return this.until(() => this.calls.get(id)?.outcome !== undefined);
  }
}

/**
 * A RevokeTokens server that commits an upload as a careful grpc-js handler must: grpc-js hands the handler 'end'
 * for a reset stream too (it reads the end of Node's readable as a half-close; 'cancelled' follows a few ticks
 * later), so on 'end' it looks at call.cancelled one turn of the event loop later, and completes only if the call
 * still stands. Behind a frame proxy that lets the server act on an END_STREAM before a reset that follows it.
 */
async function revokeServer(ledger: Ledger) {
  let proxy: FrameProxy | undefined;
  const server = await startGrpcServer({
    protoFile: AUTH_PROTO,
    handlers: {
      [AUTH_SERVICE]: {
        RevokeTokens(call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) {
          const id = metadataOf(call.metadata)["x-call"] ?? "?";
          const record: ServerCall = { received: 0, outcome: undefined, sawEnd: false };
          ledger.calls.set(id, record);
          ledger.changed();
          call.on("data", () => {
            record.received++;
            ledger.changed();
          });
          call.on("end", () => {
            record.sawEnd = true;
            setImmediate(() => {
              if (!call.cancelled && record.outcome === undefined) {
                record.outcome = "completed";
                callback(null, { revoked: record.received, unknown: 0 });
              }
              record.outcome ??= "cancelled";
              ledger.changed();
              // The server has acted on the end of the stream: a reset held behind it may arrive now.
              proxy?.releaseResets();
            });
          });
          const cancelled = (): void => {
            record.outcome ??= "cancelled";
            ledger.changed();
          };
          call.on("cancelled", cancelled);
          call.on("error", cancelled);
        },
      },
    },
  });
  cleanup.push(() => server.close());
  proxy = await startFrameProxy(server.port, { holdResetsAfterEnd: true });
  cleanup.push(() => proxy.close());
  return { server, proxy };
}

/** A request stream the test feeds by hand: next() waits until the test pushes a message, ends it or fails it. */
class Feed<T = { token: string }> implements AsyncIterable<T>, AsyncIterator<T> {
  #queue: (IteratorResult<T> | Error)[] = [];
  #waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #closed = false;

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  /** A RevokeTokens request for `token`. */
  push(token: string): void {
    this.pushMessage({ token } as T);
  }

  pushMessage(value: T): void {
    this.#offer({ done: false, value });
  }

  /** The source ends normally (as a generator returns). */
  end(): void {
    this.#offer({ done: true, value: undefined });
  }

  fail(error: Error): void {
    this.#offer(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    const item = this.#queue.shift();
    if (item !== undefined) return item instanceof Error ? Promise.reject(item) : Promise.resolve(item);
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  // What connect-es calls on abort: a source that stops then answers a pending next() with done (returns normally).
  return(): Promise<IteratorResult<T>> {
    this.#closed = true;
    this.#waiting?.resolve({ done: true, value: undefined });
    this.#waiting = undefined;
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  #offer(item: IteratorResult<T> | Error): void {
    if (this.#closed) return;
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#queue.push(item);
      return;
    }
    this.#waiting = undefined;
    if (item instanceof Error) waiting.reject(item);
    else waiting.resolve(item);
  }
}

/** Where in its request stream an aborted call is abandoned. */
const POINTS = ["before-first", "mid-stream", "after-last-written", "while-writing-last", "source-throws"] as const;
type Point = (typeof POINTS)[number];

/** Lets `hops` microtask turns pass; hops 8 waits for a turn of the event loop (the write reached the socket). */
async function hops(n: number): Promise<void> {
  if (n >= 8) return new Promise<void>((resolve) => setImmediate(resolve));
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe("an abandoned client-streaming call", () => {
  it("is never completed by the server: 200 aborts at every point of the request stream, 40 at a time, while control calls complete", async () => {
    const ledger = new Ledger();
    const { proxy } = await revokeServer(ledger);
    const c = g.auth.createAuthServiceGrpcClient({ baseUrl: proxy.url, env: {} });
    cleanup.push(() => c.close());
    const call = (id: string, feed: Feed, signal?: AbortSignal) =>
      c.authService.revokeTokens(feed, { headers: { "x-call": id }, timeoutMs: Infinity, ...(signal !== undefined ? { signal } : {}) });

    const aborted: { id: string; point: Point }[] = [];
    const controls: { id: string; messages: number }[] = [];

    async function abandon(i: number): Promise<void> {
      const id = `abort-${i}`;
      const point = POINTS[i % POINTS.length]!;
      const messages = 1 + (i % 3);
      aborted.push({ id, point });
      const feed = new Feed();
      const broke = new Error(`the source of ${id} broke`);
      const controller = new AbortController();
      const result = failure(call(id, feed, controller.signal));
      switch (point) {
        case "before-first":
          await ledger.received(id, 0);
          controller.abort();
          feed.end();
          break;
        case "mid-stream":
          for (let k = 0; k < messages; k++) feed.push(`${id}-${k}`);
          await ledger.received(id, messages);
          controller.abort();
          feed.push(`${id}-late`);
          feed.end();
          break;
        case "after-last-written":
          // Every message reached the server; the source would have returned next.
          for (let k = 0; k < messages; k++) feed.push(`${id}-${k}`);
          await ledger.received(id, messages);
          controller.abort();
          feed.end();
          break;
        case "while-writing-last":
          // The abort lands 0..7 microtasks (or one loop turn) after the last message was handed over.
          for (let k = 0; k < messages - 1; k++) feed.push(`${id}-${k}`);
          await ledger.received(id, messages - 1);
          feed.push(`${id}-last`);
          await hops(Math.floor(i / POINTS.length) % 9);
          controller.abort();
          feed.end();
          break;
        case "source-throws":
          for (let k = 0; k < messages; k++) feed.push(`${id}-${k}`);
          await ledger.received(id, messages);
          feed.fail(broke);
          break;
      }
      const error = await result;
      if (point === "source-throws") expect(error).toBe(broke);
      else expect((error as Error).name).toBe("AbortError");
      await ledger.settled(id);
    }

    async function complete(i: number): Promise<void> {
      const id = `control-${i}`;
      const messages = 1 + (i % 3);
      controls.push({ id, messages });
      const feed = new Feed();
      const result = call(id, feed);
      for (let k = 0; k < messages; k++) feed.push(`${id}-${k}`);
      feed.end();
      expect((await result).revoked).toBe(messages);
    }

    for (let round = 0; round < 5; round++) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) batch.push(abandon(round * 40 + i));
      for (let i = 0; i < 4; i++) batch.push(complete(round * 4 + i));
      await Promise.all(batch);
    }

    expect(aborted).toHaveLength(200);
    const completedAborts = aborted.filter(({ id }) => ledger.calls.get(id)!.outcome !== "cancelled");
    expect(completedAborts.map(({ id, point }) => `${id} (${point})`)).toEqual([]);
    for (const { id, messages } of controls) expect(ledger.calls.get(id)).toMatchObject({ outcome: "completed", received: messages });

    // On the wire: one stream per call; only the control calls ended their request side, every other was reset
    // with CANCEL and never ended.
    const streams = [...proxy.streams.values()];
    expect(streams).toHaveLength(aborted.length + controls.length);
    expect(streams.filter((s) => s.endStream)).toHaveLength(controls.length);
    const abandoned = streams.filter((s) => !s.endStream);
    expect(abandoned.filter((s) => !s.resets.includes(8)).map((s) => s.frames)).toEqual([]);
  }, 60_000);

  it("is never completed by the server when its deadline runs out mid-stream", async () => {
    const ledger = new Ledger();
    const { proxy } = await revokeServer(ledger);
    const c = g.auth.createAuthServiceGrpcClient({ baseUrl: proxy.url, env: {} });
    cleanup.push(() => c.close());
    const ids: string[] = [];
    const expired = Array.from({ length: 24 }, async (_, i) => {
      const id = `deadline-${i}`;
      ids.push(id);
      const feed = new Feed();
      const result = failure(c.authService.revokeTokens(feed, { headers: { "x-call": id }, timeoutMs: 100 }));
      // i % 3 messages, then the source waits past the deadline.
      for (let k = 0; k < i % 3; k++) feed.push(`${id}-${k}`);
      const error = (await result) as { statusCode?: number };
      expect(error.statusCode).toBe(4);
    });
    const control = new Feed();
    const controlCall = c.authService.revokeTokens(control, { headers: { "x-call": "control" }, timeoutMs: Infinity });
    control.push("c-0");
    control.end();
    await Promise.all(expired);
    expect((await controlCall).revoked).toBe(1);
    // A call on the same connection after every deadline: the server has taken in every earlier stream's headers.
    const after = new Feed();
    const afterCall = c.authService.revokeTokens(after, { headers: { "x-call": "after" }, timeoutMs: Infinity });
    after.end();
    await afterCall;

    const seen = ids.filter((id) => ledger.calls.has(id));
    for (const id of seen) await ledger.settled(id);
    expect(seen.filter((id) => ledger.calls.get(id)!.outcome !== "cancelled")).toEqual([]);
    expect(ledger.calls.get("control")).toMatchObject({ outcome: "completed", received: 1 });
    // Only the two calls that finished their request stream sent END_STREAM.
    expect([...proxy.streams.values()].filter((s) => s.endStream)).toHaveLength(2);
  }, 30_000);
  it("bidi: a stream the caller stops reading or aborts while its requests are open is reset, never ended", async () => {
    const s = await startAuthGrpcServer();
    cleanup.push(() => s.close());
    const proxy = await startFrameProxy(s.port);
    cleanup.push(() => proxy.close());
    const c = g.auth.createAuthServiceGrpcClient({ baseUrl: proxy.url, env: {} });
    cleanup.push(() => c.close());
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const feed = new Feed<{ sessionId: string }>();
        const controller = new AbortController();
        feed.pushMessage({ sessionId: `s-${i}` });
        const replies: string[] = [];
        const reading = (async () => {
          for await (const reply of c.authService.refreshSessions(feed, { signal: controller.signal, timeoutMs: Infinity })) {
            replies.push(reply.sessionId);
            if (i % 2 === 0) break; // the consumer stops reading
            controller.abort();
          }
        })();
        if (i % 2 === 0) await reading;
        else expect(((await failure(reading)) as Error).name).toBe("AbortError");
        expect(replies).toEqual([`s-${i}`]);
        feed.end();
      }),
    );
    const streams = () => [...proxy.streams.values()];
    await until(() => streams().length === 20 && streams().every((st) => st.resets.length > 0));
    expect(streams().filter((st) => st.endStream || !st.resets.includes(8)).map((st) => st.frames)).toEqual([]);
    expect(s.count(paths.refresh)).toBe(20);
  });
  it("a request source that throws: the call rejects with that error, through middleware too, and the breaker stays closed", async () => {
    const ledger = new Ledger();
    const { proxy } = await revokeServer(ledger);
    const seen: unknown[] = [];
    const c = g.auth.createAuthServiceGrpcClient({
      baseUrl: proxy.url,
      env: {},
      middleware: [
        (next) => async (req) => {
          try {
            return await next(req);
          } catch (error) {
            seen.push(error);
            throw error;
          }
        },
      ],
    });
    cleanup.push(() => c.close());
    // More broken sources than the breaker's threshold (5): none of them is the service's failure.
    for (let i = 0; i < 8; i++) {
      const id = `broken-${i}`;
      const feed = new Feed();
      const broke = new Error(`the source of ${id} broke`);
      const result = failure(c.authService.revokeTokens(feed, { headers: { "x-call": id }, timeoutMs: Infinity }));
      feed.push(`${id}-0`);
      await ledger.received(id, 1);
      feed.fail(broke);
      expect(await result).toBe(broke);
      await ledger.settled(id);
      expect(ledger.calls.get(id)!.outcome).toBe("cancelled");
    }
    // Middleware saw each source's own error.
    expect(seen.map((e) => (e as Error).message)).toEqual(Array.from({ length: 8 }, (_, i) => `the source of broken-${i} broke`));
    const control = new Feed();
    const summary = c.authService.revokeTokens(control, { headers: { "x-call": "control" }, timeoutMs: Infinity });
    control.push("c-0");
    control.end();
    expect((await summary).revoked).toBe(1);
    expect(ledger.calls.size).toBe(9);
  });
});
