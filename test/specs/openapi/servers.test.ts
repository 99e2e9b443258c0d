// Path- and operation-level `servers` (issue 12, item 2): which operations get their own server, what it reads (the
// first entry, variables at their defaults, trailing slashes dropped), and what an unusable one reports. The first two
// rows are GitHub's reposUploadReleaseAsset and Stripe's POST /v1/files as those specs declare them.
import { beforeAll, describe, expect, it } from "vitest";
import { definitionOf } from "../../../src/emit/ts/operation.js";
import { serviceDefinitionOf } from "../../../src/emit/ts/definition.js";
import { literal } from "../../../src/emit/ts/literal.js";
import type { OpenApiModel, ServiceModel } from "../../../src/model/types.js";
import type { OpenApiResult } from "../../../src/specs/openapi/index.js";
import { load, op } from "./load.js";
import { serviceSecurity } from "../../../src/resolve/auth.js";

let result: OpenApiResult;
let model: OpenApiModel;

beforeAll(async () => {
  result = await load("servers.yaml");
  model = result.model!;
});

describe("operation servers (servers.yaml)", () => {
  it.each([
    ["GitHub's {origin} variable at its default", { name: "reposUploadReleaseAsset", want: "https://uploads.github.com" }],
    ["Stripe's files host, trailing slash dropped", { name: "postFiles", want: "https://files.stripe.com" }],
    ["a path item's servers: first entry, variable default, prefix kept", { name: "getMedia", want: "https://eu.media.example.com/v2" }],
    ["an empty operation list falls back to the path item's", { name: "putMedia", want: "https://eu.media.example.com/v2" }],
    ["the operation's list wins over the path item's", { name: "deleteMedia", want: "https://purge.media.example.com" }],
    ["a relative server stays relative (to the service's base)", { name: "legacyPing", want: "/v1" }],
    ["the root's server is the service's URL", { name: "sameAsRoot", want: undefined }],
    ["no servers: the service's URL", { name: "listReleaseAssets", want: undefined }],
    ["an empty URL is the service's URL", { name: "emptyServer", want: undefined }],
    ["a sibling operation is not affected", { name: "getFiles", want: undefined }],
    ["a variable without default: the service's URL", { name: "brokenVariable", want: undefined }],
    ["a non-http scheme: the service's URL", { name: "brokenScheme", want: undefined }],
    ["a query: the service's URL", { name: "brokenQuery", want: undefined }],
  ])("%s", (_what, { name, want }) => {
    expect(op(model, name).server).toBe(want);
  });

  it("reports each unusable server once, as a warning at its url's pointer, and no error", () => {
    const found = result.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, pointer: d.location?.pointer }));
    expect(found).toEqual([
      {
        severity: "warning",
        code: "openapi/invalid-server",
        message: "server variable {tenant} has no default; the operation is sent to the service's URL",
        pointer: "#/paths/~1broken~1variable/get/servers/0/url",
      },
      {
        severity: "warning",
        code: "openapi/invalid-server",
        message: 'server URL "ftp://files.example.com" is not http or https; the operation is sent to the service\'s URL',
        pointer: "#/paths/~1broken~1scheme/get/servers/0/url",
      },
      {
        severity: "warning",
        code: "openapi/invalid-server",
        message: 'server URL "https://q.example.com/?x=1" carries a query or fragment; the operation is sent to the service\'s URL',
        pointer: "#/paths/~1broken~1query/get/servers/0/url",
      },
    ]);
  });

  it("emits `server` in the operation's definition literal only where there is one", () => {
    expect(definitionOf(op(model, "reposUploadReleaseAsset")).server).toBe("https://uploads.github.com");
    expect(literal(definitionOf(op(model, "postFiles")))).toContain('\n  server: "https://files.stripe.com",\n');
    expect("server" in definitionOf(op(model, "getFiles"))).toBe(false);
  });

  it("lists the servers in the service definition, sorted, with the operations using each", () => {
    const service = { key: "s", openapi: model, mesh: {}, discovery: { endpoints: [], dnsServers: [] }, security: serviceSecurity(model) } as unknown as ServiceModel;
    expect(serviceDefinitionOf(service).servers).toEqual([
      { url: "/v1", operations: ["legacyPing"] },
      { url: "https://eu.media.example.com/v2", operations: ["getMedia", "putMedia"] },
      { url: "https://files.stripe.com", operations: ["postFiles"] },
      { url: "https://purge.media.example.com", operations: ["deleteMedia"] },
      { url: "https://uploads.github.com", operations: ["reposUploadReleaseAsset"] },
    ]);
    expect("servers" in serviceDefinitionOf({ ...service, openapi: { ...model, operations: [op(model, "getFiles")] } })).toBe(false);
  });
});

describe("hostile server text", () => {
  it("stays a quoted string in the literal", () => {
    const hostile = { ...op(model, "postFiles"), server: 'https://x.example/"};process.exit(1);//\u2028' };
    const text = literal(definitionOf(hostile));
    expect(text).toContain('server: "https://x.example/\\"};process.exit(1);//\\u2028"');
  });
});
