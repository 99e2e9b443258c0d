// `<out>/clients/<key>/index.ts`: the typed client of one service.
import type { ServiceModel } from "../../model/types.js";
import { ImportSet } from "./imports.js";
import { jsdoc, literal, str } from "./literal.js";
import { NameScope, camelCase } from "../../model/names.js";
import { serviceDefinitionOf } from "./definition.js";
import { GRPC_IMPORTS, GRPC_RUNTIME, grpcModule, grpcNames } from "./grpc-client.js";
import { protoNames, protoScope } from "./proto-names.js";
import { protoTypesFile } from "./proto-file.js";
import { operationNames, operationSignature, operationTable, operationTypes } from "./operation.js";
import type { MockImports } from "./mock.js";

const RUNTIME = "../../runtime/index.js";
const TYPES = "./types.js";

export { serviceDefinitionOf };

export interface ServiceFileText {
  imports: ImportSet;
  body: string;
  /** `grpc.ts` (protobuf types and descriptors), for a service with gRPC services. */
  protoTypes?: { imports: ImportSet; body: string };
  /** The gRPC factory and client type, for the barrel. */
  grpcExports?: { factory: string; client: string };
  /** The names `mock.ts` imports from this module (a service with an OpenAPI spec). */
  mockImports?: MockImports;
}

/** Does the service get a gRPC client (proto files that declare at least one service)? */
export function hasGrpc(s: ServiceModel): boolean {
  return s.proto !== undefined && s.proto.services.length > 0;
}

/** Body text of the module (imports are registered on the returned set and printed by the caller). */
export function serviceFile(s: ServiceModel): ServiceFileText {
  const imports = new ImportSet();
  const createServiceClient = imports.value(RUNTIME, "createServiceClient");
  const CallOptions = imports.type(RUNTIME, "CallOptions");
  const ClientOptions = imports.type(RUNTIME, "ClientOptions");
  const ClientDescription = imports.type(RUNTIME, "ClientDescription");
  const ClientStats = imports.type(RUNTIME, "ClientStats");
  const RawRequest = imports.type(RUNTIME, "RawRequest");
  const ServiceDefinition = imports.type(RUNTIME, "ServiceDefinition");
  const ops = s.openapi?.operations ?? [];
  const OperationDefinition = ops.length > 0 ? imports.type(RUNTIME, "OperationDefinition") : "";
  const paths = s.openapi ? imports.type(TYPES, "paths") : "";

  const clientType = `${s.pascal}Client`;
  const factory = `create${s.pascal}Client`;
  const definition = `${camelCase(s.key)}Definition`;
  const grpc = hasGrpc(s);
  const seeds = [
    createServiceClient,
    CallOptions,
    ClientOptions,
    ClientDescription,
    RawRequest,
    ServiceDefinition,
    "OperationDefinition",
    "OperationMethod",
    "OptionalParamsOperationMethod",
    "paths",
    "components",
    "operations",
    "webhooks",
    "Multipart",
    clientType,
    factory,
    definition,
    "TokenProvider",
    "BasicCredential",
  ];
  // With gRPC, index.ts also re-exports grpc.ts: one scope for both, which keeps globals free as well.
  const scope = grpc ? protoScope([...seeds, ...GRPC_IMPORTS, "grpc", "grpcClient"]) : new NameScope(seeds);
  const authType = scope.take(`${s.pascal}Auth`);
  const names = ops.map((op) => operationNames(op, scope));
  const gNames = grpc ? grpcNames(s, scope) : undefined;
  const pNames = grpc ? protoNames(s.proto!, scope) : undefined;
  // Taken last, so every name handed out before it (exported proto symbols among them) stays what it was.
  const table = ops.length > 0 ? scope.take("operationDefinitions") : "";
  const GrpcClientOptions = grpc ? imports.type(GRPC_RUNTIME, "GrpcClientOptions") : "";

  let body = "";
  if (s.openapi) {
    body += `export type { components, operations, paths } from ${str(TYPES)};\n\n`;
  }
  const where = s.openapi ? ` from ${s.openapi.file} (${s.openapi.title} ${s.openapi.version})` : "";
  body += jsdoc([`\`${s.key}\` as services.toml describes it${where}: where it lives and the policies baked in.`]);
  body += `export const ${definition}: ${ServiceDefinition} = ${literal(serviceDefinitionOf(s))};\n`;

  body += `\n${authInterface(s, authType, imports)}`;

  if (ops.some((op) => op.requestBody?.kind === "multipart")) {
    body += `\n/** A multipart body: every field may also be a file (Blob) or raw bytes. */\n`;
    body += `type Multipart<T> = { [K in keyof T]: T[K] | Blob | Uint8Array };\n`;
  }
  ops.forEach((op, i) => {
    const opType = `${paths}[${str(op.path)}][${str(op.method)}]`;
    body += `\n${operationTypes(op, opType, names[i]!, "Multipart", () => imports.type(TYPES, "components"))}`;
  });

  body += `\n${jsdoc([`A typed client for \`${s.key}\`; create it with {@link ${factory}}.`])}`;
  const methodTypes = {
    required: () => imports.type(RUNTIME, "OperationMethod"),
    optional: () => imports.type(RUNTIME, "OptionalParamsOperationMethod"),
    auth: authType,
  };
  body += `export interface ${clientType} {\n`;
  ops.forEach((op, i) => {
    body += operationSignature(op, names[i]!, CallOptions, methodTypes);
  });
  body += jsdoc(
    [
      "Any request, through the same policies as the operations (base URL, deadline, retries, breaker, balancer, middleware).",
      "Retried when the method is idempotent or `options.idempotencyKey` is set. Resolves to the body (JSON when the answer says JSON, text for `text/*`, else bytes); non-2xx rejects with HttpError.",
    ],
    "  ",
  );
  body += `  request<T = unknown>(params: ${RawRequest}, options?: ${CallOptions}): Promise<T>;\n`;
  body += jsdoc([`\`GET ${s.healthPath}\`: liveness of the service.`], "  ");
  body += `  health(options?: ${CallOptions}): Promise<unknown>;\n`;
  body += jsdoc([`\`GET ${s.readyPath}\`: readiness of the service.`], "  ");
  body += `  ready(options?: ${CallOptions}): Promise<unknown>;\n`;
  if (gNames) {
    body += `  /** The gRPC client (created on first use), as {@link ${gNames.factory}} makes it. */\n`;
    body += `  readonly grpc: ${gNames.client};\n`;
  }
  body += `  /** Where requests go and why, and the policies in force. */\n`;
  body += `  describe(): ${ClientDescription};\n`;
  body += `  /** Calls, retries, breaker states and in-flight requests per endpoint, as plain data (what the \`svcgen.client.*\` metrics report). */\n`;
  body += `  stats(): ${ClientStats};\n`;
  body += `  /** Closes the connections and timers this client owns. */\n`;
  body += `  close(): Promise<void>;\n`;
  body += `}\n`;
  if (ops.length > 0) body += `\n${operationTable(ops, table, OperationDefinition)}`;

  body += `\n${jsdoc([
    `Creates a client for \`${s.key}\` (${s.url}).`,
    "`options.baseUrl` wins over every other way of finding the service.",
  ])}`;
  const inherit = gNames ? imports.value(GRPC_RUNTIME, "inheritGrpcOptions") : "";
  if (gNames) {
    body += `export function ${factory}(options?: Omit<${ClientOptions}, "auth"> & { auth?: ${authType}; grpc?: ${GrpcClientOptions} }): ${clientType} {\n`;
    body += `  const client = ${createServiceClient}(${definition}, options);\n`;
    body += `  let grpcClient: ${gNames.client} | undefined;\n`;
  } else {
    body += `export function ${factory}(options?: Omit<${ClientOptions}, "auth"> & { auth?: ${authType} }): ${clientType} {\n`;
    body += `  const client = ${createServiceClient}(${definition}, options);\n`;
  }
  // Without operations the client is one literal; with them, the operations' methods are made in a loop over the
  // table: a property per operation would have the user's tsc infer each method and compare it with the interface.
  const own = ["request", "health", "ready", ...(gNames ? ["grpc"] : []), "describe", "stats", "close"];
  if (ops.length > 0) {
    body += `  const methods: Record<string, unknown> = {};\n`;
    body += `  for (const op of ${table}) methods[op.id] = client.operation(op);\n`;
    body += `  const own: Pick<${clientType}, ${own.map(str).join(" | ")}> = {\n`;
  } else {
    body += `  return {\n`;
  }
  body += `    request: <T = unknown>(params: ${RawRequest}, options?: ${CallOptions}): Promise<T> => client.request<T>(params, options),\n`;
  body += `    health: (options) => client.health(options),\n`;
  body += `    ready: (options) => client.ready(options),\n`;
  if (gNames) {
    body += `    get grpc() {\n`;
    body += `      return (grpcClient ??= ${gNames.factory}(${inherit}(options)));\n`;
    body += `    },\n`;
    body += `    describe: () => client.describe(),\n`;
    body += `    stats: () => client.stats(),\n`;
    body += `    close: async () => {\n`;
    body += `      await Promise.all([client.close(), grpcClient?.close()]);\n`;
    body += `    },\n`;
  } else {
    body += `    describe: () => client.describe(),\n`;
    body += `    stats: () => client.stats(),\n`;
    body += `    close: () => client.close(),\n`;
  }
  body += `  };\n`;
  if (ops.length > 0) {
    // The same object as one literal of all members: the methods first, then the rest (a getter stays a getter).
    body += `  return Object.defineProperties(methods, Object.getOwnPropertyDescriptors(own)) as unknown as ${clientType};\n`;
  }
  body += `}\n`;
  const mockImports = s.openapi ? { definition, table, names } : undefined;
  if (!gNames || !pNames) return { imports, body, ...(mockImports ? { mockImports } : {}) };
  body += grpcModule(s, gNames, pNames, imports).body;
  const protoImports = new ImportSet();
  const protoBody = protoTypesFile(s.proto!, pNames, protoImports);
  return {
    imports,
    body,
    protoTypes: { imports: protoImports, body: protoBody },
    grpcExports: { factory: gNames.factory, client: gNames.client },
    ...(mockImports ? { mockImports } : {}),
  };
}

/** `<Pascal>Auth`: (a type, not an interface, so it is assignable to the runtime's AuthOptions record) the client option `auth`, one optional member per security scheme the client can send. */
function authInterface(s: ServiceModel, name: string, imports: ImportSet): string {
  const schemes = s.security.schemes;
  const members = Object.keys(schemes).map((scheme) => {
    const m = schemes[scheme]!;
    const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(scheme) ? scheme : str(scheme);
    if (m.kind === "basic") {
      return `${jsdoc(["`Authorization: Basic …` (http basic)."], "  ")}  ${key}?: ${imports.type(RUNTIME, "BasicCredential")};`;
    }
    const how = m.kind === "bearer" ? `\`Authorization: Bearer <token>\` (${m.type === "http" ? "http bearer" : m.type})` : `API key in the ${m.in} \`${m.name}\``;
    return `${jsdoc([`${how}: a token, or a provider called when one is needed (cached until shortly before \`expiresAt\`).`], "  ")}  ${key}?: string | ${imports.type(RUNTIME, "TokenProvider")};`;
  });
  const source = s.security.implied ? "`bearer` or `basic` (no spec schemes)" : "the spec's security schemes";
  return `${jsdoc([`Credentials for \`${s.key}\` by ${source}: the client option \`auth\` (a call's \`auth\` wins per scheme).`])}export type ${name} = {\n${members.join("\n")}\n};\n`;
}
