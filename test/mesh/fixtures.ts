// ServiceModel fixtures built directly (no config parser), shared by the mesh, lint and YAML emitter tests.
import type { Model, OperationModel, ProtoMethodModel, ProtoModel, ProtoServiceModel, ResolvedPolicy, ServiceModel } from "../../src/model/types.js";

export const CONFIG = "services.toml";

export function policy(overrides: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    timeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    retry: {
      maxAttempts: 3,
      initialBackoffMs: 100,
      maxBackoffMs: 2_000,
      jitter: "full",
      retryOnConnect: true,
      retryOnTimeout: true,
      retryOnStatus: [502, 503, 504],
      budgetRatio: 0.2,
    },
    circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 5, openMs: 30_000, halfOpenRequests: 1, maxEjectionPercent: 50 },
    loadBalancer: "round_robin",
    ...overrides,
  };
}

export function operation(overrides: Partial<OperationModel> & Pick<OperationModel, "name" | "method" | "path">): OperationModel {
  const idempotent = !["post", "patch"].includes(overrides.method);
  return {
    operationId: overrides.name,
    deprecated: false,
    idempotent,
    parameters: [],
    success: [{ status: "200", contentType: "application/json", kind: "json" }],
    errors: [],
    location: { file: "specs/users.yaml", pointer: `#/paths/${overrides.path.replace(/\//g, "~1")}/${overrides.method}` },
    ...overrides,
  };
}

export const USER_OPERATIONS: OperationModel[] = [
  operation({ name: "createUser", method: "post", path: "/users" }),
  operation({
    name: "getUser",
    method: "get",
    path: "/users/{id}",
    parameters: [
      { name: "id", in: "path", required: true, style: "simple", explode: false, shape: "primitive", deprecated: false },
      { name: "x-user-id", in: "header", required: false, style: "simple", explode: false, shape: "primitive", deprecated: false },
    ],
  }),
  operation({ name: "listUsers", method: "get", path: "/users" }),
  operation({ name: "updateUser", method: "patch", path: "/users/{id}", timeoutMs: 2_000 }),
];

export function service(overrides: Partial<ServiceModel> & { key?: string } = {}): ServiceModel {
  const key = overrides.key ?? "users_service";
  const host = overrides.host ?? "users-api";
  const port = overrides.port ?? 8080;
  return {
    key,
    pascal: "UsersService",
    location: { file: CONFIG, line: 10, column: 1 },
    url: `http://${host}:${port}`,
    scheme: "http",
    host,
    port,
    basePath: "",
    namespace: "default",
    discovery: { kind: "dns", endpoints: [], dnsServers: [] },
    policy: policy(),
    mesh: { kind: "none", retryOwner: "client", settings: {} },
    healthPath: "/health",
    readyPath: "/ready",
    ...overrides,
  };
}

export function withSpec(s: ServiceModel, operations: OperationModel[] = USER_OPERATIONS): ServiceModel {
  return {
    ...s,
    openapi: {
      file: "specs/users.yaml",
      inputs: ["specs/users.yaml"],
      openapiVersion: "3.0.3",
      title: "Users",
      version: "1.0.0",
      typesSource: "export interface paths {}\n",
      operations,
    },
  };
}

export function model(services: ServiceModel[], caller = "order-api"): Model {
  return {
    modelVersion: 1,
    configFile: CONFIG,
    caller: { name: caller, location: { file: CONFIG, line: 2, column: 1 } },
    services: [...services].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}

/** A gRPC API with no services in it: enough for what the mesh and the lint read (`retry.grpc_retry_on`). */
export function proto(retryOn: string[], services: ProtoServiceModel[] = []): ProtoModel {
  return { files: ["protos/x.proto"], protoPaths: [], inputs: ["protos/x.proto"], retryOn, descriptors: [], services };
}

/** A unary method; `timeoutMs` as services.toml's per-method override would set it. */
export function grpcMethod(name: string, idempotent: boolean, timeoutMs?: number): ProtoMethodModel {
  return {
    name,
    localName: name.charAt(0).toLowerCase() + name.slice(1),
    kind: "unary",
    input: "x.v1.Request",
    output: "x.v1.Response",
    idempotent,
    ...(timeoutMs !== undefined ? { override: { timeoutMs } } : {}),
    deprecated: false,
    location: { file: "protos/x.proto", line: 5, column: 3 },
  };
}

export function grpcService(fullName: string, methods: ProtoMethodModel[]): ProtoServiceModel {
  return {
    fullName,
    name: fullName.split(".").pop()!,
    file: "x.proto",
    index: 0,
    deprecated: false,
    methods,
    location: { file: "protos/x.proto", line: 3, column: 1 },
  };
}
