// The runtime's public surface. Generated clients import only from here; users may too (`<out>/runtime/index.js`).
export { createServiceClient, createServiceClientWith } from "./client.js";
export type { RuntimeHooks } from "./client.js";
export type { AttemptHandler, AttemptRequest, AttemptResponse, Middleware } from "./middleware.js";
export { OPERATION } from "./operation.js";
export type {
  AuthOptions,
  BasicCredential,
  Credential,
  CredentialSource,
  SecurityRequirements,
  SecuritySchemeDefinition,
  TlsOptions,
  TlsSettings,
  TokenProvider,
  TokenResult,
} from "./auth/types.js";
export type {
  AcceptedBody,
  DocumentedErrors,
  HttpErrorOf,
  OperationMethod,
  OperationResult,
  OperationTag,
  OptionalParamsOperationMethod,
} from "./operation.js";
export {
  SvcgenError,
  HttpError,
  ConnectError,
  ResetError,
  TimeoutError,
  DeadlineExceededError,
  CircuitOpenError,
  EndpointsExhaustedError,
  AbortError,
  DecodeError,
  RequestError,
  ConfigError,
  CredentialError,
  EndpointSetError,
  NoEndpointsError,
  ResponseTooLargeError,
  isSvcgenError,
  isHttpError,
  isConnectError,
  isResetError,
  isTimeoutError,
  isDeadlineExceededError,
  isCircuitOpenError,
  isEndpointsExhaustedError,
  isAbortError,
  isDecodeError,
  isRequestError,
  isConfigError,
  isCredentialError,
  isEndpointSetError,
  isNoEndpointsError,
  isResponseTooLargeError,
} from "./errors.js";
export { DEFAULT_MAX_RESPONSE_BYTES, ERROR_BODY_LIMIT } from "./response.js";
export type { EndpointSetProblem, ErrorContext, NoEndpointsReason } from "./errors.js";
// The built-in balancers, for users who wrap or extend one in their own (ClientOptions.balancer).
export { RoundRobinBalancer } from "./balancers/round-robin.js";
export { FailoverBalancer } from "./balancers/failover.js";
export { ConsistentHashBalancer } from "./balancers/consistent-hash.js";
export { LeastRequestBalancer } from "./balancers/least-request.js";
export { HealthAwareBalancer } from "./balancers/health-aware.js";
export { validateEndpointSet } from "./endpoints.js";
export type { Endpoint } from "./endpoints.js";
export { envKey } from "./base-url.js";
export { realClock } from "./clock.js";
export type { Clock } from "./clock.js";
export { channelName, EVENT_TYPES } from "./events.js";
export type { EventType } from "./events.js";
export { provesNotProcessed } from "./classify.js";
export type { BreakerState } from "./breaker.js";
export type {
  AttemptRecord,
  AttemptResult,
  AuthDescription,
  BodyEncoding,
  Balancer,
  BalancerContext,
  BalancerFactory,
  CallOptions,
  CircuitBreakerSettings,
  ClientDescription,
  ClientEvent,
  ClientOptions,
  ClientStats,
  DiscoveryDescription,
  DiscoveryKind,
  EndpointChange,
  EndpointSettings,
  EndpointStats,
  HealthCheckOptions,
  LoadBalancerKind,
  OperationDefinition,
  OperationServerDescription,
  OperationServerSettings,
  ParamDefinition,
  ParamLocation,
  ParamStyle,
  PickRequest,
  PolicySettings,
  QueryValue,
  RawRequest,
  RedirectHop,
  RequestBodyKind,
  RequestParams,
  ResponseInfo,
  ResponseKind,
  RetrySettings,
  ServiceClient,
  ServiceDefinition,
  TelemetryOptions,
} from "./types.js";
export type { MeterProviderLike, TracerProviderLike } from "./telemetry/api.js";
