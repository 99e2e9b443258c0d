// The fixture server must answer exactly as its header comment says, or round-trip tests would blame the client.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, DOWNLOAD_BYTES, README_TEXT, startFeaturesServer } from "./features.js";
import type { RunningServer } from "./features.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startFeaturesServer();
});
afterAll(async () => {
  await server.close();
});

const jsonHeaders = { "content-type": "application/json" };

describe("features server", () => {
  it("answers health and lists items with an echo of the raw query and headers", async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok" });
    const query = "tags=a&tags=b&ids=1,2,3&filter%5Bstatus%5D=active";
    const res = await fetch(`${server.url}/items?${query}`, { headers: { "x-trace-tags": "a,b", "x-request-id": "r1" } });
    const body = (await res.json()) as { items: unknown[]; echo: { query: string; headers: Record<string, string> } };
    expect(res.status).toBe(200);
    expect(body.items).toHaveLength(2);
    expect(body.echo.query).toBe(query);
    expect(body.echo.headers["x-trace-tags"]).toBe("a,b");
    expect(body.echo.headers["x-request-id"]).toBe("r1");
    const seen = server.seen.at(-1)!;
    expect(seen).toMatchObject({ method: "GET", path: "/items", query });
  });

  it("creates, validates, gets, replaces and deletes items", async () => {
    const created = await fetch(`${server.url}/items`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ name: "n", status: "draft" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ name: "n", status: "draft", id: 101 });
    const invalid = await fetch(`${server.url}/items`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ name: "n", status: "nope" }) });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { code: string }).code).toBe("invalid_item");

    expect(await (await fetch(`${server.url}/items/5`)).json()).toMatchObject({ id: 5, name: "item 5" });
    const missing = await fetch(`${server.url}/items/404`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: "not_found", message: "item 404 does not exist", details: null });
    expect((await fetch(`${server.url}/items/abc`)).status).toBe(400);

    const replaced = await fetch(`${server.url}/items/9`, { method: "PUT", headers: jsonHeaders, body: JSON.stringify({ name: "r", status: "active" }) });
    expect(await replaced.json()).toEqual({ name: "r", status: "active", id: 9 });

    const deleted = await fetch(`${server.url}/items/9`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect((await fetch(`${server.url}/items/404`, { method: "DELETE" })).status).toBe(404);

    const details = (await (await fetch(`${server.url}/items/3/details`)).json()) as { history: unknown[] };
    expect(details.history).toHaveLength(2);
  });

  it("splits path arrays on literal commas only", async () => {
    expect(await (await fetch(`${server.url}/batches/1,2,3`)).json()).toEqual({ ids: [1, 2, 3] });
    expect((await fetch(`${server.url}/batches/1%2C2`)).status).toBe(400);
  });

  it("echoes trees, evaluates expressions and creates pets", async () => {
    const tree = { name: "root", value: null, children: [{ name: "leaf", value: 1, children: [] }] };
    expect(await (await fetch(`${server.url}/trees`, { method: "POST", headers: jsonHeaders, body: JSON.stringify(tree) })).json()).toEqual(tree);

    const expr = { kind: "binary", op: "*", left: { kind: "literal", value: 6 }, right: { kind: "binary", op: "-", left: { kind: "literal", value: 10 }, right: { kind: "literal", value: 3 } } };
    expect(await (await fetch(`${server.url}/expressions`, { method: "POST", headers: jsonHeaders, body: JSON.stringify(expr) })).json()).toEqual({ value: 42 });
    const bad = await fetch(`${server.url}/expressions`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ kind: "binary", op: "/", left: expr, right: expr }) });
    expect(bad.status).toBe(422);

    const pet = await fetch(`${server.url}/pets`, { method: "POST", headers: jsonHeaders, body: JSON.stringify({ petType: "dog", name: "Rex", packSize: 3 }) });
    expect(pet.status).toBe(201);
    expect(await pet.json()).toEqual({ petType: "dog", name: "Rex", packSize: 3, id: 7 });
  });

  it("parses url-encoded forms and rejects other media types", async () => {
    const body = new URLSearchParams([["username", "ada"], ["password", "p w"], ["scopes", "a"], ["scopes", "b"]]);
    const res = await fetch(`${server.url}/forms/login`, { method: "POST", body });
    expect(await res.json()).toEqual({ fields: { username: ["ada"], password: ["p w"], scopes: ["a", "b"] } });
    const wrong = await fetch(`${server.url}/forms/login`, { method: "POST", headers: jsonHeaders, body: "{}" });
    expect(wrong.status).toBe(415);
  });

  it("reports every multipart part in order", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array([0, 255, 1])], { type: "application/pdf" }), "doc.pdf");
    form.append("title", "Tïtle");
    form.append("tags", "x");
    const res = await fetch(`${server.url}/uploads/document`, { method: "POST", body: form });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      parts: [
        { name: "file", filename: "doc.pdf", contentType: "application/pdf", size: 3, text: null },
        { name: "title", filename: null, contentType: null, size: 6, text: "Tïtle" },
        { name: "tags", filename: null, contentType: null, size: 1, text: "x" },
      ],
    });
  });

  it("hashes raw uploads and serves raw, text and settings answers", async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    const raw = await fetch(`${server.url}/uploads/raw`, { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes });
    expect(await raw.json()).toEqual({ size: 4, sha256: createHash("sha256").update(bytes).digest("hex"), contentType: "application/octet-stream" });

    const download = await fetch(`${server.url}/downloads/report.bin`);
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(DOWNLOAD_BYTES);
    expect((await fetch(`${server.url}/downloads/missing`)).status).toBe(404);

    expect(await (await fetch(`${server.url}/readme`)).text()).toBe(README_TEXT);
    expect(await (await fetch(`${server.url}/readme`, { headers: { cookie: "locale=de" } })).text()).toBe(`${README_TEXT}locale=de\n`);

    const settings = await fetch(`${server.url}/settings`, { method: "PATCH", headers: jsonHeaders, body: JSON.stringify({ theme: null, priority: 1 }) });
    expect(await settings.json()).toEqual({ ...DEFAULT_SETTINGS, theme: null, priority: 1 });
  });

  it("answers unknown routes with 404 and wrong methods with 405", async () => {
    const unknown = await fetch(`${server.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe("no_route");
    expect((await fetch(`${server.url}/health`, { method: "POST" })).status).toBe(405);
  });

  it("lets a test inject faults before the routes", async () => {
    const flaky = await startFeaturesServer({ intercept: (_request, index) => (index === 0 ? { status: 503 } : undefined) });
    try {
      expect((await fetch(`${flaky.url}/health`)).status).toBe(503);
      expect((await fetch(`${flaky.url}/health`)).status).toBe(200);
      expect(flaky.seen).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });
});
