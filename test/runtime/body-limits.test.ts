// Response bodies are bounded (issue 10): max_response_bytes for 2xx bodies (default 32 MiB), 64 KiB for error
// bodies, and `responseType: "stream"` for downloads without a limit. Real servers on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MAX_RESPONSE_BYTES, ERROR_BODY_LIMIT, createServiceClient, isHttpError, isResponseTooLargeError } from "../../src/runtime/index.js";
import type { CallOptions, ServiceClient, SvcgenError } from "../../src/runtime/index.js";
import { op, service } from "./support/service.js";
import type { ServiceOverrides } from "./support/service.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface BodyServer {
  origin: string;
  /** Requests received. */
  requests: () => number;
  /** Bytes the server managed to write before the client went away, per request. */
  written: number[];
  /** Connections the client closed. */
  closed: () => number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Answers `status` with `total` bytes (Infinity: endless), chunked unless `contentLength` is set. */
async function bodyServer(status: number, total: number, opts: { contentLength?: number; type?: string } = {}): Promise<BodyServer> {
  let requests = 0;
  let closed = 0;
  const written: number[] = [];
  const server = http.createServer((req, res) => {
    requests++;
    const index = written.push(0) - 1;
    req.resume();
    res.statusCode = status;
    res.setHeader("content-type", opts.type ?? "application/octet-stream");
    if (opts.contentLength !== undefined) res.setHeader("content-length", String(opts.contentLength));
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(CHUNK.length, total - sent);
        sent += n;
        written[index] = sent;
        if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    res.on("close", () => {
      if (!res.writableFinished) closed++;
    });
    pump();
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests, written, closed: () => closed };
}

function client(origin: string, o: ServiceOverrides = {}): ServiceClient {
  const c = createServiceClient(service(origin, { retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2, jitter: "none" }, ...o }), { env: {} });
  cleanup.push(() => c.close());
  return c;
}
const download = op("download", "GET", "/file", { response: "binary" });
const fail = (p: Promise<unknown>): Promise<SvcgenError> => p.then(() => Promise.reject(new Error("expected a failure")), (e: unknown) => e as SvcgenError);
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("max_response_bytes", () => {
  it("an endless body is cut at the default 32 MiB with ResponseTooLargeError, not retried, the connection dropped", async () => {
    const s = await bodyServer(200, Infinity);
    const rssBefore = process.memoryUsage().rss;
    // A long deadline: reading 32 MiB can outlast the default 10 s on a busy machine, and the limit is what is tested.
    const e = await fail(client(s.origin, { policy: { timeoutMs: 150_000 } }).call(download, undefined));
    expect(isResponseTooLargeError(e)).toBe(true);
    expect(e.code).toBe("SVCGEN_RESPONSE_TOO_LARGE");
    expect(e.notProcessed).toBe(false);
    expect(e.attempts.map((a) => a.outcome)).toEqual([{ kind: "error", code: "SVCGEN_RESPONSE_TOO_LARGE" }]);
    expect(s.requests()).toBe(1);
    await until(() => s.closed() === 1);
    expect(s.closed()).toBe(1);
    // The client read just past the limit, not the endless rest (the server stopped soon after).
    expect(s.written[0]!).toBeGreaterThan(DEFAULT_MAX_RESPONSE_BYTES);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
  });

  it("a Content-Length over the limit fails at the headers, before the body is read", async () => {
    const s = await bodyServer(200, 3 * 1024 * 1024, { contentLength: 3 * 1024 * 1024 });
    const c = client(s.origin, { policy: { maxResponseBytes: 1024 * 1024 } });
    const e = await fail(c.call(download, undefined));
    expect(isResponseTooLargeError(e) && e.limit).toBe(1024 * 1024);
    expect(e.message).toContain("1048576-byte limit");
    expect(s.requests()).toBe(1);
  });

  it("the operation's limit wins over the service's, the call's over both; a body within it is returned whole", async () => {
    const s = await bodyServer(200, 300 * 1024);
    const c = client(s.origin, { policy: { maxResponseBytes: 1024 * 1024 } });
    const small = { ...download, maxResponseBytes: 100 * 1024 };
    expect(isResponseTooLargeError(await fail(c.call(small, undefined)))).toBe(true);
    const body = await c.call<Uint8Array>(small, undefined, { maxResponseBytes: 400 * 1024 });
    expect(body.length).toBe(300 * 1024);
    expect(isResponseTooLargeError(await fail(c.call(download, undefined, { maxResponseBytes: 200 * 1024 })))).toBe(true);
    expect((await c.call<Uint8Array>(download, undefined)).length).toBe(300 * 1024);
  });
});

describe("error bodies", () => {
  it("are kept up to 64 KiB and marked truncated; the rest is not read", async () => {
    const s = await bodyServer(500, 8 * 1024 * 1024, { type: "application/json" });
    const c = client(s.origin, { retry: { maxAttempts: 1 } });
    const e = await fail(c.call(download, undefined));
    expect(isHttpError(e)).toBe(true);
    if (!isHttpError(e)) return;
    expect(e.status).toBe(500);
    expect(e.truncated).toBe(true);
    // A cut JSON document is not parsed: the text of its start.
    expect(typeof e.body).toBe("string");
    expect((e.body as string).length).toBe(ERROR_BODY_LIMIT);
    expect(e.message).toContain("truncated");
    await until(() => s.closed() === 1);
    expect(s.closed()).toBe(1);
  });

  it("a short error body is whole and parsed", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "missing" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => server.close(r)));
    const c = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const e = await fail(c.call(download, undefined));
    expect(isHttpError(e) && [e.truncated, e.body]).toEqual([false, { error: "missing" }]);
  });
});

describe('responseType: "stream"', () => {
  it("gives the body as a ReadableStream without the size limit", async () => {
    const total = 5 * 1024 * 1024;
    const s = await bodyServer(200, total);
    const c = client(s.origin, { policy: { maxResponseBytes: 1024 * 1024 } });
    const options: CallOptions = { responseType: "stream" };
    const stream = await c.call<ReadableStream<Uint8Array>>(download, undefined, options);
    expect(stream).toBeInstanceOf(ReadableStream);
    let bytes = 0;
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    expect(bytes).toBe(total);
    expect(s.requests()).toBe(1);
  });

  it("is paced by its reader, and cancelling it closes the connection", async () => {
    const s = await bodyServer(200, Infinity);
    const c = client(s.origin);
    const stream = await c.call<ReadableStream<Uint8Array>>(download, undefined, { responseType: "stream" });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Not reading: the server is held back by TCP backpressure rather than buffered into memory here.
    await new Promise((r) => setTimeout(r, 100));
    expect(s.written[0]!).toBeLessThan(64 * 1024 * 1024);
    await reader.cancel();
    await until(() => s.closed() === 1);
    expect(s.closed()).toBe(1);
  });

  it("a non-2xx answer is still an HttpError", async () => {
    const s = await bodyServer(404, 10);
    const e = await fail(client(s.origin).call(download, undefined, { responseType: "stream" }));
    expect(isHttpError(e) && e.status).toBe(404);
  });

  it("the caller's signal still ends a stream that is being read", async () => {
    const s = await bodyServer(200, Infinity);
    const controller = new AbortController();
    const stream = await client(s.origin).call<ReadableStream<Uint8Array>>(download, undefined, { responseType: "stream", signal: controller.signal });
    const reader = stream.getReader();
    await reader.read();
    controller.abort(new Error("enough"));
    const error = await reader.read().then(
      async () => {
        // Chunks already queued may still come; the stream errors once they are read.
        for (;;) if ((await reader.read()).done) return undefined;
      },
      (e: unknown) => e,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe("enough");
    await until(() => s.closed() === 1);
    expect(s.closed()).toBe(1);
  });
});
