// Where a service lives, first match wins:
//   1. ClientOptions.baseUrl                            source `option`
//   2. env <KEY>_URL (services.toml key)                source `env:USERS_SERVICE_URL`
//   3. env <HOST>_SERVICE_HOST [+ _SERVICE_PORT]        source `env:USERS_API_SERVICE_HOST` (Kubernetes service links)
//   4. the configured URL (static endpoints, if any)    source `config`
// A bare configured host is qualified as <host>.<namespace>.svc.cluster.local when a namespace is set.
import { ConfigError } from "./errors.js";
import { endpointOf, validateEndpointSet } from "./endpoints.js";
import type { Endpoint } from "./endpoints.js";
import type { ServiceDefinition } from "./types.js";

export interface ResolvedBase {
  /** Base URL of the first endpoint, no trailing slash, e.g. `http://users-api:8080/v1`. */
  readonly baseUrl: string;
  readonly source: string;
  /** Path prefix shared by every endpoint, no trailing slash ("" when none). */
  readonly basePath: string;
  readonly endpoints: readonly Endpoint[];
}

/** `users_service` → `USERS_SERVICE`; `users-api.prod` → `USERS_API_PROD`. */
export function envKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "");
}

function parseHttpUrl(value: string, what: string, variable?: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${what} is not a valid URL: ${JSON.stringify(value)}`, variable);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${what} must be an http:// or https:// URL, got ${JSON.stringify(value)}`, variable);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(`${what} must not carry a query or fragment: ${JSON.stringify(value)}`, variable);
  }
  return url;
}

function single(url: URL, source: string): ResolvedBase {
  const basePath = trimSlash(url.pathname);
  const endpoint = endpointOf(url, 0);
  return { baseUrl: `${url.protocol}//${url.host}${basePath}`, source, basePath, endpoints: [endpoint] };
}

function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export function resolveBase(def: ServiceDefinition, baseUrl: string | undefined, env: Record<string, string | undefined>): ResolvedBase {
  const context = { service: def.name };
  if (baseUrl !== undefined) return single(parseHttpUrl(baseUrl, "ClientOptions.baseUrl"), "option");

  const urlVar = `${envKey(def.name)}_URL`;
  const fromEnv = env[urlVar];
  if (fromEnv !== undefined && fromEnv !== "") return single(parseHttpUrl(fromEnv, urlVar, urlVar), `env:${urlVar}`);

  const hostVar = `${envKey(def.host)}_SERVICE_HOST`;
  const portVar = `${envKey(def.host)}_SERVICE_PORT`;
  const k8sHost = env[hostVar];
  if (k8sHost !== undefined && k8sHost !== "") {
    if (/[\s/?#@]/.test(k8sHost)) throw new ConfigError(`${hostVar} is not a host name or address: ${JSON.stringify(k8sHost)}`, hostVar, context);
    const rawPort = env[portVar];
    let port = def.port;
    if (rawPort !== undefined && rawPort !== "") {
      port = Number(rawPort);
      if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) {
        throw new ConfigError(`${portVar} must be a port number (1-65535), got ${JSON.stringify(rawPort)}`, portVar, context);
      }
    }
    const url = parseHttpUrl(`${def.scheme}://${hostForUrl(k8sHost)}:${port}${def.basePath}`, hostVar, hostVar);
    return single(url, `env:${hostVar}`);
  }

  const statics = def.discovery.kind === "static" ? def.discovery.endpoints : [];
  if (statics.length > 0) {
    const origins = statics.map((e) => `${e.scheme}://${hostForUrl(e.host)}:${e.port}`);
    const first = origins[0]!;
    const endpoints = validateEndpointSet(first + def.basePath, origins.slice(1));
    return { baseUrl: endpoints[0]!.origin + def.basePath, source: "config", basePath: def.basePath, endpoints };
  }

  // Qualify only a bare single-label name: an FQDN or an IP address is already what the caller meant.
  const qualify = def.namespace !== undefined && def.namespace !== "" && !def.host.includes(".") && !def.host.includes(":");
  const host = qualify ? `${def.host}.${def.namespace}.svc.cluster.local` : def.host;
  return single(parseHttpUrl(`${def.scheme}://${hostForUrl(host)}:${def.port}${def.basePath}`, `the configured URL of ${def.name}`), "config");
}
