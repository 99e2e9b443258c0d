// The auth layer on the HTTP client against real servers: what each operation sends (its requirement's first
// alternative with credentials, every scheme of it), where (header, query, cookie, basic), call options winning per
// scheme, the provider cache (single flight, expiry on the client's clock) and the 401 rule (one refresh, one
// replay, recorded). Assertions are on what the server saw.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient, createServiceClientWith, isConfigError, isCredentialError, isDeadlineExceededError, isHttpError } from "../../../src/runtime/index.js";
import type { AttemptRecord, ClientEvent, ClientOptions, ResponseInfo, ServiceClient, ServiceDefinition, TokenProvider } from "../../../src/runtime/index.js";
import { cookies, header, json, startServer } from "../../support/servers/http.js";
import { SteppedClock, until } from "../../support/stepped-clock.js";
import { op } from "../support/service.js";
import { advance, authorizations, createThing, getMe, health, secured, tokenServer } from "./support.js";
import type { TokenServer } from "./support.js";

let server: TokenServer;
beforeAll(async () => {
  server = await tokenServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  server.accepted = null;
});

const clients: ServiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function client(def: ServiceDefinition, options: ClientOptions = {}, clock?: SteppedClock): ServiceClient {
  const c = createServiceClientWith(def, { env: {}, ...options }, clock !== undefined ? { clock } : {});
  clients.push(c);
  return c;
}

const noRetry = { maxAttempts: 1 };

describe("what an operation sends", () => {
  it("a bearer token on a secured operation, nothing on `security: []`", async () => {
    const c = client(secured(server.url), { auth: { bearerAuth: "tok-1" } });
    const from = server.seen.length;
    await c.call(getMe, undefined);
    await c.call(health, undefined);
    expect(authorizations(server, from)).toEqual(["Bearer tok-1", undefined]);
  });

  it("apiKey in a header, the query and a cookie, and basic, all together (AND)", async () => {
    const def = secured(server.url, { security: [["keyHeader", "keyQuery", "keyCookie", "basicAuth"]] });
    const c = client(def, { auth: { keyHeader: "kh", keyQuery: "k q&=", keyCookie: "kc", basicAuth: { username: "ada", password: "pw:1" } } });
    const from = server.seen.length;
    await c.call(op("search", "GET", "/search", { params: [] }), { query: { q: "x" } });
    const seen = server.seen[from]!;
    expect(seen.path).toBe("/search");
    expect(new URLSearchParams(seen.query).get("api_key")).toBe("k q&=");
    expect(new URLSearchParams(seen.query).get("q")).toBe("x");
    expect(header(seen, "x-api-key")).toBe("kh");
    expect(cookies(seen)["session"]).toBe("kc");
    expect(header(seen, "authorization")).toBe(`Basic ${Buffer.from("ada:pw:1").toString("base64")}`);
  });

  it("the first alternative (OR) whose schemes all have credentials; none configured: nothing", async () => {
    const either = op("either", "GET", "/either", { security: [["oauth"], ["keyHeader", "keyQuery"], ["keyCookie"]] });
    const from = server.seen.length;
    // keyHeader alone does not complete the second alternative: the third is sent.
    await client(secured(server.url), { auth: { keyHeader: "kh", keyCookie: "kc" } }).call(either, undefined);
    await client(secured(server.url), { auth: { keyHeader: "kh", keyQuery: "kq", keyCookie: "kc" } }).call(either, undefined);
    await client(secured(server.url)).call(either, undefined);
    const [third, second, none] = server.seen.slice(from);
    expect([header(third!, "x-api-key"), third!.query, cookies(third!)["session"]]).toEqual([undefined, "", "kc"]);
    expect([header(second!, "x-api-key"), second!.query, header(second!, "cookie")]).toEqual(["kh", "api_key=kq", undefined]);
    expect([header(none!, "authorization"), header(none!, "x-api-key"), none!.query, header(none!, "cookie")]).toEqual([undefined, undefined, "", undefined]);
  });

  it("the call option wins per scheme; the others stay the client's", async () => {
    const def = secured(server.url, { security: [["bearerAuth", "keyHeader"]] });
    const c = client(def, { auth: { bearerAuth: "client-token", keyHeader: "client-key" } });
    const from = server.seen.length;
    await c.call(getMe, undefined, { auth: { bearerAuth: "call-token" } });
    await c.call(getMe, undefined);
    expect(server.seen.slice(from).map((r) => [header(r, "authorization"), header(r, "x-api-key")])).toEqual([
      ["Bearer call-token", "client-key"],
      ["Bearer client-token", "client-key"],
    ]);
  });

  it("middleware runs inside the auth layer: it sees the attempt's credentials and its own headers go out too", async () => {
    const seen: { authorization: string | undefined; path: string | undefined }[] = [];
    const c = client(secured(server.url, { security: [["bearerAuth", "keyQuery"]] }), {
      auth: { bearerAuth: "mw-token", keyQuery: "mw-key" },
      middleware: [
        (next) => (req) => {
          seen.push({ authorization: req.headers["authorization"], path: req.path });
          return next({ ...req, headers: { ...req.headers, "x-extra": "1" } });
        },
      ],
    });
    const from = server.seen.length;
    await c.call(getMe, undefined);
    expect(seen).toEqual([{ authorization: "Bearer mw-token", path: "/me?api_key=mw-key" }]);
    expect(server.seen.slice(from).map((r) => [header(r, "authorization"), header(r, "x-extra"), r.query])).toEqual([["Bearer mw-token", "1", "api_key=mw-key"]]);
  });

  it("a spec-less service takes auth.bearer (or basic), also through request()", async () => {
    const c = client(secured(server.url, { securitySchemes: undefined, security: undefined }), { auth: { bearer: "plain" } });
    const from = server.seen.length;
    await c.request({ method: "GET", path: "/anything" });
    expect(authorizations(server, from)).toEqual(["Bearer plain"]);
    expect(c.describe().auth).toEqual({ schemes: [{ scheme: "basic", kind: "basic", source: "none" }, { scheme: "bearer", kind: "bearer", source: "value" }] });
  });

  it("an unknown scheme name or a credential of the wrong shape is a ConfigError; as a call option, nothing is sent", async () => {
    expect(() => createServiceClient(secured(server.url), { env: {}, auth: { bearer: "x" } })).toThrow(/unknown security scheme "bearer"; the service's schemes are "bearerAuth", "oauth"/);
    expect(() => createServiceClient(secured(server.url), { env: {}, auth: { basicAuth: "user:pw" } })).toThrow("auth.basicAuth: a basic scheme takes { username, password }");
    const c = client(secured(server.url), { auth: { bearerAuth: "ok" } });
    const from = server.seen.length;
    const unknown = await c.call(getMe, undefined, { auth: { bearer: "x" } }).catch((e: unknown) => e);
    const shape = await c.call(getMe, undefined, { auth: { bearerAuth: { username: "u", password: "p" } } }).catch((e: unknown) => e);
    expect(isConfigError(unknown) && unknown.message).toMatch(/unknown security scheme "bearer"/);
    expect(isConfigError(shape) && shape.message).toBe("users_service: auth.bearerAuth: a bearer scheme takes a token string or a TokenProvider");
    expect(server.seen.length).toBe(from);
  });
});

describe("token providers", () => {
  it("50 concurrent calls share one provider call", async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const provider: TokenProvider = async () => {
      calls++;
      await gate;
      return "shared";
    };
    const c = client(secured(server.url), { auth: { bearerAuth: provider } });
    const from = server.seen.length;
    const all = Promise.all(Array.from({ length: 50 }, () => c.call(getMe, undefined)));
    await until(() => calls > 0);
    release();
    await all;
    await c.call(getMe, undefined);
    expect(calls).toBe(1);
    expect(new Set(authorizations(server, from))).toEqual(new Set(["Bearer shared"]));
    expect(server.seen.length - from).toBe(51);
  });

  it("a token with expiresAt is fetched again shortly before it expires (on the client's clock)", async () => {
    const clock = new SteppedClock();
    let n = 0;
    const provider: TokenProvider = () => ({ token: `t${++n}`, expiresAt: Date.now() + 120_000 });
    const c = client(secured(server.url), { auth: { bearerAuth: provider } }, clock);
    const from = server.seen.length;
    await c.call(getMe, undefined);
    advance(clock, 80_000);
    await c.call(getMe, undefined);
    // 120 s lifetime, fetched again 30 s before: at 90 s.
    advance(clock, 11_000);
    await c.call(getMe, undefined);
    await c.call(getMe, undefined);
    expect(authorizations(server, from)).toEqual(["Bearer t1", "Bearer t1", "Bearer t2", "Bearer t2"]);
    expect(n).toBe(2);
  });

  it("every attempt carries the current token: a retry after the token expired sends a fresh one", async () => {
    let answered = 0;
    const flaky = await startServer(() => (++answered === 1 ? json(503, {}) : json(200, {})));
    try {
      const clock = new SteppedClock();
      let n = 0;
      const provider: TokenProvider = () => ({ token: `e${++n}`, expiresAt: Date.now() + 60_000 });
      const def = secured(flaky.url, {}, { policy: { timeoutMs: 100_000 }, retry: { initialBackoffMs: 40_000, maxBackoffMs: 40_000, jitter: "none" } });
      const c = client(def, { auth: { bearerAuth: provider } }, clock);
      const pending = c.call(getMe, undefined);
      await until(() => flaky.seen.length === 1 && clock.pending.some((t) => t.ms === 40_000));
      // The pause ends at 40 s; the token (60 s) was to be fetched again from 30 s on.
      advance(clock, 40_000);
      await pending;
      expect(authorizations(flaky)).toEqual(["Bearer e1", "Bearer e2"]);
    } finally {
      await flaky.close();
    }
  });

  it("a provider that fails: CredentialError naming the scheme, nothing sent, no attempt recorded", async () => {
    const c = client(secured(server.url), {
      auth: {
        bearerAuth: () => {
          throw new Error("vault down");
        },
      },
    });
    const from = server.seen.length;
    const error = await c.call(getMe, undefined).catch((e: unknown) => e);
    expect(isCredentialError(error)).toBe(true);
    expect((error as Error).message).toBe('users_service.getMe: no credential for security scheme "bearerAuth": its token provider failed; nothing was sent');
    expect((error as { attempts: unknown[] }).attempts).toEqual([]);
    expect((error as { notProcessed: boolean }).notProcessed).toBe(true);
    expect(((error as { cause?: Error }).cause as Error).message).toBe("vault down");
    expect(server.seen.length).toBe(from);
  });

  it("a failed fetch is not cached: the next call asks the provider again", async () => {
    let n = 0;
    const c = client(secured(server.url), {
      auth: {
        bearerAuth: () => {
          if (++n === 1) throw new Error("not yet");
          return "second-try";
        },
      },
    });
    const from = server.seen.length;
    expect(isCredentialError(await c.call(getMe, undefined).catch((e: unknown) => e))).toBe(true);
    await c.call(getMe, undefined);
    expect(authorizations(server, from)).toEqual(["Bearer second-try"]);
  });

  it("a provider slower than the call's deadline: DeadlineExceededError, nothing sent", async () => {
    const clock = new SteppedClock();
    const c = client(secured(server.url, {}, { policy: { timeoutMs: 500 } }), { auth: { bearerAuth: () => new Promise<string>(() => undefined) } }, clock);
    const from = server.seen.length;
    const pending = c.call(getMe, undefined).catch((e: unknown) => e);
    await until(() => clock.pending.length > 0);
    expect(clock.pending[0]!.ms).toBe(500);
    clock.fireNext();
    expect(isDeadlineExceededError(await pending)).toBe(true);
    expect(server.seen.length).toBe(from);
    expect(clock.pending).toEqual([]);
  });
});

describe("the 401 rule", () => {
  it("a 401 invalidates the provider's token, fetches once and replays once; recorded and heard", async () => {
    let n = 0;
    const provider: TokenProvider = () => `p${++n}`;
    const events: ClientEvent[] = [];
    const c = client(secured(server.url, {}, { retry: noRetry }), { auth: { bearerAuth: provider }, onEvent: (e) => events.push(e) });
    await c.call(getMe, undefined);
    server.accepted = new Set(["p2"]);
    const from = server.seen.length;
    let info: ResponseInfo | undefined;
    await c.call(getMe, undefined, { onResponse: (i) => (info = i) });
    expect(authorizations(server, from)).toEqual(["Bearer p1", "Bearer p2"]);
    expect(n).toBe(2);
    const attempts: readonly AttemptRecord[] = info!.attempts;
    expect(attempts.map((a) => [a.outcome, a.authRefresh])).toEqual([
      [{ kind: "status", status: 401 }, true],
      [{ kind: "status", status: 200 }, undefined],
    ]);
    const refresh = events.filter((e) => e.type === "auth_refresh");
    expect(refresh).toEqual([{ type: "auth_refresh", service: "users_service", operation: "getMe", attempt: 1, endpoint: attempts[0]!.endpoint, outcome: { kind: "status", status: 401 }, schemes: ["bearerAuth"] }]);
  });

  it("20 concurrent calls refused for the same token share one refresh", async () => {
    let n = 0;
    const c = client(secured(server.url, {}, { retry: noRetry }), { auth: { bearerAuth: () => `r${++n}` } });
    await c.call(getMe, undefined);
    server.accepted = new Set(["r2"]);
    const from = server.seen.length;
    await Promise.all(Array.from({ length: 20 }, () => c.call(getMe, undefined)));
    expect(n).toBe(2);
    const sent = authorizations(server, from);
    expect(sent.filter((a) => a === "Bearer r2")).toHaveLength(20);
    expect(sent.filter((a) => a === "Bearer r1").length).toBe(sent.length - 20);
  });

  it("for any method (a POST without an idempotency key), and a second 401 is final", async () => {
    let n = 0;
    const c = client(secured(server.url), { auth: { bearerAuth: () => `q${++n}` } });
    server.accepted = new Set();
    const from = server.seen.length;
    const error = await c.call(createThing, { body: { a: 1 } }).catch((e: unknown) => e);
    expect(server.seen.slice(from).map((r) => [r.method, header(r, "authorization"), r.body.toString()])).toEqual([
      ["POST", "Bearer q1", '{"a":1}'],
      ["POST", "Bearer q2", '{"a":1}'],
    ]);
    expect(isHttpError(error) && error.status).toBe(401);
    expect((error as { attempts: AttemptRecord[] }).attempts).toHaveLength(2);
    expect((error as Error).message).toMatch(/HTTP 401 from .*; the operation accepts bearerAuth \(sent: bearerAuth\)$/);
    expect((error as { accepts?: unknown }).accepts).toEqual([["bearerAuth"]]);
  });

  it("a static token is not replayed; a 401 says which schemes the operation accepts", async () => {
    server.accepted = new Set();
    const either = op("either", "GET", "/either", { security: [["oauth"], ["keyHeader", "basicAuth"]] });
    const from = server.seen.length;
    const e1 = await client(secured(server.url), { auth: { oauth: "static" } }).call(getMe, undefined).catch((e: unknown) => e);
    const e2 = await client(secured(server.url)).call(either, undefined).catch((e: unknown) => e);
    expect(server.seen.length - from).toBe(2);
    expect((e1 as Error).message).toMatch(/; the operation accepts bearerAuth \(sent: no credential\)$/);
    expect((e2 as Error).message).toMatch(/; the operation accepts oauth or keyHeader \+ basicAuth \(sent: no credential\)$/);
  });
});
