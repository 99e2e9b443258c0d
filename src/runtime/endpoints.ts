// Endpoints are origins (scheme, host, port); every endpoint of a service shares the base URL's path. Validation of a
// failover set follows endpoint-failover-v1.json: endpoint 0 is the base URL, failover endpoints count from 1, and
// each is checked in order (bare http(s) origin, then the base URL's scheme, then a new origin).
import { EndpointSetError } from "./errors.js";

export interface Endpoint {
  /** Position in the client's endpoint list. */
  readonly index: number;
  readonly scheme: "http" | "https";
  /** Lower-case; an IPv6 address keeps its brackets. */
  readonly host: string;
  readonly port: number;
  /** `scheme://host:port`, the default port filled in. Also what undici dispatches to. */
  readonly origin: string;
}

function defaultPort(scheme: string): number {
  return scheme === "https" ? 443 : 80;
}

/** The normalized endpoint of an http(s) URL. */
export function endpointOf(url: URL, index: number): Endpoint {
  const scheme = url.protocol === "https:" ? "https" : "http";
  const port = url.port === "" ? defaultPort(scheme) : Number(url.port);
  const host = url.hostname.toLowerCase();
  return { index, scheme, host, port, origin: `${scheme}://${host}:${port}` };
}

/** The endpoint at `host` (a name or an IP address; IPv6 gets its brackets) and `port`. */
export function endpointAt(scheme: "http" | "https", host: string, port: number, index: number): Endpoint {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host.toLowerCase()}]` : host.toLowerCase();
  return { index, scheme, host: h, port, origin: `${scheme}://${h}:${port}` };
}

/** A host as an address, without an IPv6 address's brackets (`server.address`, a socket's `host`). */
export function bareHost(host: string): string {
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

function notAnOrigin(index: number, url: string, reason: string): EndpointSetError {
  return new EndpointSetError({ kind: "not_an_origin", index, url, reason });
}

function bareOrigin(raw: string, index: number): Endpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw notAnOrigin(index, raw, "it is not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw notAnOrigin(index, raw, "its scheme must be http or https");
  if (url.username !== "" || url.password !== "") throw notAnOrigin(index, raw, "it carries user info");
  if (url.pathname !== "" && url.pathname !== "/") throw notAnOrigin(index, raw, "it has a path");
  // WHATWG URL drops an empty `?`/`#`; look at the raw text so `https://b.example/?` is refused as well.
  if (url.search !== "" || /^[^#]*\?/.test(raw)) throw notAnOrigin(index, raw, "it has a query");
  if (url.hash !== "" || raw.includes("#")) throw notAnOrigin(index, raw, "it has a fragment");
  if (url.hostname === "") throw notAnOrigin(index, raw, "it has no host");
  return endpointOf(url, index);
}

/** Validates `base` (a full base URL, path allowed) plus failover origins; returns every endpoint, base first. */
export function validateEndpointSet(base: string, failover: readonly string[]): Endpoint[] {
  let baseUrl: URL;
  try {
    baseUrl = new URL(base);
  } catch {
    throw notAnOrigin(0, base, "it is not a valid absolute URL");
  }
  if (baseUrl.protocol !== "http:" && baseUrl.protocol !== "https:") throw notAnOrigin(0, base, "its scheme must be http or https");
  const set = [endpointOf(baseUrl, 0)];
  const first = set[0]!;
  failover.forEach((raw, offset) => {
    const index = offset + 1;
    const endpoint = bareOrigin(raw, index);
    if (endpoint.scheme !== first.scheme) {
      throw new EndpointSetError({ kind: "mixed_scheme", index, expected: first.scheme, found: endpoint.scheme });
    }
    const seen = set.findIndex((e) => e.origin === endpoint.origin);
    if (seen >= 0) throw new EndpointSetError({ kind: "duplicate_origin", origin: endpoint.origin, first: seen, duplicate: index });
    set.push(endpoint);
  });
  return set;
}
