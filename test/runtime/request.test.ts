// request() on a service without a spec (acton-service's `auth_service = "http://auth-api:8080"`): generated through
// generate(), imported, and run against a real server. The same chain as an operation: retries by the method's
// idempotency, what reaches the server, decoding by Content-Type, HttpError for non-2xx.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isHttpError } from "../../src/runtime/index.js";
import type { CallOptions, ClientOptions, Middleware, RawRequest, ResponseInfo } from "../../src/runtime/index.js";
import { generateInto } from "../support/generated.js";
import { TMP } from "../support/repo.js";
import { json, startServer, text, type Reply, type RunningServer } from "../support/servers/http.js";

const CASE = path.join(TMP, "raw-request-case");
const OUT = path.join(TMP, "raw-request-out");

const TOML = `[defaults]
retry = { max_attempts = 3, initial_backoff_ms = 1, max_backoff_ms = 2, retry_on = [503] }
circuit_breaker = { enabled = false }

[external_services]
auth_service = "http://auth-api:8080"
`;

interface AuthClient {
  request<T = unknown>(params: RawRequest, options?: CallOptions): Promise<T>;
  close(): Promise<void>;
}

let createAuthServiceClient: (options?: ClientOptions) => AuthClient;
let server: RunningServer;
/** Replies by path; a list is answered in order (then its last entry). */
const script = new Map<string, Reply[]>();

beforeAll(async () => {
  mkdirSync(CASE, { recursive: true });
  writeFileSync(path.join(CASE, "services.toml"), TOML);
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  ({ createAuthServiceClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as { createAuthServiceClient: typeof createAuthServiceClient });
  server = await startServer((req) => {
    const replies = script.get(req.path);
    if (replies === undefined) return json(404, { code: "not_found" });
    return replies.length > 1 ? replies.shift()! : replies[0]!;
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

async function withClient<T>(run: (client: AuthClient) => Promise<T>): Promise<T> {
  const client = createAuthServiceClient({ baseUrl: server.url, env: {} });
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

function seenSince(before: number): string[] {
  return server.seen.slice(before).map((r) => `${r.method} ${r.path}${r.query === "" ? "" : `?${r.query}`}`);
}

describe("request() on a service without a spec", () => {
  it("retries a GET through 503, 503 and resolves the JSON of the 200", async () => {
    script.set("/v1/keys", [text(503, "busy"), text(503, "busy"), json(200, { keys: ["k1"] })]);
    const before = server.seen.length;
    let info: ResponseInfo | undefined;
    const body = await withClient((c) => c.request<{ keys: string[] }>({ method: "get", path: "/v1/keys" }, { onResponse: (i) => (info = i) }));
    expect(body).toEqual({ keys: ["k1"] });
    expect(seenSince(before)).toEqual(["GET /v1/keys", "GET /v1/keys", "GET /v1/keys"]);
    expect(info?.attempts.map((a) => a.outcome)).toEqual([
      { kind: "status", status: 503 },
      { kind: "status", status: 503 },
      { kind: "status", status: 200 },
    ]);
  });

  it("sends a POST answered 503 once, and three times with an idempotencyKey", async () => {
    script.set("/v1/tokens", [text(503, "busy")]);
    let before = server.seen.length;
    const error = await withClient((c) => c.request({ method: "POST", path: "/v1/tokens", body: { sub: "ada" } })).catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(503);
    expect(seenSince(before)).toEqual(["POST /v1/tokens"]);

    before = server.seen.length;
    await expect(withClient((c) => c.request({ method: "POST", path: "/v1/tokens", body: {} }, { idempotencyKey: "k-1" }))).rejects.toMatchObject({ status: 503 });
    expect(seenSince(before)).toEqual(["POST /v1/tokens", "POST /v1/tokens", "POST /v1/tokens"]);
    expect(server.seen.slice(before).map((r) => r.headers["idempotency-key"])).toEqual(["k-1", "k-1", "k-1"]);
  });

  it("sends the query, headers and JSON body exactly", async () => {
    script.set("/v1/tokens/verify", [json(200, { ok: true })]);
    const before = server.seen.length;
    await withClient((c) =>
      c.request(
        { method: "Post", path: "/v1/tokens/verify", query: { scope: "read write", tag: ["a", "b&c"], n: 2, on: true, gone: undefined }, headers: { "X-Tenant": "t1" }, body: { token: "abc", n: [1] } },
        { headers: { "x-call": "1" } },
      ),
    );
    const seen = server.seen[before]!;
    expect(seen.method).toBe("POST");
    expect(seen.path).toBe("/v1/tokens/verify");
    expect(seen.query).toBe("scope=read%20write&tag=a&tag=b%26c&n=2&on=true");
    expect(seen.headers["x-tenant"]).toBe("t1");
    expect(seen.headers["x-call"]).toBe("1");
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(typeof seen.headers["x-request-id"]).toBe("string");
    expect(seen.body.toString("utf8")).toBe('{"token":"abc","n":[1]}');
  });

  it.each([
    ["a string as text/plain", "plain words", "text/plain; charset=utf-8", Buffer.from("plain words")],
    ["bytes as application/octet-stream", new Uint8Array([0, 1, 255]), "application/octet-stream", Buffer.from([0, 1, 255])],
    ["a Blob with its type", new Blob(["<a/>"], { type: "application/xml" }), "application/xml", Buffer.from("<a/>")],
  ] as const)("sends %s", async (_name, body, contentType, bytes) => {
    script.set("/v1/raw", [json(200, {})]);
    const before = server.seen.length;
    await withClient((c) => c.request({ method: "PUT", path: "/v1/raw", body }));
    const seen = server.seen[before]!;
    expect(seen.headers["content-type"]).toBe(contentType);
    expect(seen.body).toEqual(bytes);
  });

  it("lets a content-type header win over the body's default", async () => {
    script.set("/v1/raw", [json(200, {})]);
    const before = server.seen.length;
    await withClient((c) => c.request({ method: "PUT", path: "/v1/raw", headers: { "Content-Type": "application/jwt" }, body: "e30.e30.sig" }));
    expect(server.seen[before]!.headers["content-type"]).toBe("application/jwt");
    expect(server.seen[before]!.body.toString()).toBe("e30.e30.sig");
  });

  it.each([
    ["JSON by content type", json(200, { a: 1 }, { "content-type": "application/problem+json" }), { a: 1 }],
    ["text for text/*", text(200, "hello", "text/csv"), "hello"],
    ["bytes otherwise", { status: 200, headers: { "content-type": "application/octet-stream" }, body: new Uint8Array([9, 8, 7]) }, new Uint8Array([9, 8, 7])],
    ["undefined for an empty untyped body", { status: 204 }, undefined],
  ] as const)("decodes %s", async (_name, reply, want) => {
    script.set("/v1/decode", [reply as Reply]);
    const got = await withClient((c) => c.request({ method: "GET", path: "/v1/decode" }));
    if (want instanceof Uint8Array) {
      expect(got).toBeInstanceOf(Uint8Array);
      expect([...(got as Uint8Array)]).toEqual([...want]);
    } else {
      expect(got).toEqual(want);
    }
  });

  it("runs middleware with operation `request`, the method and the full path", async () => {
    script.set("/v1/mw", [json(200, {})]);
    const seen: string[] = [];
    const middleware: Middleware = (next) => (req) => {
      seen.push(`${req.operation} ${req.method} ${req.path}`);
      req.headers["x-signed"] = "yes";
      return next(req);
    };
    const before = server.seen.length;
    const client = createAuthServiceClient({ baseUrl: server.url, env: {}, middleware: [middleware] });
    try {
      await client.request({ method: "delete", path: "/v1/mw", query: { a: 1 } });
    } finally {
      await client.close();
    }
    expect(seen).toEqual(["request DELETE /v1/mw?a=1"]);
    expect(server.seen[before]!.headers["x-signed"]).toBe("yes");
  });

  it("rejects a 404 with HttpError carrying the decoded body, named `request`", async () => {
    const before = server.seen.length;
    const error = await withClient((c) => c.request({ method: "GET", path: "/nowhere" })).catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, body: { code: "not_found" }, operation: "request" });
    expect(seenSince(before)).toEqual(["GET /nowhere"]);
  });
});
