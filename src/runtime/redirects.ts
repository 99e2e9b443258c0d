// Redirects (CallOptions/ClientOptions.followRedirects): off by default, so a 3xx is an answer like any other (an
// HttpError unless `acceptStatus` names it). When on, the hops are followed inside one attempt, right around the
// transport: the attempt's deadline, timeout and signal cover every hop; retries, breakers and the balancer judge the
// last answer, credited to the endpoint first asked; middleware ran once, for the first request, and its headers go
// on every hop. Rules (RFC 9110 §15.4, as fetch applies them):
//   - at most MAX_REDIRECTS hops per attempt, then RequestError naming them;
//   - `true`: only Locations on the origin first asked; another origin rejects with RequestError. `"any"`: any http(s)
//     origin, with authorization, cookie, proxy-authorization and host left off from the first cross-origin hop on,
//     and the service's apiKey headers and query parameters (issue 13) too;
//   - 303 (but a HEAD), and 301/302 answering a POST, become a GET without a body (and without its content-* headers);
//     other hops (307, 308, 301/302 of other methods) keep method and body, which must be replayable (a streamed body
//     cannot be sent twice: RequestError);
//   - a 3xx without a Location is the answer.
// Each hop is in the attempt's record (AttemptRecord.redirects), its URL with apiKey query values redacted, as in
// every message here. Costs nothing when off: no extra promise.
import { RequestError } from "./errors.js";
import { headerValue } from "./response.js";
import { redactUrl, withoutParams } from "./auth/redact.js";
import type { Call, Exchange, Handler, WireRequest } from "./chain.js";
import type { Endpoint } from "./endpoints.js";
import type { TransportResponse } from "./response.js";
import type { RedirectHop } from "./types.js";

export const MAX_REDIRECTS = 5;

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const CREDENTIALS = ["authorization", "cookie", "proxy-authorization", "host"] as const;
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"] as const;

/** The service's apiKey names (auth/credentials.ts): headers (lower-case) and query parameters. */
export interface CredentialNames {
  readonly headers: readonly string[];
  readonly query: readonly string[];
}

const NO_NAMES: CredentialNames = { headers: [], query: [] };

export function followingRedirects(transport: Handler, names: CredentialNames = NO_NAMES): Handler {
  return (exchange) => {
    const sent = transport(exchange);
    const mode = exchange.call.followRedirects;
    return mode === undefined || mode === false ? sent : sent.then((res) => (REDIRECTS.has(res.status) ? follow(transport, exchange, res, mode, names) : res));
  };
}

/** `scheme://host:port` with the default port filled in, as Endpoint.origin spells it. */
function originOf(url: URL): string {
  return `${url.protocol}//${url.hostname}:${url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80"}`;
}

async function follow(transport: Handler, exchange: Exchange, first: TransportResponse, mode: true | "any", names: CredentialNames): Promise<TransportResponse> {
  const call = exchange.call;
  const context = { service: call.service, operation: call.op.id, endpoint: exchange.endpoint?.origin };
  const home = exchange.endpoint!.origin;
  let res = first;
  let request: WireRequest = call.request;
  let headers = exchange.headers ?? request.headers;
  const firstPath = exchange.path ?? request.path;
  let url = new URL(firstPath, home);
  const shown = (u: URL | string): string => redactUrl(typeof u === "string" ? u : u.href, names.query);
  let foreign = false;
  const hops: RedirectHop[] = [];
  // The attempt timeout's cheap cancel reaches the hop in flight, or stops the next one.
  let current: Exchange | undefined;
  let stop: { reason: unknown } | undefined;
  exchange.cancel = (reason) => {
    stop ??= { reason };
    current?.cancel?.(reason);
  };
  try {
    while (REDIRECTS.has(res.status)) {
      const location = headerValue(res.rawHeaders, "location");
      if (location === undefined) return res;
      let target: URL;
      try {
        target = new URL(location, url);
      } catch {
        throw new RequestError(`redirect ${res.status} to an unreadable Location "${shown(location)}"`, context);
      }
      if (target.protocol !== "http:" && target.protocol !== "https:") throw new RequestError(`redirect ${res.status} to ${shown(target)}: only http and https are followed`, context);
      if (hops.length === MAX_REDIRECTS) {
        const trail = [shown(new URL(firstPath, home)), ...hops.map((h) => h.location), shown(target)];
        throw new RequestError(`more than ${MAX_REDIRECTS} redirects: ${trail.join(" → ")}`, context);
      }
      const origin = originOf(target);
      if (origin !== home && mode !== "any") {
        throw new RequestError(`redirect ${res.status} to another origin refused: ${shown(target)} (from ${home}; followRedirects: "any" follows it)`, context);
      }
      const toGet = res.status === 303 ? request.method !== "HEAD" : (res.status === 301 || res.status === 302) && request.method === "POST";
      if (!toGet && request.body !== undefined && !request.replayable) {
        throw new RequestError(`redirect ${res.status} to ${shown(target)} would send the body again, and a streamed body can be sent once only`, context);
      }
      const next: Record<string, string> = { ...headers };
      if (origin !== home) foreign = true;
      if (foreign) {
        for (const name of CREDENTIALS) delete next[name];
        for (const name of names.headers) delete next[name];
        target = withoutParams(target, names.query);
      }
      if (toGet) for (const name of BODY_HEADERS) delete next[name];
      headers = next;
      const method = toGet ? "GET" : request.method;
      request = { method, path: target.pathname + target.search, headers, body: toGet ? undefined : request.body, replayable: toGet || request.replayable };
      hops.push({ status: res.status, location: shown(target), method });
      exchange.redirects = hops;
      url = target;
      if (stop !== undefined) throw stop.reason;
      const endpoint: Endpoint = { ...exchange.endpoint!, scheme: target.protocol === "https:" ? "https" : "http", host: target.hostname, port: Number(origin.slice(origin.lastIndexOf(":") + 1)), origin };
      const call2: Call = { ...call, request };
      current = { ...exchange, call: call2, endpoint, headers: undefined, path: undefined, cancel: undefined };
      res = await transport(current);
      current = undefined;
    }
    return res;
  } finally {
    exchange.cancel = undefined;
  }
}
