// `svcgen init` through main(): a fresh file and one made from an acton-service config.toml are accepted by the real
// `gen`; an existing file is never touched; bad TOML in --from is reported at its position and nothing is written.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { BUILTIN_DEFAULTS } from "../../src/config/builtins.js";
import { makeProject, run, snapshot, writeFile } from "./helpers.js";

const FIXTURE = readFileSync(fileURLToPath(new URL("../fixtures/acton/config.toml", import.meta.url)), "utf8");
const DATABASE_URL = "postgres://user:password@ysql.ysql-cluster.svc.cluster.local:5433/users_db";

const read = (dir: string, file = "services.toml"): string => readFileSync(path.join(dir, file), "utf8");

describe("svcgen init", () => {
  it("writes a commented services.toml in an empty folder that gen accepts as it is", async () => {
    const cwd = makeProject({});
    expect(await run(cwd, ["init"])).toEqual({
      code: 0,
      stdout:
        "svcgen: wrote services.toml; add the services you call under [external_services]\n" +
        "next: npx svcgen gen --config services.toml\n",
      stderr: "",
    });
    const text = read(cwd);
    expect(text.split("\n")[0]).toBe("#:schema ./node_modules/svcgen/schemas/services.schema.json");

    const gen = await run(cwd, ["gen"]);
    expect(gen).toMatchObject({ code: 0, stderr: "" });
    expect(gen.stdout).toMatch(/^svcgen: \d+ files written, 0 unchanged, 0 removed \(generated\/\)\n$/);
    expect(existsSync(path.join(cwd, "generated/runtime/index.ts"))).toBe(true);
  });

  it("shows the seed's defaults: the values written are svcgen's built-in ones", async () => {
    const cwd = makeProject({});
    await run(cwd, ["init"]);
    const doc = parse(read(cwd)) as Record<string, Record<string, unknown>>;
    const { retry, circuit_breaker: breaker } = BUILTIN_DEFAULTS;
    expect(doc.service).toEqual({ name: "my-service" });
    expect(doc.resilience).toEqual({
      circuit_breaker_enabled: breaker.enabled,
      circuit_breaker_threshold: breaker.failure_threshold,
      circuit_breaker_timeout_secs: breaker.open_ms / 1000,
      retry_enabled: true,
      retry_max_attempts: retry.max_attempts,
    });
    // The seed's reqwest client: 10 s per call, 5 s to connect.
    expect(doc.defaults).toEqual({ timeout_ms: 10_000, connect_timeout_ms: 5_000 });
    expect(doc.defaults).toEqual({ timeout_ms: BUILTIN_DEFAULTS.timeout_ms, connect_timeout_ms: BUILTIN_DEFAULTS.connect_timeout_ms });
    expect(doc.external_services).toEqual({});
  });

  it("every commented-out key is valid and a built-in default: uncommenting them changes no policy", async () => {
    const cwd = makeProject({});
    await run(cwd, ["init"]);
    const uncommented = read(cwd).replace(/^# ((?:\[|[a-z_.]+ = ).*)$/gm, "$1");
    const withAll = parseConfig(uncommented, "services.toml");
    expect(withAll.diagnostics).toEqual([]);
    expect(withAll.config?.services.map((service) => service.key)).toEqual(["auth_service", "users_service"]);
    const bare = parseConfig('[external_services]\nauth_service = "http://auth-api:8080"\n', "services.toml");
    const policy = (result: typeof bare): unknown => result.config?.services.find((s) => s.key === "auth_service")?.policy;
    expect(policy(withAll)).toEqual(policy(bare));
  });

  it("names the caller after the folder's package.json when it is a DNS label", async () => {
    const cwd = makeProject({ "package.json": JSON.stringify({ name: "order-api" }) });
    await run(cwd, ["init"]);
    expect(parse(read(cwd)).service).toEqual({ name: "order-api" });
  });

  it("never overwrites: a second init exits 2 and leaves the file byte-identical, mtime and inode included", async () => {
    const cwd = makeProject({});
    expect((await run(cwd, ["init"])).code).toBe(0);
    writeFile(cwd, "config.toml", FIXTURE);
    const before = snapshot(cwd);
    const refused =
      "svcgen: services.toml already exists; init never overwrites a file (remove it, or pick another with --config)\n";
    expect(await run(cwd, ["init"])).toEqual({ code: 2, stdout: "", stderr: refused });
    expect(await run(cwd, ["init", "--from", "config.toml"])).toEqual({ code: 2, stdout: "", stderr: refused });
    expect(snapshot(cwd)).toEqual(before);
  });

  it("--config names the file to write, creating its folder", async () => {
    const cwd = makeProject({});
    const result = await run(cwd, ["init", "--config", "deploy/my services.toml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("next: npx svcgen gen --config 'deploy/my services.toml'\n");
    expect(existsSync(path.join(cwd, "services.toml"))).toBe(false);
    // The schema line reaches the project's node_modules from the file's folder.
    expect(read(cwd, "deploy/my services.toml").split("\n")[0]).toBe("#:schema ../node_modules/svcgen/schemas/services.schema.json");
    const gen = await run(cwd, ["gen", "--config", "deploy/my services.toml", "--no-cache"]);
    expect(gen.code).toBe(0);
  });

  it("svcgen help init and init --help print the usage", async () => {
    const cwd = makeProject({});
    const help = await run(cwd, ["help", "init"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: svcgen init \[--from <config\.toml>\] \[--config <file>\]\n/);
    expect(help.stdout).toContain("--from <file>");
    expect(await run(cwd, ["init", "--help"])).toEqual(help);
    expect((await run(cwd, ["--help"])).stdout).toMatch(/\n {2}init {3}write a commented services\.toml/);
  });
});

describe("svcgen init --from", () => {
  it("keeps [service], the three services and [resilience]; drops the database and every other table", async () => {
    const cwd = makeProject({ "config.toml": FIXTURE });
    expect(await run(cwd, ["init", "--from", "config.toml"])).toEqual({
      code: 0,
      stdout:
        "svcgen: wrote services.toml from config.toml\n" +
        "  kept: [service] order-api; [resilience]; [external_services] auth_service, users_service, payments_service\n" +
        "  left out: [jwt], [middleware], [database], [redis], [otlp]\n" +
        "next: npx svcgen gen --config services.toml\n",
      stderr: 'config.toml:34:1: warning: left out "bulkhead_max_concurrent" in [resilience]: svcgen does not read it\n',
    });
    const text = read(cwd);
    expect(text.split("\n")[0]).toBe("#:schema ./node_modules/svcgen/schemas/services.schema.json");
    const doc = parse(text);
    expect(Object.keys(doc)).toEqual(["service", "external_services", "resilience"]);
    expect(doc.service).toEqual({ name: "order-api", port: 8080, log_level: "info", timeout_secs: 30, environment: "dev" });
    expect(doc.external_services).toEqual({
      auth_service: "http://auth-api:8080",
      users_service: "http://users-api:8080",
      payments_service: "http://payments-api:8080",
    });
    expect(doc.resilience).toEqual({
      circuit_breaker_enabled: true,
      circuit_breaker_threshold: 5,
      circuit_breaker_timeout_secs: 30,
      retry_enabled: true,
      retry_max_attempts: 3,
    });
    // Nothing of the other tables, their values or the comments around them; the kept tables' comments stay.
    for (const gone of [DATABASE_URL, "hunter2", "redis://", "jwt-public.pem", "otel-collector", "bulkhead", "Old database"]) {
      expect(text).not.toContain(gone);
    }
    expect(text).toContain('users_service = "http://users-api:8080"   # users-api owns accounts\n');
    expect(text).toContain("# Services this one calls, through Kubernetes DNS.\n[external_services]\n");
  });

  it("gen accepts the result: a client per kept service", async () => {
    const cwd = makeProject({ "config.toml": FIXTURE });
    expect((await run(cwd, ["init", "--from", "config.toml"])).code).toBe(0);
    const gen = await run(cwd, ["gen", "--no-cache"]);
    expect(gen).toMatchObject({ code: 0, stderr: "" });
    for (const key of ["auth_service", "users_service", "payments_service"]) {
      expect(existsSync(path.join(cwd, `generated/clients/${key}/index.ts`))).toBe(true);
    }
  });

  it("bad TOML: file:line:col: error, exit 2, nothing written", async () => {
    const cwd = makeProject({ "acton/config.toml": '[service]\nname = "order-api"\n\n[external_services]\nauth_service = http://auth-api:8080\n' });
    const before = snapshot(cwd);
    expect(await run(cwd, ["init", "--from", "acton/config.toml"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "acton/config.toml:5:16: error: invalid TOML: invalid value\n",
    });
    expect(snapshot(cwd)).toEqual(before);
  });

  it("a missing --from file is bad input, nothing written", async () => {
    const cwd = makeProject({});
    expect(await run(cwd, ["init", "--from", "nope.toml"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "svcgen: --from: file not found: nope.toml\n",
    });
    expect(existsSync(path.join(cwd, "services.toml"))).toBe(false);
  });

  it("a kept value gen would reject is kept as written and reported at its position in the new file", async () => {
    const cwd = makeProject({ "config.toml": "[resilience]\nretry_max_attempts = 0\n" });
    const result = await run(cwd, ["init", "--from", "config.toml"]);
    expect(result.code).toBe(0);
    const line = read(cwd).split("\n").indexOf("retry_max_attempts = 0") + 1;
    expect(result.stderr).toBe(
      `services.toml:${line}:22: error: "retry_max_attempts" must be an integer from 1 to 100, got 0\n` +
        "svcgen: fix the errors above in services.toml before running gen\n",
    );
  });
});
