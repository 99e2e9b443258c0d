// svcgen as users get it: `npm pack`, install the tarball into a scratch project outside this repo (so nothing
// resolves from our node_modules), `npx svcgen gen` there, type-check the output with the user's own tsc, compile it,
// and call a real server through it. A bin that only works inside this checkout fails here.
import { execFile, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./support/repo.js";
import { startUsersServer } from "./support/servers/examples.js";
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

let scratch = "";
let tarball = "";

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_yes: "true" } });
  if (result.error) throw result.error;
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  expect(result.status, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
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
import type { AddressInfo } from "node:net";
import { createAuthServiceClient } from "./generated/clients/index.js";
import { isHttpError, type Middleware } from "./generated/runtime/index.js";

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
  const auth = createAuthServiceClient({ baseUrl: \`http://127.0.0.1:\${port}\` });
  const keys = await auth.getJwks();
  const failed = await auth.validateToken().catch((e: unknown) => (isHttpError(e) ? e.status : "other"));
  await auth.close();
  const signed = createAuthServiceClient({ baseUrl: \`http://127.0.0.1:\${port}\`, middleware: [perAttempt] });
  const retried = await signed.getJwks();
  await signed.close();
  server.close();
  console.log(JSON.stringify({ kids: keys.keys.map((k) => k.kid), failed, seen, retried: retried.keys.length, attempts }));
});
`,
    );
    writeFileSync(
      path.join(project(), "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, noEmit: false, outDir: "dist", rootDir: "." }, include: ["main.ts", "generated/**/*.ts"] }, null, 2),
    );
    ok(sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], project()), "tsc");
    const printed = JSON.parse(ok(sh(process.execPath, ["dist/main.js"], project()), "node dist/main.js")) as unknown;
    // The middleware's header reached the server on each of the three attempts of the retried GET.
    expect(printed).toEqual({
      kids: ["k1"],
      failed: 401,
      seen: ["GET /v1/keys", "POST /v1/tokens/validate", "GET /v1/keys"],
      retried: 1,
      attempts: ["1", "2", "3"],
    });
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
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ["dist/main.js"], { cwd: dir, env: { ...process.env, USERS_SERVICE_URL: server.url } }, (_e, stdout, stderr) =>
          resolve({ code: child.exitCode, stdout, stderr }),
        );
      });
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
});
