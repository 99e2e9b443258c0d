// The contract between generated gRPC clients and the gRPC runtime. Public API (users import it through
// `<out>/runtime/grpc/index.js`): add, never rename. Policy types are the HTTP runtime's own (../types.ts).
import type * as http2 from "node:http2";
import type { Interceptor } from "@connectrpc/connect";
import type {
  AttemptRecord,
  Balancer,
  BalancerFactory,
  ClientDescription,
  ClientEvent,
  HealthCheckOptions,
  ServiceDefinition,
  TelemetryOptions,
} from "../types.js";
import type { GrpcStatusName } from "./codes.js";
import type { Middleware } from "../middleware.js";
import type { AuthOptions, TlsOptions } from "../auth/types.js";

/**
 * Everything a generated gRPC client bakes in about one service: the HTTP runtime's definition with the gRPC port in
 * `url`/`port` (and static endpoints), the named port `grpc` for Kubernetes variables and SRV records, and the status
 * codes to retry.
 */
export interface GrpcServiceDefinition extends ServiceDefinition {
  /** gRPC status names that are retried (`retry.grpc_retry_on`). */
  readonly grpcRetryOn: readonly GrpcStatusName[];
  /**
   * Per-method settings from services.toml (`[external_services.<key>.operations."<package>.<Service>/<Method>"]`),
   * only for methods it names. A list, not a map keyed by .proto names.
   */
  readonly methods?: readonly GrpcMethodSettings[];
}

/** One method's overrides of the service's policy; absent fields keep the service's (or the .proto's) value. */
export interface GrpcMethodSettings {
  /** `auth.v1.AuthService/IssueToken`: the call path without its leading `/`. */
  readonly name: string;
  /** Wins over the .proto's idempotency_level: may a call the server may have run be sent again. */
  readonly idempotent?: boolean;
  /** Overall deadline of a call of this method (ms); wins over `policy.timeoutMs`, a call's `timeoutMs` wins over it. */
  readonly timeoutMs?: number;
}

/** The second argument of every generated gRPC method. Same meaning as the HTTP runtime's CallOptions. */
export interface GrpcCallOptions {
  /** Aborts the whole call (every attempt, pause and stream) at once; the call ends in an AbortError. */
  signal?: AbortSignal;
  /**
   * Overall deadline in ms, covering every attempt and pause (defaults to the service's timeout_ms); what is left
   * of it is sent as `grpc-timeout` with each attempt. For a stream it bounds the whole stream: pass `Infinity` for a
   * stream that may stay open.
   */
  timeoutMs?: number;
  /** Request metadata for this call (wins over the client's `headers`). Keys ending in `-bin` carry base64. */
  headers?: Record<string, string>;
  /** Hears the response metadata (headers and trailers) and the attempt trace once the call succeeded. */
  onResponse?: (info: GrpcResponseInfo) => void;
  /** Hears this call's own events (attempts, retries), after the client's `onEvent`. */
  onEvent?: (event: ClientEvent) => void;
  /** Credentials for this call (`bearer`, `basic`), sent as `authorization` metadata; win per scheme over the client's. */
  auth?: AuthOptions;
}

export interface GrpcResponseInfo {
  /** Origin that answered, `scheme://host:port`. */
  readonly endpoint: string;
  /** Response headers, lower-case names (the protocol's own left out). */
  readonly headers: Readonly<Record<string, string>>;
  /** Response trailers, lower-case names (grpc-status and grpc-message left out). */
  readonly trailers: Readonly<Record<string, string>>;
  readonly attempts: readonly AttemptRecord[];
}

export interface GrpcClientOptions {
  /** `http://host:port` (h2c) or `https://host:port` (TLS); wins over every other way of finding the service. */
  baseUrl?: string;
  /** Metadata sent with every call. */
  headers?: Record<string, string>;
  /** Your own balancer, as for the HTTP client; replaces `load_balancer`. */
  balancer?: Balancer | BalancerFactory;
  /** DNS servers (`host:port`) for headless discovery; wins over `dns_servers`. */
  dnsServers?: readonly string[];
  /** Active probes of the `health_aware` balancer, over grpc.health.v1 (`path` is ignored). */
  healthCheck?: HealthCheckOptions;
  /** Hears every runtime event (attempts, retries, breaker changes, endpoint changes). */
  onEvent?: (event: ClientEvent) => void;
  /** Environment for endpoint resolution (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Connection age cap in ms (0: none; default the definition's, else 60 000): older HTTP/2 connections take no new
   * calls and close once idle, so a long-lived connection through a ClusterIP Service cannot pin every call to one pod.
   */
  maxConnectionAgeMs?: number;
  /** node:http2 session options for every connection (TLS `ca`, `cert`, `key`, `servername`, ...). */
  nodeOptions?: http2.ClientSessionOptions | http2.SecureClientSessionOptions;
  /**
   * mTLS client certificate and CA, as the HTTP client's `tls` option (wins over services.toml's `tls`, and over
   * nodeOptions' `ca`/`cert`/`key`); files are re-read when they change.
   */
  tls?: TlsOptions;
  /**
   * svcgen middleware (the HTTP client's shape, ../middleware.ts): once per attempt, outside the connect-es
   * interceptors; what it returns is the attempt's outcome for retries and breakers. First listed is outermost.
   */
  middleware?: Middleware[];
  /** connect-es interceptors, run inside each attempt (first listed is outermost). */
  interceptors?: Interceptor[];
  /**
   * Largest response message read, bytes (default the definition's max_response_bytes, else 32 MiB); a larger one
   * fails the call with RESOURCE_EXHAUSTED.
   */
  maxResponseBytes?: number;
  /**
   * Credentials by scheme name (`bearer`: a token or TokenProvider; `basic`: `{ username, password }`), sent as
   * `authorization` metadata; win over services.toml's sources. UNAUTHENTICATED refreshes a provider's token and
   * replays the call once.
   */
  auth?: AuthOptions;
  /** OpenTelemetry spans and metrics, as the HTTP client's `telemetry` option (RPC conventions; `false`: off). */
  telemetry?: boolean | TelemetryOptions;
}

/** What `describe()` tells about a gRPC client: the HTTP client's description plus the retried status codes. */
export interface GrpcClientDescription extends ClientDescription {
  readonly retryOn: readonly GrpcStatusName[];
}

/** grpc.health.v1 serving status. */
export type GrpcHealthStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";
