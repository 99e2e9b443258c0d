// The contract between generated clients and the runtime. Generated code imports only what index.ts exports;
// these names are public API (users import them through `<out>/runtime/index.js`): add, never rename.
import type { Dispatcher } from "undici";
import type { Balancer, BalancerFactory, HealthCheckOptions } from "./balancer.js";
import type { Middleware } from "./middleware.js";
import type { MeterProviderLike, TracerProviderLike } from "./telemetry/api.js";
import type { AuthOptions, CredentialSource, SecurityRequirements, SecuritySchemeDefinition, TlsOptions, TlsSettings } from "./auth/types.js";

export type { AttemptResult, Balancer, BalancerContext, BalancerFactory, EndpointChange, HealthCheckOptions, PickRequest } from "./balancer.js";

export type DiscoveryKind = "dns" | "headless" | "static";
export type LoadBalancerKind = "round_robin" | "health_aware" | "consistent_hash" | "least_request" | "failover";

/** Retry settings baked from services.toml. */
export interface RetrySettings {
  /** Counts the first try; 1 disables retries. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly jitter: "full" | "none";
  readonly retryOnConnect: boolean;
  readonly retryOnTimeout: boolean;
  readonly retryOnStatus: readonly number[];
  readonly budgetRatio: number;
}

export type CircuitBreakerSettings =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly mode: "consecutive";
      readonly failureThreshold: number;
      readonly openMs: number;
      readonly halfOpenRequests: number;
      /** Added by the runtime: at most this percentage of the endpoints may have an open breaker at once (at least one may). Default 50. */
      readonly maxEjectionPercent?: number;
    }
  | {
      readonly enabled: true;
      readonly mode: "rate";
      readonly failureRate: number;
      readonly minRequests: number;
      readonly windowMs: number;
      readonly openMs: number;
      readonly halfOpenRequests: number;
      readonly maxEjectionPercent?: number;
    };

export interface PolicySettings {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly retry: RetrySettings;
  readonly circuitBreaker: CircuitBreakerSettings;
  readonly loadBalancer: LoadBalancerKind;
  readonly hashHeader?: string;
  /**
   * Added by the runtime: bound on one attempt, ms. When absent each attempt may use whatever is left of the overall
   * deadline (`timeoutMs`); when set, an attempt gets the smaller of the two.
   */
  readonly attemptTimeoutMs?: number;
  /**
   * Added by the runtime (not yet emitted by the generator): active probes of the `health_aware` balancer.
   * ClientOptions.healthCheck wins over it.
   */
  readonly healthCheck?: HealthCheckOptions;
  /** Added by the runtime: largest response body a call reads, bytes. Default 32 MiB (DEFAULT_MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes?: number;
}

export interface EndpointSettings {
  readonly scheme: "http" | "https";
  readonly host: string;
  readonly port: number;
}

/** Everything a generated client bakes in about one service. Emitted as a literal by the generator. */
export interface ServiceDefinition {
  /** services.toml key, e.g. `users_service`. */
  readonly name: string;
  /** The configured URL, e.g. `http://users-api:8080`. */
  readonly url: string;
  readonly scheme: "http" | "https";
  readonly host: string;
  readonly port: number;
  /** Path prefix from the configured URL, no trailing slash ("" when none). */
  readonly basePath: string;
  readonly namespace?: string;
  readonly discovery: {
    readonly kind: DiscoveryKind;
    readonly headlessName?: string;
    readonly endpoints: readonly EndpointSettings[];
    readonly refreshMs?: number;
    readonly dnsServers: readonly string[];
    /**
     * Added by the runtime (not yet emitted by the generator): name of the Service port, used for the SRV query
     * `_<portName>._tcp.<headless name>` and the `<HOST>_SERVICE_PORT_<PORTNAME>` variable. Default: the URL scheme
     * (`http`/`https`), which is what svcgen's generated Service manifests call the port.
     */
    readonly portName?: string;
    /**
     * Added by the runtime (not yet emitted by the generator): connections older than this are not reused (ms), so a
     * scaled-up Deployment behind a ClusterIP Service gets traffic. Default 60 000; 0 disables.
     */
    readonly maxConnectionAgeMs?: number;
    /** Added by the runtime (not yet emitted by the generator): the cluster's DNS domain. Default `cluster.local`. */
    readonly clusterDomain?: string;
  };
  readonly policy: PolicySettings;
  readonly healthPath: string;
  readonly readyPath: string;
  /** Added by the runtime: security schemes by name (the spec's, or the implied `bearer`/`basic`). */
  readonly securitySchemes?: Readonly<Record<string, SecuritySchemeDefinition>>;
  /** Added by the runtime: the default requirement (the spec's root `security`); operations may override it. */
  readonly security?: SecurityRequirements;
  /** Added by the runtime: services.toml credential sources by scheme name (names and paths, never secrets). */
  readonly auth?: Readonly<Record<string, CredentialSource>>;
  /** Added by the runtime: services.toml mTLS files. */
  readonly tls?: TlsSettings;
  /** Added by the runtime: the operations' own servers (OperationDefinition.server), for describe() and ClientOptions.servers. */
  readonly servers?: readonly OperationServerSettings[];
}

/** Added by the runtime: one server that operations declare for themselves, and which operations (ids) use it. */
export interface OperationServerSettings {
  /** As OperationDefinition.server spells it. */
  readonly url: string;
  readonly operations: readonly string[];
}

export type ParamLocation = "path" | "query" | "header" | "cookie";
export type ParamStyle = "form" | "simple" | "label" | "matrix" | "spaceDelimited" | "pipeDelimited" | "deepObject";

/** How one parameter is serialised (OpenAPI 3 `style`/`explode`). `name` is the wire name. */
export interface ParamDefinition {
  readonly name: string;
  readonly in: ParamLocation;
  readonly style: ParamStyle;
  readonly explode: boolean;
  /**
   * Added by the runtime: the media type of a parameter described by `content`. The value is sent as that media
   * type's text (JSON for `application/json` and `+json`, a URL-encoded form, else `String(value)`); style and explode
   * do not apply.
   */
  readonly contentType?: string;
}

export type RequestBodyKind = "json" | "form" | "multipart" | "binary" | "text";

/**
 * Added by the runtime: one OpenAPI Encoding Object entry (only what the spec sets). `explode` absent: true for
 * `form`, false otherwise; `style` and `explode` both absent: the value is serialised by `contentType`.
 */
export interface BodyEncoding {
  /** The body property it applies to (a list rather than a map: `constructor` and `__proto__` are fine names here). */
  readonly name: string;
  readonly style?: "form" | "spaceDelimited" | "pipeDelimited" | "deepObject";
  readonly explode?: boolean;
  readonly contentType?: string;
}
export type ResponseKind = "json" | "text" | "binary" | "empty";

/** One operation, emitted as a literal by the generator. */
export interface OperationDefinition {
  /** Method name on the client (also used in events and errors). */
  readonly id: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path template relative to the service base path, e.g. `/users/{id}`. */
  readonly path: string;
  /** Safe to send twice without an idempotency key. */
  readonly idempotent: boolean;
  /** Only parameters that need non-default serialisation or exist at all; looked up by wire name. */
  readonly params: readonly ParamDefinition[];
  readonly body?: {
    readonly kind: RequestBodyKind;
    readonly contentType: string;
    /**
     * Added by the runtime: the spec's Encoding Object entries of a form or multipart body (rules in body.ts).
     * Properties without an entry use the default rule.
     */
    readonly encoding?: readonly BodyEncoding[];
  };
  /** How to decode a 2xx answer. */
  readonly response: ResponseKind;
  /** Overall deadline for calls of this operation (ms), when services.toml sets one; wins over the service's. */
  readonly timeoutMs?: number;
  /** Added by the runtime: response body cap for this operation (bytes), when services.toml sets one. */
  readonly maxResponseBytes?: number;
  /**
   * Added by the runtime: the non-2xx statuses the spec documents, as it spells them (`"404"`, `"4XX"`, `"default"`),
   * which `isHttpError(error, client.op)` matches. Absent: none documented.
   */
  readonly errors?: readonly string[];
  /** Added by the runtime: this operation's own security requirement (wins over ServiceDefinition.security). */
  readonly security?: SecurityRequirements;
  /**
   * Added by the runtime: the operation's own server (OpenAPI path- or operation-level `servers`, variables at their
   * defaults): an absolute http(s) URL (its origin and path prefix; no balancer or discovery), or a path relative to the
   * service's base URL. Absent: the service's base URL. ClientOptions.servers may replace it.
   */
  readonly server?: string;
}

/** The first argument of every generated method. Generated code narrows these types per operation. */
export interface RequestParams {
  // `| undefined` so generated params types (optional members) are assignable under exactOptionalPropertyTypes.
  path?: Record<string, unknown> | undefined;
  query?: Record<string, unknown> | undefined;
  headers?: Record<string, unknown> | undefined;
  cookies?: Record<string, unknown> | undefined;
  body?: unknown;
}

/** A query value of `request()`: a scalar, or an array sent as repeated keys (form, explode). */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined | null;

/**
 * Added by the runtime: the first argument of `request()`, a call the spec does not describe (or a service without a
 * spec). Rules in raw-request.ts.
 */
export interface RawRequest {
  /** Any case; sent upper-case. Retried like an operation iff idempotent by RFC 9110 (or the call has an `idempotencyKey`). */
  method: string;
  /** Relative to the service's base path, e.g. `/v1/keys` (may carry its own `?query`). Sent as given. */
  path: string;
  /** Appended form-exploded: `a=1&tag=x&tag=y`; undefined and null are left out. */
  query?: Record<string, QueryValue> | undefined;
  headers?: Record<string, string> | undefined;
  /**
   * A plain value is sent as JSON (`application/json`); a string as `text/plain; charset=utf-8`; a Uint8Array,
   * ArrayBuffer or Blob as is (`application/octet-stream` or the Blob's type); a ReadableStream or async iterable as
   * it streams (sent once, never retried). A `content-type` in `headers` wins.
   */
  body?: unknown;
}

/** Added by the runtime: one redirect followed within an attempt (AttemptRecord.redirects). */
export interface RedirectHop {
  /** The 3xx status answered. */
  readonly status: number;
  /** The absolute URL the Location pointed to, which the next request went to. */
  readonly location: string;
  /** Method of the next request (GET after a 303, or a 301/302 answering a POST). */
  readonly method: string;
}

/**
 * The second argument of every generated method. `S`: the statuses of `acceptStatus`, which a generated method
 * infers from a literal list to type what the call resolves to. `A`: the credentials record, which a generated client
 * narrows to its own schemes (`<Pascal>Auth`).
 */
export interface CallOptions<S extends number = number, A extends AuthOptions = AuthOptions> {
  /** Aborts the whole call (every attempt and pause) at once. */
  signal?: AbortSignal;
  /** Overall deadline for this call in ms, covering every attempt and pause (defaults to the service's timeout_ms). */
  timeoutMs?: number;
  /** Sent as `Idempotency-Key` on every attempt; makes POST/PATCH retryable. */
  idempotencyKey?: string;
  /** `false`: send no generated `x-request-id` with this call (wins over the client option). Default: the client's. */
  requestId?: boolean;
  /** Extra headers for this call (win over client headers). */
  headers?: Record<string, string>;
  /** Hears the final response's status, headers and attempt trace. */
  onResponse?: (info: ResponseInfo) => void;
  /** Added by the runtime: non-2xx statuses returned as a success (decoded like an error body) instead of an HttpError. */
  acceptStatus?: readonly S[];
  /** Added by the runtime: credentials for this call by scheme name (win, per scheme, over the client's). */
  auth?: A;
  /** Added by the runtime: hears this call's own events (attempts, re-sends), after the client's `onEvent`. */
  onEvent?: (event: ClientEvent) => void;
  /**
   * Added by the runtime: largest response body this call reads, bytes (wins over the operation's and the service's
   * `max_response_bytes`). A longer body aborts the request with ResponseTooLargeError.
   */
  maxResponseBytes?: number;
  /**
   * Added by the runtime: `"stream"` resolves a 2xx answer to its body as a web ReadableStream as soon as the headers
   * arrive, without a size limit (downloads). The call's deadline stops covering the body once it resolves; cancel
   * the stream (or read it to the end) to free the connection.
   */
  responseType?: "stream";
  /**
   * Added by the runtime: follow 3xx answers that carry a Location (wins over the client option; default off). `true`:
   * same origin only (a Location on another origin rejects with RequestError); `"any"`: any origin (authorization,
   * cookie and host headers are dropped there). At most 5 hops per attempt. The hops are in AttemptRecord.redirects.
   */
  followRedirects?: boolean | "any";
}

export interface AttemptRecord {
  /** Origin the attempt went to, `scheme://host:port`. */
  readonly endpoint: string;
  /** `ok`, an HTTP status, or an error code. */
  readonly outcome: { readonly kind: "status"; readonly status: number } | { readonly kind: "connect" } | { readonly kind: "timeout" } | { readonly kind: "reset" } | { readonly kind: "error"; readonly code: string };
  /** Pause taken after this attempt before the next one, ms (0 when none). */
  readonly pauseMs: number;
  readonly durationMs: number;
  /** Added by the runtime: the outcome asked for another try (a rotation or a retry), whether or not one was made. */
  readonly retriable: boolean;
  /** Added by the runtime: the next attempt went to the next endpoint because of this outcome. */
  readonly rotated: boolean;
  /**
   * Added by the runtime: redirects followed within this attempt (`followRedirects`), in order; absent when none.
   * `endpoint` and `outcome` are the first request's origin and the last answer's.
   */
  readonly redirects?: readonly RedirectHop[];
  /**
   * Added by the runtime: this attempt was refused for its credentials (HTTP 401, gRPC UNAUTHENTICATED); they were
   * fetched again and the request replayed once (the next record). Absent otherwise.
   */
  readonly authRefresh?: boolean;
}

export interface ResponseInfo {
  readonly status: number;
  /** Added by the runtime: origin that answered, `scheme://host:port`. */
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly attempts: readonly AttemptRecord[];
}

export interface ClientOptions {
  /** Wins over every other way of finding the service. */
  baseUrl?: string;
  /**
   * Every call carries an `x-request-id` (a random UUID, the same on each of its attempts) unless it sets one in its
   * headers; `false` sends none. Default true.
   */
  requestId?: boolean;
  /**
   * Added by the runtime: your own balancer (an object, or a factory given the client's BalancerContext). Replaces
   * the `load_balancer` from services.toml; failover rotation rules apply to a balancer whose `failover` is true
   * (the built-in `failover`, or yours wrapping it).
   */
  balancer?: Balancer | BalancerFactory;
  /** Added by the runtime: DNS servers (`host:port`) for headless discovery; wins over `dns_servers`. */
  dnsServers?: readonly string[];
  /** Added by the runtime: connection age cap in ms (0: none); wins over the definition's. */
  maxConnectionAgeMs?: number;
  /** Added by the runtime: active probes of the `health_aware` balancer. */
  healthCheck?: HealthCheckOptions;
  /** Added by the runtime: largest response body a call reads, bytes; wins over services.toml's `max_response_bytes`. */
  maxResponseBytes?: number;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** An undici Dispatcher (Agent, Pool, MockAgent in tests, ProxyAgent, ...). */
  dispatcher?: Dispatcher;
  /** Hears every runtime event (attempts, retries, breaker changes, ...). */
  onEvent?: (event: ClientEvent) => void;
  /** Environment used for base-URL resolution (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Added by the runtime: runs once per attempt, right before the transport (first listed is outermost); the same
   * value works on a gRPC client. See middleware.ts.
   */
  middleware?: Middleware[];
  /** Added by the runtime: follow redirects on every call (CallOptions.followRedirects wins); default off. */
  followRedirects?: boolean | "any";
  /** Added by the runtime: credentials by scheme name (win over services.toml's sources). Generated clients type it. */
  auth?: AuthOptions;
  /** Added by the runtime: mTLS client certificate and CA (wins over services.toml's `tls`). */
  tls?: TlsOptions;
  /**
   * Added by the runtime: replaces operations' own servers (for tests and proxies). Key: the server as the spec gives
   * it (variables at their defaults, as `describe().servers` lists it; a trailing slash does not matter); value: the
   * URL to use instead, absolute or relative to the service's base URL. A key no operation uses is a ConfigError.
   */
  servers?: Readonly<Record<string, string>>;
  /**
   * Added by the runtime: OpenTelemetry traces and metrics. Default: on when `@opentelemetry/api` is installed, with
   * its global providers and propagator; `false`: nothing is recorded or propagated; an object: these providers.
   */
  telemetry?: boolean | TelemetryOptions;
}

/** Added by the runtime: ClientOptions.telemetry. A provider left out is the global one. */
export interface TelemetryOptions {
  /** An SDK's TracerProvider (or any object with `getTracer`). */
  readonly tracerProvider?: TracerProviderLike;
  /** An SDK's MeterProvider (or any object with `getMeter`). */
  readonly meterProvider?: MeterProviderLike;
}

/**
 * Added by the runtime: what `stats()` returns, the numbers behind the `svcgen.client.*` metrics, as plain data.
 * Counters count from the client's creation.
 */
export interface ClientStats {
  readonly service: string;
  readonly protocol: "http" | "grpc";
  /** Calls started. */
  readonly calls: number;
  /** Calls started and not yet answered (a stream counts until it commits). */
  readonly inFlight: number;
  /** Calls that ended in an error (an HTTP error status included). */
  readonly failures: number;
  /** Attempts sent (every retry, rotation and credential replay is one). */
  readonly attempts: number;
  /** Re-sends the retry layer made (rotations included). */
  readonly retries: number;
  /** Of those, re-sends that moved to another endpoint (fail-over rotations). */
  readonly rotations: number;
  /** Re-sends the retry budget refused. */
  readonly budgetRefusals: number;
  /** Calls refused by an open circuit breaker (the service's, or every endpoint's) before anything was sent. */
  readonly breakerRejections: number;
  /** The service breaker's state; undefined when the service has no breaker. */
  readonly breaker: "closed" | "open" | "half_open" | undefined;
  /** One entry per endpoint in the set, in order. */
  readonly endpoints: readonly EndpointStats[];
}

/** Added by the runtime: ClientStats.endpoints. */
export interface EndpointStats {
  /** `scheme://host:port`. */
  readonly endpoint: string;
  /** The endpoint breaker's state; undefined when endpoints have no breakers. */
  readonly breaker: "closed" | "open" | "half_open" | undefined;
  /**
   * From the endpoint's undici Pool (the client's own connections, HTTP only; absent with a `dispatcher` of yours or
   * before the first request): requests sent and waiting (`running`), waiting for a connection (`pending`), open
   * connections (`connected`), of which idle (`free`).
   */
  readonly pool?: { readonly inFlight: number; readonly running: number; readonly pending: number; readonly connected: number; readonly free: number };
}

export interface ClientEvent {
  readonly type: string;
  readonly service: string;
  readonly [key: string]: unknown;
}

/** What a generated client is built on. */
export interface ServiceClient {
  call<T>(op: OperationDefinition, params: RequestParams | undefined, options?: CallOptions): Promise<T>;
  /**
   * Added by the runtime: `op` as a method `(params, options) => call(op, params, options)`, tagged (OPERATION) so
   * `isHttpError(error, method)` knows it. `M` is the generated method type; the runtime trusts it as it trusts `call`.
   */
  operation<M>(op: OperationDefinition): M;
  /**
   * Added by the runtime: any request through the same chain (operation name `request` in events, errors and
   * middleware). Resolves to the decoded body: JSON when the answer says JSON, text for `text/*`, else bytes.
   */
  request<T = unknown>(params: RawRequest, options?: CallOptions): Promise<T>;
  /** GET healthPath; resolves to the decoded body (JSON if the answer is JSON, else text). */
  health(options?: CallOptions): Promise<unknown>;
  ready(options?: CallOptions): Promise<unknown>;
  /** How the base URL was chosen and which policies are in force. */
  describe(): ClientDescription;
  /** Added by the runtime: calls, retries, breaker states and in-flight requests per endpoint, as plain data. */
  stats(): ClientStats;
  /** Closes connections and timers the client owns. */
  close(): Promise<void>;
}

export interface ClientDescription {
  readonly service: string;
  readonly baseUrl: string;
  /**
   * Where that base URL came from: `option`, `env:USERS_SERVICE_URL`, `env:USERS_API_SERVICE_HOST`, `config`, or
   * `headless` (pod addresses from DNS).
   */
  readonly source: string;
  /** Added by the runtime: why, in words (which variables were set or unset, namespace qualification, ...). */
  readonly reason: string;
  /** Added by the runtime: the balancer's name (`round_robin`, ..., or a custom balancer's `name`). */
  readonly balancer: string;
  /** Added by the runtime: how endpoints are found. */
  readonly discovery: DiscoveryDescription;
  readonly policy: PolicySettings;
  /** Added by the runtime: every endpoint origin in use, in order (`scheme://host:port`). */
  readonly endpoints: readonly string[];
  /** Added by the runtime: failover only, the endpoint the next call starts at (the sticky preference). */
  readonly preferred?: string;
  /** Added by the runtime: operations sent to their own servers rather than the base URL; absent when there are none. */
  readonly servers?: readonly OperationServerDescription[];
  /** Added by the runtime: the security schemes and where each one's credential comes from (never a value, variable or path). */
  readonly auth?: AuthDescription;
}

/** Added by the runtime: one operation server (ClientDescription.servers). */
export interface OperationServerDescription {
  /** As the spec gives it (the key of ClientOptions.servers). */
  readonly specUrl: string;
  /** Where its operations go: scheme, host, port and path prefix. */
  readonly url: string;
  /** `spec`, or `option` when ClientOptions.servers replaced it. */
  readonly source: "spec" | "option";
  /** Method names of the operations sent there, sorted. */
  readonly operations: readonly string[];
}

/** ClientDescription.auth: per scheme, its kind and its credential's source (`none`: no credential configured). */
export interface AuthDescription {
  readonly schemes: readonly {
    readonly scheme: string;
    readonly kind: "bearer" | "basic" | "apiKey";
    readonly source: "value" | "provider" | "env" | "file" | "none";
  }[];
}

/** How a client finds its endpoints (ClientDescription.discovery). */
export interface DiscoveryDescription {
  /** `single`: one origin (an override, Kubernetes variables or the configured URL); `static`; `headless`. */
  readonly kind: "single" | "static" | "headless";
  /** Headless: the DNS name resolved for A/AAAA records. */
  readonly dnsName: string | undefined;
  /** Headless: the SRV name queried for the named port. */
  readonly srvName: string | undefined;
  /** Headless: DNS servers in use (empty: the system's). */
  readonly dnsServers: readonly string[];
  readonly refreshMs: number | undefined;
  /** Headless: the last refresh's failure, while the last good set is kept. */
  readonly lastError: string | undefined;
}
