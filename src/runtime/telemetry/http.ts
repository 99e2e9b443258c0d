// HTTP client semantic conventions (stable HTTP conventions, semconv 1.2x+): the attempt span's name and attributes
// and the `http.client.request.duration` histogram's.
//   - Span name `{method} {url.template}` (just `{method}` for request(), which has no template; `HTTP` for a method
//     outside the spec's list, reported as `_OTHER` with `http.request.method_original`).
//   - `url.full` is the attempt's origin and path with query values redacted for the keys the conventions name
//     (AWSAccessKeyId, Signature, sig, X-Goog-Signature) and the service's apiKey query parameters; the origin never
//     carries user info.
//   - A status of 400 or more is an error (`error.type` is the status), as the conventions say for client spans.
import type { Call, Exchange } from "../chain.js";
import { bareHost, type Endpoint } from "../endpoints.js";
import type { TransportResponse } from "../response.js";
import type { Attributes } from "./api.js";
import type { DurationInstrument } from "./client-telemetry.js";
import { errorType } from "./layer.js";
import type { AttemptSemantics, FixedAttributes } from "./layer.js";

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
    fixedAttributes(call: Call, endpoint: Endpoint): FixedAttributes {
      const method = call.request.method;
      const known = KNOWN_METHODS.has(method);
      const address = bareHost(endpoint.host);
      const template = call.request.template;
      // url.full and svcgen.attempt are the attempt's (startAttributes): held here so every attempt's attributes
      // keep this order.
      const span: Attributes = {
        "http.request.method": known ? method : "_OTHER",
        "server.address": address,
        "server.port": endpoint.port,
        "url.full": undefined,
        "url.scheme": endpoint.scheme,
        "svcgen.service": call.service,
        "svcgen.operation": call.op.id,
        "svcgen.attempt": undefined,
        "svcgen.endpoint": endpoint.origin,
      };
      if (template !== undefined) span["url.template"] = template;
      if (!known) span["http.request.method_original"] = method;
      const metric: Attributes = {
        "http.request.method": span["http.request.method"],
        "server.address": address,
        "server.port": endpoint.port,
        "url.scheme": endpoint.scheme,
        "svcgen.service": call.service,
      };
      if (template !== undefined) metric["url.template"] = template;
      return { span, metric };
    },
    startAttributes(exchange: Exchange<Call>, fixed: Attributes): Attributes {
      const call = exchange.call;
      // Attempts already sent: retries, rotations and a credential replay (which keeps its retry number) alike.
      const sent = call.attempts.length;
      const attributes: Attributes = { ...fixed };
      attributes["url.full"] = redactedUrl(exchange.endpoint!.origin, exchange.path ?? call.request.path, redact);
      attributes["svcgen.attempt"] = sent + 1;
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
  };
}
