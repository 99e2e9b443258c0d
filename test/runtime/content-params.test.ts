// Parameters described by `content` (OpenAPI 3.x §4.8.12.3), end to end: the golden case content-params is
// generated, its params type is checked by tsc (a wrong field type must fail), and a real server on 127.0.0.1 sees
// each value as its media type's text, encoded once for its location.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { contentParam } from "../../src/runtime/body.js";
import { generateInto } from "../support/generated.js";
import { REPO, TMP } from "../support/repo.js";
import { typeCheckPlanted } from "../support/tsc.js";
import { startServer, type TestServer } from "./support/http.js";

const CASE = path.join(REPO, "test", "golden", "content-params");
const OUT = path.join(TMP, "content-params-runtime");

interface SearchModule {
  createSearchClient(options: { baseUrl: string; env: Record<string, string> }): {
    listItems(params: unknown): Promise<unknown>;
    close(): Promise<void>;
  };
}

const USAGE = `import { createSearchClient, type ListItemsParams } from "./clients/search/index.js";
const params: ListItemsParams = {
  path: { selector: ["a", "b"] },
  query: { filter: { status: "open", min: 2 }, where: { field: "name", op: "eq" }, limit: 5 },
  headers: { "X-Context": { tenant: "t1" } },
  cookies: { note: "hi" },
};
const onlyRequired: ListItemsParams = { path: { selector: [] }, query: { where: { field: "x" } } };
export async function use(): Promise<void> {
  const client = createSearchClient({ baseUrl: "http://127.0.0.1:1" });
  const items: string[] = await client.listItems(params);
  await client.listItems(onlyRequired);
  void items;
}
`;

// Each line is one planted error; tsc must report every one of them, at that line.
const PLANTED = `import type { ListItemsParams } from "./clients/search/index.js";
export const wrongField: ListItemsParams = { path: { selector: [] }, query: { where: { field: "x" }, filter: { min: "x" } } };
export const wrongEnum: ListItemsParams = { path: { selector: [] }, query: { where: { field: "x", op: "gt" } } };
export const asString: ListItemsParams = { path: { selector: [] }, query: { where: { field: "x" }, filter: "{}" } };
export const missingRequired: ListItemsParams = { path: { selector: [] }, query: { where: { op: "eq" } } };
export const wrongHeader: ListItemsParams = { path: { selector: [] }, query: { where: { field: "x" } }, headers: { "X-Context": { tenant: 1 } } };
`;

// One tsc run over the clients, the usage and the planted mistakes; each test reads its part.
let tsc: { others: string[]; planted: string[] } | undefined;
const checked = (): { others: string[]; planted: string[] } => (tsc ??= typeCheckPlanted(OUT, ["clients/**/*.ts", "usage.ts", "planted.ts"]));

let search: SearchModule;
beforeAll(async () => {
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  writeFileSync(path.join(OUT, "usage.ts"), USAGE);
  writeFileSync(path.join(OUT, "planted.ts"), PLANTED);
  search = (await import(pathToFileURL(path.join(OUT, "clients/search/index.ts")).href)) as SearchModule;
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe("content parameters are typed as their schema", () => {
  it("a call with schema-shaped values type-checks", () => {
    expect(checked().others).toEqual([]);
  });

  it("a wrong field type, enum value, plain string or missing required field fails tsc", () => {
    const errors = checked().planted;
    const lines = errors.map((l) => Number(/planted\.ts\((\d+),\d+\)/.exec(l)?.[1]));
    expect(lines).toEqual([2, 3, 4, 5, 6]);
    expect(errors.join("\n")).toContain("Type 'string' is not assignable to type 'number'");
  });
});

describe("content parameters are sent as their media type's text", () => {
  async function call(params: unknown): Promise<TestServer> {
    const server = await startServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end("[]");
    });
    cleanup.push(() => server.close());
    const client = search.createSearchClient({ baseUrl: server.origin, env: {} });
    cleanup.push(() => client.close());
    await client.listItems(params);
    return server;
  }

  it("JSON in the path and query, a URL-encoded form in the query, raw JSON in a header, text in a cookie", async () => {
    const server = await call({
      path: { selector: ["a/b", "c"] },
      query: { filter: { status: "open now", min: 2 }, where: { field: "name", op: "eq" }, limit: 5 },
      headers: { "X-Context": { tenant: "t 1" } },
      cookies: { note: "a b;c" },
    });
    const [seen] = server.requests;
    expect(seen?.url).toBe(
      "/items/%5B%22a%2Fb%22%2C%22c%22%5D" +
        "?filter=%7B%22status%22%3A%22open%20now%22%2C%22min%22%3A2%7D" +
        "&where=field%3Dname%26op%3Deq" +
        "&limit=5",
    );
    expect(new URL(seen!.url, server.origin).searchParams.get("filter")).toBe('{"status":"open now","min":2}');
    expect(seen?.headers["x-context"]).toBe('{"tenant":"t 1"}');
    expect(seen?.headers["cookie"]).toBe("note=a%20b%3Bc");
  });

  it("an absent optional content parameter is left out; a JSON string is still JSON", async () => {
    const server = await call({ path: { selector: [] }, query: { where: { field: "x" } }, headers: { "X-Context": undefined } });
    const [seen] = server.requests;
    expect(seen?.url).toBe("/items/%5B%5D?where=field%3Dx");
    expect(seen?.headers["x-context"]).toBeUndefined();
  });
});

describe("contentParam", () => {
  const rows: [string, { contentType: string; value: unknown; want: string }][] = [
    ["application/json object", { contentType: "application/json", value: { a: 1, b: "x" }, want: '{"a":1,"b":"x"}' }],
    ["JSON with parameters and any case", { contentType: "Application/JSON; charset=utf-8", value: [1, 2], want: "[1,2]" }],
    ["+json suffix", { contentType: "application/vnd.ctx+json", value: { t: true }, want: '{"t":true}' }],
    ["a JSON string is quoted", { contentType: "application/json", value: "x", want: '"x"' }],
    ["a JSON number", { contentType: "application/json", value: 5, want: "5" }],
    ["URL-encoded form", { contentType: "application/x-www-form-urlencoded", value: { a: "1 2", b: ["x", "y"] }, want: "a=1+2&b=x&b=y" }],
    ["text/plain", { contentType: "text/plain", value: 42, want: "42" }],
    ["text/plain string as given", { contentType: "text/plain", value: "a b", want: "a b" }],
  ];
  it.each(rows)("%s", (_name, { contentType, value, want }) => {
    expect(contentParam(value, contentType)).toBe(want);
  });
});
