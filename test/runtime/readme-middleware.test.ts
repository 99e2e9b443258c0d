// The README's two middleware examples (section "Middleware"), run as written (but for the import path) against a
// real node:http server standing in for users-api: the signature the server got must verify, and a retried call logs
// one line per attempt.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO, TMP } from "../support/repo.js";
import { json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";

const README = readFileSync(path.join(REPO, "README.md"), "utf8");
const section = README.slice(README.indexOf("### Middleware"), README.indexOf("\n## ", README.indexOf("### Middleware")));
const blocks = [...section.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
const USER = { id: "11111111-1111-4111-8111-111111111111", email: "ada@example.com", name: "Ada" };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function run(name: string, block: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  const dir = path.join(TMP, "readme-middleware");
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

describe("README middleware examples", () => {
  it("has the signing and the logging example", () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain("createHmac");
    expect(blocks[1]).toContain("performance.now()");
  });

  it("signing: the server gets a signature it can verify", async () => {
    server = await startServer((_req, res) => json(res, 200, USER));
    const result = await run("signing.ts", blocks[0]!, { USERS_SERVICE_URL: server.origin, SIGNING_SECRET: "s3cret" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("signed: Ada");
    expect(server.requests).toHaveLength(1);
    const h = server.requests[0]!.headers;
    const url = server.requests[0]!.url;
    expect(h["x-key-id"]).toBe("k1");
    expect(h["x-signature"]).toBe(createHmac("sha256", "s3cret").update(`GET\n${url}\n${String(h["x-timestamp"])}`).digest("hex"));
  });

  it("logging: one line per attempt of a retried call", async () => {
    let n = 0;
    server = await startServer((_req, res) => json(res, ++n === 1 ? 503 : 200, USER));
    const result = await run("logging.ts", blocks[1]!, { USERS_SERVICE_URL: server.origin });
    expect(result.stderr).toBe("");
    expect(server.requests).toHaveLength(2);
    const lines = result.stdout.trim().split("\n");
    expect(lines.map((l) => l.replace(/ in [\d.]+ ms$/, ""))).toEqual([
      `http getUser #1 ${server.origin} -> 503`,
      `http getUser #2 ${server.origin} -> 200`,
    ]);
  });
});
