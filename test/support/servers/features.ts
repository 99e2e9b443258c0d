// A real server for test/golden/features/specs/features.yaml, for round-trip tests of generated clients.
// Every answer is what the spec documents; where it helps, the answer echoes what the server parsed.
//
//   GET    /health                  200 {"status":"ok"}
//   GET    /items                   200 ItemList: two fixed items + echo {query: raw query string, headers: every
//                                   request header as one string}; the test decodes tags/ids/filter from echo.query
//   POST   /items                   201 Item {id: 101, ...body}; 422 Error unless body has name (string) and a valid
//                                   status
//   GET    /items/{itemId}          200 Item {id, name: "item <id>", status: "active", priority: 2, price: null,
//                                   description: null, tags: []}; 404 Error for id 404; 400 Error if not an integer
//   PUT    /items/{itemId}          200 Item {id, ...body}; 422 Error for a bad body; 404 Error for id 404
//   DELETE /items/{itemId}          204; 404 Error for id 404
//   GET    /items/{itemId}/details  200 ItemDetails (the item + history of 2 entries); 404 Error for id 404
//   GET    /batches/{ids}           200 {ids}: the segment split on literal "," then each part decoded and parsed as an
//                                   integer; 400 Error if any part is not an integer (so `1%2C2` is rejected)
//   POST   /trees                   200 the JSON body, echoed unchanged
//   POST   /expressions             200 {value}: the expression evaluated; 422 Error on an unknown kind or op
//   POST   /pets                    201 {...body, id: 7}; 422 Error unless petType is "cat" or "dog"
//   POST   /forms/login             200 FormEcho {fields: {name: [values in order]}}; 415 Error unless urlencoded
//   POST   /uploads/document        201 MultipartEcho {parts: [{name, filename, contentType, size, text}]} in order;
//                                   415 Error unless multipart/form-data
//   PUT    /uploads/raw             200 RawEcho {size, sha256 (hex), contentType (as sent, "" if none)}
//   GET    /downloads/{name}        200 application/octet-stream: bytes 0..255 (not valid UTF-8); 404 Error for
//                                   name "missing"
//   GET    /readme                  200 text/plain: README_TEXT, plus "locale=<value>\n" when a `locale` cookie came
//   PATCH  /settings                200 Settings: DEFAULT_SETTINGS merged with the JSON body; 400 Error if not an object
//   anything else                   404 Error {code: "no_route"} (405 when only the method is wrong)
//
// Errors are always `{"code", "message", "details": null}` with content-type application/json.
import { createHash } from "node:crypto";
import {
  cookies,
  empty,
  header,
  json,
  mediaType,
  readForm,
  readJson,
  router,
  startServer,
  text,
} from "./http.js";
import type { Reply, Route, RunningServer, SeenRequest, ServerOptions } from "./http.js";

export type { RunningServer, SeenRequest, ServerOptions } from "./http.js";

export const README_TEXT = "# Features\n\nPlain text with unicode: ünï ✓\n";
/** The bytes GET /downloads/{name} returns: 0, 1, ..., 255. */
export const DOWNLOAD_BYTES: Uint8Array = Uint8Array.from({ length: 256 }, (_, i) => i);
export const DEFAULT_SETTINGS = { theme: "light", priority: 2, notifications: true, nickname: null } as const;
export const LISTED_ITEMS = [
  { id: 1, name: "first", status: "active", priority: 1, price: { amount: 9.5, currency: "EUR" }, description: null, tags: ["a"] },
  { id: 2, name: "second", status: "draft", priority: 3, price: null, description: "not yet", tags: [] },
] as const;

const STATUSES = new Set(["active", "archived", "draft"]);
const MISSING_ITEM = 404;

function error(status: number, code: string, message: string): Reply {
  return json(status, { code, message, details: null });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Integer path id, or the error reply to send. */
function itemId(raw: string): number | Reply {
  const id = Number(decodeURIComponent(raw));
  if (!Number.isInteger(id)) return error(400, "bad_item_id", `itemId must be an integer, got ${JSON.stringify(raw)}`);
  if (id === MISSING_ITEM) return error(404, "not_found", `item ${id} does not exist`);
  return id;
}

function item(id: number): Record<string, unknown> {
  return { id, name: `item ${id}`, status: "active", priority: 2, price: null, description: null, tags: [] };
}

function validItemFields(body: unknown): body is Record<string, unknown> {
  return isObject(body) && typeof body["name"] === "string" && STATUSES.has(body["status"] as string);
}

function evaluate(expr: unknown): number {
  if (!isObject(expr)) throw new Error("expression must be an object");
  if (expr["kind"] === "literal" && typeof expr["value"] === "number") return expr["value"];
  if (expr["kind"] === "binary") {
    const left = evaluate(expr["left"]);
    const right = evaluate(expr["right"]);
    if (expr["op"] === "+") return left + right;
    if (expr["op"] === "-") return left - right;
    if (expr["op"] === "*") return left * right;
    throw new Error(`unknown op ${JSON.stringify(expr["op"])}`);
  }
  throw new Error(`unknown kind ${JSON.stringify(expr["kind"])}`);
}

function headerEcho(request: SeenRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

const routes: Route[] = [
  { method: "GET", pattern: "/health", handle: () => json(200, { status: "ok" }) },
  {
    method: "GET",
    pattern: "/items",
    handle: (request) => json(200, { items: LISTED_ITEMS, echo: { query: request.query, headers: headerEcho(request) } }),
  },
  {
    method: "POST",
    pattern: "/items",
    handle: (request) => {
      const body = readJson(request);
      if (!validItemFields(body)) return error(422, "invalid_item", "name (string) and status are required");
      return json(201, { ...body, id: 101 });
    },
  },
  {
    method: "GET",
    pattern: "/items/{itemId}",
    handle: (_request, params) => {
      const id = itemId(params["itemId"]!);
      return typeof id === "number" ? json(200, item(id)) : id;
    },
  },
  {
    method: "PUT",
    pattern: "/items/{itemId}",
    handle: (request, params) => {
      const id = itemId(params["itemId"]!);
      if (typeof id !== "number") return id;
      const body = readJson(request);
      if (!validItemFields(body)) return error(422, "invalid_item", "name (string) and status are required");
      return json(200, { ...body, id });
    },
  },
  {
    method: "DELETE",
    pattern: "/items/{itemId}",
    handle: (_request, params) => {
      const id = itemId(params["itemId"]!);
      return typeof id === "number" ? empty(204) : id;
    },
  },
  {
    method: "GET",
    pattern: "/items/{itemId}/details",
    handle: (_request, params) => {
      const id = itemId(params["itemId"]!);
      if (typeof id !== "number") return id;
      const history = [
        { at: "2024-01-01T00:00:00Z", status: "draft" },
        { at: "2024-02-01T00:00:00Z", status: "active" },
      ];
      return json(200, { ...item(id), history });
    },
  },
  {
    method: "GET",
    pattern: "/batches/{ids}",
    handle: (_request, params) => {
      const parts = params["ids"]!.split(",").map((part) => decodeURIComponent(part));
      const ids = parts.map(Number);
      if (parts.some((part, i) => part === "" || !Number.isInteger(ids[i]))) {
        return error(400, "bad_ids", `ids must be comma-separated integers, got ${JSON.stringify(params["ids"])}`);
      }
      return json(200, { ids });
    },
  },
  {
    method: "POST",
    pattern: "/trees",
    handle: (request) => {
      const body = readJson(request);
      if (!isObject(body)) return error(400, "bad_json", "expected a JSON object");
      return json(200, body);
    },
  },
  {
    method: "POST",
    pattern: "/expressions",
    handle: (request) => {
      try {
        return json(200, { value: evaluate(readJson(request)) });
      } catch (caught) {
        return error(422, "bad_expression", (caught as Error).message);
      }
    },
  },
  {
    method: "POST",
    pattern: "/pets",
    handle: (request) => {
      const body = readJson(request);
      if (!isObject(body) || (body["petType"] !== "cat" && body["petType"] !== "dog")) {
        return error(422, "bad_pet", "petType must be cat or dog");
      }
      return json(201, { ...body, id: 7 });
    },
  },
  {
    method: "POST",
    pattern: "/forms/login",
    handle: async (request) => {
      if (mediaType(request) !== "application/x-www-form-urlencoded") {
        return error(415, "unsupported_media_type", `expected application/x-www-form-urlencoded, got ${mediaType(request)}`);
      }
      const form = await readForm(request);
      if (!form) return error(400, "bad_form", "could not parse the form");
      const fields: Record<string, string[]> = {};
      for (const [name, value] of form) (fields[name] ??= []).push(String(value));
      return json(200, { fields });
    },
  },
  {
    method: "POST",
    pattern: "/uploads/document",
    handle: async (request) => {
      if (mediaType(request) !== "multipart/form-data") {
        return error(415, "unsupported_media_type", `expected multipart/form-data, got ${mediaType(request)}`);
      }
      const form = await readForm(request);
      if (!form) return error(400, "bad_multipart", "could not parse the multipart body");
      const parts = [];
      for (const [name, value] of form) {
        if (typeof value === "string") {
          parts.push({ name, filename: null, contentType: null, size: Buffer.byteLength(value), text: value });
        } else {
          parts.push({ name, filename: value.name, contentType: value.type || null, size: value.size, text: null });
        }
      }
      return json(201, { parts });
    },
  },
  {
    method: "PUT",
    pattern: "/uploads/raw",
    handle: (request) =>
      json(200, {
        size: request.body.length,
        sha256: createHash("sha256").update(request.body).digest("hex"),
        contentType: header(request, "content-type") ?? "",
      }),
  },
  {
    method: "GET",
    pattern: "/downloads/{name}",
    handle: (_request, params) => {
      const name = decodeURIComponent(params["name"]!);
      if (name === "missing") return error(404, "not_found", `no file named ${name}`);
      return {
        status: 200,
        headers: { "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${name}"` },
        body: DOWNLOAD_BYTES,
      };
    },
  },
  {
    method: "GET",
    pattern: "/readme",
    handle: (request) => {
      const locale = cookies(request)["locale"];
      return text(200, locale === undefined ? README_TEXT : `${README_TEXT}locale=${locale}\n`);
    },
  },
  {
    method: "PATCH",
    pattern: "/settings",
    handle: (request) => {
      const body = readJson(request);
      if (!isObject(body)) return error(400, "bad_json", "expected a JSON object");
      return json(200, { ...DEFAULT_SETTINGS, ...body });
    },
  },
];

const handler = router(routes, (request, status) =>
  error(status, "no_route", `no route for ${request.method} ${request.path}`),
);

export async function startFeaturesServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer(handler, options);
}
