// Issue 2, item 9: one large real spec through the whole pipeline. Stripe's (test/fixtures/stripe, 452 operations)
// must generate without errors, one method per operation, byte-identically twice, type-check under the strictest
// settings (including a small program that uses it), and talk to a Stripe-shaped server over real HTTP.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../src/generate.js";
import type { GenerateResult } from "../src/generate.js";
import type { ClientDescription, ClientOptions } from "../src/runtime/index.js";
import { definitionsOf } from "./support/definitions.js";
import { generateInto } from "./support/generated.js";
import { REPO, TMP } from "./support/repo.js";
import { header, json, mediaType, readForm, router, startServer } from "./support/servers/http.js";
import type { RunningServer } from "./support/servers/http.js";
import { typeCheck } from "./support/tsc.js";

const SPEC = path.join(REPO, "test", "fixtures", "stripe", "stripe.com.json");
const CASE = path.join(TMP, "stripe-case");
const OUT = path.join(CASE, "out");
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface SpecOperation {
  method: string;
  path: string;
  operationId: string;
}

function specOperations(): SpecOperation[] {
  const spec = JSON.parse(readFileSync(SPEC, "utf8")) as { paths: Record<string, Record<string, { operationId?: string }>> };
  const out: SpecOperation[] = [];
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      out.push({ method: method.toUpperCase(), path: p, operationId: op.operationId ?? "" });
    }
  }
  return out;
}

let result: GenerateResult;
let index: string;

beforeAll(async () => {
  rmSync(CASE, { recursive: true, force: true });
  mkdirSync(CASE, { recursive: true });
  const openapi = path.relative(CASE, SPEC).split(path.sep).join("/");
  writeFileSync(path.join(CASE, "services.toml"), `[external_services.stripe]\nurl = "http://stripe-api:8080"\nopenapi = "${openapi}"\n`);
  result = await generateInto(CASE, OUT);
  index = readFileSync(path.join(OUT, "clients", "stripe", "index.ts"), "utf8");
});

describe("Stripe's spec (452 operations)", () => {
  it("generates without error diagnostics, a client, its types, the runtime and the k8s manifest", () => {
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const paths = result.files.map((f) => f.path);
    for (const p of ["clients/index.ts", "clients/stripe/index.ts", "clients/stripe/types.ts", "runtime/index.ts", "k8s/stripe/service.yaml"]) {
      expect(paths).toContain(p);
    }
    expect(result.inputs).toContain(SPEC);
  });

  it("has one method per operation, named after its operationId, with the operation's method and path", () => {
    const ops = specOperations();
    expect(ops).toHaveLength(452);

    const body = /export interface StripeClient \{\n([\s\S]*?)\n\}/.exec(index)?.[1] ?? "";
    // Every operation is a member typed by the runtime's OperationMethod (or its optional-params form).
    const methods = [...new Set([...body.matchAll(/^ {2}([A-Za-z_$][\w$]*): (?:\(\(params[^\n]*\) & )?(?:OptionalParams)?OperationMethod</gm)].map((m) => m[1]!))];
    expect(methods).toHaveLength(ops.length);
    expect(new Set(methods).size).toBe(methods.length);
    // Stripe's operationIds are PascalCase words (GetCustomersCustomer): the method is their camelCase.
    const expected = ops.map((o) => o.operationId.charAt(0).toLowerCase() + o.operationId.slice(1));
    expect([...methods].sort()).toEqual([...expected].sort());
    // Besides them only the runtime's own members.
    expect([...body.matchAll(/^ {2}([A-Za-z_$][\w$]*)\(/gm)].map((m) => m[1]).filter((n) => !methods.includes(n!))).toEqual(["health", "ready", "describe", "stats", "close"]);

    // Every emitted definition carries its operation's method and path template, under the method's name (the
    // client makes each method from the definition whose id it is).
    const defs = definitionsOf(index).map((d) => `${d.id} ${d.method} ${d.path}`);
    const wanted = ops.map((o) => `${o.operationId.charAt(0).toLowerCase()}${o.operationId.slice(1)} ${o.method} ${o.path}`);
    expect(defs.sort()).toEqual(wanted.sort());
  });

  it("has readable JSDoc: Stripe's HTML descriptions become Markdown, links kept, in the client and its types", () => {
    const types = readFileSync(path.join(OUT, "clients", "stripe", "types.ts"), "utf8");
    for (const text of [index, types]) {
      expect(text).not.toMatch(/<\/?(p|a|code|strong|ul|li)[\s>]/);
      expect(text).toContain("[register your platform](https://dashboard.stripe.com/account/applications/settings)");
    }
    expect(index).toContain("   * Updates a [connected account](/docs/connect/accounts) by setting the values of the parameters passed.");
  });

  it("gives GET operations no body: Stripe's empty form bodies on them are ignored, in one warning counting them", () => {
    const gets = specOperations().filter((o) => o.method === "GET");
    const ignored = result.diagnostics.filter((d) => d.code === "openapi/body-ignored");
    expect(ignored).toHaveLength(1);
    expect(ignored[0]!.severity).toBe("warning");
    expect(ignored[0]!.location?.pointer).toMatch(/^#\/paths\/.+\/get\/requestBody$/);
    expect(ignored[0]!.message).toBe(`GET requests carry no body; this requestBody and ${gets.length - 1} more on GET operations are ignored`);
    const params = /export interface GetCustomersCustomerParams \{\n([\s\S]*?)\n\}/.exec(index)?.[1] ?? "";
    expect(params).toContain("path:");
    expect(params).not.toContain("body");
    expect(definitionsOf(index).filter((d) => d.method === "GET" && d.body !== undefined)).toEqual([]);
  });

  it("is deterministic: a second generate gives byte-identical files", async () => {
    const again = await generate({ configPath: "services.toml", cwd: CASE });
    expect(again.files.map((f) => f.path)).toEqual(result.files.map((f) => f.path));
    for (let i = 0; i < again.files.length; i++) {
      expect(again.files[i]!.content === result.files[i]!.content, again.files[i]!.path).toBe(true);
    }
  });

  it("type-checks whole under strict settings, with a program that uses it (and wrong calls refused)", () => {
    // The usage file proves the types are real (not `any`): each @ts-expect-error must find an error.
    writeFileSync(
      path.join(OUT, "usage.ts"),
      [
        'import { createStripeClient } from "./clients/index.js";',
        'import { isHttpError } from "./runtime/index.js";',
        "",
        "export async function usage(): Promise<string> {",
        '  const client = createStripeClient({ baseUrl: "http://127.0.0.1:1", headers: { authorization: "Bearer sk_test" }, servers: { "https://files.stripe.com": "http://127.0.0.1:2" } });',
        "  const uploads: readonly string[] | undefined = client.describe().servers?.[0]?.operations;",
        "  void uploads;",
        '  const customer = await client.getCustomersCustomer({ path: { customer: "cus_1" }, query: { expand: ["default_source"] } });',
        '  const kind: "customer" = customer.object;',
        "  if (!(\"deleted\" in customer)) {",
        "    const email: string | null | undefined = customer.email;",
        "    void email;",
        "  }",
        "  const created = await client.postCustomers({",
        '    body: { email: "jenny@example.com", metadata: { order: "1" }, address: { line1: "1 Main St", city: "Berlin" } },',
        "  });",
        "  const id: string = created.id;",
        "  // The deepObject round trip below sends these; their generated types must take arrays of objects.",
        '  const items = [{ price: "price_1", quantity: 2, tax_rates: ["txr_1"] }];',
        '  await client.getInvoicesUpcoming({ query: { customer: "cus_1", subscription_items: items, expand: ["customer"] } });',
        '  await client.postSubscriptions({ body: { customer: "cus_1", items, expand: ["customer"] } });',
        "  try {",
        '    await client.deleteCustomersCustomer({ path: { customer: "cus_1" } });',
        "  } catch (error) {",
        "    if (isHttpError(error)) return String(error.status);",
        "  }",
        "  // @ts-expect-error customer is a required path parameter",
        "  await client.getCustomersCustomer({ path: {} });",
        "  // @ts-expect-error email is a string",
        "  await client.postCustomers({ body: { email: 42 } });",
        "  // @ts-expect-error there is no such operation",
        "  await client.getCustomer({});",
        "  return `${kind} ${id}`;",
        "}",
        "",
      ].join("\n"),
    );
    const { code, output } = typeCheck(OUT);
    expect(output).toBe("");
    expect(code).toBe(0);
  });
});

// ---- a Stripe-shaped server: form-encoded writes with bracketed keys, JSON answers
interface StripeCustomer {
  id: string;
  object: "customer";
  email?: string | null;
  name?: string | null;
  metadata?: Record<string, string>;
  deleted?: true;
}
interface StripeClient {
  getCustomersCustomer(params: { path: { customer: string }; query?: { expand?: string[] } }): Promise<StripeCustomer>;
  postCustomers(params: {
    body: {
      email?: string;
      name?: string;
      metadata?: Record<string, string>;
      address?: { line1?: string; city?: string; country?: string };
      preferred_locales?: string[];
      expand?: string[];
      tax_id_data?: Array<{ type: string; value: string }>;
      balance?: number;
    };
  }): Promise<StripeCustomer>;
  getInvoicesUpcoming(params: {
    query: { customer?: string; subscription_items?: Array<{ price?: string; quantity?: number; tax_rates?: string[] }>; expand?: string[] };
  }): Promise<{ object: "invoice" }>;
  postSubscriptions(params: {
    body: { customer: string; items?: Array<{ price?: string; quantity?: number; tax_rates?: string[] }>; expand?: string[]; metadata?: Record<string, string> };
  }): Promise<{ id: string; object: "subscription" }>;
  postFiles(params: {
    body: { file: Blob; purpose: string; file_link_data?: { create: boolean; metadata?: Record<string, string> }; expand?: string[] };
  }): Promise<{ id: string; object: "file"; parts: Array<{ name: string; filename: string | null; contentType: string | null; text: string | null }> }>;
  close(): Promise<void>;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function startStripe(): Promise<RunningServer> {
  const server = await startServer(
    router(
      [
        {
          method: "GET",
          pattern: "/v1/customers/{customer}",
          handle: (_r, params) => json(200, { id: decodeURIComponent(params["customer"]!), object: "customer", email: "jenny@example.com", metadata: {} }),
        },
        {
          method: "POST",
          pattern: "/v1/customers",
          handle: (r) => {
            const form = new URLSearchParams(r.body.toString("utf8"));
            const metadata: Record<string, string> = {};
            for (const [k, v] of form) {
              const m = /^metadata\[(.+)\]$/.exec(k);
              if (m) metadata[m[1]!] = v;
            }
            return json(200, { id: "cus_new", object: "customer", email: form.get("email"), name: form.get("name"), metadata });
          },
        },
        { method: "GET", pattern: "/v1/invoices/upcoming", handle: () => json(200, { object: "invoice" }) },
        { method: "POST", pattern: "/v1/subscriptions", handle: () => json(200, { id: "sub_1", object: "subscription" }) },
        {
          method: "POST",
          pattern: "/v1/files",
          handle: async (r) => {
            const form = await readForm(r);
            const parts = [...(form ?? [])].map(([name, v]) =>
              typeof v === "string" ? { name, filename: null, contentType: null, text: v } : { name, filename: v.name, contentType: v.type || null, text: null },
            );
            return json(200, { id: "file_1", object: "file", parts });
          },
        },
      ],
      (r, status) => json(status, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${r.method}: ${r.path})` } }),
    ),
  );
  open.push(server);
  return server;
}

describe("Stripe client round trip", () => {
  it("GETs a customer with an escaped id and deepObject expand[] query, then POSTs a form with bracketed keys", async () => {
    const server = await startStripe();
    const { createStripeClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as {
      createStripeClient(options?: ClientOptions): StripeClient;
    };
    const stripe = createStripeClient({ baseUrl: server.url, env: {}, headers: { Authorization: "Bearer sk_test_123" } });
    open.push(stripe);

    const customer = await stripe.getCustomersCustomer({ path: { customer: "cus_9 /x" }, query: { expand: ["default_source", "tax"] } });
    expect(customer).toEqual({ id: "cus_9 /x", object: "customer", email: "jenny@example.com", metadata: {} });

    const created = await stripe.postCustomers({
      body: { email: "jenny@example.com", name: "Jenny Rosen", metadata: { order: "1", note: "a b&c=d" }, address: { line1: "1 Main St", city: "Berlin" } },
    });
    expect(created).toEqual({ id: "cus_new", object: "customer", email: "jenny@example.com", name: "Jenny Rosen", metadata: { order: "1", note: "a b&c=d" } });

    const [get, post] = server.seen;
    expect(server.seen).toHaveLength(2);
    expect([get!.method, get!.path, get!.query]).toEqual(["GET", "/v1/customers/cus_9%20%2Fx", "expand%5B%5D=default_source&expand%5B%5D=tax"]);
    expect(get!.body.length).toBe(0);
    expect(header(get!, "content-type")).toBeUndefined();
    expect(header(get!, "authorization")).toBe("Bearer sk_test_123");
    expect(header(get!, "accept")).toBe("application/json");

    expect([post!.method, post!.path, post!.query]).toEqual(["POST", "/v1/customers", ""]);
    expect(mediaType(post!)).toBe("application/x-www-form-urlencoded");
    expect(header(post!, "authorization")).toBe("Bearer sk_test_123");
    expect([...new URLSearchParams(post!.body.toString("utf8"))]).toEqual([
      ["email", "jenny@example.com"],
      ["name", "Jenny Rosen"],
      ["metadata[order]", "1"],
      ["metadata[note]", "a b&c=d"],
      ["address[line1]", "1 Main St"],
      ["address[city]", "Berlin"],
    ]);
    expect(post!.body.toString("utf8")).toBe(
      "email=jenny%40example.com&name=Jenny+Rosen&metadata%5Border%5D=1&metadata%5Bnote%5D=a+b%26c%3Dd&address%5Bline1%5D=1+Main+St&address%5Bcity%5D=Berlin",
    );
  });

  it("follows the spec's `encoding` (deepObject) in a form body: scalar arrays get [], arrays of objects indices", async () => {
    // The generated definition carries Stripe's encoding map; `balance` has no entry and keeps the default rule.
    expect(definitionsOf(index).find((d) => d.id === "postCustomers")?.body?.encoding?.[0]).toEqual({ name: "address", style: "deepObject", explode: true });
    const server = await startStripe();
    const { createStripeClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as {
      createStripeClient(options?: ClientOptions): StripeClient;
    };
    const stripe = createStripeClient({ baseUrl: server.url, env: {} });
    open.push(stripe);
    await stripe.postCustomers({
      body: {
        email: "jenny@example.com",
        preferred_locales: ["en", "fr"],
        expand: ["tax"],
        tax_id_data: [{ type: "eu_vat", value: "DE123" }],
        metadata: { order: "1" },
        balance: -5,
      },
    });
    const raw = server.seen[0]!.body.toString("utf8");
    expect(raw).toBe(
      "email=jenny%40example.com&preferred_locales%5B%5D=en&preferred_locales%5B%5D=fr&expand%5B%5D=tax" +
        "&tax_id_data%5B0%5D%5Btype%5D=eu_vat&tax_id_data%5B0%5D%5Bvalue%5D=DE123&metadata%5Border%5D=1&balance=-5",
    );
    expect([...new URLSearchParams(raw)].map(([k, v]) => `${k}=${v}`).join("&")).toBe(
      "email=jenny@example.com&preferred_locales[]=en&preferred_locales[]=fr&expand[]=tax&tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=DE123&metadata[order]=1&balance=-5",
    );
  });

  it("writes deepObject the same way in a query (GET /v1/invoices/upcoming) and a form body (POST /v1/subscriptions)", async () => {
    const server = await startStripe();
    const { createStripeClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as {
      createStripeClient(options?: ClientOptions): StripeClient;
    };
    const stripe = createStripeClient({ baseUrl: server.url, env: {} });
    open.push(stripe);
    const items = [{ price: "price_1", quantity: 2, tax_rates: ["txr_1", "txr_2"] }, { price: "price_2" }];
    const expand = ["latest_invoice.payment_intent", "customer"];
    await stripe.getInvoicesUpcoming({ query: { customer: "cus_1", subscription_items: items, expand } });
    await stripe.postSubscriptions({ body: { customer: "cus_1", items, expand } });

    const [get, post] = server.seen;
    expect(server.seen).toHaveLength(2);
    const written = (name: string): string =>
      `customer=cus_1&${name}%5B0%5D%5Bprice%5D=price_1&${name}%5B0%5D%5Bquantity%5D=2` +
      `&${name}%5B0%5D%5Btax_rates%5D%5B%5D=txr_1&${name}%5B0%5D%5Btax_rates%5D%5B%5D=txr_2&${name}%5B1%5D%5Bprice%5D=price_2` +
      "&expand%5B%5D=latest_invoice.payment_intent&expand%5B%5D=customer";
    expect([get!.method, get!.path, get!.query]).toEqual(["GET", "/v1/invoices/upcoming", written("subscription_items")]);
    expect([post!.method, post!.path, post!.query]).toEqual(["POST", "/v1/subscriptions", ""]);
    expect(mediaType(post!)).toBe("application/x-www-form-urlencoded");
    expect(post!.body.toString("utf8")).toBe(written("items"));
    expect([...new URLSearchParams(post!.body.toString("utf8"))].map(([k, v]) => `${k}=${v}`)).toEqual([
      "customer=cus_1",
      "items[0][price]=price_1",
      "items[0][quantity]=2",
      "items[0][tax_rates][]=txr_1",
      "items[0][tax_rates][]=txr_2",
      "items[1][price]=price_2",
      "expand[]=latest_invoice.payment_intent",
      "expand[]=customer",
    ]);
  });

  it("bakes POST /v1/files's own server (files.stripe.com) into its definition, and no other operation's", () => {
    expect(definitionsOf(index).filter((d) => d.server !== undefined).map((d) => [d.id, d.server])).toEqual([["postFiles", "https://files.stripe.com"]]);
    // Its JSDoc says where it goes.
    expect([...index.matchAll(/Sent to its own server `https:\/\/files\.stripe\.com`/g)]).toHaveLength(1);
    expect(index).toContain('  servers: [\n    {\n      url: "https://files.stripe.com",\n      operations: ["postFiles"],\n    },\n  ],\n');
  });

  it("sends a multipart upload to the files server (the `servers` option), with deepObject fields flattened into parts", async () => {
    const api = await startStripe();
    const server = await startStripe();
    const { createStripeClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as {
      createStripeClient(options?: ClientOptions): StripeClient & { describe(): ClientDescription };
    };
    // The key as the spec writes it (with its trailing slash): the same server.
    const stripe = createStripeClient({ baseUrl: api.url, env: {}, servers: { "https://files.stripe.com/": server.url } });
    open.push(stripe);
    expect(stripe.describe().servers).toEqual([{ specUrl: "https://files.stripe.com", url: server.url, source: "option", operations: ["postFiles"] }]);
    const file = new File(["%PDF-1.4"], "evidence.pdf", { type: "application/pdf" });
    const answer = await stripe.postFiles({ body: { file, purpose: "dispute_evidence", file_link_data: { create: true, metadata: { case: "7" } }, expand: ["links"] } });
    expect(answer.parts).toEqual([
      { name: "file", filename: "evidence.pdf", contentType: "application/pdf", text: null },
      { name: "purpose", filename: null, contentType: null, text: "dispute_evidence" },
      { name: "file_link_data[create]", filename: null, contentType: null, text: "true" },
      { name: "file_link_data[metadata][case]", filename: null, contentType: null, text: "7" },
      { name: "expand[]", filename: null, contentType: null, text: "links" },
    ]);
    expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/files"]);
    expect(api.seen).toEqual([]);
    expect(mediaType(server.seen[0]!)).toBe("multipart/form-data");
    expect(server.seen[0]!.body.toString("utf8")).toContain('Content-Disposition: form-data; name="file_link_data[create]"\r\n\r\ntrue\r\n');
  });
});
