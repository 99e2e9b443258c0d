// The runtime's public surface. Generated clients import only from here; users may too (`<out>/runtime/index.js`).
export { createServiceClient, createServiceClientWith } from "./client.js";
export type { RuntimeHooks } from "./client.js";
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
  EndpointSetError,
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
  isEndpointSetError,
} from "./errors.js";
export type { EndpointSetProblem, ErrorContext } from "./errors.js";
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
  CallOptions,
  CircuitBreakerSettings,
  ClientDescription,
  ClientEvent,
  ClientOptions,
  DiscoveryKind,
  EndpointSettings,
  LoadBalancerKind,
  OperationDefinition,
  ParamDefinition,
  ParamLocation,
  ParamStyle,
  PolicySettings,
  RequestBodyKind,
  RequestParams,
  ResponseInfo,
  ResponseKind,
  RetrySettings,
  ServiceClient,
  ServiceDefinition,
} from "./types.js";
