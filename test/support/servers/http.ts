// A tiny real HTTP server for round-trip tests: routes are pure functions from the recorded request to a reply, so
// the fixture servers read like their specs. Listens on 127.0.0.1, port 0; `seen` keeps every request in order.
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  /** Raw path as sent, still percent-encoded, without the query. */
  path: string;
  /** Raw query string without `?` ("" when none). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Runs before the routes; return a reply to answer instead of them (fault injection), or undefined to go on. */
export type Intercept = (request: SeenRequest, index: number) => Reply | undefined | Promise<Reply | undefined>;

export interface ServerOptions {
  intercept?: Intercept;
}

export type Handler = (request: SeenRequest) => Reply | Promise<Reply>;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, value: string, contentType = "text/plain; charset=utf-8"): Reply {
  return { status, headers: { "content-type": contentType }, body: value };
}

export function empty(status: number): Reply {
  return { status };
}

/** Parses a JSON body; undefined when the body is not JSON (so routes can answer with their documented error). */
export function readJson(request: SeenRequest): unknown {
  try {
    return JSON.parse(request.body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** First value of a header (node gives arrays for repeated set-cookie and the like). */
export function header(request: SeenRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Media type without parameters, lower-case ("" when absent). */
export function mediaType(request: SeenRequest): string {
  return (header(request, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Parses multipart/form-data or urlencoded bodies with the platform's own parser (undici's Response.formData). */
export async function readForm(request: SeenRequest): Promise<FormData | undefined> {
  const contentType = header(request, "content-type");
  if (contentType === undefined) return undefined;
  try {
    return await new Response(request.body, { headers: { "content-type": contentType } }).formData();
  } catch {
    return undefined;
  }
}

/** Cookies as sent in the Cookie header, decoded. */
export function cookies(request: SeenRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of (header(request, "cookie") ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    out[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}

export async function startServer(handler: Handler, options: ServerOptions = {}): Promise<RunningServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = req.url ?? "/";
      const q = target.indexOf("?");
      const request: SeenRequest = {
        method: req.method ?? "GET",
        path: q === -1 ? target : target.slice(0, q),
        query: q === -1 ? "" : target.slice(q + 1),
        headers: copyHeaders(req.headers),
        body: Buffer.concat(chunks),
      };
      const index = seen.push(request) - 1;
      void answer(request, index).then(
        (reply) => {
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body);
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ code: "fixture_bug", message: String(error), details: null }));
        },
      );
    });
  });

  async function answer(request: SeenRequest, index: number): Promise<Reply> {
    const intercepted = options.intercept ? await options.intercept(request, index) : undefined;
    return intercepted ?? (await handler(request));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from the client under test would otherwise hold close() open.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function copyHeaders(headers: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const key of Object.keys(headers).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = headers[key];
  return out;
}

/** Matches `path` against a pattern like `/items/{itemId}/details`; returns raw (still encoded) segments by name. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (part.startsWith("{") && part.endsWith("}")) {
        names.push(part.slice(1, -1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  const match = new RegExp(`^${source}$`).exec(path);
  if (!match) return undefined;
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    out[name] = match[i + 1]!;
  });
  return out;
}

export interface Route {
  method: string;
  pattern: string;
  handle: (request: SeenRequest, params: Record<string, string>) => Reply | Promise<Reply>;
}

/** First route whose method and pattern match; otherwise 404 (unknown path) or 405 (known path, other method). */
export function router(routes: readonly Route[], notFound: (request: SeenRequest, status: 404 | 405) => Reply): Handler {
  return (request) => {
    let pathKnown = false;
    for (const route of routes) {
      const params = matchPath(route.pattern, request.path);
      if (!params) continue;
      pathKnown = true;
      if (route.method === request.method) return route.handle(request, params);
    }
    return notFound(request, pathKnown ? 405 : 404);
  };
}
