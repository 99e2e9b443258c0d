// One operation's share of a client module: its params/result/error types, its member of the client interface, and
// its line of the definitions table. Types index openapi-typescript's `paths` so no schema is printed twice.
import type { OperationModel, ParameterModel, ResponseModel } from "../../model/types.js";
import type { OperationDefinition } from "../../runtime/types.js";
import { jsdoc, json, str, template } from "./literal.js";
import type { NameScope } from "../../model/names.js";
import { pascalCase } from "../../model/names.js";

export interface OperationNames {
  params: string;
  result: string;
  errorBody: string;
  /** Documented error bodies by status (what isHttpError and acceptStatus read). */
  errors: string;
  /**
   * Reserved, not printed: operations used to be bound one constant each, and the name stays taken so every name
   * handed out after it (a proto symbol's, say) is what it was.
   */
  definition: string;
}

export function operationNames(op: OperationModel, scope: NameScope): OperationNames {
  const base = pascalCase(op.name, "Operation");
  return {
    params: scope.take(`${base}Params`),
    result: scope.take(`${base}Result`),
    errorBody: scope.take(`${base}ErrorBody`),
    errors: scope.take(`${base}Errors`),
    definition: scope.take(`${op.name}Operation`),
  };
}

/** Whether a caller may leave out the first argument. */
export function paramsOptional(op: OperationModel): boolean {
  if (op.parameters.some((p) => p.required)) return false;
  return !(op.requestBody?.required ?? false);
}

export function definitionOf(op: OperationModel): OperationDefinition {
  const def: OperationDefinition = {
    id: op.name,
    method: op.method.toUpperCase(),
    path: op.path,
    idempotent: op.idempotent,
    params: op.parameters.map((p) => ({
      name: p.name,
      in: p.in,
      style: p.style,
      explode: p.explode,
      ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
    })),
    ...(op.requestBody
      ? {
          body: {
            kind: op.requestBody.kind,
            contentType: op.requestBody.contentType,
            // Property names are spec text, carried as `name` values that literal() quotes.
            ...(op.requestBody.encoding !== undefined ? { encoding: op.requestBody.encoding } : {}),
          },
        }
      : {}),
    response: op.success[0]?.kind ?? "empty",
    ...(op.timeoutMs !== undefined ? { timeoutMs: op.timeoutMs } : {}),
    ...(op.maxResponseBytes !== undefined ? { maxResponseBytes: op.maxResponseBytes } : {}),
    ...(op.errors.length > 0 ? { errors: op.errors.map((r) => r.status) } : {}),
    ...(op.security !== undefined ? { security: op.security } : {}),
    // Spec text: printed by literal() as a quoted string, like every value here.
    ...(op.server !== undefined ? { server: op.server } : {}),
  };
  return def;
}

/** Type of one response body as the runtime decodes it. */
export function responseType(opType: string, r: ResponseModel): string {
  switch (r.kind) {
    case "empty":
      return "undefined";
    case "text":
      return "string";
    case "binary":
      return "Uint8Array";
    case "json":
      return `${opType}["responses"][${str(r.status)}]["content"][${str(r.contentType ?? "application/json")}]`;
  }
}

/** Type of one documented error body as HttpError carries it: JSON parsed, anything else as text. */
function errorBodyType(opType: string, r: ResponseModel): string {
  return r.kind === "binary" ? "string" : responseType(opType, r);
}

/** The key of a status in the `…Errors` interface: `404`, `"4XX"` (upper-case, as the runtime matches), `default`. */
/** A status as a key of a type literal: `200`, `default`, `"4XX"`. */
export function statusKey(status: string): string {
  if (/^\d+$/.test(status) || status === "default") return status;
  return str(status.toUpperCase());
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  return unique.length === 0 ? "unknown" : unique.join(" | ");
}

/**
 * Exported type declarations for one operation. `opType` is an expression like `paths["/x"]["get"]`; `components`
 * registers and returns the local name of openapi-typescript's `components` (for `$ref`s in content parameters).
 */
export function operationTypes(
  op: OperationModel,
  opType: string,
  names: OperationNames,
  multipart: string,
  components: () => string,
): string {
  const members: string[] = [];
  const group = (where: "path" | "query" | "header" | "cookie", prop: string): void => {
    const ps = op.parameters.filter((p) => p.in === where);
    if (ps.length === 0) return;
    const required = ps.some((p) => p.required);
    members.push(`  ${prop}${required ? "" : "?"}: ${groupType(ps, `${opType}["parameters"][${str(where)}]`, components)};`);
  };
  group("path", "path");
  group("query", "query");
  group("header", "headers");
  group("cookie", "cookies");
  const body = op.requestBody;
  if (body) {
    const content = `NonNullable<${opType}["requestBody"]>["content"][${str(body.contentType)}]`;
    const type =
      body.kind === "binary"
        ? "Uint8Array | Blob | string | ReadableStream<Uint8Array>"
        : body.kind === "text"
          ? "string"
          : body.kind === "multipart"
            ? `${multipart}<${content}>`
            : content;
    members.push(`  body${body.required ? "" : "?"}: ${type};`);
  }
  const what = `${op.method.toUpperCase()} ${op.path}`;
  let out = jsdoc([`What \`${op.name}\` sends: \`${what}\`.`]);
  out += members.length === 0 ? `export interface ${names.params} {}\n` : `export interface ${names.params} {\n${members.join("\n")}\n}\n`;
  const success = op.success.map((r) => responseType(opType, r));
  out += `\n${jsdoc([`What \`${op.name}\` resolves to (${op.success.map((r) => r.status).join(", ") || "no documented 2xx"}).`])}`;
  out += `export type ${names.result} = ${success.length === 0 ? "unknown" : union(success)};\n`;
  const documented = op.errors.map((r) => `  ${statusKey(r.status)}: ${errorBodyType(opType, r)};`);
  out += `\n${jsdoc([`The error bodies \`${op.name}\` documents, by status: \`isHttpError(error, client.${op.name})\` narrows to them.`])}`;
  out += documented.length === 0 ? `export interface ${names.errors} {}\n` : `export interface ${names.errors} {\n${documented.join("\n")}\n}\n`;
  out += `\n${jsdoc([`The body of an \`HttpError\` from \`${op.name}\` (${op.errors.map((r) => r.status).join(", ") || "none documented"}).`])}`;
  out += `export type ${names.errorBody} = ${documented.length === 0 ? "unknown" : `${names.errors}[keyof ${names.errors}]`};\n`;
  return out;
}

/**
 * openapi-typescript types a `content` parameter `string` (it does not serialise); svcgen sends the schema's value,
 * so those members are replaced by the schema's type and the rest still come from openapi-typescript.
 */
function groupType(ps: readonly ParameterModel[], generated: string, components: () => string): string {
  const content = ps.filter((p) => p.schemaType !== undefined);
  if (content.length === 0) return generated;
  const rest = `Omit<NonNullable<${generated}>, ${content.map((p) => str(p.name)).join(" | ")}>`;
  const own = content.map((p) => {
    const type = p.schemaType!;
    // A `$ref` in the schema prints as `components["schemas"][...]`, openapi-typescript's own interface.
    if (/\bcomponents\[/.test(type)) components();
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p.name) ? p.name : str(p.name);
    return `${name}${p.required ? "" : "?"}: ${reindent(type)};`;
  });
  return `${rest} & {\n${own.map((m) => `    ${m}`).join("\n")}\n  }`;
}

/** openapi-typescript prints 4-space indents from column 0; members here sit at 4 spaces with 2-space steps. */
function reindent(type: string): string {
  return type.replace(/\n( *)/g, (_, spaces: string) => `\n    ${" ".repeat(spaces.length / 2)}`);
}

/**
 * The service's operations as the runtime reads them, one JSON line each, in a `JSON.parse` of a template literal.
 * svcgen's own types built every value (definitionOf), so the user's tsc has nothing to learn by checking a thousand
 * object literals against OperationDefinition again (a second on GitHub's spec), and engines read JSON faster than
 * the same literals as code.
 */
export function operationTable(ops: readonly OperationModel[], name: string, defType: string): string {
  const lines = ops.map((op) => json(definitionOf(op)));
  const doc = jsdoc(["The operations' definitions (what each sends and how its answer is read), one per line; `mock.ts` reads them too."]);
  return `${doc}export const ${name}: readonly ${defType}[] = JSON.parse(${template(`[\n${lines.join(",\n")}\n]`)});\n`;
}

/**
 * The method's member in the client interface, with its JSDoc: a property typed by the runtime's OperationMethod, so
 * the method carries its documented errors (isHttpError) and types `acceptStatus`.
 */
export function operationSignature(op: OperationModel, names: OperationNames, callOptions: string, method: OperationMethodTypes): string {
  const doc = jsdoc(
    [
      op.summary,
      op.description,
      `\`${op.method.toUpperCase()} ${op.path}\`${op.operationId !== undefined ? ` (operationId \`${op.operationId}\`)` : ""}${
        op.idempotent ? "" : " — not retried without `idempotencyKey`"
      }`,
      op.server !== undefined ? `Sent to its own server \`${op.server}\` (the \`servers\` client option replaces it).` : undefined,
      op.deprecated ? "@deprecated" : undefined,
    ],
    "  ",
  );
  const optional = paramsOptional(op);
  const typed = `${optional ? method.optional() : method.required()}<${names.params}, ${names.result}, ${names.errors}, ${method.auth}>`;
  if (!streamable(op)) return `${doc}  ${op.name}: ${typed};\n`;
  // A download may be taken as a stream (no size limit): the first signature types what `responseType: "stream"` returns.
  const stream = `(params: ${names.params}${optional ? " | undefined" : ""}, options: ${callOptions} & { responseType: "stream" }) => Promise<ReadableStream<Uint8Array>>`;
  return `${doc}  ${op.name}: (${stream}) & ${typed};\n`;
}

/** Local names of the runtime's OperationMethod types, registered on first use. */
export interface OperationMethodTypes {
  required(): string;
  optional(): string;
  /** The client's `<Pascal>Auth`: a call's `auth` is typed by the same scheme names. */
  readonly auth: string;
}

/** Operations whose typed result is binary get the `responseType: "stream"` overload. */
function streamable(op: OperationModel): boolean {
  return op.success[0]?.kind === "binary";
}
