// `[external_services.<key>.operations.<name>]` applied to a service's operations. A name is an OpenAPI operationId
// or a gRPC method as the wire spells it (`auth.v1.AuthService/IssueToken`); one that is neither is an error at its
// TOML key, with the closest name the service has.
import { q, tableName } from "../config/context.js";
import { suggest } from "../config/suggest.js";
import type { OperationOverride } from "../config/types.js";
import type { Diagnostic } from "../diagnostics.js";
import type { OpenApiModel, OperationModel, ProtoMethodModel, ProtoMethodOverride, ProtoModel } from "../model/types.js";

export interface Overridden {
  /** The OpenAPI operations with their overrides (when the service has a spec). */
  operations?: OperationModel[];
  /** The gRPC API with overridden methods carrying `override` (the input object when none applies). */
  proto?: ProtoModel;
}

export function applyOverrides(
  key: string,
  openapi: OpenApiModel | undefined,
  proto: ProtoModel | undefined,
  overrides: readonly OperationOverride[],
  diagnostics: Diagnostic[],
): Overridden {
  const byId = new Map<string, OperationModel>();
  for (const op of openapi?.operations ?? []) if (op.operationId !== undefined) byId.set(op.operationId, op);
  const byMethod = new Map<string, ProtoMethodModel>();
  for (const service of proto?.services ?? []) for (const m of service.methods) byMethod.set(`${service.fullName}/${m.name}`, m);

  const operations = new Map<OperationModel, OperationModel>();
  const methods = new Map<ProtoMethodModel, ProtoMethodModel>();
  for (const o of overrides) {
    const op = byId.get(o.operationId);
    const method = byMethod.get(o.operationId);
    if (op !== undefined) {
      operations.set(op, {
        ...op,
        ...(o.idempotent !== undefined ? { idempotent: o.idempotent } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        ...(o.maxResponseBytes !== undefined ? { maxResponseBytes: o.maxResponseBytes } : {}),
      });
    }
    if (method !== undefined) {
      const override: ProtoMethodOverride = {
        ...(o.idempotent !== undefined ? { idempotent: o.idempotent } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      };
      methods.set(method, { ...method, idempotent: o.idempotent ?? method.idempotent, override });
    }
    if (op === undefined && method === undefined) diagnostics.push(unknown(key, o, openapi, proto, [...byId.keys(), ...byMethod.keys()]));
  }

  return {
    ...(openapi ? { operations: openapi.operations.map((op) => operations.get(op) ?? op) } : {}),
    ...(proto
      ? {
          proto:
            methods.size === 0
              ? proto
              : { ...proto, services: proto.services.map((s) => ({ ...s, methods: s.methods.map((m) => methods.get(m) ?? m) })) },
        }
      : {}),
  };
}

function unknown(key: string, o: OperationOverride, openapi: OpenApiModel | undefined, proto: ProtoModel | undefined, names: string[]): Diagnostic {
  const id = o.operationId;
  const at = { severity: "error" as const, location: o.location };
  if (openapi === undefined && proto === undefined) {
    const table = tableName(["external_services", key, "operations", id]);
    return { ...at, code: "config/operation-without-spec", message: `${table} needs an \`openapi\` spec or \`proto\` files for ${key}` };
  }
  const files = proto?.files.join(", ") ?? "";
  let message: string;
  if (proto === undefined) message = `${openapi!.file} has no operation with operationId ${q(id)} (service ${key})`;
  else if (openapi === undefined) message = `${files} ${proto.files.length === 1 ? "has" : "have"} no gRPC method ${q(id)} (service ${key})`;
  else message = `${q(id)} is neither an operationId in ${openapi.file} nor a gRPC method in ${files} (service ${key})`;
  const hint = (proto ? grpcSpelling(id, proto) : undefined) ?? closest(id, names);
  if (hint !== undefined) message += `; did you mean ${q(hint)}?`;
  else if (proto !== undefined && !id.includes("/")) message += `; gRPC methods are named "<package>.<Service>/<Method>"`;
  return { ...at, code: "config/unknown-operation", message };
}

/**
 * The closest name. A gRPC name whose `<package>.<Service>` is right is judged by its method alone: the shared prefix
 * would otherwise make any method of the service look close.
 */
function closest(id: string, names: readonly string[]): string | undefined {
  const slash = id.lastIndexOf("/");
  if (slash > 0) {
    const prefix = id.slice(0, slash + 1);
    const siblings = names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
    if (siblings.length > 0) {
      const method = suggest(id.slice(prefix.length), siblings);
      return method === undefined ? undefined : prefix + method;
    }
  }
  return suggest(id, names);
}

/** The method `id` names in another spelling (`IssueToken`, `AuthService/IssueToken`, `/pkg.Svc/M`, `pkg.Svc.M`). */
function grpcSpelling(id: string, proto: ProtoModel): string | undefined {
  const found = new Set<string>();
  for (const service of proto.services) {
    for (const m of service.methods) {
      const full = `${service.fullName}/${m.name}`;
      const spellings = [m.name, `${service.name}/${m.name}`, `${service.name}.${m.name}`, `/${full}`, `${service.fullName}.${m.name}`];
      if (spellings.includes(id)) found.add(full);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}
