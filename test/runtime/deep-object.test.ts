// The one deepObject convention (src/runtime/deep-object.ts) on the wire: every value is sent once as a deepObject
// query parameter and once as a deepObject property of a form body, and a real server must receive the same pairs,
// written the same way (`[`/`]` as %5B/%5D in both; only a space differs: %20 in a query, + in a form body).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient } from "../../src/runtime/index.js";
import type { ServiceClient } from "../../src/runtime/index.js";
import { json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";

const inQuery = op("inQuery", "GET", "/q", { params: [{ name: "v", in: "query", style: "deepObject", explode: true }] });
const inForm = op("inForm", "POST", "/f", {
  body: { kind: "form", contentType: "application/x-www-form-urlencoded", encoding: [{ name: "v", style: "deepObject", explode: true }] },
});

let server: TestServer;
let client: ServiceClient;
beforeAll(async () => {
  server = await startServer((_req, res) => json(res, 200, {}));
  client = createServiceClient(service(server.origin), { env: {} });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

/** What the server received for `value` as `?v=…` and as the form body `v=…`. */
async function sendBoth(value: unknown): Promise<{ query: string; body: string }> {
  const before = server.requests.length;
  await client.call(inQuery, { query: { v: value } });
  await client.call(inForm, { body: { v: value } });
  const [get, post] = server.requests.slice(before);
  expect(server.requests).toHaveLength(before + 2);
  expect([get!.method, get!.url.split("?")[0], post!.method, post!.url]).toEqual(["GET", "/q", "POST", "/f"]);
  expect(post!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  const mark = get!.url.indexOf("?");
  return { query: mark === -1 ? "" : get!.url.slice(mark + 1), body: post!.body.toString("latin1") };
}

describe("deepObject: the same convention in a query and in a form body, as a real server receives it", () => {
  const rows: Array<[string, { value: unknown; want: string }]> = [
    ["array of scalars: empty brackets", { value: ["customer", "invoice.subscription"], want: "v%5B%5D=customer&v%5B%5D=invoice.subscription" }],
    [
      "array of objects: indices",
      { value: [{ price: "price_1", quantity: 2 }, { price: "price_2" }], want: "v%5B0%5D%5Bprice%5D=price_1&v%5B0%5D%5Bquantity%5D=2&v%5B1%5D%5Bprice%5D=price_2" },
    ],
    ["nested object", { value: { created: { gte: 1700000000, lt: 1800000000 } }, want: "v%5Bcreated%5D%5Bgte%5D=1700000000&v%5Bcreated%5D%5Blt%5D=1800000000" }],
    [
      "mixed: scalars, objects and arrays inside an object",
      {
        value: { tags: ["a", "b"], items: [{ id: "x", opts: ["p"] }], mixed: ["s", { k: 1 }], grid: [[1, 2], [3]] },
        want:
          "v%5Btags%5D%5B%5D=a&v%5Btags%5D%5B%5D=b&v%5Bitems%5D%5B0%5D%5Bid%5D=x&v%5Bitems%5D%5B0%5D%5Bopts%5D%5B%5D=p" +
          "&v%5Bmixed%5D%5B0%5D=s&v%5Bmixed%5D%5B1%5D%5Bk%5D=1" +
          "&v%5Bgrid%5D%5B0%5D%5B%5D=1&v%5Bgrid%5D%5B0%5D%5B%5D=2&v%5Bgrid%5D%5B1%5D%5B%5D=3",
      },
    ],
    ["nulls skipped, indices stay dense", { value: [{ k: 1 }, null, {}, { k: 2 }], want: "v%5B0%5D%5Bk%5D=1&v%5B1%5D%5Bk%5D=2" }],
    ["empty arrays and objects write nothing", { value: { a: [], o: {}, n: null, keep: "" }, want: "v%5Bkeep%5D=" }],
    ["nothing at all", { value: [], want: "" }],
  ];
  it.each(rows)("%s", async (_name, { value, want }) => {
    const { query, body } = await sendBoth(value);
    expect(query).toBe(want);
    expect(body).toBe(want);
  });

  it("differs only in how a space is written, and both decode to the same pairs", async () => {
    const { query, body } = await sendBoth({ "a b": ["c d"], "é&=": "x/y" });
    expect(query).toBe("v%5Ba%20b%5D%5B%5D=c%20d&v%5B%C3%A9%26%3D%5D=x%2Fy");
    expect(body).toBe("v%5Ba+b%5D%5B%5D=c+d&v%5B%C3%A9%26%3D%5D=x%2Fy");
    expect([...new URLSearchParams(query)]).toEqual([
      ["v[a b][]", "c d"],
      ["v[é&=]", "x/y"],
    ]);
    expect([...new URLSearchParams(body)]).toEqual([...new URLSearchParams(query)]);
  });
});
