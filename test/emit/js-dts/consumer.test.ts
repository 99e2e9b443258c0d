// The example project's js+dts output used the way the README says: a local package (`"generated":
// "file:../generated"`, installed by npm), imported by name from a project that builds with `tsc --outDir` under
// strict settings, and from a bundle (esbuild). Both builds then call real servers (users, payments, the auth
// service over HTTP and gRPC), and the servers must see exactly those calls. A deep import by path works too.
import { execFile, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyTarget } from "../../../src/emit/targets.js";
import { generate } from "../../../src/generate.js";
import { REPO, TMP } from "../../support/repo.js";
import { NEW_USER_ID, startAuthServer, startPaymentsServer, startUsersServer, VALID_TOKEN } from "../../support/servers/examples.js";
import type { RunningServer } from "../../support/servers/examples.js";
import { startAuthGrpcServer, paths as grpcPaths } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { STRICT_OPTIONS } from "../../support/tsc.js";

const DIR = path.join(TMP, "js-dts-consumer");
const APP = path.join(DIR, "app");
const MISSING = "99999999-9999-4999-8999-999999999999";

/** The app: every import by the package's name, types only from its .d.ts. */
const MAIN = `
import { createAuthServiceClient, createPaymentsServiceClient, createUsersServiceClient, type usersService } from "generated";
import { isHttpError } from "generated/runtime";
import { usersServiceDefinition, type GetUserResult } from "generated/clients/users_service/index.js";

const urls = JSON.parse(process.argv[2]!) as { users: string; payments: string; auth: string; grpc: string };
const users = createUsersServiceClient({ baseUrl: urls.users, env: {} });
const payments = createPaymentsServiceClient({ baseUrl: urls.payments, env: {} });
const auth = createAuthServiceClient({ baseUrl: urls.auth, env: {}, grpc: { baseUrl: urls.grpc } });

const page = await users.listUsers({ query: { limit: 2 } });
const created = await users.createUser({ body: { email: "hopper@example.net", name: "Grace" } });
const params: usersService.GetUserParams = { path: { id: created.id } };
const fetched: GetUserResult = await users.getUser(params);
let missing = "";
try {
  await users.getUser({ path: { id: "${MISSING}" } });
} catch (error) {
  // The declarations narrow a documented 404 to the spec's Error body.
  if (isHttpError(error, users.getUser) && error.status === 404) missing = error.body.code;
}
const charges = await payments.listCharges({ query: { limit: 1 } });
const keys = await auth.getJwks();
const token = await auth.grpc.authService.validateToken({ token: "${VALID_TOKEN}" });
const result = { service: usersServiceDefinition.name, listed: page.items.length, email: fetched.email, missing, charges: charges.data.length, keys: keys.keys.length, valid: token.valid };
console.log(JSON.stringify(result));
await Promise.all([users.close(), payments.close(), auth.close()]);
`;

/** Mistakes the declarations must catch, one per line (line numbers are asserted). */
const PLANTED = `import { createUsersServiceClient } from "generated";
const users = createUsersServiceClient({ baseUrl: "http://127.0.0.1:9" });
export const a = users.getUser({ path: { id: 42 } });
export const b = users.createUser({});
export const c = (await users.getUser({ path: { id: "x" } })).nickname.toUpperCase();
export const d = users.listUsers(undefined, { retries: 3 });
export const e = users.noSuchOperation();
`;

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  const result = await generate({ configPath: "services.toml", cwd: path.join(REPO, "examples") });
  for (const f of await applyTarget(result.files, "js+dts")) {
    const abs = path.join(DIR, "generated", f.path);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, f.content);
  }
  mkdirSync(path.join(APP, "src"), { recursive: true });
  writeFileSync(
    path.join(APP, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module", dependencies: { generated: "file:../generated" } }, null, 2),
  );
  writeFileSync(path.join(APP, "src", "main.ts"), MAIN);
  writeFileSync(path.join(APP, "src", "planted.ts"), PLANTED);
  const compilerOptions = { ...STRICT_OPTIONS, noEmit: false, outDir: "dist", rootDir: "src", typeRoots: [path.join(REPO, "node_modules/@types")] };
  writeFileSync(path.join(APP, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, 2));
  // What the README tells a user to run; a `file:` dependency is a link, so nothing is fetched.
  const npm = sh("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], APP);
  expect(npm.status, npm.stderr).toBe(0);
});

const open: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

interface Servers {
  users: RunningServer;
  payments: RunningServer;
  auth: RunningServer;
  grpc: RunningGrpcServer;
}

async function servers(): Promise<Servers> {
  const s = { users: await startUsersServer(), payments: await startPaymentsServer(), auth: await startAuthServer(), grpc: await startAuthGrpcServer() };
  open.push(s.users, s.payments, s.auth, s.grpc);
  return s;
}

/** Runs a built entry point against fresh servers; returns what it printed and what the servers saw. */
async function runAgainstServers(entry: string): Promise<{ printed: unknown; seen: Record<string, string[]> }> {
  const s = await servers();
  const urls = { users: s.users.url, payments: s.payments.url, auth: s.auth.url, grpc: s.grpc.url };
  // Asynchronous: the servers live in this process and must answer while the app runs.
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [entry, JSON.stringify(urls)], { cwd: APP }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
  );
  const line = (r: { method: string; path: string; query: string }): string => `${r.method} ${r.path}${r.query ? `?${r.query}` : ""}`;
  return {
    printed: JSON.parse(stdout),
    seen: {
      users: s.users.seen.map(line),
      payments: s.payments.seen.map(line),
      auth: s.auth.seen.map(line),
      grpc: s.grpc.seen.map((c) => c.path),
    },
  };
}

const EXPECTED = {
  printed: { service: "users_service", listed: 2, email: "hopper@example.net", missing: "not_found", charges: 1, keys: 2, valid: true },
  seen: {
    users: ["GET /v1/users?limit=2", "POST /v1/users", `GET /v1/users/${NEW_USER_ID(1)}`, `GET /v1/users/${MISSING}`],
    payments: ["GET /v1/charges?limit=1"],
    auth: ["GET /v1/keys"],
    grpc: [grpcPaths.validate],
  },
};

describe("the js+dts package in a project", () => {
  it("is installed by npm as a link to the folder", () => {
    const link = path.join(APP, "node_modules", "generated");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(realpathSync(path.join(DIR, "generated")));
  });

  it("builds with tsc --outDir under strict settings: the app is clean, every planted mistake is an error", () => {
    const r = sh(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", APP], APP);
    const lines = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /error TS\d+/.test(l));
    expect(lines.filter((l) => !l.startsWith("src/planted.ts("))).toEqual([]);
    expect(lines.map((l) => /^src\/planted\.ts\((\d+),\d+\): error (TS\d+)/.exec(l)?.slice(1).join(" "))).toEqual([
      "3 TS2322", // id: number where the spec says string
      "4 TS2345", // createUser without its required body
      "5 TS2533", // nickname may be null or absent
      "6 TS2353", // no such call option
      "7 TS2339", // no such operation
    ]);
    // Errors do not stop the emit: dist/ is what the project runs.
    expect(existsSync(path.join(APP, "dist", "main.js"))).toBe(true);
  });

  it("runs from tsc's dist/ against real servers, which see exactly the calls made", async () => {
    expect(await runAgainstServers(path.join(APP, "dist", "main.js"))).toEqual(EXPECTED);
  });

  it("bundles with esbuild (the package taken by name, through its exports) and runs the same", async () => {
    const outfile = path.join(APP, "bundle", "main.mjs");
    const result = await build({
      absWorkingDir: APP,
      entryPoints: ["src/main.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      metafile: true,
      logLevel: "silent",
      // What the project installs itself (the generated code's peers) stays an import.
      external: ["undici", "@bufbuild/*", "@connectrpc/*", "@opentelemetry/*"],
    });
    // The clients and the runtime were read from the folder, by way of node_modules/generated.
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("../generated/clients/users_service/index.js");
    expect(inputs).toContain("../generated/runtime/index.js");
    expect(await runAgainstServers(outfile)).toEqual(EXPECTED);
  });
});
