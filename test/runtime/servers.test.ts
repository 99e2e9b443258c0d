// Operations with their own server (OperationDefinition.server) against real servers on 127.0.0.1: the service and an
// "uploads" host. Assertions are on what each server saw: the operation's requests (with the server's prefix) reach
// only its server, the service's Host override is not sent there, ClientOptions.servers replaces the server, retries
// and the breaker apply to it, and describe() lists it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServiceClient, isCircuitOpenError, isConfigError } from "../../src/runtime/index.js";
import type { ClientOptions, ResponseInfo, ServiceClient, ServiceDefinition } from "../../src/runtime/index.js";
import { header, json, startServer, type RunningServer } from "../support/servers/http.js";
import { TestDns } from "./support/dns.js";
import { Pod } from "./support/pods.js";
import { op, service } from "./support/service.js";

let main: RunningServer;
let uploads: RunningServer;
/** Statuses the uploads server answers first, one per request, before 201s. */
let script: number[];
const cleanup: (() => Promise<void>)[] = [];

beforeEach(async () => {
  script = [];
  main = await startServer((r) => json(200, { at: "main", path: r.path }));
  uploads = await startServer((r) => json(script.shift() ?? 201, { at: "uploads", path: r.path }));
  cleanup.push(() => main.close(), () => uploads.close());
});

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const upload = (server: string) =>
  op("reposUploadReleaseAsset", "POST", "/repos/{owner}/{repo}/releases/{release_id}/assets", {
    server,
    params: [{ name: "name", in: "query", style: "form", explode: true }],
    body: { kind: "binary", contentType: "application/octet-stream" },
  });
const list = op("listReleases", "GET", "/repos/{owner}/{repo}/releases");
const params = { path: { owner: "o", repo: "r", release_id: 7 }, query: { name: "a.zip" }, body: new Uint8Array([1, 2, 3]) };

function def(servers: ServiceDefinition["servers"], o: Parameters<typeof service>[1] = {}): ServiceDefinition {
  return { ...service(main.url, { basePath: "/api", retry: { initialBackoffMs: 1, maxBackoffMs: 1 }, ...o }), ...(servers !== undefined ? { servers } : {}) };
}

function client(d: ServiceDefinition, options: ClientOptions = {}): ServiceClient {
  const c = createServiceClient(d, { env: {}, ...options });
  cleanup.push(() => c.close());
  return c;
}

const seen = (s: RunningServer): string[] => s.seen.map((r) => `${r.method} ${r.path}${r.query === "" ? "" : `?${r.query}`}`);

describe("an operation with its own absolute server", () => {
  it("goes to that origin with its path prefix (not the service's base path); other operations go to the service", async () => {
    const server = `${uploads.url}/up/v2/`;
    const c = client(def([{ url: server, operations: ["reposUploadReleaseAsset"] }]));
    expect(await c.call(upload(server), params)).toEqual({ at: "uploads", path: "/up/v2/repos/o/r/releases/7/assets" });
    await c.call(list, { path: { owner: "o", repo: "r" } });
    expect(seen(uploads)).toEqual(["POST /up/v2/repos/o/r/releases/7/assets?name=a.zip"]);
    expect(uploads.seen[0]!.body).toEqual(Buffer.from([1, 2, 3]));
    expect(seen(main)).toEqual(["GET /api/repos/o/r/releases"]);
  });

  it("is retried on its own server through a 503, and the attempts name it", async () => {
    script = [503, 503];
    const server = uploads.url;
    const c = client(def([{ url: server, operations: ["reposUploadReleaseAsset"] }]));
    let info: ResponseInfo | undefined;
    // POST is not idempotent: the idempotency key makes it retryable, as for any operation.
    await c.call(upload(server), params, { idempotencyKey: "k1", onResponse: (i) => (info = i) });
    expect(seen(uploads)).toHaveLength(3);
    expect(uploads.seen.map((r) => header(r, "idempotency-key"))).toEqual(["k1", "k1", "k1"]);
    expect(main.seen).toEqual([]);
    const origin = `http://127.0.0.1:${new URL(uploads.url).port}`;
    expect(info!.attempts.map((a) => [a.endpoint, a.outcome])).toEqual([
      [origin, { kind: "status", status: 503 }],
      [origin, { kind: "status", status: 503 }],
      [origin, { kind: "status", status: 201 }],
    ]);
  });

  it("has its own breaker: when it opens, the operation fails fast and the service's operations still go out", async () => {
    script = [500, 500, 500];
    const server = uploads.url;
    const c = client(
      def([{ url: server, operations: ["reposUploadReleaseAsset"] }], {
        retry: { maxAttempts: 1 },
        policy: { circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 2, openMs: 60_000, halfOpenRequests: 1 } },
      }),
    );
    for (let i = 0; i < 2; i++) await expect(c.call(upload(server), params)).rejects.toMatchObject({ status: 500 });
    const refused = await c.call(upload(server), params).catch((e: unknown) => e);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(refused).toMatchObject({ scope: "endpoint" });
    expect(seen(uploads)).toHaveLength(2);
    // The service's breaker heard nothing of it.
    for (let i = 0; i < 3; i++) await c.call(list, { path: { owner: "o", repo: "r" } });
    expect(seen(main)).toHaveLength(3);
  });

  it("does not carry the service's Host override (pod addresses) to another origin", async () => {
    const dns = await TestDns.start();
    const pod = await Pod.start("pod-1");
    cleanup.push(() => dns.close(), () => pod.kill());
    const NAME = "users-api-headless.prod.svc.cluster.local";
    dns.srv(`_http._tcp.${NAME}`, [{ target: `pod-1.${NAME}`, port: pod.port }]);
    dns.address(`pod-1.${NAME}`, ["127.0.0.1"]);
    dns.address(NAME, ["127.0.0.1"]);
    const server = uploads.url;
    const headless: ServiceDefinition = {
      ...service("http://users-api:8080", { namespace: "prod", discovery: { kind: "headless", headlessName: "users-api-headless", dnsServers: [dns.server] } }),
      servers: [{ url: server, operations: ["reposUploadReleaseAsset"] }],
    };
    const c = client(headless);
    await c.call(op("work", "GET", "/work"), undefined);
    await c.call(upload(server), params);
    expect(pod.seen.map((s) => [s.path, s.headers.host])).toEqual([["/work", "users-api.prod.svc.cluster.local:8080"]]);
    expect(seen(uploads)).toEqual(["POST /repos/o/r/releases/7/assets?name=a.zip"]);
    expect(header(uploads.seen[0]!, "host")).toBe(new URL(uploads.url).host);
  });
});

describe("ClientOptions.servers", () => {
  it("replaces the spec's server (trailing slash ignored), prefix included, and describe() says so", async () => {
    const spec = "https://uploads.github.com";
    const c = client(def([{ url: spec, operations: ["reposUploadReleaseAsset"] }]), { servers: { "https://uploads.github.com/": `${uploads.url}/proxy/` } });
    await c.call(upload(spec), params);
    expect(seen(uploads)).toEqual(["POST /proxy/repos/o/r/releases/7/assets?name=a.zip"]);
    expect(main.seen).toEqual([]);
    expect(c.describe().servers).toEqual([{ specUrl: spec, url: `${uploads.url}/proxy`, source: "option", operations: ["reposUploadReleaseAsset"] }]);
  });

  it("refuses a key that names no operation's server, before anything is sent", () => {
    let error: unknown;
    try {
      createServiceClient(def([{ url: "https://uploads.github.com", operations: ["reposUploadReleaseAsset"] }]), { env: {}, servers: { "https://upload.github.com": uploads.url } });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `users_service: ClientOptions.servers names "https://upload.github.com", which no operation of users_service uses (its operations' servers are "https://uploads.github.com")`,
    );
    expect([...main.seen, ...uploads.seen]).toEqual([]);
  });

  it("refuses a value that is not an http(s) URL or a path", () => {
    const d = def([{ url: "https://uploads.github.com", operations: ["reposUploadReleaseAsset"] }]);
    expect(() => createServiceClient(d, { env: {}, servers: { "https://uploads.github.com": "ftp://x" } })).toThrow(/ClientOptions\.servers\["https:\/\/uploads\.github\.com"\] must be an http:\/\/ or https:\/\/ URL/);
  });
});

describe("a relative operation server", () => {
  it.each([
    ["/v1 replaces the base path", "/v1", "/v1/ping"],
    ["v1 is appended to it", "v1", "/api/v1/ping"],
  ])("%s: the service's endpoints with that prefix", async (_what, server, path) => {
    const c = client(def([{ url: server, operations: ["ping"] }]));
    await c.call(op("ping", "GET", "/ping", { server }), undefined);
    expect(seen(main)).toEqual([`GET ${path}`]);
    expect(uploads.seen).toEqual([]);
    expect(c.describe().servers).toEqual([{ specUrl: server, url: `${main.url}${path.replace(/\/ping$/, "")}`, source: "spec", operations: ["ping"] }]);
  });
});

describe("describe()", () => {
  it("lists every server sorted by spec URL with its operations, and has no `servers` without any", () => {
    const c = client(
      def([
        { url: "https://uploads.github.com", operations: ["reposUploadReleaseAsset"] },
        { url: "https://files.stripe.com", operations: ["postFiles", "getFileContent"] },
      ]),
    );
    expect(c.describe().servers).toEqual([
      { specUrl: "https://files.stripe.com", url: "https://files.stripe.com", source: "spec", operations: ["getFileContent", "postFiles"] },
      { specUrl: "https://uploads.github.com", url: "https://uploads.github.com", source: "spec", operations: ["reposUploadReleaseAsset"] },
    ]);
    expect("servers" in client(def(undefined)).describe()).toBe(false);
  });
});
