// What every rule gets: the service, its resolved mesh, and a way to report at the best known TOML position.
import type { Diagnostic, Model, ResolvedMesh, ServiceModel, SourceLocation } from "../model/types.js";
import type { LintCode } from "./codes.js";

export interface LintContext {
  model: Model;
  service: ServiceModel;
  /** The service's resolved mesh (`service.mesh`), for brevity. */
  mesh: ResolvedMesh;
  /** Reports at the first located key of `keys` (`mesh.retries`, `retry.max_attempts`, …), else at the service. */
  report(code: LintCode, message: string, ...keys: string[]): void;
  /** Reports at a position the rule already knows (a route's entry). */
  reportAt(code: LintCode, message: string, location: SourceLocation): void;
}

export function lintContext(model: Model, service: ServiceModel, out: Diagnostic[]): LintContext {
  const mesh = service.mesh;
  return {
    model,
    service,
    mesh,
    report(code, message, ...keys) {
      const at = keys.map((k) => mesh.locations[k]).find((l) => l !== undefined);
      out.push({ severity: "warning", code, message: `${service.key}: ${message}`, location: at ?? service.location });
    },
    reportAt(code, message, location) {
      out.push({ severity: "warning", code, message: `${service.key}: ${message}`, location });
    },
  };
}

export type Rule = (ctx: LintContext) => void;
