// End to end against real node:http servers: what goes on the wire, and what comes back.
import { afterEach, describe, expect, it } from "vitest";
import { Blob } from "node:buffer";
import { FormData } from "undici";
import { createServiceClient, isDecodeError, isHttpError, isRequestError } from "../../src/runtime/index.js";
import type { ResponseInfo, ServiceClient } from "../../src/runtime/index.js";
import { json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function server(respond: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(respond);
  open.push(s);
  return s;
}

function client(origin: string, extra: Parameters<typeof service>[1] = {}, headers?: Record<string, string>): ServiceClient {
  const c = createServiceClient(service(origin, extra), { env: {}, ...(headers ? { headers } : {}) });
  open.push(c);
  return c;
}

describe("request layer", () => {
  it("substitutes path params per style, serialises query, headers and cookies", async () => {
    const s = await server((_req, res) => json(res, 200, { ok: true }));
    const c = client(s.origin, { basePath: "/api" });
    const getThing = op("getThing", "GET", "/things/{id}/{label}/{matrix}", {
      params: [
        { name: "label", in: "path", style: "label", explode: false },
        { name: "matrix", in: "path", style: "matrix", explode: true },
        { name: "tags", in: "query", style: "pipeDelimited", explode: false },
        { name: "filter", in: "query", style: "deepObject", explode: true },
        { name: "X-Ids", in: "header", style: "simple", explode: false },
      ],
    });
    const out = await c.call(getThing, {
      path: { id: "a/b c", label: [1, 2], matrix: ["x", "y"] },
      query: { tags: ["p", "q"], filter: { name: "é" }, page: 2, skip: undefined, ids: [1, 2] },
      headers: { "X-Ids": [7, 8], "X-Absent": undefined },
      cookies: { session: "s 1" },
    }, { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } });
    expect(out).toEqual({ ok: true });
    const seen = s.requests[0]!;
    expect(seen.url).toBe("/api/things/a%2Fb%20c/.1,2/;matrix=x;matrix=y?tags=p|q&filter%5Bname%5D=%C3%A9&page=2&ids=1&ids=2");
    expect(seen.headers["x-ids"]).toBe("7,8");
    expect(seen.headers["x-absent"]).toBeUndefined();
    expect(seen.headers["cookie"]).toBe("session=s%201");
    expect(seen.headers["accept"]).toBe("application/json");
    expect(seen.headers["traceparent"]).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a call with a missing path parameter before sending anything", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    const err = await c.call(op("getUser", "GET", "/users/{id}"), { path: {} }).catch((e: unknown) => e);
    expect(isRequestError(err)).toBe(true);
    expect(String((err as Error).message)).toContain('missing path parameter "id"');
    expect(s.requests).toHaveLength(0);
  });

  it("merges headers: client < params < call options; keeps a given x-request-id", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin, {}, { "X-Client": "c", "X-Both": "client", Authorization: "Bearer t" });
    await c.call(op("get", "GET", "/"), { headers: { "x-both": "param" } }, { headers: { "X-Request-Id": "rid-1", "X-Call": "k" } });
    const h = s.requests[0]!.headers;
    expect(h["x-client"]).toBe("c");
    expect(h["x-both"]).toBe("param");
    expect(h["authorization"]).toBe("Bearer t");
    expect(h["x-call"]).toBe("k");
    expect(h["x-request-id"]).toBe("rid-1");
  });

  it("sends JSON bodies with content-type and an Idempotency-Key when given", async () => {
    const s = await server((req, res) => json(res, 201, { echo: JSON.parse(req.body.toString()) }));
    const c = client(s.origin);
    const create = op("createUser", "POST", "/users", { body: { kind: "json", contentType: "application/json" } });
    const out = await c.call(create, { body: { name: "Ada", n: 1 } }, { idempotencyKey: "key-1" });
    expect(out).toEqual({ echo: { name: "Ada", n: 1 } });
    expect(s.requests[0]!.headers["content-type"]).toBe("application/json");
    expect(s.requests[0]!.headers["idempotency-key"]).toBe("key-1");
  });

  it("sends form bodies: arrays repeat the key, objects use bracket keys", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    const submit = op("submit", "POST", "/form", { body: { kind: "form", contentType: "application/x-www-form-urlencoded" } });
    await c.call(submit, { body: { a: "x y", list: [1, 2], nested: { k: "v" }, skip: undefined } });
    expect(s.requests[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(s.requests[0]!.body.toString()).toBe("a=x+y&list=1&list=2&nested%5Bk%5D=v");
  });

  it("sends multipart bodies: blobs and bytes as files, objects as JSON, scalars as text", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    const upload = op("upload", "POST", "/upload", { body: { kind: "multipart", contentType: "multipart/form-data" } });
    await c.call(upload, {
      body: { title: "doc", meta: { a: 1 }, file: new Blob(["hello"], { type: "text/plain" }), raw: new Uint8Array([1, 2, 3]), tags: ["x", "y"] },
    });
    const seen = s.requests[0]!;
    expect(seen.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    const text = seen.body.toString("latin1");
    expect(text).toContain('name="title"\r\n\r\ndoc\r\n');
    expect(text).toContain('name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n');
    expect(text).toMatch(/name="file"; filename="file"\r\nContent-Type: text\/plain\r\n\r\nhello\r\n/);
    expect(text).toContain('name="raw"; filename="raw"');
    expect(text).toContain("\u0001\u0002\u0003");
    expect(text.match(/name="tags"/g)).toHaveLength(2);
  });

  it("passes a FormData through unchanged", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    const form = new FormData();
    form.append("field", "value");
    await c.call(op("upload", "POST", "/upload", { body: { kind: "multipart", contentType: "multipart/form-data" } }), { body: form });
    expect(s.requests[0]!.body.toString()).toContain('name="field"\r\n\r\nvalue');
  });

  it.each([
    ["Uint8Array", new Uint8Array([0, 255, 7])],
    ["Buffer", Buffer.from([0, 255, 7])],
    ["ArrayBuffer", new Uint8Array([0, 255, 7]).buffer],
    ["Blob", new Blob([new Uint8Array([0, 255, 7])])],
    ["ReadableStream", new ReadableStream({ start(c) { c.enqueue(new Uint8Array([0, 255])); c.enqueue(new Uint8Array([7])); c.close(); } })],
  ])("sends binary bodies from a %s", async (_name, body) => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    await c.call(op("put", "PUT", "/blob", { body: { kind: "binary", contentType: "application/octet-stream" } }), { body });
    expect([...s.requests[0]!.body]).toEqual([0, 255, 7]);
    expect(s.requests[0]!.headers["content-type"]).toBe("application/octet-stream");
  });

  it("sends text bodies", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    await c.call(op("note", "POST", "/note", { body: { kind: "text", contentType: "text/plain" } }), { body: "héllo" });
    expect(s.requests[0]!.body.toString()).toBe("héllo");
    expect(s.requests[0]!.headers["content-type"]).toBe("text/plain");
  });
});

describe("responses", () => {
  it("decodes by kind: json, empty json body, text, binary, empty", async () => {
    const s = await server((req, res) => {
      if (req.url === "/json") return json(res, 200, { a: [1] });
      if (req.url === "/blank") return void res.writeHead(200, { "content-type": "application/json" }).end();
      if (req.url === "/nocontent") return void res.writeHead(204).end();
      if (req.url === "/text") return void res.writeHead(200, { "content-type": "text/plain" }).end("plain é");
      if (req.url === "/bin") return void res.writeHead(200).end(Buffer.from([9, 8, 7]));
      res.writeHead(200).end("ignored body");
    });
    const c = client(s.origin);
    expect(await c.call(op("j", "GET", "/json"), undefined)).toEqual({ a: [1] });
    expect(await c.call(op("b", "GET", "/blank"), undefined)).toBeUndefined();
    expect(await c.call(op("n", "GET", "/nocontent"), undefined)).toBeUndefined();
    expect(await c.call(op("t", "GET", "/text", { response: "text" }), undefined)).toBe("plain é");
    const bin = await c.call<Uint8Array>(op("x", "GET", "/bin", { response: "binary" }), undefined);
    expect(bin).toBeInstanceOf(Uint8Array);
    expect([...bin]).toEqual([9, 8, 7]);
    expect(await c.call(op("e", "GET", "/empty", { response: "empty" }), undefined)).toBeUndefined();
  });

  it("fails with DecodeError on invalid JSON, carrying the attempt", async () => {
    const s = await server((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("{nope"));
    const c = client(s.origin);
    const err = await c.call(op("j", "GET", "/"), undefined).catch((e: unknown) => e);
    expect(isDecodeError(err)).toBe(true);
    expect((err as { attempts: unknown[] }).attempts).toHaveLength(1);
  });

  it("turns non-2xx into HttpError with status, headers and the decoded body", async () => {
    const s = await server((req, res) => {
      if (req.url === "/json") return json(res, 404, { error: "no such user" }, { "x-trace": "t1" });
      res.writeHead(409, { "content-type": "text/plain" }).end("conflict");
    });
    const c = client(s.origin);
    const e1 = await c.call(op("a", "GET", "/json"), undefined).catch((e: unknown) => e);
    expect(isHttpError(e1)).toBe(true);
    if (!isHttpError(e1)) return;
    expect(e1.code).toBe("SVCGEN_HTTP");
    expect(e1.status).toBe(404);
    expect(e1.body).toEqual({ error: "no such user" });
    expect(e1.headers["x-trace"]).toBe("t1");
    expect(e1.attempts).toEqual([{ endpoint: s.origin, outcome: { kind: "status", status: 404 }, pauseMs: 0, durationMs: expect.any(Number), retriable: false, rotated: false }]);
    expect(e1.notProcessed).toBe(false);
    expect(e1.operation).toBe("a");
    expect(e1.message).toContain("users_service.a: HTTP 404");
    const e2 = await c.call(op("b", "GET", "/text"), undefined).catch((e: unknown) => e);
    expect(isHttpError(e2) && e2.body).toBe("conflict");
    expect(s.counts()).toEqual({ GET: 2 }); // 4xx are not retried
  });

  it("returns accepted statuses as a success and reports the response through onResponse", async () => {
    const s = await server((_req, res) => json(res, 409, { state: "exists" }, { etag: "e1" }));
    const c = client(s.origin);
    let info: ResponseInfo | undefined;
    const out = await c.call(op("a", "PUT", "/x"), undefined, { acceptStatus: [409], onResponse: (i) => (info = i) });
    expect(out).toEqual({ state: "exists" });
    expect(info?.status).toBe(409);
    expect(info?.endpoint).toBe(s.origin);
    expect(info?.headers["etag"]).toBe("e1");
    expect(info?.attempts).toHaveLength(1);
  });

  it("health and ready hit the origin root and decode JSON or text", async () => {
    const s = await server((req, res) => {
      if (req.url === "/health") return json(res, 200, { status: "ok" });
      res.writeHead(200, { "content-type": "text/plain" }).end("ready");
    });
    const c = client(s.origin, { basePath: "/api/v1" });
    expect(await c.health()).toEqual({ status: "ok" });
    expect(await c.ready()).toBe("ready");
    expect(s.requests.map((r) => r.url)).toEqual(["/health", "/ready"]);
  });

  it("close() ends the client: later calls fail without sending", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin);
    await c.call(op("a", "GET", "/"), undefined);
    await c.close();
    const err = await c.call(op("a", "GET", "/"), undefined).catch((e: unknown) => e);
    expect(isRequestError(err)).toBe(true);
    expect(s.requests).toHaveLength(1);
  });

  it("sends the same x-request-id on every attempt", async () => {
    let n = 0;
    const s = await server((_req, res) => (n++ === 0 ? json(res, 503, {}, { "retry-after-ms": "1" }) : json(res, 200, {})));
    const c = client(s.origin);
    await c.call(op("a", "GET", "/"), undefined);
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0]!.headers["x-request-id"]).toBe(s.requests[1]!.headers["x-request-id"]);
  });
});
