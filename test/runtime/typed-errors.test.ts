// Typed errors end to end (golden case typed-errors): `isHttpError(error, client.op)` narrows `error.body` to what the
// operation documents for that status, and a literal `acceptStatus` adds that status's body to the call's result.
// The usage module is type-checked by tsc under the strictest settings and then executed against a real server on
// 127.0.0.1; planted mistakes must each fail tsc at their own line.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateInto } from "../support/generated.js";
import { REPO, TMP } from "../support/repo.js";
import { typeCheckPlanted } from "../support/tsc.js";
import { startServer, type TestServer } from "./support/http.js";

const CASE = path.join(REPO, "test", "golden", "typed-errors");
const OUT = path.join(TMP, "typed-errors-runtime");

// Each observation is computed from narrowed types only: no casts anywhere in this file.
const USAGE = `import { createItemsClient } from "./clients/items/index.js";
import { isHttpError } from "./runtime/index.js";

export async function scenario(baseUrl: string): Promise<string[]> {
  const client = createItemsClient({ baseUrl, env: {} });
  const seen: string[] = [];
  try {
    for (const id of ["missing", "teapot", "busy", "boom"]) {
      try {
        const item = await client.getItem({ path: { id } });
        seen.push("ok " + item.name);
      } catch (error) {
        if (isHttpError(error, client.getItem)) {
          if (error.status === 503) {
            const text: string = error.body;
            seen.push("503 text " + text);
          } else if (error.status === 404 && "missing" in error.body) {
            seen.push("404 missing " + error.body.missing);
          } else if ("title" in error.body) {
            seen.push(error.status + " problem " + error.body.title + " " + error.body.status.toFixed(0));
          }
        } else if (isHttpError(error)) {
          seen.push("undocumented " + error.status);
        }
        // An error of getItem is not an error of deleteItem.
        if (isHttpError(error, client.deleteItem)) seen.push("wrong operation");
      }
    }
    for (const id of ["referenced", "broken"]) {
      try {
        await client.deleteItem({ path: { id } });
      } catch (error) {
        if (isHttpError(error, client.deleteItem)) {
          // 409 has no body, but \`default\` (any status) stays in every narrowing: the body may be a Problem.
          if (error.status === 409) seen.push("409 " + String(error.body?.title));
          else if (error.body !== undefined) seen.push(error.status + " default " + error.body.title);
        }
      }
    }
    const accepted = await client.getItem({ path: { id: "missing" } }, { acceptStatus: [404] });
    seen.push("accepted " + ("missing" in accepted ? "404 " + accepted.missing : "item " + accepted.name));
    const none = await client.listItems(undefined, { acceptStatus: [500] });
    seen.push("listItems 500 accepted: " + JSON.stringify(none));
  } finally {
    await client.close();
  }
  return seen;
}
`;

// One mistake per line from 2 on: tsc must report each at its line.
const PLANTED = `import { createItemsClient } from "./clients/items/index.js";
export async function planted(client: ReturnType<typeof createItemsClient>, error: unknown, isHttpError: typeof import("./runtime/index.js").isHttpError): Promise<void> {
  if (isHttpError(error, client.getItem) && error.status === 404 && "missing" in error.body) { const n: number = error.body.missing; void n; }
  if (isHttpError(error, client.getItem)) { const t: string = error.body.title; void t; }
  if (isHttpError(error, client.deleteItem) && error.status === 409) { const b: object = error.body; void b; }
  const item = await client.getItem({ path: { id: "x" } }, { acceptStatus: [404] }); const name: string = item.name; void name;
  isHttpError(error, client.request);
  if (isHttpError(error, client.getItem)) { const s: "x" = error.status; void s; }
}
`;

interface UsageModule {
  scenario(baseUrl: string): Promise<string[]>;
}

// One tsc run over the clients, the usage and the planted mistakes; each test reads its part.
let tsc: { others: string[]; planted: string[] } | undefined;
const checked = (): { others: string[]; planted: string[] } => (tsc ??= typeCheckPlanted(OUT, ["clients/**/*.ts", "usage.ts", "planted.ts"]));

let usage: UsageModule;
let server: TestServer;

beforeAll(async () => {
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  writeFileSync(path.join(OUT, "usage.ts"), USAGE);
  writeFileSync(path.join(OUT, "planted.ts"), PLANTED);
  usage = (await import(pathToFileURL(path.join(OUT, "usage.ts")).href)) as UsageModule;
  server = await startServer((req, res) => {
    const reply = (status: number, type: string | undefined, body: string): void => {
      res.statusCode = status;
      if (type !== undefined) res.setHeader("content-type", type);
      res.end(body);
    };
    const id = req.url.split("/").pop()?.split("?")[0];
    if (req.method === "GET" && (req.url === "/items" || req.url.startsWith("/items?"))) return reply(500, "application/json", '{"title":"down","status":500}');
    if (req.method === "GET" && id === "missing") return reply(404, "application/json", '{"missing":"missing"}');
    if (req.method === "GET" && id === "teapot") return reply(418, "application/problem+json", '{"title":"teapot","status":418}');
    if (req.method === "GET" && id === "busy") return reply(503, "text/plain", "busy");
    if (req.method === "GET" && id === "boom") return reply(500, "application/json", '{"title":"boom","status":500}');
    if (req.method === "DELETE" && id === "referenced") return reply(409, undefined, "");
    if (req.method === "DELETE" && id === "broken") return reply(500, "application/json", '{"title":"broken","status":500}');
    return reply(200, "application/json", "{}");
  });
});

afterAll(async () => {
  await server?.close();
});

describe("typed errors", () => {
  it("the usage type-checks under strict settings without a cast", () => {
    expect(checked().others).toEqual([]);
  });

  it("each planted mistake fails tsc at its own line", () => {
    const errors = checked().planted;
    const lines = errors.map((l) => Number(/planted\.ts\((\d+),\d+\)/.exec(l)?.[1]));
    expect([...new Set(lines)]).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it("narrows to the documented body per status; undocumented statuses and other operations do not match", async () => {
    server.requests.length = 0;
    const seen = await usage.scenario(server.origin);
    expect(seen).toEqual([
      "404 missing missing",
      "418 problem teapot 418",
      "503 text busy",
      "undocumented 500",
      "409 undefined",
      "500 default broken",
      "accepted 404 missing",
      // listItems documents no error: acceptStatus still returns the decoded body.
      'listItems 500 accepted: {"title":"down","status":500}',
    ]);
    // What the server saw: the 503 was retried (3 attempts), nothing else was; DELETE is idempotent but 409/500 are
    // not retryable statuses.
    const gets = server.requests.filter((r) => r.method === "GET").map((r) => r.url);
    expect(gets).toEqual(["/items/missing", "/items/teapot", "/items/busy", "/items/busy", "/items/busy", "/items/boom", "/items/missing", "/items"]);
    expect(server.counts()).toEqual({ GET: 8, DELETE: 2 });
  });
});
