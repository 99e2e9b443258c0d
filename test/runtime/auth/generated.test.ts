// Credentials end to end through generated clients (golden case `security`): the typed `auth` option (a scheme the
// spec does not define, or a basic scheme given a string, fails tsc), and what a real server on 127.0.0.1 saw per
// operation: the root requirement, `security: []`, AND and OR alternatives, a per-call override, and a spec-less
// service reading its bearer token from the environment variable services.toml names, through `request()`.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateInto } from "../../support/generated.js";
import { REPO, TMP } from "../../support/repo.js";
import { typeCheckPlanted } from "../../support/tsc.js";
import { empty, header, json, startServer } from "../../support/servers/http.js";
import type { RunningServer } from "../../support/servers/http.js";

const CASE = path.join(REPO, "test", "golden", "security");
const OUT = path.join(TMP, "security-runtime");

const USAGE = `import { createLegacyClient, createVaultClient } from "./clients/index.js";

export async function scenario(baseUrl: string, legacyUrl: string): Promise<string[]> {
  let fetched = 0;
  const vault = createVaultClient({
    baseUrl,
    env: {},
    auth: {
      // A provider: called once, however many calls need it.
      bearerAuth: async () => ({ token: "tok-" + String(++fetched), expiresAt: Date.now() + 3_600_000 }),
      basicAuth: { username: "ops", password: "pw" },
      sessionCookie: "sess-1",
      apiKeyHeader: "key-h",
      apiKeyQuery: "key-q",
    },
  });
  const legacy = createLegacyClient({ baseUrl: legacyUrl, env: { LEGACY_TOKEN: "legacy-token" } });
  try {
    await Promise.all(Array.from({ length: 10 }, () => vault.listSecrets()));
    await vault.getPublic();
    await vault.adminAction();
    await vault.listSecrets(undefined, { auth: { bearerAuth: "per-call" } });
    await legacy.request({ method: "GET", path: "/v1/ping" });
  } finally {
    await vault.close();
    await legacy.close();
  }
  return ["provider calls " + String(fetched)];
}
`;

// One mistake per line from 2 on.
const PLANTED = `import { createVaultClient } from "./clients/index.js";
export const typo = createVaultClient({ auth: { bearerAuht: "x" } });
export const basicAsString = createVaultClient({ auth: { basicAuth: "user:pw" } });
export const tokenAsBasic = createVaultClient({ auth: { bearerAuth: { username: "u", password: "p" } } });
export const callTypo = createVaultClient().listSecrets(undefined, { auth: { bearerAuht: "x" } });
`;

interface UsageModule {
  scenario(baseUrl: string, legacyUrl: string): Promise<string[]>;
}

let usage: UsageModule;
let vault: RunningServer;
let legacy: RunningServer;
let tsc: { others: string[]; planted: string[] } | undefined;
const checked = (): { others: string[]; planted: string[] } => (tsc ??= typeCheckPlanted(OUT, ["clients/**/*.ts", "usage.ts", "planted.ts"]));

beforeAll(async () => {
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  writeFileSync(path.join(OUT, "usage.ts"), USAGE);
  writeFileSync(path.join(OUT, "planted.ts"), PLANTED);
  usage = (await import(pathToFileURL(path.join(OUT, "usage.ts")).href)) as UsageModule;
  vault = await startServer(() => empty(204));
  legacy = await startServer(() => json(200, { pong: true }));
});

afterAll(async () => {
  await vault?.close();
  await legacy?.close();
});

describe("credentials through generated clients", () => {
  it("the typed auth option type-checks; a wrong scheme name (client or call option) or credential shape fails tsc at its line", () => {
    expect(checked().others).toEqual([]);
    const lines = checked().planted.map((l) => Number(/planted\.ts\((\d+),\d+\)/.exec(l)?.[1]));
    expect([...new Set(lines)]).toEqual([2, 3, 4, 5]);
  });

  it("each operation sends what its requirement needs, and nothing else", async () => {
    const seen = await usage.scenario(vault.url, legacy.url);
    expect(seen).toEqual(["provider calls 1"]);
    const row = (i: number): [string, string | undefined, string | undefined, string | undefined, string] => {
      const r = vault.seen[i]!;
      return [`${r.method} ${r.path}`, header(r, "authorization"), header(r, "x-api-key"), header(r, "cookie"), r.query];
    };
    expect(vault.seen).toHaveLength(13);
    // Ten concurrent listSecrets: the root requirement's first alternative (bearer), one provider fetch.
    for (let i = 0; i < 10; i++) expect(row(i)).toEqual(["GET /secrets", "Bearer tok-1", undefined, undefined, ""]);
    // security: [] sends nothing at all.
    expect(row(10)).toEqual(["GET /public", undefined, undefined, undefined, ""]);
    // Its own requirement: basic AND the session cookie (the first alternative that is fully configured).
    expect(row(11)).toEqual(["POST /admin", `Basic ${Buffer.from("ops:pw").toString("base64")}`, undefined, "session=sess-1", ""]);
    // A call's own credential wins for that call.
    expect(row(12)).toEqual(["GET /secrets", "Bearer per-call", undefined, undefined, ""]);
    // The spec-less service: services.toml's env source, through request().
    expect(legacy.seen.map((r) => [`${r.method} ${r.path}`, header(r, "authorization")])).toEqual([["GET /v1/ping", "Bearer legacy-token"]]);
  });
});
