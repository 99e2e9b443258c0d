// The gRPC share of `<out>/clients/<key>/index.ts`: the baked GrpcServiceDefinition, one `<Service>Stub` interface
// per proto service (a method per RPC, camelCase), the `<Pascal>GrpcClient` that holds them plus health(), and
// `create<Pascal>GrpcClient()`. Call shapes: unary → Promise, server streaming → AsyncIterable, client streaming
// takes an AsyncIterable, bidi both.
import type { ProtoMethodModel, ServiceModel } from "../../model/types.js";
import { NameScope, camelCase } from "../../model/names.js";
import type { GrpcMethodSettings, GrpcServiceDefinition } from "../../runtime/grpc/types.js";
import type { GrpcStatusName } from "../../runtime/grpc/codes.js";
import type { ImportSet } from "./imports.js";
import { jsdoc, literal, str } from "./literal.js";
import { type ProtoNames, WKT, typeNames } from "./proto-names.js";
import { serviceDefinitionOf } from "./definition.js";

export const GRPC_RUNTIME = "../../runtime/grpc/index.js";
/** Every name index.ts imports for gRPC (reserved in the module's scope). */
export const GRPC_IMPORTS = [
  "GrpcServiceDefinition",
  "GrpcCallOptions",
  "GrpcClientOptions",
  "GrpcClientDescription",
  "GrpcHealthStatus",
  "createGrpcServiceClient",
  "inheritGrpcOptions",
  "MessageInitShape",
];
const PROTO_TYPES = "./grpc.js";
const PROTOBUF = "@bufbuild/protobuf";
const WKT_MODULE = "@bufbuild/protobuf/wkt";

/** Names index.ts declares for gRPC, taken before any proto symbol so they stay predictable. */
export interface GrpcNames {
  definition: string;
  client: string;
  factory: string;
  /** Service full name → its stub interface. */
  stubs: Map<string, string>;
  /** Local variable in the factories (reserved so no import shadows it). */
  runtime: string;
}

export function grpcNames(s: ServiceModel, scope: NameScope): GrpcNames {
  const stubs = new Map<string, string>();
  const definition = scope.take(`${camelCase(s.key)}GrpcDefinition`);
  const client = scope.take(`${s.pascal}GrpcClient`);
  const factory = scope.take(`create${s.pascal}GrpcClient`);
  for (const service of s.proto?.services ?? []) stubs.set(service.fullName, scope.take(`${service.name}Stub`));
  return { definition, client, factory, stubs, runtime: scope.take("runtime") };
}

/** The definition a gRPC client bakes in: the gRPC port, the named port `grpc` (when grpc_port is set), the codes. */
export function grpcDefinitionOf(s: ServiceModel): GrpcServiceDefinition {
  const http = serviceDefinitionOf(s);
  const port = s.grpcPort ?? s.port;
  const host = s.host.includes(":") && !s.host.startsWith("[") ? `[${s.host}]` : s.host;
  const portName = s.grpcPort !== undefined ? (s.mesh.kube?.grpcPortName ?? "grpc") : undefined;
  const methods = methodSettings(s);
  return {
    ...http,
    url: `${s.scheme}://${host}:${port}`,
    port,
    basePath: "",
    discovery: {
      ...http.discovery,
      endpoints: s.discovery.endpoints.map((e) => ({ ...e, port: s.grpcPort ?? e.port })),
      ...(portName !== undefined ? { portName } : {}),
    },
    healthPath: "/grpc.health.v1.Health/Check",
    readyPath: "/grpc.health.v1.Health/Check",
    grpcRetryOn: (s.proto?.retryOn ?? []) as GrpcStatusName[],
    // Only when services.toml overrides a method, so definitions without overrides stay as they were.
    ...(methods.length > 0 ? { methods } : {}),
  };
}

/** services.toml's per-method overrides, in proto declaration order (names are .proto text: emitted as literals). */
function methodSettings(s: ServiceModel): GrpcMethodSettings[] {
  const out: GrpcMethodSettings[] = [];
  for (const service of s.proto?.services ?? []) {
    for (const m of service.methods) {
      if (m.override === undefined) continue;
      out.push({ name: `${service.fullName}/${m.name}`, ...m.override });
    }
  }
  return out;
}

function retryNote(m: ProtoMethodModel, s: ServiceModel): string {
  const codes = s.proto?.retryOn ?? [];
  if (s.policy.retry.maxAttempts <= 1) return "Not retried (retries are off for this service).";
  const until =
    m.kind === "server_streaming" ? " until the first response message" : m.kind === "unary" ? "" : " while none of the request stream was read";
  const source = m.override?.idempotent !== undefined ? " (services.toml)" : "";
  if (!m.idempotent) return `Not declared idempotent${source}: retried only when no server can have received it.`;
  return `Idempotent${source}: retried on ${codes.length > 0 ? codes.join(", ") : "connection failures only"}${until}.`;
}

function deadlineNote(m: ProtoMethodModel): string {
  return m.override?.timeoutMs !== undefined ? ` Deadline ${m.override.timeoutMs} ms (services.toml).` : "";
}

export interface GrpcModuleText {
  /** Declarations for index.ts (after the HTTP part). */
  body: string;
}

export function grpcModule(s: ServiceModel, names: GrpcNames, protoNames: ProtoNames, imports: ImportSet): GrpcModuleText {
  const proto = s.proto!;
  const GrpcServiceDefinition = imports.type(GRPC_RUNTIME, "GrpcServiceDefinition");
  const GrpcCallOptions = imports.type(GRPC_RUNTIME, "GrpcCallOptions");
  const GrpcClientOptions = imports.type(GRPC_RUNTIME, "GrpcClientOptions");
  const GrpcClientDescription = imports.type(GRPC_RUNTIME, "GrpcClientDescription");
  // From the HTTP runtime's index, as a combined module imports it there too (one name, one import).
  const ClientStats = imports.type("../../runtime/index.js", "ClientStats");
  const GrpcHealthStatus = imports.type(GRPC_RUNTIME, "GrpcHealthStatus");
  const createGrpcServiceClient = imports.value(GRPC_RUNTIME, "createGrpcServiceClient");
  const MessageInitShape = imports.type(PROTOBUF, "MessageInitShape");

  /** A proto type as index.ts refers to it: imported from grpc.ts, or through the wkt namespace. */
  const ref = (fullName: string, what: "type" | "schema"): string => {
    const n = typeNames(protoNames, fullName, "message");
    if (n.wellKnown) {
      imports.namespace(WKT_MODULE, WKT);
      return what === "type" ? n.type : n.schema;
    }
    return imports.type(PROTO_TYPES, what === "type" ? n.type : n.schema);
  };

  let body = `\nexport * from ${str(PROTO_TYPES)};\n`;
  body += `\n${jsdoc([`Where \`${s.key}\`'s gRPC endpoint lives and the policies baked in (${proto.files.join(", ")}).`])}`;
  body += `export const ${names.definition}: ${GrpcServiceDefinition} = ${literal(grpcDefinitionOf(s))};\n`;

  // `then` would make a client object thenable: `await` and async returns would call it.
  const members = new NameScope(["health", "describe", "close", "then"]);
  const stubMembers: Array<{ member: string; stub: string; bindings: string[] }> = [];
  for (const service of proto.services) {
    const stub = names.stubs.get(service.fullName)!;
    const serviceConst = imports.value(PROTO_TYPES, protoNames.services.get(service.fullName)!);
    const methodScope = new NameScope(["then"]);
    const signatures: string[] = [];
    const bindings: string[] = [];
    for (const m of service.methods) {
      const name = methodScope.take(camelCase(m.name, "call"));
      const input = `${MessageInitShape}<typeof ${ref(m.input, "schema")}>`;
      const output = ref(m.output, "type");
      const streamsIn = m.kind === "client_streaming" || m.kind === "bidi_streaming";
      const streamsOut = m.kind === "server_streaming" || m.kind === "bidi_streaming";
      const param = streamsIn ? `requests: AsyncIterable<${input}>` : `request: ${input}`;
      const result = streamsOut ? `AsyncIterable<${output}>` : `Promise<${output}>`;
      const kind = { unary: "unary", server_streaming: "server streaming", client_streaming: "client streaming", bidi_streaming: "bidirectional streaming" }[m.kind];
      const doc = jsdoc([m.comment, `\`/${service.fullName}/${m.name}\` (${kind}). ${retryNote(m, s)}${deadlineNote(m)}`, m.deprecated ? "@deprecated" : undefined], "  ");
      signatures.push(`${doc}  ${name}(${param}, options?: ${GrpcCallOptions}): ${result};\n`);
      const call = { unary: "unary", server_streaming: "serverStream", client_streaming: "clientStream", bidi_streaming: "bidiStream" }[m.kind];
      const arg = streamsIn ? "requests" : "request";
      bindings.push(`      ${name}: (${arg}, options) => ${names.runtime}.${call}(${serviceConst}.method.${m.localName}, ${arg}, options),\n`);
    }
    body += `\n${jsdoc([service.comment, `Calls \`${service.fullName}\` with ${s.key}'s discovery, deadlines, retries, breaker and balancer.`, service.deprecated ? "@deprecated" : undefined])}`;
    body += `export interface ${stub} {\n${signatures.join("")}}\n`;
    stubMembers.push({ member: members.take(camelCase(service.name)), stub, bindings });
  }

  body += `\n${jsdoc([`The gRPC client of \`${s.key}\`: one member per proto service; create it with {@link ${names.factory}}.`])}`;
  body += `export interface ${names.client} {\n`;
  for (const { member, stub } of stubMembers) body += `  readonly ${member}: ${stub};\n`;
  body += `  /** \`grpc.health.v1.Health/Check\` for \`service\` ("" asks about the whole server). */\n`;
  body += `  health(service?: string, options?: ${GrpcCallOptions}): Promise<${GrpcHealthStatus}>;\n`;
  body += `  /** Where calls go and why, and the policies in force. */\n`;
  body += `  describe(): ${GrpcClientDescription};\n`;
  body += `  /** Calls, retries and breaker states, as plain data (what the \`svcgen.client.*\` metrics report). */\n`;
  body += `  stats(): ${ClientStats};\n`;
  body += `  /** Closes the connections and timers this client owns. */\n`;
  body += `  close(): Promise<void>;\n`;
  body += `}\n`;

  body += `\n${jsdoc([
    `Creates the gRPC client of \`${s.key}\` (${grpcDefinitionOf(s).url}).`,
    "`options.baseUrl` wins over every other way of finding the service.",
  ])}`;
  body += `export function ${names.factory}(options?: ${GrpcClientOptions}): ${names.client} {\n`;
  body += `  const ${names.runtime} = ${createGrpcServiceClient}(${names.definition}, options);\n`;
  body += `  return {\n`;
  for (const { member, bindings } of stubMembers) body += `    ${member}: {\n${bindings.join("")}    },\n`;
  body += `    health: (service, options) => ${names.runtime}.health(service, options),\n`;
  body += `    describe: () => ${names.runtime}.describe(),\n`;
  body += `    stats: () => ${names.runtime}.stats(),\n`;
  body += `    close: () => ${names.runtime}.close(),\n`;
  body += `  };\n`;
  body += `}\n`;
  return { body };
}
