// HTTP client semantic conventions (stable HTTP conventions, semconv 1.2x+): the attempt span's name and attributes
// and the `http.client.request.duration` histogram's.
//   - Span name `{method} {url.template}` (just `{method}` for request(), which has no template; `HTTP` for a method
//     outside the spec's list, reported as `_OTHER` with `http.request.method_original`).
//   - `url.full` is the attempt's origin and path with query values redacted for the keys the conventions name
//     (AWSAccessKeyId, Signature, sig, X-Goog-Signature) and the service's apiKey query parameters; the origin never
//     carries user info.
//   - A status of 400 or more is an error (`error.type` is the status), as the conventions say for client spans.
import type { Call, Exchange } from "../chain.js";
import type { Endpoint } from "../endpoints.js";
import type { TransportResponse } from "../response.js";
import type { Attributes } from "./api.js";
import type { DurationInstrument } from "./client-telemetry.js";
import { errorType } from "./layer.js";
import type { AttemptSemantics } from "./layer.js";

export const HTTP_DURATION: DurationInstrument = {
  name: "http.client.request.duration",
  unit: "s",
  description: "Duration of HTTP client requests.",
  perMs: 1 / 1000,
  // The conventions' advice.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
};

const KNOWN_METHODS = new Set(["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"]);
const REDACTED_BY_CONVENTION = ["AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"];

/** `url.full` without secrets: values of `keys` in the query become `REDACTED`. */
export function redactedUrl(origin: string, path: string, keys: ReadonlySet<string>): string {
  const q = path.indexOf("?");
  if (q < 0) return origin + path;
  const pairs = path.slice(q + 1).split("&");
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    let key = pair.slice(0, eq);
    try {
      key = decodeURIComponent(key);
    } catch {
      // Not percent-encoded validly: compare as it is.
    }
    if (keys.has(key)) pairs[i] = `${pair.slice(0, eq)}=REDACTED`;
  }
  return `${origin}${path.slice(0, q)}?${pairs.join("&")}`;
}

export function httpSemantics(queryKeys: readonly string[]): AttemptSemantics<Call, TransportResponse> {
  const redact = new Set([...REDACTED_BY_CONVENTION, ...queryKeys]);
  return {
    spanName(call) {
      const method = KNOWN_METHODS.has(call.request.method) ? call.request.method : "HTTP";
      const template = call.request.template;
      return template === undefined ? method : `${method} ${template}`;
    },
    startAttributes(exchange: Exchange<Call>, endpoint: Endpoint): Attributes {
      const call = exchange.call;
      const method = call.request.method;
      // Attempts already sent: retries, rotations and a credential replay (which keeps its retry number) alike.
      const sent = call.attempts.length;
      const known = KNOWN_METHODS.has(method);
      const host = endpoint.host;
      const attributes: Attributes = {
        "http.request.method": known ? method : "_OTHER",
        "server.address": host.startsWith("[") ? host.slice(1, -1) : host,
        "server.port": endpoint.port,
        "url.full": redactedUrl(endpoint.origin, exchange.path ?? call.request.path, redact),
        "url.scheme": endpoint.scheme,
        "svcgen.service": call.service,
        "svcgen.operation": call.op.id,
        "svcgen.attempt": sent + 1,
        "svcgen.endpoint": endpoint.origin,
      };
      if (call.request.template !== undefined) attributes["url.template"] = call.request.template;
      if (!known) attributes["http.request.method_original"] = method;
      // The first attempt has none (the conventions leave it unset).
      if (sent > 0) attributes["http.request.resend_count"] = sent;
      return attributes;
    },
    headers: (exchange) => exchange.headers ?? exchange.call.request.headers,
    callHeaders: (call) => call.request.headers,
    answered(res, end) {
      end["http.response.status_code"] = res.status;
      if (res.status < 400) return false;
      end["error.type"] = String(res.status);
      return true;
    },
    failed(error, end) {
      end["error.type"] = errorType(error);
    },
    metricAttributes(start, end) {
      const attributes: Attributes = {
        "http.request.method": start["http.request.method"],
        "server.address": start["server.address"],
        "server.port": start["server.port"],
        "url.scheme": start["url.scheme"],
        "svcgen.service": start["svcgen.service"],
      };
      if (start["url.template"] !== undefined) attributes["url.template"] = start["url.template"];
      if (end["http.response.status_code"] !== undefined) attributes["http.response.status_code"] = end["http.response.status_code"];
      if (end["error.type"] !== undefined) attributes["error.type"] = end["error.type"];
      return attributes;
    },
  };
}
