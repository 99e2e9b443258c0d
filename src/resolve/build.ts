// The resolve stage: config + loaded specs → the one complete model. Applies what services.toml says about single
// operations, resolves every service's mesh and final client policy (service.ts), and names every generated symbol
// that depends on more than one service (so emitters never need to look sideways). The only stage that imports
// config, mesh and model together; the model itself imports none of them.
import type { ConfigModel } from "../config/types.js";
import type { Diagnostic, SourceLocation } from "../diagnostics.js";
import type { ServiceBase } from "../mesh/index.js";
import { NameScope, pascalCase } from "../model/names.js";
import type { Model, OpenApiModel, ProtoModel, ServiceModel } from "../model/types.js";
import { applyOverrides } from "./overrides.js";
import { resolveService } from "./service.js";
import { resolveAuth, serviceSecurity, tlsModel } from "./auth.js";
import { resolveCaller } from "./caller.js";

/** Service keys become folder names and identifiers: keep them to what acton-service config allows. */
const SERVICE_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/** Finds a TOML key's position (full key path from the document root), so mesh and lint findings point at it. */
export type LocateKey = (keyPath: string[]) => SourceLocation | undefined;

export function buildModel(
  config: ConfigModel,
  specs: ReadonlyMap<string, OpenApiModel>,
  locate: LocateKey = () => undefined,
  protos: ReadonlyMap<string, ProtoModel> = new Map(),
): { model?: Model; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const pascals = new NameScope();
  const services: ServiceModel[] = [];

  for (const s of config.services) {
    if (!SERVICE_KEY.test(s.key)) {
      diagnostics.push({
        severity: "error",
        code: "config/service-key",
        message: `service key ${JSON.stringify(s.key)} must start with a letter or "_" and contain only letters, digits, "_" and "-" (at most 63 characters): it names a folder and a TypeScript identifier`,
        location: s.location,
      });
      continue;
    }
    const openapi = specs.get(s.key);
    const overridden = applyOverrides(s.key, openapi, protos.get(s.key), s.operations, diagnostics);
    const proto = overridden.proto;
    const operations = overridden.operations;
    const servedSpec = openapi && operations ? { ...openapi, operations } : undefined;
    const security = serviceSecurity(servedSpec);
    const auth = resolveAuth(s.key, s.auth, security, proto, diagnostics);
    const tls = tlsModel(s.tls);
    const base: ServiceBase = {
      key: s.key,
      pascal: pascals.take(pascalCase(s.key)),
      location: s.location,
      url: s.url,
      scheme: s.scheme,
      host: s.host,
      port: s.port,
      basePath: s.basePath,
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
      ...(s.grpcPort !== undefined ? { grpcPort: s.grpcPort } : {}),
      discovery: s.discovery,
      policy: s.policy,
      healthPath: s.healthPath,
      readyPath: s.readyPath,
      ...(servedSpec ? { openapi: servedSpec } : {}),
      ...(proto ? { proto } : {}),
      security,
      ...(auth !== undefined ? { auth } : {}),
      ...(tls !== undefined ? { tls } : {}),
    };
    const resolved = resolveService(base, s.mesh, locate);
    diagnostics.push(...resolved.diagnostics);
    services.push(resolved.service);
  }

  // `create<Pascal>GrpcClient` must not be another service's `create<Pascal>Client`.
  for (const service of services) {
    if (service.proto === undefined) continue;
    const other = services.find((o) => o.pascal === `${service.pascal}Grpc`);
    if (other !== undefined) {
      diagnostics.push({
        severity: "error",
        code: "config/service-key",
        message: `services ${JSON.stringify(service.key)} and ${JSON.stringify(other.key)} would both export create${other.pascal}Client; rename one`,
        location: other.location,
      });
    }
  }

  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  services.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    model: {
      modelVersion: 2,
      configFile: config.file,
      ...(config.caller ? { caller: resolveCaller(config.caller, services) } : {}),
      services,
    },
    diagnostics,
  };
}
