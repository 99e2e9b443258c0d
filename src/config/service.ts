// One `[external_services]` entry → ServiceConfig: the URL (seed form) or the table form, merged over the shared
// layers and resolved.
import type { SourceLocation } from "../diagnostics.js";
import type { DiscoveryModel, EndpointModel } from "../model/types.js";
import { type ReadContext, keyLocation, pathId, q, tableName, valueLocation } from "./context.js";
import type { AuthSourceConfig, MeshSettings, OperationOverride, ServiceConfig, TlsConfig } from "./types.js";
import { DNS_LABEL_RULE, isDnsLabel } from "./formats.js";
import { SERVICE_TABLE } from "./keys.js";
import {
  type ServiceRef,
  checkBreakerMode,
  mergeLayers,
  requiredAt,
  resolvePolicy,
  valueOf,
  warnIgnored,
  warnIgnoredTable,
  wasRejected,
} from "./policy.js";
import { type Layer, type MapEntry, readTable } from "./read.js";
import { isIpAddress, type ServiceUrl } from "./url.js";
import { checkValue, describeGot, isTable } from "./values.js";

/**
 * Reads one service; returns undefined when it cannot be built: no usable url, or neither a URL nor a table (its
 * problems are in the sink). A service with other errors is returned, rejected values replaced by the layer below,
 * so its specs are still loaded and its operation overrides checked in the same run.
 */
export function readService(key: string, raw: unknown, shared: Layer, ctx: ReadContext): ServiceConfig | undefined {
  const path = ["external_services", key];
  const service: ServiceRef = { key, at: keyLocation(ctx, path) };
  let own: Layer;
  if (typeof raw === "string") {
    // acton-service form: `users_service = "http://users-api:8080"`.
    own = new Map();
    const url = checkValue(SERVICE_TABLE.keys.url!.value, raw, path, ctx);
    if (url.ok) own.set("url", { value: url.value, layer: "service", keyAt: service.at, valueAt: valueLocation(ctx, path) });
  } else if (isTable(raw)) {
    own = readTable(raw, SERVICE_TABLE, path, "service", ctx);
    checkBreakerMode(own, ctx);
    if (!Object.hasOwn(raw, "url")) {
      ctx.sink.error("config/missing-key", `missing required key "url" in ${tableName(path)}`, service.at);
    }
  } else {
    const message = `${q(key)} must be a URL string or a table, got ${describeGot(raw)}`;
    ctx.sink.error("config/invalid-value", message, valueLocation(ctx, path));
    return undefined;
  }

  const merged = mergeLayers([shared, own]);
  const policy = resolvePolicy(merged, service, ctx);
  const url = own.get("url")?.value as ServiceUrl | undefined;
  const discovery = resolveDiscovery(url, own, merged, service, ctx);
  warnIgnoredKeys(own, merged, path, ctx);
  if (url === undefined) return undefined;

  const config: ServiceConfig = {
    key,
    location: service.at,
    url: url.url,
    scheme: url.scheme,
    host: url.host,
    port: url.port,
    basePath: url.basePath,
    discovery,
    policy,
    mesh: readMeshSettings(merged),
    healthPath: valueOf(merged, "health_path"),
    readyPath: valueOf(merged, "ready_path"),
    operations: operations(own),
    // Roots accumulate like proto_paths: the service's own first, then those from [defaults].
    refRoots: [...new Set([...((own.get("ref_roots")?.value as string[] | undefined) ?? []), ...((shared.get("ref_roots")?.value as string[] | undefined) ?? [])])],
  };
  const namespace = merged.get("namespace");
  if (namespace) config.namespace = namespace.value as string;
  const grpcPort = own.get("grpc_port");
  if (grpcPort) config.grpcPort = grpcPort.value as number;
  const openapi = own.get("openapi");
  if (openapi?.keyAt) config.openapi = { path: openapi.value as string, location: openapi.keyAt };
  const proto = own.get("proto");
  if (proto?.keyAt) {
    // Import directories accumulate like protoc's -I flags: the service's own first, then those from [defaults].
    const ownPaths = (own.get("proto_paths")?.value as string[] | undefined) ?? [];
    const sharedPaths = (shared.get("proto_paths")?.value as string[] | undefined) ?? [];
    const protoPaths = [...new Set([...ownPaths, ...sharedPaths])];
    config.proto = { paths: proto.value as string[], protoPaths, location: proto.keyAt };
    config.grpcRetryOn = valueOf<string[]>(merged, "retry.grpc_retry_on");
  }
  const auth = authSources(own, path, ctx);
  if (auth) config.auth = auth;
  const tls = tlsConfig(own, path, ctx);
  if (tls) {
    config.tls = tls;
    // HTTP and gRPC both speak TLS exactly when the endpoint's scheme is https.
    if (url.scheme !== "https" && !discovery.endpoints.some((endpoint) => endpoint.scheme === "https")) {
      ctx.sink.warning("config/ignored-key", '"tls" is ignored unless the url (or an endpoint) is https://', tls.location);
    }
  }
  return config;
}

function resolveDiscovery(
  url: ServiceUrl | undefined,
  own: Layer,
  merged: Layer,
  service: ServiceRef,
  ctx: ReadContext,
): DiscoveryModel {
  const kindEntry = merged.get("discovery")!;
  const kind = kindEntry.value as DiscoveryModel["kind"];
  const discovery: DiscoveryModel = { kind, endpoints: [], dnsServers: [] };
  if (kind === "static") {
    const endpoints = own.get("endpoints");
    if (endpoints) discovery.endpoints = endpoints.value as EndpointModel[];
    else if (!wasRejected(ctx, service, "endpoints")) {
      const { at, note } = requiredAt(service, kindEntry);
      ctx.sink.error("config/missing-key", `"endpoints" is required when discovery = "static"${note}`, at);
    }
  } else if (kind === "headless") {
    discovery.refreshMs = valueOf(merged, "refresh_ms");
    discovery.dnsServers = valueOf(merged, "dns_servers");
    const name = own.get("headless_name");
    if (name) discovery.headlessName = name.value as string;
    else if (url && !wasRejected(ctx, service, "headless_name")) {
      // Kubernetes convention from the seed: `auth-api` is served headless as `auth-api-headless`.
      const derived = `${url.host.split(".")[0]}-headless`;
      if (isIpAddress(url.host) || !isDnsLabel(derived)) {
        const { at, note } = requiredAt(service, kindEntry);
        const message =
          `discovery = "headless" needs "headless_name"${note}: no Service name can be derived from host ` +
          `${q(url.host)} (${DNS_LABEL_RULE})`;
        ctx.sink.error("config/missing-key", message, at);
      } else {
        discovery.headlessName = derived;
      }
    }
  }
  // Only when services.toml sets them, so definitions without them stay as they were (the runtime has the defaults).
  const age = merged.get("max_connection_age_ms");
  if (age !== undefined && age.layer !== "builtin") discovery.maxConnectionAgeMs = age.value as number;
  const domain = merged.get("cluster_domain");
  if (domain !== undefined && domain.layer !== "builtin") discovery.clusterDomain = domain.value as string;
  return discovery;
}

function warnIgnoredKeys(own: Layer, merged: Layer, path: readonly string[], ctx: ReadContext): void {
  const discovery = valueOf<string>(merged, "discovery");
  if (discovery !== "static") warnIgnored(own, "endpoints", 'discovery = "static"', ctx);
  if (discovery !== "headless") {
    for (const path of ["headless_name", "dns_servers", "refresh_ms"]) {
      warnIgnored(own, path, 'discovery = "headless"', ctx);
    }
  }
  if (valueOf(merged, "load_balancer") !== "consistent_hash") {
    warnIgnored(own, "hash_header", 'load_balancer = "consistent_hash"', ctx);
  }
  if (valueOf(merged, "load_balancer") !== "health_aware") {
    warnIgnoredTable(own, "health_check", 'load_balancer = "health_aware"', keyLocation(ctx, [...path, "health_check"]), ctx);
  }
  if (!merged.has("circuit_breaker.failure_rate")) {
    for (const path of ["circuit_breaker.min_requests", "circuit_breaker.window_ms"]) {
      warnIgnored(own, path, '"failure_rate" is set', ctx);
    }
  }
  if (!own.has("proto")) {
    warnIgnored(own, "proto_paths", '"proto" is set', ctx);
    warnIgnored(own, "retry.grpc_retry_on", '"proto" is set', ctx);
  }
}

/**
 * The merged `mesh.*` keys as one plain table in TOML's names: flattened keys (`mesh.retries.attempts`) nest again,
 * values kept whole (`mesh.routes`) are taken as read. Every value was checked against the key table.
 */
function readMeshSettings(merged: Layer): MeshSettings {
  const settings: Record<string, unknown> = {};
  const prefix = "mesh.";
  for (const key of [...merged.keys()].filter((k) => k.startsWith(prefix)).sort()) {
    const segments = key.slice(prefix.length).split(".");
    let node = settings;
    for (const segment of segments.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
    node[segments[segments.length - 1]!] = merged.get(key)!.value;
  }
  return settings as unknown as MeshSettings;
}

function operations(own: Layer): OperationOverride[] {
  const entries = (own.get("operations")?.value as MapEntry[] | undefined) ?? [];
  return entries.map((entry) => {
    const override: OperationOverride = { operationId: entry.name, location: entry.keyAt };
    const idempotent = entry.fields.get("idempotent");
    if (idempotent) override.idempotent = idempotent.value as boolean;
    const timeout = entry.fields.get("timeout_ms");
    if (timeout) override.timeoutMs = timeout.value as number;
    const maxBytes = entry.fields.get("max_response_bytes");
    if (maxBytes) override.maxResponseBytes = maxBytes.value as number;
    return override;
  });
}

/** TOML names → config names of the credential and TLS keys. */
const AUTH_FIELDS = { env: "env", file: "file", username: "username", password_env: "passwordEnv", password_file: "passwordFile" } as const;
const TLS_FIELDS = { ca_file: "caFile", cert_file: "certFile", key_file: "keyFile", server_name: "serverName" } as const;

/** Whether the table at `at` or one of its keys was rejected (the error is in the sink). */
const rejectedAt = (ctx: ReadContext, at: readonly string[], keys: readonly string[]): boolean =>
  ctx.rejected.has(pathId(at)) || keys.some((key) => ctx.rejected.has(pathId([...at, key])));

/** Schemes whose table broke a rule (one source, basic's password) or holds a rejected value are left out. */
function authSources(own: Layer, path: readonly string[], ctx: ReadContext): Record<string, AuthSourceConfig> | undefined {
  const entries = (own.get("auth")?.value as MapEntry[] | undefined) ?? [];
  const out: Record<string, AuthSourceConfig> = {};
  let any = false;
  for (const entry of entries) {
    if (rejectedAt(ctx, [...path, "auth", entry.name], Object.keys(AUTH_FIELDS))) continue;
    const source: AuthSourceConfig = { location: entry.keyAt };
    for (const [toml, name] of Object.entries(AUTH_FIELDS)) {
      const field = entry.fields.get(toml);
      if (field) source[name] = field.value as string;
    }
    out[entry.name] = source;
    any = true;
  }
  return any ? out : undefined;
}

function tlsConfig(own: Layer, path: readonly string[], ctx: ReadContext): TlsConfig | undefined {
  if (rejectedAt(ctx, [...path, "tls"], Object.keys(TLS_FIELDS))) return undefined;
  let tls: TlsConfig | undefined;
  for (const [toml, name] of Object.entries(TLS_FIELDS)) {
    const field = own.get(`tls.${toml}`);
    if (field === undefined) continue;
    tls ??= { location: keyLocation(ctx, [...path, "tls"]) };
    tls[name] = field.value as string;
  }
  return tls;
}

/**
 * Service keys become identifiers and folder names: empty keys and keys equal but for case/punctuation clash.
 * Returns the keys that cannot be built (reported here): the empty key and the later of two that clash.
 */
export function checkServiceKeys(keys: readonly string[], ctx: ReadContext): Set<string> {
  const unusable = new Set<string>();
  const seen = new Map<string, { key: string; at: SourceLocation }>();
  const located = keys
    .map((key) => ({ key, at: keyLocation(ctx, ["external_services", key]) }))
    .sort((a, b) => (a.at.line ?? 0) - (b.at.line ?? 0) || (a.at.column ?? 0) - (b.at.column ?? 0));
  for (const { key, at } of located) {
    if (key.trim() === "") {
      ctx.sink.error("config/invalid-key", "service name must not be empty", at);
      unusable.add(key);
      continue;
    }
    const folded = key.toLowerCase().replace(/[^a-z0-9]/g, "") || key;
    const earlier = seen.get(folded);
    if (earlier) {
      const message = `service ${q(key)} clashes with ${q(earlier.key)}: names must differ in more than case and punctuation`;
      ctx.sink.error("config/duplicate", message, at);
      unusable.add(key);
    } else {
      seen.set(folded, { key, at });
    }
  }
  return unusable;
}
