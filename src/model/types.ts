// The one plain-data model. Built once from services.toml + specs (src/model/build.ts); every emitter reads only this.
// Keep it JSON-serialisable: no functions, no class instances, no Maps. `svcgen model` prints it.
import type { ResolvedMesh } from "../mesh/types.js";

/** Where a fact came from: a TOML position (1-based line/column) or a JSON pointer into a spec. */
export interface SourceLocation {
  /** Path as shown to the user (relative to the working directory), with `/` separators. */
  file: string;
  line?: number;
  column?: number;
  /** RFC 6901 pointer into a spec document, e.g. `#/paths/~1users~1{id}/get`. */
  pointer?: string;
}

/** One problem found while reading inputs. Collected, sorted, printed as `file:line:col: error: message`. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable code, e.g. `config/unknown-key`, `openapi/invalid`. */
  code: string;
  message: string;
  location: SourceLocation;
}

export interface Model {
  /** Bumped when the model's shape changes incompatibly. */
  modelVersion: 1;
  /** Config file path relative to the working directory at generation time (never absolute). */
  configFile: string;
  /** The calling service (`[service] name`), used by mesh egress rules. */
  caller?: { name: string; location: SourceLocation };
  /** Sorted by key. */
  services: ServiceModel[];
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
    }
  | {
      enabled: true;
      mode: "rate";
      failureRate: number;
      minRequests: number;
      windowMs: number;
      openMs: number;
      halfOpenRequests: number;
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

export interface MeshModel {
  kind: "none" | "istio" | "linkerd";
  retryOwner: "client" | "mesh";
  /** Everything else from `[external_services.x.mesh]`, kept as TOML gave it, for the YAML emitters. */
  settings: Record<string, unknown>;
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
  policy: ResolvedPolicy;
  mesh: MeshModel;
  healthPath: string;
  readyPath: string;
  openapi?: OpenApiModel;
  /** The service's gRPC API, when services.toml names `proto` files. */
  proto?: ProtoModel;
  /** Typed mesh settings from src/mesh (resolveMesh), resolved from `mesh` and `policy` before client retries are
   * switched off for a mesh that owns them. */
  resolvedMesh?: ResolvedMesh;
}

/** A service's .proto input: what the gRPC client of src/emit/ts needs, resolved by src/specs/proto. */
export interface ProtoModel {
  /** The `proto` files as services.toml names them (relative to the config directory). */
  files: string[];
  /** Import directories in search order, relative to the config directory. */
  protoPaths: string[];
  /** Every .proto file read, relative to the config directory, sorted: the cache key. */
  inputs: string[];
  /** gRPC status names that are retried (`retry.grpc_retry_on`), in status-code order. */
  retryOn: string[];
  /** Every file the services need, each after the files it imports. */
  descriptors: ProtoFileModel[];
  /** Every service of the entry files, in file then declaration order. */
  services: ProtoServiceModel[];
}

export interface ProtoFileModel {
  /** The name imports use (`auth/v1/auth.proto`), relative to its import directory. */
  name: string;
  package: string;
  syntax: "proto2" | "proto3";
  /** Well-known files ship with @bufbuild/protobuf: the name of the file's export in `@bufbuild/protobuf/wkt`. */
  wellKnown?: string;
  /**
   * Base64 of the serialized google.protobuf.FileDescriptorProto (no dependencies, no comments), as
   * @bufbuild/protobuf's `fileDesc()` reads it; "" for well-known files.
   */
  descriptor: string;
  /** Names of the files it imports, in import order. */
  dependencies: string[];
  /** Every message, nested ones after their parent, in declaration order (map entries left out). */
  messages: ProtoMessageModel[];
  /** Every enum, top-level and nested, in declaration order. */
  enums: ProtoEnumModel[];
}

export type ProtoScalar =
  | "double"
  | "float"
  | "int64"
  | "uint64"
  | "int32"
  | "fixed64"
  | "fixed32"
  | "bool"
  | "string"
  | "bytes"
  | "uint32"
  | "sfixed32"
  | "sfixed64"
  | "sint32"
  | "sint64";

/** A field's value type; `ref` is a fully qualified name without the leading dot (`auth.v1.Token`). */
export type ProtoValueType =
  | { kind: "scalar"; scalar: ProtoScalar; longAsString: boolean }
  | { kind: "enum"; ref: string }
  | { kind: "message"; ref: string };

export interface ProtoFieldModel {
  /** As written in the .proto file. */
  name: string;
  /** The property @bufbuild/protobuf uses at runtime (`expires_at` → `expiresAt`). */
  localName: string;
  number: number;
  /** `optional`: explicit presence (proto3 `optional`); `map`: `type` is the value type. */
  cardinality: "singular" | "optional" | "repeated" | "map";
  type: ProtoValueType;
  mapKey?: ProtoScalar;
  /** localName of the oneof the field belongs to. */
  oneof?: string;
  comment?: string;
  deprecated: boolean;
}

export interface ProtoMessageModel {
  /** `auth.v1.TokenInfo.Claims`. */
  fullName: string;
  /** Indexes for `messageDesc(file, ...path)`: top-level index, then nested indexes. */
  path: number[];
  comment?: string;
  deprecated: boolean;
  fields: ProtoFieldModel[];
  /** User-declared oneofs (proto3 `optional` fields are plain optional fields here). */
  oneofs: Array<{ name: string; localName: string; comment?: string }>;
  location: SourceLocation;
}

export interface ProtoEnumModel {
  fullName: string;
  /** Indexes for `enumDesc(file, ...path)`: top-level index, or the parent message's path then the enum's index. */
  path: number[];
  comment?: string;
  deprecated: boolean;
  /** `localName`: the value name without the enum's shared prefix, as @bufbuild/protobuf names it. */
  values: Array<{ name: string; localName: string; number: number; comment?: string; deprecated: boolean }>;
  location: SourceLocation;
}

export type ProtoMethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

export interface ProtoMethodModel {
  /** As written (`ValidateToken`). */
  name: string;
  /** The key @bufbuild/protobuf gives the method in a service descriptor's `method` (`validateToken`). */
  localName: string;
  kind: ProtoMethodKind;
  /** Fully qualified message names. */
  input: string;
  output: string;
  /**
   * Safe to send again after the server may have run it: `idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT`, unless
   * services.toml's `idempotent` for the method says otherwise.
   */
  idempotent: boolean;
  /**
   * What `[external_services.<key>.operations."<package>.<Service>/<Method>"]` sets, only the keys it sets (absent:
   * none). The generated client carries exactly this; `idempotent` above already includes it.
   */
  override?: ProtoMethodOverride;
  comment?: string;
  deprecated: boolean;
  location: SourceLocation;
}

export interface ProtoMethodOverride {
  /** Wins over the .proto's idempotency_level. */
  idempotent?: boolean;
  /** Overall deadline of one call of the method (ms); wins over the service's timeoutMs. */
  timeoutMs?: number;
}

export interface ProtoServiceModel {
  /** `auth.v1.AuthService`: the path prefix of every call (`/auth.v1.AuthService/ValidateToken`). */
  fullName: string;
  name: string;
  /** The file that declares it (a ProtoFileModel name) and its index there, for `serviceDesc(file, index)`. */
  file: string;
  index: number;
  comment?: string;
  deprecated: boolean;
  methods: ProtoMethodModel[];
  location: SourceLocation;
}

export interface OpenApiModel {
  /** Entry spec path relative to the config directory. */
  file: string;
  /** Every file the bundle read (entry first, then sorted), relative to the config directory: the cache key. */
  inputs: string[];
  openapiVersion: string;
  title: string;
  version: string;
  /** openapi-typescript's output for the bundled spec (exports `paths`, `components`, `operations`, ...). */
  typesSource: string;
  /** Sorted by method name. */
  operations: OperationModel[];
}

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
  /** Overall deadline for this operation from `[external_services.x.operations.<id>] timeout_ms`. */
  timeoutMs?: number;
  location: SourceLocation;
}
