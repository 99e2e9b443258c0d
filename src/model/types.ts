// The one plain-data model. Built once from services.toml + specs by the resolve stage (src/resolve/build.ts); every
// emitter reads only this.
// Keep it JSON-serialisable: no functions, no class instances, no Maps. `svcgen model` prints it.
// The model imports only src/diagnostics.ts and its own files.
import type { SourceLocation } from "../diagnostics.js";
import type { ResolvedMesh } from "./mesh.js";
import type { ProtoModel } from "./proto.js";

export type * from "./mesh.js";
export type * from "./proto.js";

export type { Diagnostic, SourceLocation } from "../diagnostics.js";

export interface Model {
  /** Bumped when the model's shape changes incompatibly. */
  modelVersion: 2;
  /** Config file path relative to the working directory at generation time (never absolute). */
  configFile: string;
  /** The calling service (`[service]`, when it has a name), used by mesh egress rules and the NetworkPolicy. */
  caller?: CallerModel;
  /** Sorted by key. */
  services: ServiceModel[];
}

export interface CallerModel {
  name: string;
  /** The `[service] name` key. */
  location: SourceLocation;
  /** `[service] namespace`: where the caller's pods (and its NetworkPolicy) live. */
  namespace?: string;
  /**
   * The caller's pod labels, sorted by key: `[service] labels`, else `{ app: <name> }` (svcgen's convention, the label
   * its Services select on). The NetworkPolicy's podSelector and the Istio Sidecar's workloadSelector. Never empty:
   * an empty selector would select every pod in the namespace.
   */
  labels: Record<string, string>;
  /** `[service] network_policy = true`: the caller's egress NetworkPolicy. */
  networkPolicy?: NetworkPolicyModel;
}

/**
 * The caller's egress NetworkPolicy: the pods of each in-cluster callee on the ports they listen on, plus DNS
 * (kube-dns, UDP and TCP 53), and nothing else.
 */
export interface NetworkPolicyModel {
  /** The `network_policy` key. */
  location: SourceLocation;
  /** One per callee with a generated Service, sorted by service key. */
  peers: EgressPeer[];
  /**
   * Keys of the callees outside the cluster (an IP or external host: no Service, no pods to select), sorted. The
   * policy cannot allow them: an ipBlock needs fixed addresses that a host name does not give. Their calls are blocked.
   */
  outside: string[];
}

export interface EgressPeer {
  /** The callee's key. */
  service: string;
  /**
   * The callee's namespace: its own (namespace or its host), else the caller's (a bare host resolves in the caller's
   * own namespace). Absent when neither is known: then the rule matches pods in the policy's own namespace.
   */
  namespace?: string;
  /** The pod labels the callee's Service selects on. */
  selector: Record<string, string>;
  /**
   * TCP ports its pods listen on: the generated Service's targetPorts (HTTP, then gRPC). NetworkPolicy sees the
   * connection after the Service's DNAT, so these, not the Service ports, are what the client's packets carry.
   */
  ports: number[];
  /** The URL names no port, so `ports` has the scheme's default (80 or 443). */
  defaultPort: boolean;
  /** Static discovery: endpoint ports the client dials that are not in `ports` (sorted). */
  unlistedEndpointPorts: number[];
}

export type DiscoveryKind = "dns" | "headless" | "static";
export type LoadBalancerKind = "round_robin" | "health_aware" | "consistent_hash" | "least_request" | "failover";
export type JitterKind = "full" | "none";

export interface RetryPolicy {
  /** Counts the first try; 1 disables retries. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  jitter: JitterKind;
  retryOnConnect: boolean;
  retryOnTimeout: boolean;
  /** Sorted ascending. */
  retryOnStatus: number[];
  /** Retries may add at most this fraction of recent requests (plus a small floor per second). */
  budgetRatio: number;
}

export type CircuitBreakerPolicy =
  | { enabled: false }
  | {
      enabled: true;
      mode: "consecutive";
      failureThreshold: number;
      openMs: number;
      halfOpenRequests: number;
      /** At most this percentage of the endpoints may have an open breaker at once (at least one may). */
      maxEjectionPercent: number;
    }
  | {
      enabled: true;
      mode: "rate";
      failureRate: number;
      minRequests: number;
      windowMs: number;
      openMs: number;
      halfOpenRequests: number;
      maxEjectionPercent: number;
    };

/** Resolved once: defaults → [resilience] → [defaults] → service (→ operation, where allowed). */
export interface ResolvedPolicy {
  timeoutMs: number;
  connectTimeoutMs: number;
  retry: RetryPolicy;
  circuitBreaker: CircuitBreakerPolicy;
  loadBalancer: LoadBalancerKind;
  /** Header for consistent_hash, lower-case. */
  hashHeader?: string;
  /** Bound on one attempt (ms); absent: an attempt may use what is left of timeoutMs. */
  attemptTimeoutMs?: number;
  /** `health_aware` only, when services.toml sets any `health_check` key: the probes, fully resolved. */
  healthCheck?: HealthCheckPolicy;
  /** Largest response body read (bytes), when services.toml sets `max_response_bytes` (the runtime's default is 32 MiB). */
  maxResponseBytes?: number;
}

/** Active probes of the `health_aware` balancer (runtime HealthCheckOptions). */
export interface HealthCheckPolicy {
  /** Probe `readyPath` or `healthPath`. */
  path: "ready" | "health";
  intervalMs: number;
  /** Each wait is drawn from intervalMs × (1 ± jitter). */
  jitter: number;
  timeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export interface EndpointModel {
  scheme: "http" | "https";
  host: string;
  port: number;
}

export interface DiscoveryModel {
  kind: DiscoveryKind;
  /** Headless Service name for `headless` (default `<host>-headless`). */
  headlessName?: string;
  /** `static`: the endpoints from the TOML, in order. */
  endpoints: EndpointModel[];
  /** Refresh interval for headless DNS. */
  refreshMs?: number;
  /** DNS servers (`host:port`) for headless discovery; empty means the system resolver. */
  dnsServers: string[];
  /** Connection age cap (ms, 0: none), when services.toml sets `max_connection_age_ms` (the runtime's default is 60 000). */
  maxConnectionAgeMs?: number;
  /** The cluster's DNS domain, when services.toml sets `cluster_domain` (the runtime's default is `cluster.local`). */
  clusterDomain?: string;
}

export interface ServiceModel {
  /** TOML key, e.g. `users_service`. */
  key: string;
  /** `UsersService`: names `createUsersServiceClient` and `UsersServiceClient`. */
  pascal: string;
  location: SourceLocation;
  /** The configured URL as written, e.g. `http://users-api:8080`. */
  url: string;
  scheme: "http" | "https";
  /** Host of the configured URL (`users-api`). */
  host: string;
  port: number;
  /** Path prefix of the configured URL without trailing slash ("" when none). */
  basePath: string;
  namespace?: string;
  grpcPort?: number;
  discovery: DiscoveryModel;
  /** The client's final policy (retries switched off when the mesh owns them). */
  policy: ResolvedPolicy;
  /** The mesh policy, fully resolved (kind "none" included: then no mesh resource is written). */
  mesh: ResolvedMesh;
  healthPath: string;
  readyPath: string;
  openapi?: OpenApiModel;
  /** The service's gRPC API, when services.toml names `proto` files. */
  proto?: ProtoModel;
  /** The schemes its clients send and the default requirement (resolve/auth.ts). */
  security: ServiceSecurity;
  /** services.toml credential sources by scheme name (names and paths only). */
  auth?: Record<string, CredentialSourceModel>;
  /** services.toml mTLS files (paths as written, read at run time). */
  tls?: TlsModel;
}

/**
 * The schemes a client sends: the spec's (`implied` false), or `bearer` and `basic` when the spec defines none or
 * for a service without a spec (`implied` true; requirement: either). The gRPC client always takes the implied two.
 */
export interface ServiceSecurity {
  schemes: Record<string, SecuritySchemeModel>;
  implied: boolean;
  /** The default requirement (the spec's root `security`); absent: operations without their own send nothing. */
  requirement?: string[][];
}

/** Where the runtime reads one scheme's credential. */
export type CredentialSourceModel = { env: string } | { file: string } | { username: string; passwordEnv?: string; passwordFile?: string };

export interface TlsModel {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

export interface OpenApiModel {
  /** Entry spec path relative to the config directory. */
  file: string;
  /** Every file the bundle read (entry first, then sorted), relative to the config directory: the cache key. */
  inputs: string[];
  openapiVersion: string;
  title: string;
  version: string;
  /**
   * openapi-typescript's output for the bundled spec (exports `paths`, `components`, `operations`, ...) as types.ts
   * holds it below svcgen's header: trailing blank space trimmed, one final newline, UTF-8. Bytes, encoded where the
   * spec was loaded (a worker thread, when there are several specs): the largest file of a service is then neither
   * copied as a string to the main thread nor encoded there. `svcgen model` prints it as text.
   */
  typesBody: Uint8Array;
  /** Sorted by method name. */
  operations: OperationModel[];
  /** Security schemes the runtime can send, by name (components.securitySchemes less unsupported ones). */
  securitySchemes: Record<string, SecuritySchemeModel>;
  /** The root `security` requirement: alternatives (OR) of scheme names (AND); absent when the spec has none. */
  security?: string[][];
}

/** How a scheme's credential is sent; `type` is the spec's scheme type (for documentation). */
export type SecuritySchemeModel =
  | { kind: "bearer"; type: "http" | "oauth2" | "openIdConnect" }
  | { kind: "basic"; type: "http" }
  | { kind: "apiKey"; type: "apiKey"; in: "header" | "query" | "cookie"; name: string };

export type HttpMethod = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";

export type ParamStyle = "form" | "simple" | "label" | "matrix" | "spaceDelimited" | "pipeDelimited" | "deepObject";

export interface ParameterModel {
  /** Wire name, exactly as in the spec (may contain any characters; only ever emitted as a string literal). */
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  style: ParamStyle;
  explode: boolean;
  /** Coarse shape, for serialisation. */
  shape: "primitive" | "array" | "object";
  /**
   * Set when the parameter is described by `content` instead of `schema` (OpenAPI 3.x §4.8.12.3): its one media type,
   * exactly as in the spec. The value is sent as that media type's text (JSON, a URL-encoded form, plain text), and
   * style/explode do not apply.
   */
  contentType?: string;
  /** With `contentType`: TypeScript type text of the media type's schema, from openapi-typescript. */
  schemaType?: string;
  description?: string;
  deprecated: boolean;
}

export type BodyKind = "json" | "form" | "multipart" | "binary" | "text";

/** Styles an Encoding Object may name (the query styles of §4.8.12.4). */
export type EncodingStyle = "form" | "spaceDelimited" | "pipeDelimited" | "deepObject";

/**
 * One Encoding Object entry of a form or multipart body (OpenAPI 3.x §4.8.15), only the fields the spec sets: an
 * absent `explode` means the style's default, and an entry without `style`/`explode` serialises by `contentType`.
 */
export interface BodyEncodingModel {
  /** The property, exactly as in the spec (any text; only ever emitted as a string literal). */
  name: string;
  style?: EncodingStyle;
  explode?: boolean;
  contentType?: string;
}

export interface RequestBodyModel {
  required: boolean;
  /** The media type used by the generated method (first supported one, JSON preferred). */
  contentType: string;
  kind: BodyKind;
  /**
   * `form` and `multipart` only, when the media type has a non-empty `encoding` map: its entries, sorted by name. A
   * list, not a map: property names are spec text, and names like `constructor` or `__proto__` are unsafe as keys.
   */
  encoding?: BodyEncodingModel[];
}

export type ResponseKind = "json" | "text" | "binary" | "empty";

export interface ResponseModel {
  /** "200", "204", "2XX", "default". */
  status: string;
  /** The media type key in the spec, absent for no content. */
  contentType?: string;
  kind: ResponseKind;
}

export interface OperationModel {
  /** Method name on the client: camelCase(operationId), sanitised and unique within the service. */
  name: string;
  /** The spec's operationId, if any (any text; emit only as a literal). */
  operationId?: string;
  method: HttpMethod;
  /** Path template as in the spec, e.g. `/users/{id}` (the key into openapi-typescript's `paths`). */
  path: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  /** Safe to send twice: GET/HEAD/OPTIONS/PUT/DELETE/TRACE, or `x-idempotent: true`. */
  idempotent: boolean;
  /** Sorted: path params in template order, the others by name. */
  parameters: ParameterModel[];
  requestBody?: RequestBodyModel;
  /** Success responses (2xx), sorted by status. The first one is the typed result. */
  success: ResponseModel[];
  /** Documented non-2xx responses including `default`, sorted by status. */
  errors: ResponseModel[];
  /**
   * The operation's own server, from path- or operation-level `servers` (the first entry, its variables' defaults
   * substituted, trailing slashes dropped; spec text, emit only as a literal): an absolute http(s) URL, whose origin
   * and path prefix the operation is sent to, or a path relative to the service's base URL. Absent: the service's URL.
   */
  server?: string;
  /** Overall deadline for this operation from `[external_services.x.operations.<id>] timeout_ms`. */
  timeoutMs?: number;
  /** Response body cap for this operation from `[external_services.x.operations.<id>] max_response_bytes`. */
  maxResponseBytes?: number;
  /** The operation's own `security` (replaces the root's; `[]`: no credential); absent: the root's applies. */
  security?: string[][];
  location: SourceLocation;
}
