// Form and multipart bodies against the OpenAPI Encoding Object (rules in src/runtime/body.ts): one table row per
// style, the default rule for properties without an entry, hostile property names, and a real server reading
// what was sent.
import { afterEach, describe, expect, it } from "vitest";
import { formBody, multipartBody } from "../../src/runtime/body.js";
import type { BodyEncoding } from "../../src/runtime/types.js";
import { createServiceClient } from "../../src/runtime/index.js";
import { json, startServer } from "./support/http.js";
import { op, service } from "./support/service.js";

type Entries = Record<string, Omit<BodyEncoding, "name">>;

/** The definition's list form of `{ name: entry }`. */
const list = (entries: Entries | undefined): BodyEncoding[] | undefined =>
  entries === undefined ? undefined : Object.entries(entries).map(([name, e]) => ({ name, ...e }));

/** The form body with `[`/`]` left readable (URLSearchParams writes %5B/%5D). */
const readable = (text: string): string => text.replaceAll("%5B", "[").replaceAll("%5D", "]");

const OBJ = { R: 100, G: 200 };
const ARR = ["a", "b c"];

describe("formBody: the Encoding Object's styles", () => {
  const rows: Array<[string, { value: Record<string, unknown>; encoding?: Entries; want: string }]> = [
    ["no entry: primitive", { value: { a: "x y", n: 1, t: true }, want: "a=x+y&n=1&t=true" }],
    ["no entry: array repeats the key", { value: { a: ARR }, want: "a=a&a=b+c" }],
    ["no entry: object as deepObject", { value: { o: { k: "v", l: [1, 2], d: { e: 1 }, m: [{ n: 1 }] } }, want: "o[k]=v&o[l][]=1&o[l][]=2&o[d][e]=1&o[m][0][n]=1" }],
    ["form (explode by default): array", { value: { a: ARR }, encoding: { a: { style: "form" } }, want: "a=a&a=b+c" }],
    ["form, explode: object drops the name", { value: { o: OBJ }, encoding: { o: { style: "form", explode: true } }, want: "R=100&G=200" }],
    ["form, !explode: array", { value: { a: ARR }, encoding: { a: { style: "form", explode: false } }, want: "a=a%2Cb+c" }],
    ["form, !explode: object", { value: { o: OBJ }, encoding: { o: { explode: false } }, want: "o=R%2C100%2CG%2C200" }],
    ["spaceDelimited (explode false by default): array", { value: { a: ARR }, encoding: { a: { style: "spaceDelimited" } }, want: "a=a+b+c" }],
    ["spaceDelimited, explode: array acts as form", { value: { a: ARR }, encoding: { a: { style: "spaceDelimited", explode: true } }, want: "a=a&a=b+c" }],
    ["pipeDelimited: array", { value: { a: [1, 2, 3] }, encoding: { a: { style: "pipeDelimited" } }, want: "a=1%7C2%7C3" }],
    ["pipeDelimited: object", { value: { o: OBJ }, encoding: { o: { style: "pipeDelimited", explode: false } }, want: "o=R%7C100%7CG%7C200" }],
    ["deepObject: object", { value: { o: OBJ }, encoding: { o: { style: "deepObject", explode: true } }, want: "o[R]=100&o[G]=200" }],
    ["deepObject: array of scalars gets empty brackets", { value: { expand: ["tax", "x"] }, encoding: { expand: { style: "deepObject" } }, want: "expand[]=tax&expand[]=x" }],
    [
      "deepObject: arrays of objects and objects of arrays",
      {
        value: { t: [{ type: "eu_vat", value: "DE1" }], s: { f: [{ name: "n", value: "v" }], k: ["a"] } },
        encoding: { t: { style: "deepObject", explode: true }, s: { style: "deepObject", explode: true } },
        want: "t[0][type]=eu_vat&t[0][value]=DE1&s[f][0][name]=n&s[f][0][value]=v&s[k][]=a",
      },
    ],
    ["deepObject: a primitive is name=value", { value: { p: "x" }, encoding: { p: { style: "deepObject" } }, want: "p=x" }],
    ["deepObject: null items skipped", { value: { a: ["x", null, "z"] }, encoding: { a: { style: "deepObject" } }, want: "a[]=x&a[]=z" }],
    [
      "deepObject: skipped objects leave no gap in the indices",
      { value: { a: [{ k: 1 }, null, {}, { k: 2 }] }, encoding: { a: { style: "deepObject" } }, want: "a[0][k]=1&a[1][k]=2" },
    ],
    ["deepObject: mixed array gets indices for every item", { value: { a: ["x", { k: 1 }] }, encoding: { a: { style: "deepObject" } }, want: "a[0]=x&a[1][k]=1" }],
    ["deepObject: array of arrays", { value: { a: [["x", "y"], ["z"]] }, encoding: { a: { style: "deepObject" } }, want: "a[0][]=x&a[0][]=y&a[1][]=z" }],
    [
      "deepObject: empty arrays, empty objects and nulls inside write nothing",
      { value: { o: { a: [], e: {}, n: null, d: { f: [] } }, s: { v: "" } }, encoding: { o: { style: "deepObject" }, s: { style: "deepObject" } }, want: "s[v]=" },
    ],
    ["contentType JSON alone: JSON text", { value: { o: { a: [1] }, p: "s" }, encoding: { o: { contentType: "application/json" }, p: { contentType: "application/json" } }, want: "o=%7B%22a%22%3A[1]%7D&p=s" }],
    ["contentType not JSON alone: the default rule", { value: { o: { a: 1 } }, encoding: { o: { contentType: "text/plain" } }, want: "o[a]=1" }],
    ["Dates as ISO 8601", { value: { d: new Date(0) }, encoding: { d: { style: "form" } }, want: "d=1970-01-01T00%3A00%3A00.000Z" }],
    ["empty arrays and objects send nothing", { value: { a: [], o: {} }, encoding: { a: { style: "form", explode: false }, o: { style: "deepObject" } }, want: "" }],
  ];
  it.each(rows)("%s", (_name, { value, encoding, want }) => {
    expect(readable(formBody(value, list(encoding)))).toBe(want);
  });

  it("encodes keys and values as application/x-www-form-urlencoded", () => {
    expect(formBody({ "a b": { "c&d": "e=f" } }, [{ name: "a b", style: "deepObject" }])).toBe("a+b%5Bc%26d%5D=e%3Df");
  });

  it("finds entries by name only, whatever the property is called", () => {
    const encoding: BodyEncoding[] = [{ name: "__proto__", style: "deepObject" }, { name: 'a"b', style: "form", explode: false }];
    const value = JSON.parse('{"__proto__": ["x"], "a\\"b": [1, 2], "constructor": [3, 4], "toString": {"k": 1}}') as Record<string, unknown>;
    expect(readable(formBody(value, encoding))).toBe("__proto__[]=x&a%22b=1%2C2&constructor=3&constructor=4&toString[k]=1");
  });

  it("sends a string or URLSearchParams as given", () => {
    expect(formBody("a=1&b", [{ name: "a", style: "deepObject" }])).toBe("a=1&b");
    expect(formBody(new URLSearchParams([["x", "1"]]))).toBe("x=1");
  });
});

describe("multipartBody", () => {
  async function wire(value: unknown, encoding?: Entries): Promise<{ text: string; boundary: string }> {
    const { body, contentType } = multipartBody(value, list(encoding));
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType ?? "")?.[1] ?? "";
    expect(boundary).not.toBe("");
    return { text: await (body as Blob).text(), boundary };
  }

  it("writes objects as JSON field parts, strings as text, files with their type", async () => {
    const { text, boundary } = await wire(
      { meta: { a: [1] }, title: "x\ny", file: new File(["hi"], "a.txt", { type: "text/plain" }), list: [{ k: 1 }, "s"] },
    );
    expect(text).toBe(
      [
        `--${boundary}`,
        'Content-Disposition: form-data; name="meta"',
        "Content-Type: application/json",
        "",
        '{"a":[1]}',
        `--${boundary}`,
        'Content-Disposition: form-data; name="title"',
        "",
        "x\r\ny",
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="a.txt"',
        "Content-Type: text/plain",
        "",
        "hi",
        `--${boundary}`,
        'Content-Disposition: form-data; name="list"',
        "Content-Type: application/json",
        "",
        '{"k":1}',
        `--${boundary}`,
        'Content-Disposition: form-data; name="list"',
        "",
        "s",
        `--${boundary}--`,
        "",
      ].join("\r\n"),
    );
  });

  it("uses the encoding's contentType: JSON arrays as one part, a declared type on text and bytes", async () => {
    const { text } = await wire(
      { ids: [1, 2], csv: "a,b", raw: new Uint8Array([65]), doc: { x: 1 } },
      { ids: { contentType: "application/json" }, csv: { contentType: "text/csv, text/plain" }, raw: { contentType: "image/*" }, doc: { contentType: "application/vnd.x+json" } },
    );
    expect(text).toContain('name="ids"\r\nContent-Type: application/json\r\n\r\n[1,2]\r\n');
    expect(text).toContain('name="csv"\r\nContent-Type: text/csv\r\n\r\na,b\r\n');
    // A wildcard is not a media type to send: bytes fall back to application/octet-stream.
    expect(text).toContain('name="raw"; filename="raw"\r\nContent-Type: application/octet-stream\r\n\r\nA\r\n');
    expect(text).toContain('name="doc"\r\nContent-Type: application/vnd.x+json\r\n\r\n{"x":1}\r\n');
  });

  it("flattens a styled entry (deepObject) into one text part per pair", async () => {
    const { text } = await wire({ data: { create: true, tags: ["a"] } }, { data: { style: "deepObject", explode: true } });
    expect(text).toContain('name="data[create]"\r\n\r\ntrue\r\n');
    expect(text).toContain('name="data[tags][]"\r\n\r\na\r\n');
  });

  it("keeps hostile names and header-breaking content types out of the part headers", async () => {
    const { text } = await wire({ 'a"\r\nX-Evil: 1': "v" }, { 'a"\r\nX-Evil: 1': { contentType: "text/plain\r\nX-Evil: 2" } });
    expect(text).toContain('Content-Disposition: form-data; name="a%22%0D%0AX-Evil: 1"\r\n\r\nv\r\n');
    expect(text).not.toContain("\r\nX-Evil");
  });
});

describe("over a real connection", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  it("sends the encoded form and a JSON part exactly, the same bytes on a retry", async () => {
    let calls = 0;
    const s = await startServer((_req, res) => json(res, ++calls === 2 ? 503 : 200, {}));
    open.push(s);
    const c = createServiceClient(service(s.origin), { env: {} });
    open.push(c);
    const form = op("form", "PUT", "/form", {
      body: {
        kind: "form",
        contentType: "application/x-www-form-urlencoded",
        encoding: [
          { name: "ids", style: "pipeDelimited" },
          { name: "locales", style: "deepObject", explode: true },
        ],
      },
    });
    await c.call(form, { body: { locales: ["en", "fr"], ids: [1, 2], plain: ["x", "y"] } });
    expect(s.requests[0]!.body.toString()).toBe("locales%5B%5D=en&locales%5B%5D=fr&ids=1%7C2&plain=x&plain=y");

    const upload = op("upload", "PUT", "/upload", { body: { kind: "multipart", contentType: "multipart/form-data" } });
    await c.call(upload, { body: { meta: { a: 1 }, note: "n" } });
    const [first, second] = s.requests.slice(1);
    expect(s.requests).toHaveLength(3);
    expect(first!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=----svcgen-[0-9a-f-]{36}$/);
    expect(first!.body.toString()).toContain('Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n');
    expect(first!.headers["content-length"]).toBe(String(first!.body.length));
    // The 503 made the client send again: the same boundary and bytes.
    expect(second!.headers["content-type"]).toBe(first!.headers["content-type"]);
    expect(second!.body.equals(first!.body)).toBe(true);
  });
});
