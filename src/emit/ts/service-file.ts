// `<out>/clients/<key>/index.ts`: the typed client of one service.
import type { ServiceModel } from "../../model/types.js";
import type { ServiceDefinition } from "../../runtime/types.js";
import { ImportSet } from "./imports.js";
import { jsdoc, literal, str } from "./literal.js";
import { NameScope, camelCase } from "../../model/names.js";
import {
  operationBinding,
  operationDefinition,
  operationNames,
  operationSignature,
  operationTypes,
} from "./operation.js";

const RUNTIME = "../../runtime/index.js";
const TYPES = "./types.js";

export function serviceDefinitionOf(s: ServiceModel): ServiceDefinition {
  return {
    name: s.key,
    url: s.url,
    scheme: s.scheme,
    host: s.host,
    port: s.port,
    basePath: s.basePath,
    ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
    discovery: {
      kind: s.discovery.kind,
      ...(s.discovery.headlessName !== undefined ? { headlessName: s.discovery.headlessName } : {}),
      endpoints: s.discovery.endpoints,
      ...(s.discovery.refreshMs !== undefined ? { refreshMs: s.discovery.refreshMs } : {}),
      dnsServers: s.discovery.dnsServers,
    },
    policy: s.policy,
    healthPath: s.healthPath,
    readyPath: s.readyPath,
  };
}

export interface ServiceFileText {
  imports: ImportSet;
  body: string;
}

/** Body text of the module (imports are registered on the returned set and printed by the caller). */
export function serviceFile(s: ServiceModel): ServiceFileText {
  const imports = new ImportSet();
  const createServiceClient = imports.value(RUNTIME, "createServiceClient");
  const CallOptions = imports.type(RUNTIME, "CallOptions");
  const ClientOptions = imports.type(RUNTIME, "ClientOptions");
  const ClientDescription = imports.type(RUNTIME, "ClientDescription");
  const ServiceDefinition = imports.type(RUNTIME, "ServiceDefinition");
  const ops = s.openapi?.operations ?? [];
  const OperationDefinition = ops.length > 0 ? imports.type(RUNTIME, "OperationDefinition") : "";
  const paths = s.openapi ? imports.type(TYPES, "paths") : "";

  const clientType = `${s.pascal}Client`;
  const factory = `create${s.pascal}Client`;
  const definition = `${camelCase(s.key)}Definition`;
  const scope = new NameScope([
    createServiceClient,
    CallOptions,
    ClientOptions,
    ClientDescription,
    ServiceDefinition,
    "OperationDefinition",
    "paths",
    "components",
    "operations",
    "webhooks",
    "Multipart",
    clientType,
    factory,
    definition,
  ]);
  const names = ops.map((op) => operationNames(op, scope));

  let body = "";
  if (s.openapi) {
    body += `export type { components, operations, paths } from ${str(TYPES)};\n\n`;
  }
  const where = s.openapi ? ` from ${s.openapi.file} (${s.openapi.title} ${s.openapi.version})` : "";
  body += jsdoc([`\`${s.key}\` as services.toml describes it${where}: where it lives and the policies baked in.`]);
  body += `export const ${definition}: ${ServiceDefinition} = ${literal(serviceDefinitionOf(s))};\n`;

  if (ops.some((op) => op.requestBody?.kind === "multipart")) {
    body += `\n/** A multipart body: every field may also be a file (Blob) or raw bytes. */\n`;
    body += `type Multipart<T> = { [K in keyof T]: T[K] | Blob | Uint8Array };\n`;
  }
  ops.forEach((op, i) => {
    const opType = `${paths}[${str(op.path)}][${str(op.method)}]`;
    body += `\n${operationTypes(op, opType, names[i]!, "Multipart")}`;
    body += operationDefinition(op, names[i]!, OperationDefinition);
  });

  body += `\n${jsdoc([`A typed client for \`${s.key}\`; create it with {@link ${factory}}.`])}`;
  body += `export interface ${clientType} {\n`;
  ops.forEach((op, i) => {
    body += operationSignature(op, names[i]!, CallOptions);
  });
  body += jsdoc([`\`GET ${s.healthPath}\`: liveness of the service.`], "  ");
  body += `  health(options?: ${CallOptions}): Promise<unknown>;\n`;
  body += jsdoc([`\`GET ${s.readyPath}\`: readiness of the service.`], "  ");
  body += `  ready(options?: ${CallOptions}): Promise<unknown>;\n`;
  body += `  /** Where requests go and why, and the policies in force. */\n`;
  body += `  describe(): ${ClientDescription};\n`;
  body += `  /** Closes the connections and timers this client owns. */\n`;
  body += `  close(): Promise<void>;\n`;
  body += `}\n`;

  body += `\n${jsdoc([
    `Creates a client for \`${s.key}\` (${s.url}).`,
    "`options.baseUrl` wins over every other way of finding the service.",
  ])}`;
  body += `export function ${factory}(options?: ${ClientOptions}): ${clientType} {\n`;
  body += `  const client = ${createServiceClient}(${definition}, options);\n`;
  body += `  return {\n`;
  ops.forEach((op, i) => {
    body += operationBinding(op, names[i]!, "client");
  });
  body += `    health: (options) => client.health(options),\n`;
  body += `    ready: (options) => client.ready(options),\n`;
  body += `    describe: () => client.describe(),\n`;
  body += `    close: () => client.close(),\n`;
  body += `  };\n`;
  body += `}\n`;
  return { imports, body };
}
