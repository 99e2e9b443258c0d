// `<out>/clients/<key>/mock.ts`: typed interceptors on undici's MockAgent, one per operation, for testing code that
// calls the client without a server. Types come from the client module (each operation's params, result and
// documented errors) so nothing is typed twice; the work is the runtime's createMock (runtime/mock.ts), which matches
// what the client sends because it builds it with the client's own functions.
import type { OperationModel, ServiceModel } from "../../model/types.js";
import { ImportSet } from "./imports.js";
import { jsdoc, json, str, template } from "./literal.js";
import { responseType, statusKey, type OperationNames } from "./operation.js";

const RUNTIME_MOCK = "../../runtime/mock.js";
const CLIENT = "./index.js";
const TYPES = "./types.js";

/** What the client module exports for its mock (service-file.ts hands these names over). */
export interface MockImports {
  /** The service definition constant, e.g. `usersServiceDefinition`. */
  definition: string;
  /** The operations table constant ("" when the spec has no operation). */
  table: string;
  /** Each operation's type names, in the order of `s.openapi.operations`. */
  names: readonly OperationNames[];
}

export interface MockFileText {
  imports: ImportSet;
  body: string;
}

export function mockFile(s: ServiceModel, from: MockImports): MockFileText {
  const imports = new ImportSet();
  const ops = s.openapi?.operations ?? [];
  const MockAgent = imports.type("undici", "MockAgent");
  const MockOptions = imports.type(RUNTIME_MOCK, "MockOptions");
  const createMock = imports.value(RUNTIME_MOCK, "createMock");
  const definition = imports.value(CLIENT, from.definition);
  const table = ops.length > 0 ? imports.value(CLIENT, from.table) : "[]";
  const mockType = `${s.pascal}Mock`;
  const factory = `mock${s.pascal}`;

  let body = jsdoc([
    `Typed interceptors for \`${s.key}\` on undici's MockAgent, one per operation; create them with {@link ${factory}}.`,
    "Each matches the method and the path as the client sends them, and the query, headers and cookies when given. `.reply(status, body)` takes the body the spec documents for that status (its own entry, else its `4XX` range, else `default`; an undocumented status takes any body).",
  ]);
  body += `export interface ${mockType} {\n`;
  ops.forEach((op, i) => {
    body += jsdoc([op.summary, `\`${op.method.toUpperCase()} ${op.path}\`${op.operationId !== undefined ? ` (operationId \`${op.operationId}\`)` : ""}`], "  ");
    body += `  ${op.name}(${matchParam(op, () => imports.type(CLIENT, from.names[i]!.params))}): ${imports.type(RUNTIME_MOCK, "MockReply")}<${replies(op, from.names[i]!, imports)}>;\n`;
  });
  body += `}\n`;

  const media = ops.length > 0 ? imports.type(RUNTIME_MOCK, "MockMediaTypes") : "";
  if (ops.length > 0) {
    body += `\n${jsdoc(["The media type of each documented response body, by operation and status: how `reply` sends a body."])}`;
    body += `const mediaTypes: ${media} = JSON.parse(${template(`{\n${ops.map((op) => `${json(op.name)}:${json(mediaOf(op))}`).join(",\n")}\n}`)});\n`;
  }

  body += `\n${jsdoc([
    `Interceptors for \`${s.key}\` on \`agent\`. Without \`options.origin\` they sit where a client created without \`baseUrl\` sends requests (its \`describe().baseUrl\`: the same environment variables, then the configuration, ${s.url}).`,
    "Pass the agent to the client as `dispatcher`; `agent.disableNetConnect()` makes an unmatched request fail with undici's MockNotMatchedError.",
  ])}`;
  body += `export function ${factory}(agent: ${MockAgent}, options?: ${MockOptions}): ${mockType} {\n`;
  body += `  return ${createMock}(${definition}, ${table}, ${ops.length > 0 ? "mediaTypes" : "{}"}, agent, options) as unknown as ${mockType};\n`;
  body += `}\n`;
  return { imports, body };
}

/** What a mock method takes: the operation's path parameters (required as for the client), the rest optional. */
function matchParam(op: OperationModel, paramsType: () => string): string {
  const members: string[] = [];
  const has = (where: string): boolean => op.parameters.some((p) => p.in === where);
  const params = op.parameters.length > 0 ? paramsType() : "";
  if (has("path")) members.push(`path: ${params}["path"]`);
  if (has("query")) members.push(`query?: ${params}["query"]`);
  if (has("header")) members.push(`headers?: ${params}["headers"]`);
  if (has("cookie")) members.push(`cookies?: ${params}["cookies"]`);
  if (members.length === 0) return "params?: {}";
  return `params${has("path") ? "" : "?"}: { ${members.join("; ")} }`;
}

/** The bodies by status `reply` takes: each documented 2xx's body, and the client's documented error bodies. */
function replies(op: OperationModel, names: OperationNames, imports: ImportSet): string {
  const errors = imports.type(CLIENT, names.errors);
  if (op.success.length === 0) return errors;
  if (op.success.length === 1) return `{ ${statusKey(op.success[0]!.status)}: ${imports.type(CLIENT, names.result)} } & ${errors}`;
  const opType = `${imports.type(TYPES, "paths")}[${str(op.path)}][${str(op.method)}]`;
  return `{ ${op.success.map((r) => `${statusKey(r.status)}: ${responseType(opType, r)}`).join("; ")} } & ${errors}`;
}

/** `{ "200": "application/json", "404": "application/problem+json" }`: the statuses that document a body. */
function mediaOf(op: OperationModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of [...op.success, ...op.errors]) {
    if (r.kind !== "empty" && r.contentType !== undefined) out[r.status === "default" ? r.status : r.status.toUpperCase()] = r.contentType;
  }
  return out;
}
