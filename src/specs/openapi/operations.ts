// Paths Object → OperationModel[] (OpenAPI 3.x §4.8.8–§4.8.10). Reads the bundled document only.

import type { HttpMethod, OperationModel } from "../../model/types.js";
import { requestBody, responses } from "./bodies.js";
import { docText } from "./doc-text.js";
import { methodName, uniqueNames } from "./naming.js";
import { collectParameters } from "./parameters.js";
import { deref, isObject, own, toPointer } from "./pointer.js";
import type { Report } from "./report.js";
import { operationServer, rootServer } from "./servers.js";
import { operationSecurity } from "./security.js";
import type { SpecSecurity } from "./security.js";
import type { SchemaTyper } from "./types-source.js";
import { isIdempotentMethod } from "../../runtime/vocabulary.js";

const METHODS: readonly HttpMethod[] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type Unnamed = Omit<OperationModel, "name">;

/** What every operation of one document shares while it is read. */
interface Walk {
  readonly doc: unknown;
  readonly file: string;
  readonly typeOf: SchemaTyper;
  readonly report: Report;
  /** The root's first server: an operation server equal to it is the service's own URL. */
  readonly root: string | undefined;
  /** Pointers of requestBodies left out of GET/HEAD operations, reported once per document (bodyAllowed). */
  readonly ignoredBodies: { method: HttpMethod; pointer: string }[];
  /** The document's security schemes, which an operation's own `security` names. */
  readonly security: SpecSecurity;
}

function operation(walk: Walk, path: string, method: HttpMethod, op: Record<string, unknown>, pathItem: Record<string, unknown>): Unnamed {
  const { doc, file, typeOf, report } = walk;
  const tokens = ["paths", path, method];
  const pointer = toPointer(tokens);
  const operationId = own(op, "operationId");
  const summary = own(op, "summary");
  const description = own(op, "description");
  const parameters = collectParameters(
    doc,
    [
      { list: own(pathItem, "parameters"), tokens: ["paths", path, "parameters"] },
      { list: own(op, "parameters"), tokens: [...tokens, "parameters"] },
    ],
    path,
    pointer,
    typeOf,
    report,
  );
  const body = bodyAllowed(method, own(op, "requestBody"), [...tokens, "requestBody"], walk.ignoredBodies)
    ? requestBody(doc, own(op, "requestBody"), [...tokens, "requestBody"], report)
    : undefined;
  const server = operationServer(op, pathItem, tokens, walk.root, report);
  const security = operationSecurity(doc, own(op, "security"), [...tokens, "security"], walk.security, report);
  const { success, errors } = responses(doc, own(op, "responses"), [...tokens, "responses"], report);
  return {
    ...(typeof operationId === "string" ? { operationId } : {}),
    method,
    path,
    // The model carries readable text: HTML descriptions (Stripe's) become Markdown here, once.
    ...(typeof summary === "string" ? { summary: docText(summary) } : {}),
    ...(typeof description === "string" ? { description: docText(description) } : {}),
    deprecated: own(op, "deprecated") === true,
    // The one decision: the runtime trusts it and never looks at the method again.
    idempotent: typeof own(op, "x-idempotent") === "boolean" ? (own(op, "x-idempotent") as boolean) : isIdempotentMethod(method),
    parameters,
    ...(body ? { requestBody: body } : {}),
    success,
    errors,
    ...(server !== undefined ? { server } : {}),
    ...(security !== undefined ? { security } : {}),
    location: { file, pointer },
  };
}

/** Methods whose requests carry no body: content in one "has no generally defined semantics" (RFC 9110 §9.3.1, §9.3.2). */
const NO_BODY: ReadonlySet<HttpMethod> = new Set(["get", "head"]);

/**
 * A GET or HEAD never exposes or sends a body (servers and proxies may reject or drop it), so a `requestBody` the spec
 * gives one is left out of the model. Stripe gives every GET an empty form body: the warning is one per document
 * (reportIgnoredBodies), not one per operation.
 */
function bodyAllowed(method: HttpMethod, raw: unknown, tokens: readonly string[], ignored: Walk["ignoredBodies"]): boolean {
  if (raw === undefined || !NO_BODY.has(method)) return true;
  ignored.push({ method, pointer: toPointer(tokens) });
  return false;
}

/** One warning at the first ignored requestBody, counting the others. */
function reportIgnoredBodies(ignored: Walk["ignoredBodies"], report: Report): void {
  const first = ignored[0];
  if (first === undefined) return;
  const methods = [...new Set(ignored.map((i) => i.method.toUpperCase()))].join(" and ");
  const more = ignored.length - 1;
  report({
    severity: "warning",
    code: "openapi/body-ignored",
    message:
      more === 0
        ? `${methods} requests carry no body; this requestBody is ignored`
        : `${methods} requests carry no body; this requestBody and ${more} more on ${methods} operations are ignored`,
    pointer: first.pointer,
  });
}

/** Every operation under `paths`, named and sorted by name. `file` is the entry spec, relative to the config. */
export function extractOperations(doc: unknown, file: string, typeOf: SchemaTyper, security: SpecSecurity, report: Report): OperationModel[] {
  const paths = isObject(doc) ? deref(doc, own(doc, "paths")) : undefined;
  if (paths === undefined) return [];
  if (!isObject(paths)) {
    report({
      severity: "error",
      code: "openapi/invalid-paths",
      message: "`paths` is not an object",
      pointer: "#/paths",
    });
    return [];
  }
  const found: Unnamed[] = [];
  const walk: Walk = { doc, file, typeOf, report, root: isObject(doc) ? rootServer(doc) : undefined, ignoredBodies: [], security };
  for (const path of Object.keys(paths)) {
    // A Path Item may itself be a `$ref` (to components/pathItems in 3.1; external files are inlined by the bundle).
    const pathItem = deref(doc, paths[path]);
    if (!isObject(pathItem)) {
      report({
        severity: "warning",
        code: "openapi/invalid-path-item",
        message: "path item is not an object",
        pointer: toPointer(["paths", path]),
      });
      continue;
    }
    for (const method of METHODS) {
      const op = own(pathItem, method);
      if (op === undefined) continue;
      if (!isObject(op)) {
        report({
          severity: "error",
          code: "openapi/invalid-operation",
          message: "operation is not an object",
          pointer: toPointer(["paths", path, method]),
        });
        continue;
      }
      found.push(operation(walk, path, method, op, pathItem));
    }
  }
  reportIgnoredBodies(walk.ignoredBodies, report);
  reportDuplicateIds(found, report);
  const names = uniqueNames(
    found.map((op) => ({ path: op.path, method: op.method, base: methodName(op.operationId, op.method, op.path) })),
  );
  const named = found.map((op, i): OperationModel => ({ name: names[i] ?? "", ...op }));
  return named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** openapi-typescript keys its `operations` interface by operationId, so duplicates would not compile. */
function reportDuplicateIds(ops: readonly Unnamed[], report: Report): void {
  const firstById = new Map<string, Unnamed>();
  for (const op of ops) {
    if (op.operationId === undefined) continue;
    const first = firstById.get(op.operationId);
    if (first === undefined) {
      firstById.set(op.operationId, op);
      continue;
    }
    report({
      severity: "error",
      code: "openapi/duplicate-operation-id",
      message:
        `operationId ${JSON.stringify(op.operationId)} is also used by ` +
        `${first.method.toUpperCase()} ${first.path}`,
      pointer: `${op.location.pointer}/operationId`,
    });
  }
}
