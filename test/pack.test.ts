// svcgen as users get it: `npm pack`, install the tarball into a scratch project outside this repo (so nothing
// resolves from our node_modules), `npx svcgen gen` there, type-check the output with the user's own tsc, compile it,
// and call a real server through it. A bin that only works inside this checkout fails here. Last, the OpenTelemetry SDK
// goes into that project (issue 14's "Done when"): the same clients then trace and measure through the user's SDK.
import { execFile, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { schemaErrors } from "./emit/yaml/schemas.js";
import { REPO } from "./support/repo.js";
import { TELEMETRY_APP } from "./support/pack-telemetry-app.js";
import type { PrintedSpan, TelemetryAppOutput } from "./support/pack-telemetry-app.js";
import { startUsersServer, SEED_USERS } from "./support/servers/examples.js";
import { AUTH_SERVICE, paths, startAuthGrpcServer, VALID_TOKEN } from "./support/servers/grpc-auth.js";
import { json } from "./support/servers/http.js";
import type { RunningServer } from "./support/servers/http.js";
import { STRICT_OPTIONS } from "./support/tsc.js";

// What a user installs, as the README says: svcgen and the compiler as dev dependencies, and what the generated code
// imports at run time (undici; the proto runtime, since the example has a gRPC service) as dependencies.
const DEV = ["typescript@5.9.3", "@types/node@20.19.43"];
const RUNTIME: Record<string, string> = {
  undici: "7.30.2",
  "@bufbuild/protobuf": "2.17.0",
  "@connectrpc/connect": "2.1.2",
  "@connectrpc/connect-node": "2.1.2",
};
// What a user adds for telemetry, at the versions svcgen's own tests pin in package.json (the 2.x SDK line runs on
// Node 20; the 3.x line needs Node >= 22.15), installed by the last tests.
const DEV_PINS = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;
const OTEL = ["api", "sdk-trace-base", "sdk-metrics", "context-async-hooks", "core"].map((name) => `@opentelemetry/${name}@${DEV_PINS[`@opentelemetry/${name}`]}`);

let scratch = "";
let tarball = "";

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_yes: "true", ...env } });
  if (result.error) throw result.error;
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  expect(result.status, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Runs `node file` without blocking this process, so servers started here can answer it. */
function node(file: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [file], { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (_e, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "svcgen-pack-"));
  const packDir = path.join(scratch, "pack");
  mkdirSync(packDir);
  // prepack builds dist/ first, exactly as `npm publish` would.
  ok(sh("npm", ["pack", "--silent", "--pack-destination", packDir], REPO), "npm pack");
  const [file] = readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
  tarball = path.join(packDir, file!);

  const project = path.join(scratch, "app");
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module", dependencies: RUNTIME }, null, 2));
  cpSync(path.join(REPO, "examples/services.toml"), path.join(project, "services.toml"));
  cpSync(path.join(REPO, "examples/specs"), path.join(project, "specs"), { recursive: true });
  const protos = path.join(REPO, "examples/protos");
  try {
    cpSync(protos, path.join(project, "protos"), { recursive: true });
  } catch {
    // No gRPC services in the example yet.
  }
  ok(
    sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--save-dev", tarball, ...DEV], project),
    "npm install",
  );
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// What dist/main.js (the user program of "the output type-checks ...") prints, apart from the @opentelemetry modules
// the CommonJS loader holds once its calls are done (`otel`), which each run judges.
const MAIN_PRINTS = {
  kids: ["k1"],
  failed: 401,
  seen: ["GET /v1/keys", "POST /v1/tokens/validate", "GET /v1/keys"],
  retried: 1,
  attempts: ["1", "2", "3"],
  stats: { auth: { calls: 2, attempts: 2, retries: 0, failures: 1, inFlight: 0 }, signed: { calls: 1, attempts: 3, retries: 2, failures: 0, inFlight: 0 } },
};

describe("the packed package", () => {
  const project = (): string => path.join(scratch, "app");

  it("ships the bin, the compiled CLI, the runtime sources, templates and schemas, and no tests", () => {
    const listing = ok(sh("tar", ["-tzf", tarball], scratch), "tar").split("\n");
    expect(listing).toContain("package/bin/svcgen.js");
    expect(listing).toContain("package/dist/cli/main.js");
    expect(listing).toContain("package/src/runtime/index.ts");
    expect(listing).toContain("package/schemas/services.schema.json");
    expect(listing.some((f) => f.startsWith("package/templates/"))).toBe(true);
    expect(listing.filter((f) => f.startsWith("package/test/") || f.endsWith(".test.ts"))).toEqual([]);
  });

  it("npx svcgen gen writes clients and manifests; gen --check then passes", () => {
    const gen = sh("npx", ["svcgen", "gen"], project());
    expect(ok(gen, "svcgen gen")).toMatch(/files written/);
    // Every package the output imports is a declared dependency: no note.
    expect(gen.stderr).not.toContain("svcgen: note:");
    const clients = readdirSync(path.join(project(), "generated/clients")).sort();
    expect(clients).toEqual(expect.arrayContaining(["auth_service", "index.ts", "payments_service", "users_service"]));
    ok(sh("npx", ["svcgen", "gen", "--check"], project()), "svcgen gen --check");
    expect(ok(sh("npx", ["svcgen", "--version"], project()), "--version").trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("the output type-checks with the user's tsc, compiles, and calls a real server", () => {
    writeFileSync(
      path.join(project(), "main.ts"),
      `import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createAuthServiceClient } from "./generated/clients/index.js";
import { isHttpError, type ClientStats, type Middleware } from "./generated/runtime/index.js";

// SVCGEN_TELEMETRY=off: every client with telemetry: false (then @opentelemetry/api must never be loaded).
const telemetry = process.env["SVCGEN_TELEMETRY"] === "off" ? { telemetry: false } : {};
const counts = ({ calls, attempts, retries, failures, inFlight }: ClientStats) => ({ calls, attempts, retries, failures, inFlight });

const perAttempt: Middleware = (next) => (req) => {
  req.headers["x-attempt"] = String(req.attempt);
  return next(req);
};

const seen: string[] = [];
const attempts: string[] = [];
const server = createServer((req, res) => {
  const attempt = req.headers["x-attempt"];
  if (typeof attempt === "string") {
    // The middleware's call: 503 twice, then the keys; the header must be on every attempt.
    attempts.push(attempt);
    if (attempts.length < 3) return void res.writeHead(503, { "content-type": "text/plain" }).end("busy");
  }
  seen.push(\`\${req.method} \${req.url}\`);
  if (req.url === "/v1/keys") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [{ kid: "k1", kty: "RSA" }] }));
  } else {
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ code: "token_invalid", message: "no" }));
  }
});
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address() as AddressInfo;
  const auth = createAuthServiceClient({ baseUrl: \`http://127.0.0.1:\${port}\`, ...telemetry });
  const keys = await auth.getJwks();
  const failed = await auth.validateToken().catch((e: unknown) => (isHttpError(e) ? e.status : "other"));
  const signed = createAuthServiceClient({ baseUrl: \`http://127.0.0.1:\${port}\`, middleware: [perAttempt], ...telemetry });
  const retried = await signed.getJwks();
  const stats = { auth: counts(auth.stats()), signed: counts(signed.stats()) };
  await auth.close();
  await signed.close();
  server.close();
  // The runtime loads @opentelemetry/api with require: what the CommonJS loader holds is what it loaded.
  const otel = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes("@opentelemetry"));
  console.log(JSON.stringify({ kids: keys.keys.map((k) => k.kid), failed, seen, retried: retried.keys.length, attempts, stats, otel }));
});
`,
    );
    writeFileSync(
      path.join(project(), "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, noEmit: false, outDir: "dist", rootDir: "." }, include: ["main.ts", "generated/**/*.ts"] }, null, 2),
    );
    ok(sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], project()), "tsc");
    const printed = JSON.parse(ok(sh(process.execPath, ["dist/main.js"], project()), "node dist/main.js")) as unknown;
    // The middleware's header reached the server on each of the three attempts of the retried GET; stats() counted
    // them. No OpenTelemetry package is installed yet: nothing of it was loaded, and nothing failed for its absence.
    expect(printed).toEqual({ ...MAIN_PRINTS, otel: [] });
  });

  it("the README's quick start, followed literally in a fresh folder, gives a client that compiles and calls a real server", async () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("Every method has the shape"));
    const block = (lang: string): string => new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(quick)![1]!;
    const dir = path.join(scratch, "quick");
    mkdirSync(path.join(dir, "specs"), { recursive: true });
    // The installed packages as the quick start's npm commands leave them; package.json as `npm pkg set type=module`.
    symlinkSync(path.join(project(), "node_modules"), path.join(dir, "node_modules"), "dir");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "my-service", type: "module" }));
    cpSync(path.join(REPO, "examples/specs/users.yaml"), path.join(dir, "specs/users.yaml"));
    writeFileSync(path.join(dir, "services.toml"), block("toml"));
    writeFileSync(path.join(dir, "tsconfig.json"), block("json"));
    writeFileSync(path.join(dir, "main.ts"), block("ts"));
    expect(ok(sh("npx", ["svcgen", "gen"], dir), "svcgen gen")).toMatch(/files written/);
    ok(sh("npx", ["svcgen", "gen", "--check"], dir), "svcgen gen --check");
    expect(readdirSync(path.join(dir, "generated/clients")).sort()).toEqual(["auth_service", "index.ts", "users_service"]);
    // `npx tsc` as the quick start says, emitting so it runs as JavaScript (the scratch project has tsc, not tsx).
    ok(sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", ".", "--noEmit", "false", "--outDir", "dist"], dir), "tsc --outDir");
    const server = await startUsersServer();
    try {
      const run = await node("dist/main.js", dir, { USERS_SERVICE_URL: server.url });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/env:USERS_SERVICE_URL/);
    } finally {
      await server.close();
    }
  }, 120_000);

  it("bad input through the installed bin: file:line:col, exit 2, generated/ untouched", () => {
    const bad = path.join(scratch, "bad");
    mkdirSync(bad);
    cpSync(path.join(project(), "node_modules"), path.join(bad, "node_modules"), { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(bad, "services.toml"), '[external_services.users_service]\nurl = "http://users api:8080"\n');
    const result = sh(path.join(bad, "node_modules/.bin/svcgen"), ["gen"], bad);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^services\.toml:2:7: error: /);
    expect(readdirSync(bad).sort()).toEqual(["node_modules", "services.toml"]);
    // A typo inside a mesh table: its line, a did-you-mean, and still nothing written.
    writeFileSync(path.join(bad, "services.toml"), '[external_services.users_service]\nurl = "http://users-api:8080"\nmesh = { kind = "istio", retry_ownr = "mesh" }\n');
    const typo = sh(path.join(bad, "node_modules/.bin/svcgen"), ["gen"], bad);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^services\.toml:3:\d+: error: unknown key "retry_ownr" .*did you mean "retry_owner"/m);
    expect(readdirSync(bad).sort()).toEqual(["node_modules", "services.toml"]);
  });

  // After "bad input", which copies node_modules: from here on the project has the OpenTelemetry SDK.
  it("with @opentelemetry/api installed: telemetry: false loads none of it; on, the runtime loads the project's copy and calls work with no SDK registered", () => {
    ok(sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--save-exact", ...OTEL], project()), "npm install OpenTelemetry");
    const off = JSON.parse(ok(sh(process.execPath, ["dist/main.js"], project(), { SVCGEN_TELEMETRY: "off" }), "SVCGEN_TELEMETRY=off node dist/main.js")) as unknown;
    expect(off).toEqual({ ...MAIN_PRINTS, otel: [] });
    const on = JSON.parse(ok(sh(process.execPath, ["dist/main.js"], project()), "node dist/main.js")) as { otel: string[] };
    const api = path.join(realpathSync(project()), "node_modules/@opentelemetry/api/");
    expect(on).toEqual({ ...MAIN_PRINTS, otel: expect.arrayContaining([`${api}build/src/index.js`]) });
    expect(on.otel.filter((file) => !file.startsWith(api))).toEqual([]);
  });

  it("with the OpenTelemetry SDK registered by the user's program: a GET retried through a 503 and a gRPC call are traced and measured; telemetry: false records nothing", async () => {
    writeFileSync(path.join(project(), "telemetry.ts"), TELEMETRY_APP);
    writeFileSync(
      path.join(project(), "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, noEmit: false, outDir: "dist", rootDir: "." }, include: ["main.ts", "telemetry.ts", "generated/**/*.ts"] }, null, 2),
    );
    ok(sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], project()), "tsc");

    // Each users server answers its first request 503 (retried by the example's retry table), then serves.
    const busy = { intercept: (_r: unknown, index: number) => (index === 0 ? json(503, { code: "busy", message: "try again", field: null }) : undefined) };
    const servers: { close(): Promise<void> }[] = [];
    const users = await startUsersServer(busy).then((s) => (servers.push(s), s));
    const quiet = await startUsersServer(busy).then((s) => (servers.push(s), s));
    const grpc = await startAuthGrpcServer().then((s) => (servers.push(s), s));
    const run = await node("dist/telemetry.js", project(), { USERS_URL: users.url, QUIET_URL: quiet.url, GRPC_URL: grpc.url, GRPC_TOKEN: VALID_TOKEN }).finally(() =>
      Promise.all(servers.map((s) => s.close())),
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as TelemetryAppOutput;
    const ada = SEED_USERS[0]!;
    expect(out.results).toEqual({ user: ada.name, quietUser: ada.name, tokenValid: true });
    const inTrace = (traceId: string): PrintedSpan[] => out.spans.filter((s) => s.traceId === traceId);
    const traceparent = (s: PrintedSpan): string => `00-${s.traceId}-${s.spanId}-01`;
    const portOf = (server: RunningServer): number => Number(new URL(server.url).port);

    // HTTP: the handler's span, one INTERNAL span for the call under it, and a CLIENT span per attempt under that.
    const httpTrace = inTrace(out.handlers.http.traceId);
    expect(httpTrace.map((s) => s.name)).toEqual(["GET /v1/users/{id}", "GET /v1/users/{id}", "users_service.getUser", "http-handler"]);
    const [first, second, call] = httpTrace as [PrintedSpan, PrintedSpan, PrintedSpan];
    expect(call).toMatchObject({ kind: 0, scope: "svcgen", parent: out.handlers.http.spanId, events: ["svcgen.retry"] });
    const attempt = {
      kind: 2,
      scope: "svcgen",
      parent: call.spanId,
      attributes: {
        "http.request.method": "GET",
        "url.template": "/v1/users/{id}",
        "url.full": `${users.url}/v1/users/${ada.id}`,
        "server.address": "127.0.0.1",
        "server.port": portOf(users),
        "svcgen.endpoint": users.url,
      },
    };
    expect(first).toMatchObject({ ...attempt, status: 2, attributes: { ...attempt.attributes, "http.response.status_code": 503, "error.type": "503", "svcgen.attempt": 1 } });
    expect(first.attributes).not.toHaveProperty("http.request.resend_count");
    expect(second).toMatchObject({ ...attempt, status: 0, attributes: { ...attempt.attributes, "http.response.status_code": 200, "http.request.resend_count": 1, "svcgen.attempt": 2 } });
    expect(second.attributes).not.toHaveProperty("error.type");
    // The server saw both GETs, each carrying its own attempt's span as the parent.
    expect(users.seen.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/users/${ada.id}`, `GET /v1/users/${ada.id}`]);
    expect(users.seen.map((r) => r.headers["traceparent"])).toEqual([traceparent(first), traceparent(second)]);

    const httpDuration = out.metrics["http.client.request.duration"]!;
    expect(httpDuration.unit).toBe("s");
    const httpPoints = httpDuration.points.map((p) => [p.attributes["server.port"], p.attributes["http.response.status_code"], p.count]);
    expect(httpPoints.sort()).toEqual([
      [portOf(users), 200, 1],
      [portOf(users), 503, 1],
    ]);

    // telemetry: false, under an active span: no span or point of its own, and no traceparent sent on either attempt.
    expect(inTrace(out.handlers.quiet.traceId).map((s) => s.name)).toEqual(["quiet-handler"]);
    expect(quiet.seen.map((r) => [r.path, r.headers["traceparent"]])).toEqual([
      [`/v1/users/${ada.id}`, undefined],
      [`/v1/users/${ada.id}`, undefined],
    ]);

    // gRPC: an RPC CLIENT span under the call's span, OK, named by the traceparent the server saw.
    const grpcTrace = inTrace(out.handlers.grpc.traceId);
    expect(grpcTrace.map((s) => s.kind)).toEqual([2, 0, 0]);
    const [rpc, grpcCall] = grpcTrace as [PrintedSpan, PrintedSpan];
    expect(grpcCall.parent).toBe(out.handlers.grpc.spanId);
    expect(rpc).toMatchObject({
      name: `${AUTH_SERVICE}/ValidateToken`,
      scope: "svcgen",
      parent: grpcCall.spanId,
      status: 0,
      attributes: { "rpc.system": "grpc", "rpc.service": AUTH_SERVICE, "rpc.method": "ValidateToken", "rpc.grpc.status_code": 0, "server.address": "127.0.0.1", "server.port": grpc.port },
    });
    expect(grpc.seen.map((c) => [c.path, c.metadata["traceparent"]])).toEqual([[paths.validate, traceparent(rpc)]]);
    const rpcDuration = out.metrics["rpc.client.duration"]!;
    expect(rpcDuration.unit).toBe("ms");
    expect(rpcDuration.points.map((p) => [p.attributes["rpc.grpc.status_code"], p.count])).toEqual([[0, 1]]);

    // stats(), with and without telemetry.
    expect(out.stats.users).toMatchObject({ protocol: "http", calls: 1, attempts: 2, retries: 1, failures: 0, inFlight: 0 });
    expect(out.stats.quiet).toMatchObject({ protocol: "http", calls: 1, attempts: 2, retries: 1, failures: 0, inFlight: 0 });
    expect(out.stats.auth).toMatchObject({ protocol: "grpc", calls: 1, attempts: 1, retries: 0, failures: 0, inFlight: 0 });
  });
});

// Issue 16's daily workflow on the packed install: each in its own folder beside the app, sharing its node_modules.
describe("the daily workflow, installed", () => {
  const project = (): string => path.join(scratch, "app");
  const folder = (name: string): string => {
    const dir = path.join(scratch, name);
    mkdirSync(dir, { recursive: true });
    symlinkSync(path.join(project(), "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
  };
  const svcgen = (args: string[], cwd: string): SpawnSyncReturns<string> => sh(path.join(cwd, "node_modules/.bin/svcgen"), args, cwd);

  it("init writes a services.toml gen accepts, and a second init leaves it untouched", () => {
    const dir = folder("init");
    expect(ok(svcgen(["init"], dir), "svcgen init")).toContain("npx svcgen gen");
    const file = path.join(dir, "services.toml");
    expect(readFileSync(file, "utf8").split("\n", 1)[0]).toBe("#:schema ./node_modules/svcgen/schemas/services.schema.json");
    expect(ok(svcgen(["gen"], dir), "svcgen gen")).toMatch(/files written/);
    const before = { text: readFileSync(file, "utf8"), mtime: statSync(file).mtimeMs };
    const again = svcgen(["init"], dir);
    expect(again.status).toBe(2);
    expect({ text: readFileSync(file, "utf8"), mtime: statSync(file).mtimeMs }).toEqual(before);
  });

  it("init --from an acton-service config.toml keeps its three services, drops the database, and gen accepts it", () => {
    const dir = folder("init-from");
    cpSync(path.join(REPO, "test/fixtures/acton/config.toml"), path.join(dir, "config.toml"));
    ok(svcgen(["init", "--from", "config.toml", "--config", "from.toml"], dir), "svcgen init --from");
    const text = readFileSync(path.join(dir, "from.toml"), "utf8");
    // The database table and its URL are gone; only the header's list of what was left out names the table.
    expect(text).not.toContain("postgres://");
    expect(text.split("\n").filter((l) => l.includes("[database]"))).toEqual([expect.stringMatching(/^# Left out .*\[database\]/)]);
    ok(svcgen(["gen", "--config", "from.toml"], dir), "svcgen gen --config from.toml");
    expect(readdirSync(path.join(dir, "generated/clients")).filter((f) => !f.endsWith(".ts")).sort()).toEqual(["auth_service", "payments_service", "users_service"]);
  });

  it("graph draws the example as Mermaid and as the SVG the README shows", () => {
    const mermaid = ok(svcgen(["graph"], project()), "svcgen graph");
    for (const name of ["order-api", "auth_service", "payments_service", "users_service"]) expect(mermaid).toContain(`"${name}`);
    ok(svcgen(["graph", "--format", "svg", "-o", "deps.svg"], project()), "svcgen graph --format svg");
    expect(readFileSync(path.join(project(), "deps.svg"), "utf8")).toBe(readFileSync(path.join(REPO, "docs/example-graph.svg"), "utf8"));
  });

  it("a typed mock answers the generated client through undici's MockAgent, and a wrong reply body fails the user's tsc", () => {
    const id = "11111111-1111-4111-8111-111111111111";
    writeFileSync(
      path.join(project(), "mock-usage.ts"),
      `import { MockAgent } from "undici";
import { createUsersServiceClient } from "./generated/clients/index.js";
import { mockUsersService } from "./generated/clients/users_service/mock.js";

const agent = new MockAgent();
agent.disableNetConnect();
const users = createUsersServiceClient({ dispatcher: agent, env: {}, telemetry: false });
mockUsersService(agent, { env: {} })
  .getUser({ path: { id: "${id}" } })
  .reply(200, { id: "${id}", email: "ada@example.com", name: "Ada", role: "admin", created_at: "2024-01-01T00:00:00Z" });
const user = await users.getUser({ path: { id: "${id}" } });
agent.assertNoPendingInterceptors();
console.log(JSON.stringify({ name: user.name, baseUrl: users.describe().baseUrl }));
await users.close();
await agent.close();
`,
    );
    writeFileSync(
      path.join(project(), "mock-wrong.ts"),
      `import { MockAgent } from "undici";
import { mockUsersService } from "./generated/clients/users_service/mock.js";
mockUsersService(new MockAgent()).getUser({ path: { id: "1" } }).reply(200, { wrong: 1 });
`,
    );
    const config = (file: string, include: string[]): void =>
      writeFileSync(path.join(project(), file), JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, noEmit: false, outDir: "dist-mock", rootDir: "." }, include }, null, 2));
    config("tsconfig.mock.json", ["mock-usage.ts", "generated/**/*.ts"]);
    config("tsconfig.mock-wrong.json", ["mock-wrong.ts", "generated/**/*.ts"]);
    ok(sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.mock.json"], project()), "tsc mock-usage.ts");
    const printed = JSON.parse(ok(sh(process.execPath, ["dist-mock/mock-usage.js"], project()), "node mock-usage.js")) as unknown;
    expect(printed).toEqual({ name: "Ada", baseUrl: "http://users-api.default.svc.cluster.local:8080" });
    const wrong = sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.mock-wrong.json", "--noEmit"], project());
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout.split("\n").filter((l) => l.includes("error TS"))).toEqual([expect.stringMatching(/^mock-wrong\.ts\(3,\d+\): error TS2353: .*'wrong'/)]);
  });

  it("the example's egress NetworkPolicy validates against the strict schema: the callee ports, DNS and the other namespace", () => {
    type Selector = { matchLabels: Record<string, string> };
    type Policy = { spec: { podSelector: Selector; policyTypes: string[]; egress: Array<{ to: Array<{ namespaceSelector?: Selector; podSelector: Selector }>; ports: Array<{ protocol: string; port: number }> }> } };
    const doc = parseYaml(readFileSync(path.join(project(), "generated/k8s/network-policy.yaml"), "utf8")) as Policy;
    expect(schemaErrors("networking.k8s.io/v1/NetworkPolicy", doc)).toEqual([]);
    expect(doc.spec.policyTypes).toEqual(["Egress"]);
    expect(doc.spec.podSelector).toEqual({ matchLabels: { app: "order-api" } });
    const labels = (s: Selector): string => Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`).join(",");
    const rules = doc.spec.egress.map((rule) => [
      rule.to.map((peer) => `${peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"]}/${labels(peer.podSelector)}`).join(" "),
      rule.ports.map((p) => `${p.protocol}/${p.port}`).join(" "),
    ]);
    expect(rules).toEqual([
      ["default/app=auth-api", "TCP/8080 TCP/8081"],
      ["payments/app=payments-api", "TCP/8080"],
      ["default/app=users-api", "TCP/8080"],
      ["kube-system/k8s-app=kube-dns", "UDP/53 TCP/53"],
    ]);
  });

  it("gen --watch picks up a new operation, survives a TOML typo, picks up the next change, and exits 0 on Ctrl-C", () => {
    const dir = folder("watch");
    const run = sh(process.execPath, [path.join(REPO, "test/support/pack-watch-check.mjs"), dir], dir);
    expect(`${run.stdout}${run.stderr}`).toContain("gen --watch: ok");
    expect(run.status).toBe(0);
  });
});
