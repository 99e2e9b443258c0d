// The generated message types against an independent implementation: test/fixtures/proto/catalog (imports with
// proto_paths, nested messages, enums, oneofs, maps, repeated, optional, 64-bit integers, well-known types) served by
// @grpc/grpc-js + proto-loader. What the TypeScript types promise is type-checked (a usage file compiled with the
// generated tree) and then checked at runtime on the values that really arrive, both ways.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateInto } from "../../support/generated.js";
import { TMP } from "../../support/repo.js";
import { typeCheck } from "../../support/tsc.js";
import { CATALOG_DIR, CATALOG_SERVICE, startCatalogGrpcServer } from "../../support/servers/grpc-catalog.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { collect } from "./support.js";

// The generated module lives in scratch space, so it is typed here only loosely; its types are what the usage file
// below checks, compiled together with it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Catalog = any;

const OUT = path.join(TMP, "grpc-catalog");

/** Statements that only compile if the generated types say what @bufbuild/protobuf does at runtime. */
const USAGE = `import type { JsonObject } from "@bufbuild/protobuf";
import type * as wkt from "@bufbuild/protobuf/wkt";
import { type Item, Item_Kind, Warehouse, type CatalogStub } from "./clients/catalog/index.js";

export function shapes(item: Item): void {
  const views: bigint = item.views;
  const likes: bigint = item.likes;
  const bigAsText: string = item.bigAsText;
  const note: string | undefined = item.note;
  const sold: bigint | undefined = item.sold;
  const attributes: JsonObject | undefined = item.attributes;
  const created: wkt.Timestamp | undefined = item.createdAt;
  const subtitle: string | undefined = item.subtitle;
  const stock: bigint | undefined = item.stockByRegion["eu"];
  const variant = item.variants[7];
  const kinds: Item_Kind[] = item.kinds;
  const warehouse: Warehouse = item.warehouse;
  const thumbnail: Uint8Array = item.thumbnail;
  if (item.availability.case === "inStock") {
    const n: number = item.availability.value;
    void n;
  } else if (item.availability.case === "restockAt") {
    const t: wkt.Timestamp = item.availability.value;
    void t;
  }
  void [views, likes, bigAsText, note, sold, attributes, created, subtitle, stock, variant, kinds, warehouse, thumbnail];
}

export async function calls(stub: CatalogStub): Promise<void> {
  const item = await stub.getItem({ id: "x" });
  for await (const i of stub.listItems({ pageSize: 1 })) void i.id;
  await stub.countItems((async function* () { yield { id: "a", views: 1n, availability: { case: "inStock", value: 3 } }; })());
  for await (const e of stub.watch((async function* () { yield { id: "e" }; })())) void e.id;
  await stub.ping({});
  void item;
}
`;

let catalog: Catalog;
beforeAll(async () => {
  const result = await generateInto(CATALOG_DIR, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  writeFileSync(path.join(OUT, "usage.ts"), USAGE);
  catalog = (await import(pathToFileURL(path.join(OUT, "clients/catalog/index.ts")).href)) as Catalog;
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(): Promise<{ server: RunningGrpcServer; stub: Catalog }> {
  const server = await startCatalogGrpcServer();
  cleanup.push(() => server.close());
  const client = catalog.createCatalogGrpcClient({ baseUrl: server.url, env: {} });
  cleanup.push(() => client.close());
  return { server, stub: client };
}

describe("generated protobuf types", () => {
  it("type-check, with a usage file that relies on every field shape", () => {
    const { code, output } = typeCheck(OUT);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("decode what an independent server sends into exactly those shapes", async () => {
    const { stub } = await setup();
    const item = await stub.catalog.getItem({ id: "sku-1" });
    expect(item.id).toBe("sku-1");
    expect(item.price).toMatchObject({ currency: "EUR", units: 9_007_199_254_740_993n });
    expect(item.tags).toEqual(["kitchen", "steel"]);
    expect(item.stockByRegion).toEqual({ eu: 3n, us: -4n });
    expect(item.variants[7]).toMatchObject({ sku: "sku-1-blue", kind: catalog.Item_Kind.PHYSICAL, dimensions: { width: 1.5, height: 2.25 } });
    expect(item.warehouse).toBe(catalog.Warehouse.SOUTH);
    expect(item.subtitle).toBe("1.7 l");
    expect([item.views, item.likes, item.delta, item.checksum, item.offset]).toEqual([
      9_007_199_254_740_993n,
      18_446_744_073_709_551_615n,
      -9_007_199_254_740_993n,
      42n,
      -42n,
    ]);
    expect(item.bigAsText).toBe("9007199254740995");
    expect([item.rating, item.weight, item.active, item.position]).toEqual([4.5, 1.25, true, 7]);
    expect([...item.thumbnail]).toEqual([0, 1, 2, 255]);
    expect(item.createdAt).toMatchObject({ seconds: 1_700_000_000n, nanos: 5 });
    expect(item.ttl).toMatchObject({ seconds: 60n });
    expect(item.note).toBe("fragile");
    expect(item.sold).toBe(123n);
    expect(item.attributes).toEqual({ color: "blue", sizes: [1, 2] });
    expect(item.availability.case).toBe("restockAt");
    expect(item.availability.value).toMatchObject({ seconds: 1_800_000_000n });
    expect(item.allVariants.map((v: { sku: string; kind: number }) => [v.sku, v.kind])).toEqual([["a", catalog.Item_Kind.DIGITAL]]);
    expect(item.kinds).toEqual([catalog.Item_Kind.PHYSICAL, catalog.Item_Kind.DIGITAL]);
    expect(item.extra).toBeUndefined();
  });

  it("encode what the client sends so the independent server reads the same values", async () => {
    const { server, stub } = await setup();
    const sent = {
      id: "c-1",
      views: 9_007_199_254_740_993n,
      bigAsText: "-5",
      stockByRegion: { eu: 7n },
      variants: { 3: { sku: "v", kind: catalog.Item_Kind.DIGITAL } },
      subtitle: "",
      note: "n",
      sold: 0n,
      attributes: { nested: { ok: true }, list: ["x", null] },
      availability: { case: "inStock" as const, value: 12 },
      warehouse: catalog.Warehouse.NORTH,
      thumbnail: new Uint8Array([9, 8]),
    };
    const count = await stub.catalog.countItems((async function* () {
      yield sent;
      yield { id: "c-2", availability: { case: "discontinued" as const, value: { reason: "old" } } };
    })());
    expect(count.total).toBe(2n);
    const [first, second] = server.seen[0]!.request as Array<Record<string, unknown>>;
    expect(first).toMatchObject({
      id: "c-1",
      views: "9007199254740993",
      big_as_text: "-5",
      stock_by_region: { eu: "7" },
      variants: { 3: { sku: "v", kind: "KIND_DIGITAL" } },
      subtitle: "",
      note: { value: "n" },
      sold: { value: "0" },
      availability: "in_stock",
      in_stock: 12,
      warehouse: "WAREHOUSE_NORTH",
    });
    expect([...(first!.thumbnail as Buffer)]).toEqual([9, 8]);
    expect((first!.attributes as { fields: Record<string, unknown> }).fields).toMatchObject({
      nested: { kind: "structValue", structValue: { fields: { ok: { kind: "boolValue", boolValue: true } } } },
      list: { kind: "listValue", listValue: { values: [{ kind: "stringValue", stringValue: "x" }, { kind: "nullValue" }] } },
    });
    expect(second).toMatchObject({ id: "c-2", availability: "discontinued", discontinued: { reason: "old" } });
    // proto3 `optional` left unset is absent on the wire: the server sees no subtitle at all for the second item.
    expect(second!.subtitle).toBeUndefined();
  });

  it("stream every shape: server streaming, bidirectional echo of nested WKT fields, and Empty both ways", async () => {
    const { server, stub } = await setup();
    const items = await collect<{ id: string; views: bigint }>(stub.catalog.listItems({ pageSize: 3 }));
    expect(items.map((i) => i.id)).toEqual(["sku-0", "sku-1", "sku-2"]);
    expect(items.every((i) => i.views === 9_007_199_254_740_993n)).toBe(true);
    const echoed = await collect<{ id: string; nothing?: object }>(stub.catalog.watch((async function* () {
      yield { id: "e1", nothing: {} };
      yield { id: "e2" };
    })()));
    expect(echoed.map((e) => [e.id, e.nothing !== undefined])).toEqual([
      ["e1", true],
      ["e2", false],
    ]);
    expect(await stub.catalog.ping({})).toMatchObject({ $typeName: "google.protobuf.Empty" });
    expect(server.count(`/${CATALOG_SERVICE}/Ping`)).toBe(1);
  });
});
