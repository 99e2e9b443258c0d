// followRedirects against real servers (two, for cross-origin): off by default, hops followed and recorded, at most 5,
// same origin only with `true`, any origin with "any", 303 (and 301/302 of a POST) become a GET without a body,
// 307/308 keep method and body. Assertions are on what the servers saw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient, isHttpError, isRequestError } from "../../src/runtime/index.js";
import type { ClientOptions, ResponseInfo, ServiceClient } from "../../src/runtime/index.js";
import { json, startServer, type Reply, type RunningServer } from "../support/servers/http.js";
import { service } from "./support/service.js";

let home: RunningServer;
let other: RunningServer;

const redirect = (status: number, location: string): Reply => ({ status, headers: { location } });

beforeAll(async () => {
  other = await startServer((req) => json(200, { at: "other", path: req.path }));
  home = await startServer((req) => {
    const hops = /^\/r\/(\d+)$/.exec(req.path);
    if (hops !== null) {
      const n = Number(hops[1]);
      return n === 0 ? json(200, { done: true }) : redirect(302, `/r/${n - 1}`);
    }
    switch (req.path) {
      case "/away":
        return redirect(302, `${other.url}/there?x=1`);
      case "/see-other":
        return redirect(303, "/result");
      case "/moved":
        return redirect(301, "/result");
      case "/temporary":
        return redirect(307, "/kept");
      case "/permanent":
        return redirect(308, `${home.url}/kept`);
      case "/result":
      case "/kept":
        return json(200, { method: req.method, body: req.body.toString("utf8") });
      default:
        return json(404, { code: "not_found" });
    }
  });
});

afterAll(async () => {
  await home?.close();
  await other?.close();
});

async function withClient<T>(options: ClientOptions, run: (client: ServiceClient) => Promise<T>): Promise<T> {
  const client = createServiceClient(service(home.url, { policy: { circuitBreaker: { enabled: false } } }), { env: {}, ...options });
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

function seenSince(server: RunningServer, before: number): string[] {
  return server.seen.slice(before).map((r) => `${r.method} ${r.path}${r.query === "" ? "" : `?${r.query}`}`);
}

describe("redirects", () => {
  it("are not followed by default: a 302 rejects, and acceptStatus + onResponse read the Location", async () => {
    const before = home.seen.length;
    const error = await withClient({}, (c) => c.request({ method: "GET", path: "/r/1" })).catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(302);
    let info: ResponseInfo | undefined;
    await withClient({}, (c) => c.request({ method: "GET", path: "/r/1" }, { acceptStatus: [301, 302, 303, 307, 308], onResponse: (i) => (info = i) }));
    expect(info?.status).toBe(302);
    expect(info?.headers["location"]).toBe("/r/0");
    expect(seenSince(home, before)).toEqual(["GET /r/1", "GET /r/1"]);
  });

  it("follows up to 5 hops and records them on the attempt", async () => {
    const before = home.seen.length;
    let info: ResponseInfo | undefined;
    const body = await withClient({ followRedirects: true }, (c) => c.request({ method: "GET", path: "/r/5" }, { onResponse: (i) => (info = i) }));
    expect(body).toEqual({ done: true });
    expect(seenSince(home, before)).toEqual(["GET /r/5", "GET /r/4", "GET /r/3", "GET /r/2", "GET /r/1", "GET /r/0"]);
    expect(info?.attempts).toHaveLength(1);
    expect(info?.attempts[0]).toMatchObject({ endpoint: `${new URL(home.url).origin}`, outcome: { kind: "status", status: 200 } });
    expect(info?.attempts[0]!.redirects).toEqual([4, 3, 2, 1, 0].map((n) => ({ status: 302, location: `${home.url}/r/${n}`, method: "GET" })));
  });

  it("stops past 5 hops with an error naming them, and is not retried", async () => {
    const before = home.seen.length;
    const error = await withClient({}, (c) => c.request({ method: "GET", path: "/r/6" }, { followRedirects: true })).catch((e: unknown) => e);
    expect(isRequestError(error)).toBe(true);
    expect((error as Error).message).toContain(`more than 5 redirects: ${home.url}/r/6 → ${home.url}/r/5 → ${home.url}/r/4 → ${home.url}/r/3 → ${home.url}/r/2 → ${home.url}/r/1 → ${home.url}/r/0`);
    expect(seenSince(home, before)).toEqual(["GET /r/6", "GET /r/5", "GET /r/4", "GET /r/3", "GET /r/2", "GET /r/1"]);
  });

  it("the call option wins over the client option", async () => {
    const before = home.seen.length;
    await expect(withClient({ followRedirects: true }, (c) => c.request({ method: "GET", path: "/r/1" }, { followRedirects: false }))).rejects.toMatchObject({ status: 302 });
    expect(seenSince(home, before)).toEqual(["GET /r/1"]);
  });

  it("refuses another origin with true, and sends nothing there", async () => {
    const before = other.seen.length;
    const error = await withClient({ followRedirects: true }, (c) => c.request({ method: "GET", path: "/away" })).catch((e: unknown) => e);
    expect(isRequestError(error)).toBe(true);
    expect((error as Error).message).toContain(`redirect 302 to another origin refused: ${other.url}/there?x=1`);
    expect(other.seen.length).toBe(before);
    // No hop was made: the attempt's record has none.
    expect((error as { attempts: { redirects?: unknown }[] }).attempts[0]!.redirects).toBeUndefined();
  });

  it('follows another origin with "any", leaving credentials behind', async () => {
    const before = other.seen.length;
    const body = await withClient({ headers: { authorization: "Bearer secret", "x-tenant": "t1" } }, (c) => c.request({ method: "GET", path: "/away" }, { followRedirects: "any" }));
    expect(body).toEqual({ at: "other", path: "/there" });
    expect(seenSince(other, before)).toEqual(["GET /there?x=1"]);
    const seen = other.seen[before]!;
    expect(seen.headers["authorization"]).toBeUndefined();
    expect(seen.headers["x-tenant"]).toBe("t1");
  });

  it.each([
    ["303 turns a POST into a GET without a body", "/see-other", "POST", "GET /result", { method: "GET", body: "" }],
    ["301 turns a POST into a GET without a body", "/moved", "POST", "GET /result", { method: "GET", body: "" }],
    ["307 keeps the method and the body", "/temporary", "POST", "POST /kept", { method: "POST", body: '{"n":1}' }],
    ["308 keeps the method and the body", "/permanent", "PUT", "PUT /kept", { method: "PUT", body: '{"n":1}' }],
  ] as const)("%s", async (_name, path, method, hop, want) => {
    const before = home.seen.length;
    const body = await withClient({ followRedirects: true }, (c) => c.request({ method, path, body: { n: 1 } }));
    expect(body).toEqual(want);
    expect(seenSince(home, before)).toEqual([`${method} ${path}`, hop]);
    const second = home.seen[before + 1]!;
    if (want.body === "") expect(second.headers["content-type"]).toBeUndefined();
    else expect(second.headers["content-type"]).toBe("application/json");
  });

  it("refuses to send a streamed body again on a 307", async () => {
    const before = home.seen.length;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("once"));
        controller.close();
      },
    });
    const error = await withClient({ followRedirects: true }, (c) => c.request({ method: "POST", path: "/temporary", body: stream })).catch((e: unknown) => e);
    expect(isRequestError(error)).toBe(true);
    expect((error as Error).message).toContain("a streamed body can be sent once only");
    expect(seenSince(home, before)).toEqual(["POST /temporary"]);
  });
});
