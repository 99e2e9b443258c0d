// ServiceModel fixtures built directly (no config parser), shared by the mesh, lint and YAML emitter tests. A draft
// service carries its mesh settings as services.toml would (`settings` in TOML's names, already checked); model()
// and resolved() turn drafts into model services through the real resolve step (src/resolve/service.ts).
import { serviceSecurity } from "../../src/resolve/auth.js";
import type { MeshSettings } from "../../src/config/types.js";
import type { Diagnostic, SourceLocation } from "../../src/diagnostics.js";
import { meshFor } from "../../src/emit/yaml/meshes/index.js";
import { resolveMesh as resolveMeshOf } from "../../src/mesh/index.js";
import type { Model, OperationModel, ProtoMethodModel, ProtoModel, ProtoServiceModel, ResolvedMesh, ResolvedPolicy, ServiceModel } from "../../src/model/types.js";
import { resolveService } from "../../src/resolve/service.js";

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

/** A service's mesh as services.toml sets it: kind, retry owner and the other `[…mesh]` keys (TOML names). */
export interface MeshDraft {
  kind: "none" | "istio" | "linkerd";
  retryOwner: "client" | "mesh";
  settings: Record<string, unknown>;
}

export type DraftService = Omit<ServiceModel, "mesh"> & { mesh: MeshDraft };

type Locate = (path: string[]) => SourceLocation | undefined;
const noLocate: Locate = () => undefined;

export function settingsOf(draft: MeshDraft): MeshSettings {
  return { kind: draft.kind, retry_owner: draft.retryOwner, ...draft.settings } as MeshSettings;
}

function isDraft(s: DraftService | ServiceModel): s is DraftService {
  return "settings" in s.mesh;
}

/** The draft's mesh as the resolve step computes it (before the client's retries are switched off). */
export function resolveMesh(s: DraftService, locate: Locate = noLocate): { mesh: ResolvedMesh; diagnostics: Diagnostic[] } {
  const { mesh, ...base } = s;
  return resolveMeshOf(base, settingsOf(mesh), locate, meshFor);
}

/** The model service of a draft, with what resolving it reported. */
export function resolvedWith(s: DraftService, locate: Locate = noLocate): { service: ServiceModel; diagnostics: Diagnostic[] } {
  const { mesh, ...base } = s;
  return resolveService(base, settingsOf(mesh), locate);
}

/** The model service of a draft (model services pass through). */
export function resolved(s: DraftService | ServiceModel, locate: Locate = noLocate): ServiceModel {
  return isDraft(s) ? resolvedWith(s, locate).service : s;
}

export function service(overrides: Partial<DraftService> & { key?: string } = {}): DraftService {
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
    security: serviceSecurity(undefined),
    ...overrides,
  };
}

export function withSpec<S extends DraftService | ServiceModel>(s: S, operations: OperationModel[] = USER_OPERATIONS): S {
  return {
    ...s,
    openapi: {
      file: "specs/users.yaml",
      inputs: ["specs/users.yaml"],
      openapiVersion: "3.0.3",
      title: "Users",
      version: "1.0.0",
      typesBody: new TextEncoder().encode("export interface paths {}\n"),
      operations,
    },
  };
}

export function model(services: Array<DraftService | ServiceModel>, caller = "order-api"): Model {
  return {
    modelVersion: 2,
    configFile: CONFIG,
    caller: { name: caller, location: { file: CONFIG, line: 2, column: 1 }, labels: { app: caller } },
    services: services.map((s) => resolved(s)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
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
