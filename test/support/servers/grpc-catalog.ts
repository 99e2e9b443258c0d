// A real gRPC server for test/fixtures/proto/catalog (every field kind svcgen supports), decoding with
// @grpc/proto-loader: an independent implementation to check the generated types and descriptors against.
//   GetItem     ITEM (every kind of field set)      ListItems   `page_size` copies of ITEM
//   CountItems  how many items arrived              Watch       echoes each event      Ping  Empty
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { REPO } from "../repo.js";
import { startGrpcServer } from "./grpc.js";
import type { RunningGrpcServer } from "./grpc.js";

export const CATALOG_DIR = path.join(REPO, "test", "fixtures", "proto", "catalog");
export const CATALOG_SERVICE = "catalog.v1.Catalog";

/** The item GetItem answers, in proto-loader's object form (longs as decimal strings). */
export const ITEM = {
  id: "sku-1",
  title: "Kettle",
  price: { currency: "EUR", units: "9007199254740993" },
  tags: ["kitchen", "steel"],
  stock_by_region: { eu: "3", us: "-4" },
  variants: { 7: { sku: "sku-1-blue", kind: "KIND_PHYSICAL", dimensions: { width: 1.5, height: 2.25 } } },
  warehouse: "WAREHOUSE_SOUTH",
  subtitle: "1.7 l",
  views: "9007199254740993",
  likes: "18446744073709551615",
  delta: "-9007199254740993",
  checksum: "42",
  offset: "-42",
  big_as_text: "9007199254740995",
  rating: 4.5,
  weight: 1.25,
  active: true,
  thumbnail: Buffer.from([0, 1, 2, 255]),
  position: 7,
  created_at: { seconds: "1700000000", nanos: 5 },
  ttl: { seconds: "60", nanos: 0 },
  note: { value: "fragile" },
  sold: { value: "123" },
  // protobufjs's bundled google/protobuf/struct.proto names these fields in camelCase whatever keepCase says.
  attributes: { fields: { color: { stringValue: "blue" }, sizes: { listValue: { values: [{ numberValue: 1 }, { numberValue: 2 }] } } } },
  restock_at: { seconds: "1800000000", nanos: 0 },
  all_variants: [{ sku: "a", kind: "KIND_DIGITAL" }],
  kinds: ["KIND_PHYSICAL", "KIND_DIGITAL"],
} as const;

type Req = Record<string, unknown>;

export async function startCatalogGrpcServer(): Promise<RunningGrpcServer> {
  return startGrpcServer({
    protoFile: path.join(CATALOG_DIR, "protos", "catalog", "v1", "catalog.proto"),
    includeDirs: [path.join(CATALOG_DIR, "protos"), path.join(CATALOG_DIR, "third_party")],
    handlers: {
      [CATALOG_SERVICE]: {
        GetItem(_call: grpc.ServerUnaryCall<Req, unknown>, callback: grpc.sendUnaryData<unknown>) {
          callback(null, ITEM);
        },
        ListItems(call: grpc.ServerWritableStream<Req, unknown>) {
          for (let i = 0; i < Number(call.request.page_size); i++) call.write({ ...ITEM, id: `sku-${i}` });
          call.end();
        },
        CountItems(call: grpc.ServerReadableStream<Req, unknown>, callback: grpc.sendUnaryData<unknown>) {
          let total = 0;
          call.on("data", () => total++);
          call.on("end", () => callback(null, { total: String(total) }));
        },
        Watch(call: grpc.ServerDuplexStream<Req, unknown>) {
          call.on("data", (m: Req) => call.write(m));
          call.on("end", () => call.end());
        },
        Ping(_call: grpc.ServerUnaryCall<Req, unknown>, callback: grpc.sendUnaryData<unknown>) {
          callback(null, {});
        },
      },
    },
  });
}
