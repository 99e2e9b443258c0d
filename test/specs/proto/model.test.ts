// What the proto loader makes of test/fixtures/proto/catalog: file names relative to the import directories, files
// in dependency order, every message/enum/service with the facts the emitter needs, and descriptors that
// @bufbuild/protobuf hydrates into the same schema protobufjs reads (bytes written by one decode in the other).
import { statSync } from "node:fs";
import path from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescFile, DescMessage } from "@bufbuild/protobuf";
import { fileDesc } from "@bufbuild/protobuf/codegenv2";
import * as wkt from "@bufbuild/protobuf/wkt";
import protobuf from "protobufjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ProtoModel } from "../../../src/model/types.js";
import { loadProto } from "../../../src/specs/proto/index.js";
import { REPO } from "../../support/repo.js";

const DIR = path.join(REPO, "test", "fixtures", "proto", "catalog");
let model: ProtoModel;

beforeAll(() => {
  const result = loadProto({
    files: ["protos/catalog/v1/catalog.proto"],
    protoPaths: ["protos", "third_party"],
    baseDir: DIR,
    retryOn: ["UNAVAILABLE"],
    show: (abs) => path.relative(DIR, abs),
    at: { file: "services.toml" },
  });
  expect(result.diagnostics).toEqual([]);
  model = result.model!;
});

const message = (name: string) => model.descriptors.flatMap((f) => f.messages).find((m) => m.fullName === name)!;
const field = (m: string, f: string) => message(m).fields.find((x) => x.name === f)!;

describe("files", () => {
  it("are named as imports name them, dependencies first; well-known ones come from @bufbuild/protobuf", () => {
    expect(model.descriptors.map((d) => [d.name, d.wellKnown ?? null])).toEqual([
      ["money/v1/money.proto", null],
      ["catalog/v1/common.proto", null],
      ["google/protobuf/timestamp.proto", "file_google_protobuf_timestamp"],
      ["google/protobuf/duration.proto", "file_google_protobuf_duration"],
      ["google/protobuf/wrappers.proto", "file_google_protobuf_wrappers"],
      ["google/protobuf/struct.proto", "file_google_protobuf_struct"],
      ["google/protobuf/empty.proto", "file_google_protobuf_empty"],
      ["google/protobuf/any.proto", "file_google_protobuf_any"],
      ["google/protobuf/field_mask.proto", "file_google_protobuf_field_mask"],
      ["catalog/v1/catalog.proto", null],
    ]);
    expect(model.descriptors.find((d) => d.name === "catalog/v1/common.proto")!.dependencies).toEqual(["money/v1/money.proto"]);
    expect(model.inputs).toEqual(["protos/catalog/v1/catalog.proto", "protos/catalog/v1/common.proto", "third_party/money/v1/money.proto"]);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});

describe("messages", () => {
  it("flatten nested messages after their parent, with descriptor paths that skip map entries", () => {
    const catalog = model.descriptors.at(-1)!;
    expect(catalog.messages.map((m) => [m.fullName, m.path])).toEqual([
      ["catalog.v1.Item", [0]],
      ["catalog.v1.Item.Variant", [0, 0]],
      ["catalog.v1.Item.Variant.Dimensions", [0, 0, 0]],
      ["catalog.v1.Item.Discontinued", [0, 1]],
      ["catalog.v1.GetItemRequest", [1]],
      ["catalog.v1.ListItemsRequest", [2]],
      ["catalog.v1.ItemEvent", [3]],
      ["catalog.v1.Count", [4]],
    ]);
    expect(catalog.enums.map((e) => [e.fullName, e.path, e.values.map((v) => v.localName)])).toEqual([["catalog.v1.Item.Kind", [0, 0], ["UNSPECIFIED", "PHYSICAL", "DIGITAL"]]]);
  });

  it.each([
    ["stock_by_region", { localName: "stockByRegion", cardinality: "map", mapKey: "string", type: { kind: "scalar", scalar: "int64", longAsString: false } }],
    ["variants", { cardinality: "map", mapKey: "int32", type: { kind: "message", ref: "catalog.v1.Item.Variant" } }],
    ["price", { cardinality: "singular", type: { kind: "message", ref: "money.v1.Money" } }],
    ["subtitle", { cardinality: "optional", type: { kind: "scalar", scalar: "string", longAsString: false } }],
    ["big_as_text", { localName: "bigAsText", type: { kind: "scalar", scalar: "int64", longAsString: true } }],
    ["warehouse", { type: { kind: "enum", ref: "catalog.v1.Warehouse" } }],
    ["created_at", { type: { kind: "message", ref: "google.protobuf.Timestamp" } }],
    ["in_stock", { localName: "inStock", oneof: "availability", comment: "In stock now." }],
    ["all_variants", { cardinality: "repeated", type: { kind: "message", ref: "catalog.v1.Item.Variant" } }],
    ["id", { comment: "Stable id." }],
  ])("Item.%s", (name, want) => {
    expect(field("catalog.v1.Item", name)).toMatchObject(want);
  });

  it("keeps comments for JSDoc and oneofs apart from proto3 optional fields", () => {
    expect(message("catalog.v1.Item").comment).toBe("A product in the catalog.\nComments become JSDoc.");
    expect(message("catalog.v1.Item").oneofs).toEqual([{ name: "availability", localName: "availability" }]);
    expect(model.descriptors.find((d) => d.name === "catalog/v1/common.proto")!.enums[0]).toMatchObject({
      comment: "Where an item is stocked.",
      values: [{ localName: "UNSPECIFIED" }, { localName: "NORTH" }, { localName: "SOUTH", deprecated: true }],
    });
  });
});

describe("services", () => {
  it("list every rpc with its kind, message types and idempotency", () => {
    expect(model.services).toHaveLength(1);
    const s = model.services[0]!;
    expect([s.fullName, s.file, s.index, s.comment]).toEqual(["catalog.v1.Catalog", "catalog/v1/catalog.proto", 0, "Reads and watches the catalog."]);
    expect(s.methods.map((m) => [m.name, m.localName, m.kind, m.input, m.output, m.idempotent])).toEqual([
      ["GetItem", "getItem", "unary", "catalog.v1.GetItemRequest", "catalog.v1.Item", true],
      ["ListItems", "listItems", "server_streaming", "catalog.v1.ListItemsRequest", "catalog.v1.Item", false],
      ["CountItems", "countItems", "client_streaming", "catalog.v1.Item", "catalog.v1.Count", false],
      ["Watch", "watch", "bidi_streaming", "catalog.v1.ItemEvent", "catalog.v1.ItemEvent", false],
      ["Ping", "ping", "unary", "google.protobuf.Empty", "google.protobuf.Empty", true],
    ]);
    expect(s.methods[0]!.location).toEqual({ file: "protos/catalog/v1/catalog.proto", line: 98, column: 7 });
  });
});

describe("descriptors", () => {
  let files: Map<string, DescFile>;
  let pbjs: protobuf.Root;
  beforeAll(() => {
    files = new Map();
    for (const d of model.descriptors) {
      files.set(d.name, d.wellKnown ? ((wkt as unknown as Record<string, DescFile>)[d.wellKnown] as DescFile) : fileDesc(d.descriptor, d.dependencies.map((n) => files.get(n)!)));
    }
    pbjs = new protobuf.Root();
    pbjs.resolvePath = (_origin, target) => {
      for (const dir of ["protos", "third_party"]) {
        const candidate = path.join(DIR, dir, target);
        if (target.startsWith("google/")) return target;
        if (isFile(candidate)) return candidate;
      }
      return target;
    };
    pbjs.loadSync("catalog/v1/catalog.proto", { keepCase: true });
  });

  it("hydrate in @bufbuild/protobuf with the names protobufjs reads", () => {
    const item = files.get("catalog/v1/catalog.proto")!.messages[0]! as DescMessage;
    expect(item.typeName).toBe("catalog.v1.Item");
    const theirs = pbjs.lookupType("catalog.v1.Item");
    expect(item.fields.map((f) => [f.name, f.number])).toEqual(theirs.fieldsArray.map((f) => [f.name, f.id]));
  });

  it("encode what protobufjs decodes, and decode what it encodes", () => {
    const Item = files.get("catalog/v1/catalog.proto")!.messages[0]! as DescMessage;
    const mine = create(Item, {
      id: "x",
      views: 9_007_199_254_740_993n,
      stockByRegion: { eu: -3n },
      subtitle: "",
      note: "n",
      availability: { case: "inStock", value: 4 },
      kinds: [1, 2],
    } as never);
    const Theirs = pbjs.lookupType("catalog.v1.Item");
    const decoded = Theirs.toObject(Theirs.decode(toBinary(Item, mine)), { longs: String, enums: String, oneofs: true });
    expect(decoded).toMatchObject({ id: "x", views: "9007199254740993", stock_by_region: { eu: "-3" }, subtitle: "", note: { value: "n" }, in_stock: 4, availability: "in_stock", kinds: ["KIND_PHYSICAL", "KIND_DIGITAL"] });

    const bytes = Theirs.encode(Theirs.fromObject({ id: "y", likes: "18446744073709551615", restock_at: { seconds: 5 }, variants: { 2: { sku: "s" } } })).finish();
    const back = fromBinary(Item, bytes) as unknown as Record<string, unknown>;
    expect(back.id).toBe("y");
    expect(back.likes).toBe(18_446_744_073_709_551_615n);
    expect(back.availability).toMatchObject({ case: "restockAt", value: { seconds: 5n } });
    expect((back.variants as Record<number, { sku: string }>)[2]!.sku).toBe("s");
  });
});

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
