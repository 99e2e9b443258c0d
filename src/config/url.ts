// URLs in services.toml: a service `url` (origin plus optional base path) and static `endpoints` (bare origins).
import type { EndpointModel } from "../model/types.js";

export interface ServiceUrl extends EndpointModel {
  /** As written in the TOML. */
  url: string;
  /** Path prefix without trailing slash; "" when none. */
  basePath: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string; showValue: boolean };

const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/** Parses `http(s)://host[:port][/base/path]`; the host keeps IPv6 brackets so it can be put back into a URL. */
export function parseServiceUrl(text: string): Checked<ServiceUrl> {
  return parse(text, "an http:// or https:// URL");
}

/** Parses `http(s)://host[:port]` with nothing after the authority except an optional `/`. */
export function parseOrigin(text: string): Checked<EndpointModel> {
  const what = "an http:// or https:// origin without a path";
  const checked = parse(text, what);
  if (!checked.ok) return checked;
  if (checked.value.basePath !== "") return { ok: false, problem: `must be ${what}`, showValue: true };
  const { scheme, host, port } = checked.value;
  return { ok: true, value: { scheme, host, port } };
}

function parse(text: string, what: string): Checked<ServiceUrl> {
  const bad = (problem: string, showValue = true): Checked<ServiceUrl> => ({ ok: false, problem, showValue });
  // WHATWG URL also accepts `http:host` and leading spaces; services.toml wants the URL spelled out.
  if (!/^https?:\/\/[^/?#\s]/i.test(text) || /\s/.test(text)) return bad(`must be ${what}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(`must be ${what}`);
  }
  // Credentials would end up in generated code and manifests; do not echo them either.
  if (url.username !== "" || url.password !== "") return bad("must not contain credentials", false);
  if (text.includes("?") || text.includes("#")) return bad("must not have a query or fragment");
  const scheme = url.protocol === "https:" ? "https" : "http";
  const port = url.port === "" ? DEFAULT_PORTS[scheme] : Number(url.port);
  if (port < 1 || port > 65_535) return bad("must have a port from 1 to 65535");
  const basePath = url.pathname.replace(/\/+$/, "");
  return { ok: true, value: { url: text, scheme, host: url.hostname, port, basePath } };
}

/** True for IPv4 dotted quads and bracketed IPv6 literals, as URL.hostname renders them. */
export function isIpAddress(host: string): boolean {
  return host.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
