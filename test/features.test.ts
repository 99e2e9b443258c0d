// The client generated from test/golden/features (one spec with every construct svcgen supports) against the real
// server in test/support/servers/features.ts: every call asserts what the server saw on the wire (method, raw path,
// raw query, headers, body bytes) as well as what the typed method resolved or rejected with.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type * as Runtime from "../src/runtime/index.js";
import type { CallOptions, ClientOptions, ResponseInfo } from "../src/runtime/index.js";
import { generateInto } from "./support/generated.js";
import { REPO, TMP } from "./support/repo.js";
import { DEFAULT_SETTINGS, DOWNLOAD_BYTES, LISTED_ITEMS, README_TEXT, startFeaturesServer } from "./support/servers/features.js";
import type { RunningServer, SeenRequest, ServerOptions } from "./support/servers/features.js";
import { header, json, mediaType, startServer } from "./support/servers/http.js";
import { SteppedClock, until } from "./support/stepped-clock.js";

const CASE = path.join(REPO, "test", "golden", "features");
const OUT = path.join(TMP, "features-rt");

// ---- the generated client, typed as much as these tests use (the golden expected/clients/features/index.ts is
// the full contract: method names, params shapes, result types)
type Status = "active" | "archived" | "draft";
type Priority = 1 | 2 | 3;
interface Money {
  amount: number;
  currency: string;
}
interface ItemFields {
  name: string;
  status: Status;
  priority?: Priority;
  price?: Money | null;
  description?: string | null;
  tags?: string[];
}
interface Item extends ItemFields {
  id: number;
}
interface TreeNode {
  name: string;
  value?: number | null;
  children: TreeNode[];
}
type Expr = { kind: "literal"; value: number } | { kind: "binary"; op: "+" | "-" | "*"; left: Expr; right: Expr };
type Pet = { petType: "cat"; name: string; huntingSkill?: "clueless" | "lazy" | "adventurous" | "aggressive" } | { petType: "dog"; name: string; packSize: number };
interface Settings {
  theme?: "light" | "dark" | null;
  priority?: Priority;
  notifications?: boolean;
  nickname?: string | null;
}
interface Part {
  name: string;
  filename: string | null;
  contentType: string | null;
  size: number;
  text: string | null;
}
type Multipart<T> = { [K in keyof T]: T[K] | Blob | Uint8Array };

interface FeaturesClient {
  health_(params?: Record<string, never>, options?: CallOptions): Promise<{ status: "ok" | "degraded" }>;
  listItems(
    params?: {
      query?: { tags?: string[]; ids?: number[]; filter?: { status?: Status; minPrice?: number }; sort?: string; limit?: number; page?: number };
      headers?: { "X-Request-Id"?: string; "X-Trace-Tags"?: string[] };
    },
    options?: CallOptions,
  ): Promise<{ items: Item[]; echo: { query: string; headers: Record<string, string> } }>;
  createItem(params: { body: ItemFields }, options?: CallOptions): Promise<Item>;
  getItem(params: { path: { itemId: number } }, options?: CallOptions): Promise<Item>;
  replaceItem(params: { path: { itemId: number }; body: ItemFields }, options?: CallOptions): Promise<Item>;
  delete_(params: { path: { itemId: number } }, options?: CallOptions): Promise<undefined>;
  getItem2(params: { path: { itemId: number } }, options?: CallOptions): Promise<Item & { history: { at: string; status: Status }[] }>;
  getBatch(params: { path: { ids: number[] } }, options?: CallOptions): Promise<{ ids: number[] }>;
  createTree(params: { body: TreeNode }, options?: CallOptions): Promise<TreeNode>;
  evaluate(params: { body: Expr }, options?: CallOptions): Promise<{ value: number }>;
  createPet(params: { body: Pet }, options?: CallOptions): Promise<Pet & { id: number }>;
  submitForm(
    params: { body: { username: string; password: string; remember?: boolean; scopes?: string[] } },
    options?: CallOptions,
  ): Promise<{ fields: Record<string, string[]> }>;
  uploadDocument(params: { body: Multipart<{ file: string; title: string; tags?: string[] }> }, options?: CallOptions): Promise<{ parts: Part[] }>;
  uploadRaw(params: { body: Uint8Array | Blob | string | ReadableStream<Uint8Array> }, options?: CallOptions): Promise<{ size: number; sha256: string; contentType: string }>;
  downloadFile(params: { path: { name: string } }, options: CallOptions & { responseType: "stream" }): Promise<ReadableStream<Uint8Array>>;
  downloadFile(params: { path: { name: string } }, options?: CallOptions): Promise<Uint8Array>;
  getReadme(params?: { cookies?: { locale?: string } }, options?: CallOptions): Promise<string>;
  patchSettings(params: { body: Settings }, options?: CallOptions): Promise<Settings>;
  health(options?: CallOptions): Promise<unknown>;
  ready(options?: CallOptions): Promise<unknown>;
  close(): Promise<void>;
}
interface FeaturesModule {
  createFeaturesClient(options?: ClientOptions): FeaturesClient;
}

let createFeaturesClient: FeaturesModule["createFeaturesClient"];
let runtime: typeof Runtime;
let generatedIndex: string;

beforeAll(async () => {
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  generatedIndex = readFileSync(path.join(OUT, "clients", "features", "index.ts"), "utf8");
  ({ createFeaturesClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as FeaturesModule);
  runtime = (await import(pathToFileURL(path.join(OUT, "runtime", "index.ts")).href)) as typeof Runtime;
});

// ---- per-test servers and clients, closed after each test (a fresh breaker and retry budget every time)
const open: Array<{ close(): Promise<void> }> = [];
const timers = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function setup(options: ServerOptions = {}): Promise<{ server: RunningServer; client: FeaturesClient }> {
  const server = await startFeaturesServer(options);
  open.push(server);
  const client = track(createFeaturesClient({ baseUrl: server.url, env: {} }));
  return { server, client };
}

/** A server-side pause that afterEach cancels (the client has long given up by then). */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    timers.add(t);
  });
}

function track<T extends { close(): Promise<void> }>(client: T): T {
  open.push(client);
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

function httpError(error: unknown): Runtime.HttpError {
  if (!runtime.isHttpError(error)) throw error;
  return error;
}

/** The emitted definition of `id`: its line in the `operationDefinitions` table (JSON; this spec needs no template escapes). */
function operationLine(id: string): string {
  const line = generatedIndex.split("\n").find((l) => l.startsWith(`{"id":${JSON.stringify(id)},`));
  if (line === undefined) throw new Error(`no definition for ${id}`);
  return line.replace(/,$/, "");
}

const line = (r: SeenRequest): string => `${r.method} ${r.path}${r.query === "" ? "" : `?${r.query}`}`;
const jsonOf = (r: SeenRequest): unknown => JSON.parse(r.body.toString("utf8"));
const unavailable = { status: 503, headers: { "content-type": "application/json" }, body: '{"code":"overloaded","message":"try again","details":null}' };

describe("features client: parameters", () => {
  it("serialises exploded and comma-joined query arrays, deepObject filters, scalars and header params", async () => {
    const { server, client } = await setup();
    const list = await client.listItems({
      query: { tags: ["a", "b,c", "d e"], ids: [1, 2, 3], filter: { status: "active", minPrice: 5 }, sort: "-name", limit: 5, page: 2 },
      headers: { "X-Request-Id": "rid-1", "X-Trace-Tags": ["x", "y"] },
    });

    const seen = server.seen[0]!;
    expect([seen.method, seen.path]).toEqual(["GET", "/items"]);
    // tags: one pair per item, a comma inside an item is data (encoded); ids: one pair, literal commas between items;
    // filter: deepObject, its brackets percent-encoded as in form bodies.
    expect(seen.query).toBe("tags=a&tags=b%2Cc&tags=d%20e&ids=1,2,3&filter%5Bstatus%5D=active&filter%5BminPrice%5D=5&sort=-name&limit=5&page=2");
    expect([...new URLSearchParams(seen.query)]).toEqual([
      ["tags", "a"],
      ["tags", "b,c"],
      ["tags", "d e"],
      ["ids", "1,2,3"],
      ["filter[status]", "active"],
      ["filter[minPrice]", "5"],
      ["sort", "-name"],
      ["limit", "5"],
      ["page", "2"],
    ]);
    expect(header(seen, "x-request-id")).toBe("rid-1");
    expect(header(seen, "x-trace-tags")).toBe("x,y");
    expect(header(seen, "accept")).toBe("application/json");

    // The typed answer: the fixed items and the server's own echo of the same request.
    expect(list.items).toEqual(LISTED_ITEMS);
    expect(list.echo.query).toBe(seen.query);
    expect(list.echo.headers["x-trace-tags"]).toBe("x,y");
    expect(list.echo.headers["x-request-id"]).toBe("rid-1");
  });

  it("leaves out absent query and header params and sends no query string at all when none is given", async () => {
    const { server, client } = await setup();
    await client.listItems({ query: { limit: 1 } });
    await client.listItems();
    expect(server.seen.map(line)).toEqual(["GET /items?limit=1", "GET /items"]);
    expect(header(server.seen[1]!, "x-trace-tags")).toBeUndefined();
    // The runtime's own request id is there when the caller gives none, and differs per call.
    const ids = server.seen.map((r) => header(r, "x-request-id"));
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it("joins a path array with literal commas and percent-encodes each part on its own", async () => {
    const { server, client } = await setup();
    await expect(client.getBatch({ path: { ids: [1, 2, 3] } })).resolves.toEqual({ ids: [1, 2, 3] });
    await expect(client.getBatch({ path: { ids: [42] } })).resolves.toEqual({ ids: [42] });
    // A comma inside one part is data, so it is encoded and the server (which splits on literal commas) refuses it.
    const error = httpError(await rejection(client.getBatch({ path: { ids: ["1,2" as unknown as number] } })));
    expect([error.status, (error.body as { code: string }).code]).toEqual([400, "bad_ids"]);
    expect(server.seen.map(line)).toEqual(["GET /batches/1,2,3", "GET /batches/42", "GET /batches/1%2C2"]);
  });

  it("percent-encodes a simple string path param, slashes included", async () => {
    const { server, client } = await setup();
    const bytes = await client.downloadFile({ path: { name: "a b/c?.bin" } });
    expect(bytes.byteLength).toBe(256);
    expect(server.seen.map(line)).toEqual(["GET /downloads/a%20b%2Fc%3F.bin"]);
  });

  it("sends the locale cookie and reads the text answer as UTF-8", async () => {
    const { server, client } = await setup();
    await expect(client.getReadme()).resolves.toBe(README_TEXT);
    await expect(client.getReadme({ cookies: { locale: "de-CH" } })).resolves.toBe(`${README_TEXT}locale=de-CH\n`);
    await expect(client.getReadme({ cookies: { locale: "fr FR;x" } })).resolves.toBe(`${README_TEXT}locale=fr FR;x\n`);
    expect(server.seen.map((r) => header(r, "cookie"))).toEqual([undefined, "locale=de-CH", "locale=fr%20FR%3Bx"]);
    expect(server.seen.map(line)).toEqual(["GET /readme", "GET /readme", "GET /readme"]);
  });
});

describe("features client: JSON bodies", () => {
  it("creates, reads, replaces and deletes an item", async () => {
    const { server, client } = await setup();
    const fields: ItemFields = { name: "lamp", status: "draft", priority: 3, price: { amount: 12.5, currency: "EUR" }, description: null, tags: ["x", "ü"] };
    const created = await client.createItem({ body: fields });
    expect(created).toEqual({ ...fields, id: 101 });
    const fetched = await client.getItem({ path: { itemId: 7 } });
    expect(fetched).toEqual({ id: 7, name: "item 7", status: "active", priority: 2, price: null, description: null, tags: [] });
    const replaced = await client.replaceItem({ path: { itemId: 9 }, body: { name: "desk", status: "archived" } });
    expect(replaced).toEqual({ name: "desk", status: "archived", id: 9 });
    await expect(client.delete_({ path: { itemId: 9 } })).resolves.toBeUndefined();
    const details = await client.getItem2({ path: { itemId: 3 } });
    expect(details.id).toBe(3);
    expect(details.history.map((h) => h.status)).toEqual(["draft", "active"]);

    expect(server.seen.map(line)).toEqual(["POST /items", "GET /items/7", "PUT /items/9", "DELETE /items/9", "GET /items/3/details"]);
    const [post, , put, del] = server.seen;
    expect(mediaType(post!)).toBe("application/json");
    expect(jsonOf(post!)).toEqual(fields); // description: null is sent, not dropped
    expect(post!.body.toString("utf8")).toContain('"description":null');
    expect(mediaType(put!)).toBe("application/json");
    expect(jsonOf(put!)).toEqual({ name: "desk", status: "archived" });
    expect(del!.body.length).toBe(0);
  });

  it("PATCHes settings under the derived method name, sending nulls as nulls", async () => {
    const { server, client } = await setup();
    // /settings has no operationId: the generator derives patchSettings from the method and path.
    expect(generatedIndex).toMatch(/^ {2}patchSettings: OperationMethod<PatchSettingsParams, /m);
    const settings = await client.patchSettings({ body: { theme: null, nickname: "ada", priority: 1 } });
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, theme: null, nickname: "ada", priority: 1 });
    const seen = server.seen[0]!;
    expect([seen.method, seen.path, mediaType(seen)]).toEqual(["PATCH", "/settings", "application/json"]);
    expect(seen.body.toString("utf8")).toBe('{"theme":null,"nickname":"ada","priority":1}');
  });

  it("echoes a recursive tree unchanged", async () => {
    const { server, client } = await setup();
    const tree: TreeNode = {
      name: "root",
      value: null,
      children: [
        { name: "a", value: 1, children: [{ name: "a.1", value: 11, children: [{ name: "a.1.i", children: [] }] }] },
        { name: "b", value: 2, children: [] },
      ],
    };
    await expect(client.createTree({ body: tree })).resolves.toEqual(tree);
    expect(jsonOf(server.seen[0]!)).toEqual(tree);
    expect(line(server.seen[0]!)).toBe("POST /trees");
  });

  it("sends both branches of the discriminated unions (oneOf + discriminator)", async () => {
    const { server, client } = await setup();
    // 6 * (10 - 3) + (2 - 2): recursion through oneOf on both sides.
    const expr: Expr = {
      kind: "binary",
      op: "+",
      left: { kind: "binary", op: "*", left: { kind: "literal", value: 6 }, right: { kind: "binary", op: "-", left: { kind: "literal", value: 10 }, right: { kind: "literal", value: 3 } } },
      right: { kind: "binary", op: "-", left: { kind: "literal", value: 2 }, right: { kind: "literal", value: 2 } },
    };
    await expect(client.evaluate({ body: expr })).resolves.toEqual({ value: 42 });
    await expect(client.evaluate({ body: { kind: "literal", value: -1.5 } })).resolves.toEqual({ value: -1.5 });
    const dog = await client.createPet({ body: { petType: "dog", name: "Rex", packSize: 3 } });
    expect(dog).toEqual({ petType: "dog", name: "Rex", packSize: 3, id: 7 });
    const cat = await client.createPet({ body: { petType: "cat", name: "Tom", huntingSkill: "lazy" } });
    expect(cat).toEqual({ petType: "cat", name: "Tom", huntingSkill: "lazy", id: 7 });

    expect(server.seen.map(line)).toEqual(["POST /expressions", "POST /expressions", "POST /pets", "POST /pets"]);
    expect(server.seen.map(jsonOf)).toEqual([expr, { kind: "literal", value: -1.5 }, { petType: "dog", name: "Rex", packSize: 3 }, { petType: "cat", name: "Tom", huntingSkill: "lazy" }]);
  });

  it("rejects with the decoded 422 body for an unknown operator or kind, without retrying", async () => {
    const { server, client } = await setup();
    const bad = { kind: "binary", op: "/", left: { kind: "literal", value: 1 }, right: { kind: "literal", value: 2 } } as unknown as Expr;
    const error = httpError(await rejection(client.evaluate({ body: bad })));
    expect(error.status).toBe(422);
    expect(error.body).toEqual({ code: "bad_expression", message: 'unknown op "/"', details: null });
    expect(error.operation).toBe("evaluate");
    const invalid = httpError(await rejection(client.createItem({ body: { name: "x", status: "gone" as Status } })));
    expect([invalid.status, (invalid.body as { code: string }).code]).toEqual([422, "invalid_item"]);
    expect(server.seen.map(line)).toEqual(["POST /expressions", "POST /items"]);
  });
});

describe("features client: forms, multipart and bytes", () => {
  it("url-encodes a form with a repeated array field", async () => {
    const { server, client } = await setup();
    const echo = await client.submitForm({ body: { username: "ada", password: "p w&=ü", remember: true, scopes: ["read", "write"] } });
    expect(echo.fields).toEqual({ username: ["ada"], password: ["p w&=ü"], remember: ["true"], scopes: ["read", "write"] });
    const seen = server.seen[0]!;
    expect([seen.method, seen.path, mediaType(seen)]).toEqual(["POST", "/forms/login", "application/x-www-form-urlencoded"]);
    expect(seen.body.toString("utf8")).toBe("username=ada&password=p+w%26%3D%C3%BC&remember=true&scopes=read&scopes=write");
  });

  it("sends multipart with file parts (File, Uint8Array, Blob), text parts, a repeated field and a JSON part", async () => {
    const { server, client } = await setup();
    const pdf = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x0a]);
    // `meta` is not in the schema: an object value goes as its JSON text, typed application/json (the runtime's multipart rule).
    const body = {
      file: new File([pdf], "report.pdf", { type: "application/pdf" }),
      title: "Q1 ü",
      tags: ["a", "b"],
      meta: { pages: 1, draft: false },
      raw: Uint8Array.from([1, 2, 3]),
      blob: new Blob(["hello"], { type: "text/plain" }),
    };
    const echo = await client.uploadDocument({ body } as unknown as Parameters<FeaturesClient["uploadDocument"]>[0]);
    expect(echo.parts).toEqual([
      { name: "file", filename: "report.pdf", contentType: "application/pdf", size: pdf.byteLength, text: null },
      { name: "title", filename: null, contentType: null, size: 5, text: "Q1 ü" },
      { name: "tags", filename: null, contentType: null, size: 1, text: "a" },
      { name: "tags", filename: null, contentType: null, size: 1, text: "b" },
      { name: "meta", filename: null, contentType: null, size: 25, text: '{"pages":1,"draft":false}' },
      { name: "raw", filename: "raw", contentType: "application/octet-stream", size: 3, text: null },
      { name: "blob", filename: "blob", contentType: "text/plain", size: 5, text: null },
    ]);
    const seen = server.seen[0]!;
    expect([seen.method, seen.path]).toEqual(["POST", "/uploads/document"]);
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(header(seen, "content-type") ?? "")?.[1];
    expect(boundary).toBeDefined();
    // The file's bytes arrive exactly, binary and all.
    const raw = seen.body;
    const start = raw.indexOf('filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n') + 'filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.length;
    expect(raw.subarray(start, start + pdf.byteLength).equals(Buffer.from(pdf))).toBe(true);
    expect(raw.subarray(start + pdf.byteLength).toString("latin1").startsWith(`\r\n--${boundary}`)).toBe(true);
    // The object is a field part (no filename, so no server takes it for an upload) typed as JSON; text stays text.
    const wire = raw.toString("utf8");
    expect(wire).toContain('Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"pages":1,"draft":false}\r\n');
    expect(wire).toContain('Content-Disposition: form-data; name="title"\r\n\r\nQ1 ü\r\n');
  });

  it("uploads raw bytes untouched (sha256 of what arrived matches)", async () => {
    const { server, client } = await setup();
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    const echo = await client.uploadRaw({ body: bytes });
    expect(echo).toEqual({ size: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex"), contentType: "application/octet-stream" });
    const seen = server.seen[0]!;
    expect([seen.method, seen.path]).toEqual(["PUT", "/uploads/raw"]);
    expect(seen.body.equals(Buffer.from(bytes))).toBe(true);
  });

  it("downloads bytes 0..255 exactly, not decoded as UTF-8", async () => {
    const { server, client } = await setup();
    const bytes = await client.downloadFile({ path: { name: "all.bin" } });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(256);
    expect(Array.from(bytes)).toEqual(Array.from(DOWNLOAD_BYTES));
    expect(server.seen.map(line)).toEqual(["GET /downloads/all.bin"]);
    // No JSON Accept for a binary operation.
    expect(header(server.seen[0]!, "accept")).not.toBe("application/json");
  });

  it('downloads as a ReadableStream with responseType: "stream" (the generated overload)', async () => {
    const { server, client } = await setup();
    const stream = await client.downloadFile({ path: { name: "all.bin" } }, { responseType: "stream" });
    expect(stream).toBeInstanceOf(ReadableStream);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(Array.from(Buffer.concat(chunks))).toEqual(Array.from(DOWNLOAD_BYTES));
    expect(server.seen.map(line)).toEqual(["GET /downloads/all.bin"]);
  });
});

describe("features client: errors, retries and timeouts", () => {
  it("turns a 404 into an HttpError with the decoded body, not retried (GET and DELETE)", async () => {
    const { server, client } = await setup();
    const error = httpError(await rejection(client.getItem({ path: { itemId: 404 } })));
    expect(error.status).toBe(404);
    expect(error.body).toEqual({ code: "not_found", message: "item 404 does not exist", details: null });
    expect(error.headers["content-type"]).toBe("application/json");
    expect(error.code).toBe("SVCGEN_HTTP");
    expect(error.operation).toBe("getItem");
    expect(error.endpoint).toBe(server.url);
    expect(error).toBeInstanceOf(runtime.HttpError);
    expect(server.seen).toHaveLength(1);

    const missing = httpError(await rejection(client.downloadFile({ path: { name: "missing" } })));
    expect([missing.status, missing.body]).toEqual([404, { code: "not_found", message: "no file named missing", details: null }]);
    const gone = httpError(await rejection(client.delete_({ path: { itemId: 404 } })));
    expect(gone.status).toBe(404);
    expect(server.seen.map(line)).toEqual(["GET /items/404", "GET /downloads/missing", "DELETE /items/404"]);
  });

  it("turns a 400 for a bad path value into an HttpError, not retried", async () => {
    const { server, client } = await setup();
    const error = httpError(await rejection(client.getItem({ path: { itemId: "abc" as unknown as number } })));
    expect(error.status).toBe(400);
    expect(error.body).toEqual({ code: "bad_item_id", message: 'itemId must be an integer, got "abc"', details: null });
    expect(server.seen.map(line)).toEqual(["GET /items/abc"]);
  });

  it("refuses a call without its path param before sending anything", async () => {
    const { server, client } = await setup();
    const error = await rejection(client.getItem({ path: {} as { itemId: number } }));
    expect(runtime.isRequestError(error)).toBe(true);
    expect(server.seen).toHaveLength(0);
  });

  it("retries createItem (idempotent in services.toml) through a 503, sending the same request twice", async () => {
    const { server, client } = await setup({ intercept: (r, i) => (r.method === "POST" && i === 0 ? unavailable : undefined) });
    let info: ResponseInfo | undefined;
    const created = await client.createItem({ body: { name: "lamp", status: "active" } }, { onResponse: (i) => (info = i) });
    expect(created).toEqual({ name: "lamp", status: "active", id: 101 });
    expect(server.seen.map(line)).toEqual(["POST /items", "POST /items"]);
    expect(server.seen[1]!.body.equals(server.seen[0]!.body)).toBe(true);
    expect(header(server.seen[1]!, "x-request-id")).toBe(header(server.seen[0]!, "x-request-id"));
    expect(info?.status).toBe(201);
    expect(info?.attempts.map((a) => a.outcome)).toEqual([
      { kind: "status", status: 503 },
      { kind: "status", status: 201 },
    ]);
  });

  it("retries createTree (x-idempotent in the spec) but not evaluate (a plain POST) through a 503", async () => {
    // Every call's first attempt (its x-request-id is the same on every attempt) is answered 503.
    const failedOnce = new Set<string | undefined>();
    const { server, client } = await setup({
      intercept: (r) => (failedOnce.has(header(r, "x-request-id")) ? undefined : (failedOnce.add(header(r, "x-request-id")), unavailable)),
    });
    await expect(client.createTree({ body: { name: "t", children: [] } })).resolves.toEqual({ name: "t", children: [] });
    const error = httpError(await rejection(client.evaluate({ body: { kind: "literal", value: 1 } })));
    expect(error.status).toBe(503);
    expect(error.body).toEqual({ code: "overloaded", message: "try again", details: null });
    expect(server.seen.map(line)).toEqual(["POST /trees", "POST /trees", "POST /expressions"]);
    // With an idempotency key the same plain POST is retried, the key on both attempts.
    await expect(client.evaluate({ body: { kind: "literal", value: 1 } }, { idempotencyKey: "k-1" })).resolves.toEqual({ value: 1 });
    expect(server.seen.slice(3).map((r) => [line(r), header(r, "idempotency-key")])).toEqual([
      ["POST /expressions", "k-1"],
      ["POST /expressions", "k-1"],
    ]);
  });

  it("retries an idempotent PUT of bytes through a 503, but sends a streamed body once (it cannot be replayed)", async () => {
    const failedOnce = new Set<string | undefined>();
    const { server, client } = await setup({
      intercept: (r) =>
        failedOnce.has(header(r, "x-request-id")) ? undefined : (failedOnce.add(header(r, "x-request-id")), { status: 503, headers: { "content-type": "text/plain" }, body: "busy" }),
    });
    const bytes = Uint8Array.from([1, 2, 3, 250]);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await expect(client.uploadRaw({ body: bytes })).resolves.toEqual({ size: 4, sha256, contentType: "application/octet-stream" });
    expect(server.seen).toHaveLength(2);

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 2));
        controller.enqueue(bytes.subarray(2));
        controller.close();
      },
    });
    const error = httpError(await rejection(client.uploadRaw({ body: stream })));
    expect([error.status, error.body]).toEqual([503, "busy"]);
    expect(server.seen).toHaveLength(3);
    // Every attempt carried the whole body, the streamed one included.
    expect(server.seen.map((r) => [line(r), r.body.toString("hex")])).toEqual([
      ["PUT /uploads/raw", "010203fa"],
      ["PUT /uploads/raw", "010203fa"],
      ["PUT /uploads/raw", "010203fa"],
    ]);
  });

  it("bakes get-item's timeout_ms = 1500 into its definition; a 1500 ms deadline ends a slow call with DeadlineExceededError", async () => {
    // services.toml: features timeout_ms = 5000; operations."get-item" timeout_ms = 1500; downloadFile 20000.
    expect(JSON.parse(operationLine("getItem"))).toMatchObject({ path: "/items/{itemId}", timeoutMs: 1500 });
    expect(JSON.parse(operationLine("downloadFile"))).toMatchObject({ timeoutMs: 20000 });
    expect(operationLine("getItem2")).not.toContain("timeoutMs");

    // The server holds GET /items/5 for 4 s: under the service's 5 s, over get-item's 1.5 s. The client runs the
    // generated definition and getItem's literal as emitted, on a stepped clock: time moves to the next timer only
    // once the server has seen the attempt in flight (real I/O), or once the client has finished it, so every
    // duration below is exact.
    const server = await startFeaturesServer({ intercept: async (r) => (r.path === "/items/5" ? (await delay(4000), undefined) : undefined) });
    open.push(server);
    const { featuresDefinition } = (await import(pathToFileURL(path.join(OUT, "clients", "features", "index.ts")).href)) as {
      featuresDefinition: Runtime.ServiceDefinition;
    };
    const getItemOperation = JSON.parse(operationLine("getItem")) as Runtime.OperationDefinition;
    const clock = new SteppedClock();
    const events: Runtime.ClientEvent[] = [];
    const client = track(
      runtime.createServiceClientWith(featuresDefinition, { baseUrl: server.url, env: {}, onEvent: (e) => events.push(e) }, { clock, random: () => 0.5 }),
    );
    const finished = (): number => events.filter((e) => e.type === "attempt").length;
    // No per-call option: the operation's baked-in 1500 ms must win over the service's 5000 ms.
    let settled = false;
    const call = rejection(client.call(getItemOperation, { path: { itemId: 5 } })).finally(() => (settled = true));
    for (;;) {
      await until(() => settled || server.seen.length > finished()); // the attempt in flight reached the server
      if (settled) break;
      clock.fireNext(); // its timeout, or the deadline
      await until(() => settled || finished() === server.seen.length); // the client is done with it
      if (settled) break;
      clock.fireNext(); // the pause before the next attempt
    }
    const error = await call;
    expect(runtime.isDeadlineExceededError(error)).toBe(true);
    if (!runtime.isDeadlineExceededError(error)) throw error;
    expect(error.timeoutMs).toBe(1500);
    expect(error.operation).toBe("getItem");
    // Without attempt_timeout_ms the GET's attempts share the deadline ((1500 − 300) / 3 = 400 ms each, the last one
    // what is left), so the stall is retried twice within it, after pauses of 100 ms and 100 + (200 − 100) × the 0.5
    // jitter draw; a spent deadline is not retried.
    expect(server.seen.map(line)).toEqual(["GET /items/5", "GET /items/5", "GET /items/5"]);
    expect(error.attempts.map((a) => [a.outcome.kind, a.durationMs, a.pauseMs])).toEqual([
      ["timeout", 400, 100],
      ["timeout", 400, 150],
      ["timeout", 450, 0],
    ]);
    expect(clock.now()).toBe(1500);
  });
});

describe("features client: names", () => {
  it("names every method as the golden contract does: derived, de-collided and reserved-word names", () => {
    const body = /export interface FeaturesClient \{\n([\s\S]*?)\n\}/.exec(generatedIndex)?.[1] ?? "";
    // Operations are members typed `OperationMethod<…>` (a download's also has its stream signature); the rest are methods.
    const methods = [...new Set([...body.matchAll(/^ {2}([A-Za-z_$][\w$]*)(?::|(?:<[^>\n]*>)?\()/gm)].map((m) => m[1]))];
    expect(methods).toEqual([
      "createItem",
      "createPet",
      "createTree",
      "delete_", // operationId `delete`
      "downloadFile",
      "evaluate",
      "getBatch",
      "getItem", // operationId `get-item`
      "getItem2", // operationId `get_item`, which camelCases to the same name
      "getReadme",
      "health_", // operationId `health`, which the runtime's probe already uses
      "listItems",
      "patchSettings", // no operationId
      "replaceItem",
      "submitForm",
      "uploadDocument",
      "uploadRaw",
      "request",
      "health",
      "ready",
      "describe",
      "stats",
      "close",
    ]);
    const client = track(createFeaturesClient({ baseUrl: "http://127.0.0.1:9", env: {} }));
    expect(Object.keys(client)).toEqual(methods);
    expect("delete" in client).toBe(false);
  });

  it("keeps the spec's `health` operation as health_() beside the runtime's health() and ready() probes", async () => {
    const server = await startFeaturesServer();
    open.push(server);
    const client = track(createFeaturesClient({ baseUrl: server.url, env: {} }));
    await expect(client.health_()).resolves.toEqual({ status: "ok" });
    await expect(client.health()).resolves.toEqual({ status: "ok" });
    // Under a base path the two differ: health_() is an API operation below it, the probes live at the origin root.
    const prefixed = track(createFeaturesClient({ baseUrl: `${server.url}/api`, env: {} }));
    const error = httpError(await rejection(prefixed.health_()));
    expect([error.status, error.body]).toEqual([404, { code: "no_route", message: "no route for GET /api/health", details: null }]);
    await expect(prefixed.health()).resolves.toEqual({ status: "ok" });
    const notReady = httpError(await rejection(prefixed.ready()));
    expect(notReady.status).toBe(404);
    expect(server.seen.map(line)).toEqual(["GET /health", "GET /health", "GET /api/health", "GET /health", "GET /ready"]);
  });
});

// features.yaml uses only `simple` path params and `form`/`deepObject` queries. The other OpenAPI 3 styles go through
// the same generator and runtime: a small spec written here (test/.tmp is not committed) and a server that answers
// anything, so the assertions are on the raw request line (RFC 6570 expansions, as the OAS style table intends).
const STYLES_SPEC = `openapi: 3.0.3
info: { title: Styles, version: 1.0.0 }
paths:
  /p/{l}/{le}/{m}/{me}/{lo}/{mo}:
    get:
      operationId: styles
      parameters:
        - { name: l, in: path, required: true, style: label, explode: false, schema: { type: array, items: { type: string } } }
        - { name: le, in: path, required: true, style: label, explode: true, schema: { type: array, items: { type: string } } }
        - { name: m, in: path, required: true, style: matrix, explode: false, schema: { type: array, items: { type: integer } } }
        - { name: me, in: path, required: true, style: matrix, explode: true, schema: { type: array, items: { type: integer } } }
        - { name: lo, in: path, required: true, style: label, explode: true, schema: { type: object, additionalProperties: { type: integer } } }
        - { name: mo, in: path, required: true, style: matrix, explode: false, schema: { type: object, additionalProperties: { type: integer } } }
        - { name: sp, in: query, style: spaceDelimited, explode: false, schema: { type: array, items: { type: string } } }
        - { name: pp, in: query, style: pipeDelimited, explode: false, schema: { type: array, items: { type: string } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

describe("parameter styles features.yaml does not use", () => {
  it("sends label and matrix path params and space/pipe-delimited queries", async () => {
    const caseDir = path.join(TMP, "features-styles");
    rmSync(caseDir, { recursive: true, force: true });
    mkdirSync(path.join(caseDir, "specs"), { recursive: true });
    writeFileSync(path.join(caseDir, "specs", "styles.yaml"), STYLES_SPEC);
    writeFileSync(path.join(caseDir, "services.toml"), '[external_services.styles]\nurl = "http://styles-api:8080"\nopenapi = "specs/styles.yaml"\n');
    const result = await generateInto(caseDir, path.join(caseDir, "out"));
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const { createStylesClient } = (await import(pathToFileURL(path.join(caseDir, "out", "clients", "index.ts")).href)) as {
      createStylesClient(options?: ClientOptions): {
        styles(params: { path: Record<string, unknown>; query?: Record<string, unknown> }): Promise<unknown>;
        close(): Promise<void>;
      };
    };
    const server = await startServer(() => json(200, {}));
    open.push(server);
    const client = track(createStylesClient({ baseUrl: server.url, env: {} }));
    await client.styles({
      path: { l: ["a b", "c,d"], le: ["x", "y"], m: [1, 2], me: [1, 2], lo: { R: 100, G: 200 }, mo: { R: 100, G: 200 } },
      query: { sp: ["a", "b"], pp: ["x", "y|z"] },
    });
    expect(server.seen.map(line)).toEqual(["GET /p/.a%20b,c%2Cd/.x.y/;m=1,2/;me=1;me=2/.R=100.G=200/;mo=R,100,G,200?sp=a%20b&pp=x|y%7Cz"]);
  });
});
