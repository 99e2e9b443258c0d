// No secret leaves through what the runtime shows: error messages, String(error), JSON.stringify(error), the attempt
// trace, events and describe(), even when a server echoes the request into its error body or a redirect Location;
// and redirects: a cross-origin hop drops Authorization, cookies and apiKey headers and query parameters, a
// same-origin hop keeps them. Real servers; one distinctive secret searched for everywhere.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient, isHttpError, isRequestError } from "../../../src/runtime/index.js";
import type { ClientEvent, ClientOptions, ResponseInfo, ServiceClient, ServiceDefinition } from "../../../src/runtime/index.js";
import { cookies, header, json, startServer } from "../../support/servers/http.js";
import type { RunningServer, SeenRequest } from "../../support/servers/http.js";
import { op } from "../support/service.js";
import { secured } from "./support.js";

const SECRET = "S3CRET-xyzzy-4217";
const PASSWORD = "pw-plugh-9931";

let home: RunningServer;
let other: RunningServer;

/** Everything the request carried, as a server that echoes it would answer. */
const echo = (req: SeenRequest): Record<string, unknown> => ({ path: req.path, query: req.query, headers: req.headers });

beforeAll(async () => {
  other = await startServer((req) => json(200, { at: "other", ...echo(req) }));
  home = await startServer((req) => {
    const query = req.query === "" ? "" : `?${req.query}`;
    switch (req.path) {
      case "/refuse":
        return json(401, { error: "unauthorized", saw: echo(req) }, { "www-authenticate": `Bearer realm="${header(req, "authorization") ?? ""}"` });
      case "/fail":
        return { status: 500, headers: { "content-type": "text/plain" }, body: `failed for ${header(req, "authorization") ?? ""} ${req.query}` };
      case "/away":
        return { status: 302, headers: { location: `${other.url}/land${query}` } };
      case "/here":
        return { status: 302, headers: { location: `/land${query}` } };
      case "/loop":
        return { status: 302, headers: { location: `/loop${query}` } };
      default:
        return json(200, { at: "home", ...echo(req) });
    }
  });
});
afterAll(async () => {
  await home?.close();
  await other?.close();
});

const clients: ServiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

const ALL = [["bearerAuth", "keyHeader", "keyQuery", "keyCookie"]];
function client(options: ClientOptions, extra: Partial<ServiceDefinition> = {}): ServiceClient {
  const c = createServiceClient(secured(home.url, { security: ALL, ...extra }, { retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1, retryOnStatus: [500] } }), { env: {}, ...options });
  clients.push(c);
  return c;
}

const credentials = {
  bearerAuth: () => SECRET,
  keyHeader: SECRET,
  keyQuery: SECRET,
  keyCookie: SECRET,
} as const;

function texts(error: unknown, events: readonly ClientEvent[], c: ServiceClient): string[] {
  return [
    (error as Error).message,
    String(error),
    JSON.stringify(error),
    JSON.stringify((error as { attempts?: unknown }).attempts),
    (error as Error).stack ?? "",
    JSON.stringify(events),
    JSON.stringify(c.describe()),
  ];
}

describe("no secret leaks", () => {
  it("a 401 echoing the request (replayed after a refresh), a 500 echoing it (retried): no secret anywhere", async () => {
    for (const path of ["/refuse", "/fail"]) {
      const events: ClientEvent[] = [];
      const c = client({ auth: credentials, onEvent: (e) => events.push(e) });
      const from = home.seen.length;
      const error = await c.call(op("get", "GET", path), undefined).catch((e: unknown) => e);
      expect(isHttpError(error)).toBe(true);
      // The secret did go out, twice (replay, retry): the server saw it.
      expect(home.seen.slice(from).map((r) => header(r, "x-api-key"))).toEqual([SECRET, SECRET]);
      expect(events.map((e) => e.type)).toContain(path === "/refuse" ? "auth_refresh" : "retry");
      for (const text of texts(error, events, c)) expect(text).not.toContain(SECRET);
      expect(JSON.stringify(error)).toContain("[REDACTED]");
    }
  });

  it("basic credentials: neither the password nor its base64 form", async () => {
    const events: ClientEvent[] = [];
    const c = client({ auth: { basicAuth: { username: "svc", password: PASSWORD } }, onEvent: (e) => events.push(e) }, { security: [["basicAuth"]] });
    const error = await c.call(op("get", "GET", "/refuse"), undefined).catch((e: unknown) => e);
    const encoded = Buffer.from(`svc:${PASSWORD}`).toString("base64");
    for (const text of texts(error, events, c)) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encoded);
    }
  });

  it("URLs with an apiKey in the query are redacted in redirect records and errors", async () => {
    const c = client({ auth: credentials, followRedirects: true });
    let info: ResponseInfo | undefined;
    await c.call(op("get", "GET", "/here"), undefined, { onResponse: (i) => (info = i) });
    expect(info!.attempts[0]!.redirects![0]!.location).toBe(`${home.url}/land?api_key=%5BREDACTED%5D`);
    const refused = await c.call(op("get", "GET", "/away"), undefined).catch((e: unknown) => e);
    const loop = await c.call(op("get", "GET", "/loop"), undefined).catch((e: unknown) => e);
    for (const error of [refused, loop]) {
      expect(isRequestError(error)).toBe(true);
      expect(String(error)).toContain("api_key=%5BREDACTED%5D");
      for (const text of texts(error, [], c)) expect(text).not.toContain(SECRET);
    }
  });
});

describe("redirects and credentials", () => {
  it("a cross-origin hop drops Authorization, cookies and apiKey headers and query parameters", async () => {
    const c = client({ auth: credentials, followRedirects: "any" });
    const from = other.seen.length;
    await c.call(op("get", "GET", "/away"), { query: { keep: "1" } });
    const seen = other.seen.slice(from);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.query).toBe("keep=1");
    expect([header(seen[0]!, "authorization"), header(seen[0]!, "x-api-key"), header(seen[0]!, "cookie")]).toEqual([undefined, undefined, undefined]);
  });

  it("a same-origin hop keeps them", async () => {
    const c = client({ auth: credentials, followRedirects: true });
    const from = home.seen.length;
    await c.call(op("get", "GET", "/here"), undefined);
    const [first, hop] = home.seen.slice(from);
    expect(first!.path).toBe("/here");
    expect(hop!.path).toBe("/land");
    for (const r of [first!, hop!]) {
      expect(header(r, "authorization")).toBe(`Bearer ${SECRET}`);
      expect(header(r, "x-api-key")).toBe(SECRET);
      expect(cookies(r)["session"]).toBe(SECRET);
      expect(new URLSearchParams(r.query).get("api_key")).toBe(SECRET);
    }
  });
});
