// The README is part of the product: its TOML must be accepted, its TypeScript must type-check against the committed
// example output and run against a real server, and its references must name every key, lint code and CLI flag.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../src/cli/commands/index.js";
import { parseConfig } from "../src/config/index.js";
import { LINT_CODES } from "../src/lint/index.js";
import { MESH_KEYS } from "../src/mesh/index.js";
import { REPO, TMP } from "./support/repo.js";
import { type RunningServer, JWKS, SEED_USERS, startAuthServer, startUsersServer } from "./support/servers/examples.js";
import { SUBJECT, VALID_TOKEN, paths, startAuthGrpcServer } from "./support/servers/grpc-auth.js";
import { typeCheck } from "./support/tsc.js";

const README = readFileSync(path.join(REPO, "README.md"), "utf8");

function blocks(lang: string): string[] {
  const out: string[] = [];
  const fence = new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm");
  for (const m of README.matchAll(fence)) out.push(m[1]!);
  return out;
}

describe("README TOML", () => {
  const tomls = blocks("toml");

  it("has examples", () => {
    expect(tomls.length).toBeGreaterThanOrEqual(3);
  });

  it.each(tomls.map((t, i) => [i, t] as const))("block %i is accepted by the config parser", (_i, text) => {
    // Fragments name services defined elsewhere in the README; give those a URL so the block stands alone.
    const named = new Set([...text.matchAll(/^\[\[?external_services\.([A-Za-z_][\w-]*)/gm)].map((m) => m[1]!));
    const defined = new Set([...text.matchAll(/^\[external_services\.([A-Za-z_][\w-]*)\]$/gm)].map((m) => m[1]!));
    let doc = text;
    for (const key of named) if (!defined.has(key)) doc += `\n[external_services.${key}]\nurl = "http://${key.replace(/_/g, "-")}:8080"\n`;
    const result = parseConfig(doc, "README.toml");
    expect(result.diagnostics).toEqual([]);
    expect(result.config).toBeDefined();
  });
});

describe("README TypeScript", () => {
  const dir = path.join(TMP, "readme");
  let server: RunningServer;
  beforeAll(async () => {
    server = await startUsersServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("type-checks against the committed example output and runs against a real users server", async () => {
    const [usage] = blocks("ts");
    expect(usage).toBeDefined();
    const result = await runBlock(dir, "usage.ts", usage!, { USERS_SERVICE_URL: server.url });
    expect(blockErrors(0)).toEqual([]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    // The seed already has ada@example.com: the README's 409 branch runs.
    expect(result.stdout).toContain("taken:");
    expect(result.stdout).toContain(`${SEED_USERS.length} Ada env:USERS_SERVICE_URL`);
    expect(server.seen.map((r) => r.method)).toEqual(["GET", "GET", "POST"]);
  });
});

/** Runs a README block as a script (asynchronously: the servers it calls live in this process). */
function runBlock(dir: string, name: string, block: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  mkdirSync(dir, { recursive: true });
  const generated = path.relative(dir, path.join(REPO, "generated")).split(path.sep).join("/");
  const file = path.join(dir, name);
  writeFileSync(file, `${block.replaceAll("./generated/", `${generated}/`)}\nexport {};\n`);
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", file], { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("README Authentication example", () => {
  const block = blocks("ts").find((b) => b.includes("auth: { bearer: async"))!;

  it("runs against a real users server: one provider call for concurrent calls, the call's own token wins", async () => {
    expect(block).toBeDefined();
    const server = await startUsersServer();
    try {
      const result = await runBlock(path.join(TMP, "readme-auth"), "auth.ts", block, { USERS_SERVICE_URL: server.url });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      // describe().auth lists the scheme and its source kind; the provider ran once.
      expect(result.stdout).toContain("scheme: 'bearer'");
      expect(result.stdout).toContain("source: 'provider'");
      expect(result.stdout.trim().endsWith(" 1")).toBe(true);
      const seen = server.seen.map((r) => `${r.method} ${r.path} ${String(r.headers["authorization"])}`);
      expect(seen).toEqual([
        "GET /v1/users Bearer token-1",
        "GET /v1/users Bearer token-1",
        "GET /v1/users/11111111-1111-4111-8111-111111111111 Bearer a-call-token",
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("README gRPC example", () => {
  const block = blocks("ts").find((b) => b.includes("createAuthServiceGrpcClient"))!;

  it.each([
    ["a valid token", VALID_TOKEN, `valid: ${SUBJECT} 1893456000n`],
    ["an unknown token", "", "rejected: 16 token_invalid"],
  ])("runs against a real gRPC server and a real HTTP server with %s", async (_name, token, line) => {
    const grpc = await startAuthGrpcServer();
    const http = await startAuthServer();
    try {
      const result = await runBlock(path.join(TMP, "readme-grpc"), "grpc.ts", block, {
        AUTH_SERVICE_GRPC_URL: grpc.url,
        AUTH_SERVICE_URL: http.url,
        TOKEN: token,
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(line);
      expect(result.stdout).toContain("revoked: 1 unknown: 1");
      expect(result.stdout).toContain("health: SERVING");
      expect(result.stdout).toContain(`jwks: ${JWKS.keys.length} grpc health: SERVING`);
      // What the servers saw: one call of each RPC (no retries), the metadata, and the one HTTP request.
      expect([paths.validate, paths.issue, paths.listKeys, paths.revoke].map((p) => grpc.count(p))).toEqual([1, 1, 1, 1]);
      expect(grpc.seen.find((c) => c.path === paths.validate)!.metadata["x-request-id"]).toBe("r1");
      expect(http.seen.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/keys"]);
    } finally {
      await grpc.close();
      await http.close();
    }
  });
});

describe("README Telemetry example", () => {
  const block = blocks("ts").find((b) => b.includes("setGlobalTracerProvider"))!;

  it("runs against the real OpenTelemetry SDK and a users server that answers 503 once: the trace and metrics it prints are what the server saw", async () => {
    expect(block).toBeDefined();
    let failed = 0;
    const server = await startUsersServer({ intercept: (req) => (req.path.startsWith("/v1/users/") && !failed++ ? { status: 503 } : undefined) });
    try {
      const result = await runBlock(path.join(TMP, "readme-telemetry"), "telemetry.ts", block, { USERS_SERVICE_URL: server.url });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const lines = result.stdout.trim().split("\n");
      // Two attempt spans (503, then 200), the call's span with its retry event, the caller's span.
      expect(lines.slice(0, 4).map((l) => l.replace(/ [0-9a-f]{16} /, " <id> "))).toEqual([
        "CLIENT GET /v1/users/{id} <id> 503 ",
        "CLIENT GET /v1/users/{id} <id> 200 ",
        "INTERNAL users_service.getUser <id>  svcgen.retry",
        "INTERNAL GET /checkout <id>  ",
      ]);
      expect(lines.slice(4)).toEqual(["s 503 200", "2 1"]);
      // Each GET the server saw carries the traceparent of the attempt span that sent it.
      const ids = lines.slice(0, 2).map((l) => l.split(" ")[3]);
      const gets = server.seen.filter((r) => r.path.startsWith("/v1/users/"));
      expect(gets).toHaveLength(2);
      expect(gets.map((r) => String(r.headers["traceparent"]).split("-")[2])).toEqual(ids);
    } finally {
      await server.close();
    }
  });
});

describe("README typed mocks example", () => {
  const block = blocks("ts").find((b) => b.includes("mockUsersService"))!;

  it("runs as a node:test file against the committed example output and passes", async () => {
    expect(block).toBeDefined();
    const result = await runBlock(path.join(TMP, "readme-mocks"), "greeting.test.ts", block, {});
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# pass 1$/m);
    expect(result.stdout).toMatch(/^# fail 0$/m);
  });
});

describe("README TypeScript, every other block", () => {
  const rest = blocks("ts").slice(1);

  it("has the balancer and gRPC examples", () => {
    expect(rest.some((b) => b.includes("implements Balancer"))).toBe(true);
    expect(rest.some((b) => b.includes("createAuthServiceGrpcClient"))).toBe(true);
  });

  it.each(rest.map((_b, i) => i + 1))("block %i type-checks against the committed example output", (i) => {
    expect(blockErrors(i)).toEqual([]);
  });
});

let checked: string[] | undefined;
/**
 * tsc's errors in README TypeScript block `i` (0: the quick start's usage). Every block is its own module
 * (`export {}`), so one tsc run checks them all; each test reads its own file's lines.
 */
function blockErrors(i: number): string[] {
  if (checked === undefined) {
    const dir = path.join(TMP, "readme-blocks");
    mkdirSync(dir, { recursive: true });
    const generated = path.relative(dir, path.join(REPO, "generated")).split(path.sep).join("/");
    const all = blocks("ts");
    all.forEach((block, n) => writeFileSync(path.join(dir, `block-${n}.ts`), `${block.replaceAll("./generated/", `${generated}/`)}\nexport {};\n`));
    const { code, output } = typeCheck(dir, all.map((_b, n) => `block-${n}.ts`));
    checked = output.split("\n").filter((l) => l.trim() !== "");
    // A failure that names no block (a bad tsconfig) must not pass as "no errors in this block".
    if (code !== 0 && !checked.some((l) => /(^|\/)block-\d+\.ts\(/.test(l))) throw new Error(`tsc failed outside the blocks:\n${output}`);
  }
  // tsc names files by their path from the working directory: match the file name after it.
  return checked.filter((l) => new RegExp(`(^|/)block-${i}\\.ts\\(`).test(l));
}

describe("README references", () => {
  it("documents every services.toml key of the schema", () => {
    const schema = JSON.parse(readFileSync(path.join(REPO, "schemas/services.schema.json"), "utf8")) as unknown;
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== "object") return;
      const props = (node as { properties?: Record<string, unknown> }).properties;
      if (props) for (const k of Object.keys(props)) keys.add(k);
      for (const v of Object.values(node)) walk(v);
    };
    walk(schema);
    const documented = (k: string): boolean =>
      [`\`${k}\``, `.${k}\``, `\`${k}.`, `[${k}]`].some((form) => README.includes(form));
    const missing = [...keys].filter((k) => !documented(k));
    expect(missing).toEqual([]);
  });

  it("documents every mesh key and lint code", () => {
    expect(Object.keys(MESH_KEYS).filter((k) => !README.includes(`\`${k}\``))).toEqual([]);
    expect(Object.keys(LINT_CODES).filter((c) => !README.includes(`| ${c} |`))).toEqual([]);
  });

  it("shows the example project's dependency picture as `npm run graph:example` last drew it", () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBe(readFileSync(path.join(REPO, "docs/example-graph.mmd"), "utf8"));
  });

  it("documents every command and flag", () => {
    for (const command of commands) {
      expect(README, command.name).toContain(`svcgen ${command.name}`);
      for (const flag of Object.keys(command.options)) {
        if (flag === "help") continue;
        expect(README, `${command.name} --${flag}`).toContain(`--${flag}`);
      }
    }
  });
});
