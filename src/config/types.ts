// What src/config hands to the model builder: the validated services.toml, policies already resolved
// (built-in defaults → [resilience] → [defaults] → the service's own table), every fact with its TOML position.
import type {
  DiscoveryModel,
  MeshModel,
  ResolvedPolicy,
  SourceLocation,
} from "../model/types.js";

export interface OperationOverride {
  /** The TOML key as written: an OpenAPI operationId or a gRPC method's `<package>.<Service>/<Method>`. */
  operationId: string;
  idempotent?: boolean;
  timeoutMs?: number;
  maxResponseBytes?: number;
  location: SourceLocation;
}

export interface ServiceConfig {
  key: string;
  location: SourceLocation;
  url: string;
  scheme: "http" | "https";
  host: string;
  port: number;
  basePath: string;
  namespace?: string;
  grpcPort?: number;
  /** Spec paths relative to the config file's directory, as written (with `/`). */
  openapi?: { path: string; location: SourceLocation };
  /** `protoPaths`: the service's proto_paths, then those of [defaults] (relative to the config file's directory). */
  proto?: { paths: string[]; protoPaths: string[]; location: SourceLocation };
  /**
   * Folders (relative to the config file's directory) a spec's `$ref`s and a .proto's imports may read besides the
   * spec's own folder: the service's `ref_roots`, then those of [defaults].
   */
  refRoots: string[];
  /** gRPC status names retried (retry.grpc_retry_on, resolved like every retry key); set when `proto` is. */
  grpcRetryOn?: string[];
  discovery: DiscoveryModel;
  policy: ResolvedPolicy;
  mesh: MeshModel;
  healthPath: string;
  readyPath: string;
  /** `[external_services.<key>.operations.<operationId or gRPC method>]`, sorted by key. */
  operations: OperationOverride[];
}

export interface ConfigModel {
  /** Path of the config file as given (relative), used in diagnostics. */
  file: string;
  caller?: { name: string; location: SourceLocation };
  /** Sorted by key. */
  services: ServiceConfig[];
}
