// Where a service lives, first match wins:
//   1. ClientOptions.baseUrl                                     source `option`
//   2. env <KEY>_URL (services.toml key, `users_service`)        source `env:USERS_SERVICE_URL`
//   3. env <HOST>_SERVICE_HOST + <HOST>_SERVICE_PORT_<PORTNAME>  source `env:USERS_API_SERVICE_HOST`
//      (or <HOST>_SERVICE_PORT): the Kubernetes service link of the configured host; discovery = "dns" only
//   4. discovery: "static" → the configured endpoints; "headless" → pod addresses from DNS (discovery/headless.ts);
//      "dns" → the configured URL, a bare host qualified as <host>.<namespace>.svc.cluster.local    source `config`
// Kubernetes service links are skipped for static and headless discovery: the ClusterIP Service's variables would
// otherwise replace the pod set the configuration asked for. Every value read from the environment is checked, and a
// bad one is a ConfigError naming the variable: never a request to a wrong host.
import fs from "node:fs";
import net from "node:net";
import { ConfigError } from "./errors.js";
import { DEFAULT_CLUSTER_DOMAIN } from "./vocabulary.js";
import { endpointOf, validateEndpointSet } from "./endpoints.js";
import type { Endpoint } from "./endpoints.js";
import type { ServiceDefinition } from "./types.js";

/** What discovery/headless.ts resolves. */
export interface HeadlessTarget {
  /** Name resolved for A/AAAA records, e.g. `users-api-headless.prod.svc.cluster.local`. */
  readonly dnsName: string;
  /** SRV name of the named port, e.g. `_http._tcp.users-api-headless.prod.svc.cluster.local`. */
  readonly srvName: string;
  readonly scheme: "http" | "https";
  /** Port used when SRV gives none. */
  readonly port: number;
}

export interface ResolvedBase {
  /** `single`: one origin; `static`: the configured endpoints; `headless`: pod addresses from DNS. */
  readonly kind: "single" | "static" | "headless";
  /** Base URL of the first endpoint (for headless: of the headless name), no trailing slash. */
  readonly baseUrl: string;
  readonly source: string;
  /** Why, in words. */
  readonly reason: string;
  /** Path prefix shared by every endpoint, no trailing slash ("" when none). */
  readonly basePath: string;
  /** The endpoints; empty for headless discovery (DNS fills them in). */
  readonly endpoints: readonly Endpoint[];
  readonly headless: HeadlessTarget | undefined;
  /**
   * Host header for requests sent to pod addresses (headless): the authority a request through the Service name would
   * carry, so virtual hosts, TLS SNI and mesh routing see the service, not an IP.
   */
  readonly authority: string | undefined;
}

/** `users_service` → `USERS_SERVICE`; `users-api.prod` → `USERS_API_PROD`. */
export function envKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** Where a pod finds its own namespace when services.toml does not name one. */
const SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "");
}

/** An absolute http(s) URL without query, fragment or user info (what a base URL or an operation server may be). */
export function parseHttpUrl(value: string, what: string, variable?: string): URL {
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
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(`${what} must not carry user info: ${JSON.stringify(value)}`, variable);
  }
  return url;
}

function single(url: URL, source: string, reason: string): ResolvedBase {
  const basePath = trimSlash(url.pathname);
  const endpoint = endpointOf(url, 0);
  return { kind: "single", baseUrl: `${url.protocol}//${url.host}${basePath}`, source, reason, basePath, endpoints: [endpoint], headless: undefined, authority: undefined };
}

function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function defaultPort(scheme: "http" | "https"): number {
  return scheme === "https" ? 443 : 80;
}

/** `host[:port]` as a Host header carries it (the default port left out). */
function authorityOf(scheme: "http" | "https", host: string, port: number): string {
  return port === defaultPort(scheme) ? hostForUrl(host) : `${hostForUrl(host)}:${port}`;
}

/** The port's name: the definition's, else what svcgen's generated Service manifests call it (the scheme). */
export function portNameOf(def: ServiceDefinition): string {
  const name = def.discovery.portName;
  return name !== undefined && name !== "" ? name : def.scheme;
}

function readPort(env: Record<string, string | undefined>, variable: string, context: { service: string }): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError(`${variable} must be a port number (1-65535), got ${JSON.stringify(raw)}`, variable, context);
  }
  return port;
}

/** A bare single-label name: an FQDN or an IP address is already what the caller meant. */
function isBareName(host: string): boolean {
  return !host.includes(".") && !host.includes(":");
}

/** `svc.<cluster domain>`: where Services live in cluster DNS. */
function serviceDomain(def: ServiceDefinition): string {
  const domain = def.discovery.clusterDomain;
  return `svc.${domain !== undefined && domain !== "" ? domain.replace(/^\.+|\.+$/g, "") : DEFAULT_CLUSTER_DOMAIN}`;
}

function configuredNamespace(def: ServiceDefinition): string | undefined {
  return def.namespace !== undefined && def.namespace !== "" ? def.namespace : undefined;
}

/**
 * The namespace of the headless Service: the configured one, else the one in a `<svc>.<ns>.svc[...]` host, else the
 * pod's own (its service account's). The resolver does not apply resolv.conf search domains, so a bare name needs it.
 */
function headlessNamespace(def: ServiceDefinition): string | undefined {
  const configured = configuredNamespace(def);
  if (configured !== undefined) return configured;
  const labels = def.host.toLowerCase().split(".");
  if (labels.length >= 3 && labels[2] === "svc" && labels[1] !== "") return labels[1];
  try {
    const ns = fs.readFileSync(SERVICE_ACCOUNT_NAMESPACE, "utf8").trim();
    return ns === "" ? undefined : ns;
  } catch {
    return undefined;
  }
}

export function resolveBase(def: ServiceDefinition, baseUrl: string | undefined, env: Record<string, string | undefined>): ResolvedBase {
  const context = { service: def.name };
  if (baseUrl !== undefined) return single(parseHttpUrl(baseUrl, "ClientOptions.baseUrl"), "option", "ClientOptions.baseUrl was given; it wins over every other source");

  const urlVar = `${envKey(def.name)}_URL`;
  const fromEnv = env[urlVar];
  if (fromEnv !== undefined && fromEnv !== "") {
    return single(parseHttpUrl(fromEnv, urlVar, urlVar), `env:${urlVar}`, `${urlVar} is set (the override for ${def.name})`);
  }

  const kind = def.discovery.kind;
  const hostKey = envKey(def.host);
  const hostVar = `${hostKey}_SERVICE_HOST`;
  const portVar = `${hostKey}_SERVICE_PORT`;
  const namedPortVar = `${portVar}_${envKey(portNameOf(def))}`;
  if (kind === "dns") {
    const k8sHost = env[hostVar];
    if (k8sHost !== undefined && k8sHost !== "") {
      if (net.isIP(k8sHost) === 0 && !HOST_NAME.test(k8sHost)) {
        throw new ConfigError(`${hostVar} is not a host name or IP address: ${JSON.stringify(k8sHost)}`, hostVar, context);
      }
      const named = readPort(env, namedPortVar, context);
      const plain = named === undefined ? readPort(env, portVar, context) : undefined;
      const port = named ?? plain ?? def.port;
      const portWhy = named !== undefined ? ` and ${namedPortVar}=${named}` : plain !== undefined ? ` and ${portVar}=${plain}` : `, no ${namedPortVar} or ${portVar} (the configured port ${def.port})`;
      const url = parseHttpUrl(`${def.scheme}://${hostForUrl(k8sHost)}:${port}${def.basePath}`, hostVar, hostVar);
      return single(url, `env:${hostVar}`, `${urlVar} is unset; ${hostVar}=${k8sHost}${portWhy} (the Kubernetes service link for ${def.host})`);
    }
  }
  const unset = kind === "dns" ? `${urlVar} and ${hostVar} are unset` : `${urlVar} is unset (Kubernetes service-link variables are not consulted for discovery = "${kind}")`;

  if (kind === "static" && def.discovery.endpoints.length > 0) {
    const statics = def.discovery.endpoints;
    const origins = statics.map((e) => `${e.scheme}://${hostForUrl(e.host)}:${e.port}`);
    const endpoints = validateEndpointSet(origins[0]! + def.basePath, origins.slice(1));
    const reason = `${unset}; discovery = "static": the ${endpoints.length} configured endpoint${endpoints.length === 1 ? "" : "s"}`;
    return { kind: "static", baseUrl: endpoints[0]!.origin + def.basePath, source: "config", reason, basePath: def.basePath, endpoints, headless: undefined, authority: undefined };
  }

  const namespace = configuredNamespace(def);
  const qualify = namespace !== undefined && isBareName(def.host);
  const host = qualify ? `${def.host}.${namespace}.${serviceDomain(def)}` : def.host;
  const qualified = qualify ? `, qualified with namespace ${namespace}` : "";

  if (kind === "headless") {
    const given = def.discovery.headlessName;
    const name = given !== undefined && given !== "" ? given : `${def.host.split(".")[0]}-headless`;
    if (net.isIP(def.host) !== 0 && (given === undefined || given === "")) {
      throw new ConfigError(`discovery = "headless" needs a headless Service name: none can be derived from the address ${def.host}`, undefined, context);
    }
    const ns = headlessNamespace(def);
    const dnsName = (isBareName(name) && ns !== undefined ? `${name}.${ns}.${serviceDomain(def)}` : name).replace(/\.$/, "").toLowerCase();
    if (!HOST_NAME.test(dnsName)) throw new ConfigError(`the headless Service name ${JSON.stringify(dnsName)} is not a DNS name`, undefined, context);
    const srvName = `_${portNameOf(def)}._tcp.${dnsName}`;
    const reason = `${unset}; discovery = "headless": pod addresses of ${dnsName} (A/AAAA, port from SRV ${srvName}, else ${def.port}), Host header ${authorityOf(def.scheme, host, def.port)}`;
    return {
      kind: "headless",
      baseUrl: `${def.scheme}://${dnsName}:${def.port}${def.basePath}`,
      source: "headless",
      reason,
      basePath: def.basePath,
      endpoints: [],
      headless: { dnsName, srvName, scheme: def.scheme, port: def.port },
      authority: authorityOf(def.scheme, host, def.port),
    };
  }

  const url = parseHttpUrl(`${def.scheme}://${hostForUrl(host)}:${def.port}${def.basePath}`, `the configured URL of ${def.name}`);
  return single(url, "config", `${unset}; the configured URL ${def.url}${qualified}`);
}
