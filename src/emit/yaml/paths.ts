// OpenAPI path templates → request path matches. `{param}` matches one non-empty segment; everything else is
// literal (escaped for RE2, which Istio, Linkerd and Gateway API implementations use).
import type { OperationModel } from "../../model/types.js";

export type PathMatch = { kind: "exact"; value: string } | { kind: "regex"; value: string };

const RE2_SPECIAL = /[\\.+*?()|[\]{}^$]/g;

export function fullPath(basePath: string, path: string): string {
  return `${basePath}${path.startsWith("/") ? path : `/${path}`}`;
}

export function pathMatch(basePath: string, template: string): PathMatch {
  const path = fullPath(basePath, template);
  const parts = path.split(/(\{[^{}/]*\})/);
  if (parts.length === 1) return { kind: "exact", value: path };
  const regex = parts
    .map((part, index) => (index % 2 === 1 ? "[^/]+" : part.replace(RE2_SPECIAL, (c) => `\\${c}`)))
    .join("");
  return { kind: "regex", value: regex };
}

/** Always a regex (ServiceProfile routes only take `pathRegex`). */
export function pathRegex(basePath: string, template: string): string {
  const match = pathMatch(basePath, template);
  return match.kind === "regex" ? match.value : match.value.replace(RE2_SPECIAL, (c) => `\\${c}`);
}

export function upperMethod(operation: OperationModel): string {
  return operation.method.toUpperCase();
}
