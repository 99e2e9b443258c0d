// model → TypeScript files: one module per service, a barrel, and the runtime the clients import.
import type { Model } from "../../model/types.js";
import type { GeneratedFile } from "../files.js";
import { runtimeHeader, tsHeader } from "./header.js";
import { ImportSet } from "./imports.js";
import { NameScope, camelCase } from "../../model/names.js";
import { hasGrpc, serviceFile } from "./service-file.js";
import { mockFile } from "./mock.js";
import { typesFile } from "./types-file.js";

export interface RuntimeSource {
  /** Relative to src/runtime, e.g. `retry/backoff.ts`. */
  path: string;
  content: string;
}

export interface EmitTsOptions {
  /**
   * The runtime's sources, copied into `<out>/runtime/`. `grpc/**` needs the optional gRPC peer packages, so it is
   * copied only when some service has a gRPC client.
   */
  runtime: readonly RuntimeSource[];
}

export function emitTypeScript(model: Model, options: EmitTsOptions): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const barrel = new NameScope();
  let index = "";

  for (const s of model.services) {
    const dir = `clients/${s.key}`;
    const specs = [...(s.openapi ? [s.openapi.file] : []), ...(hasGrpc(s) ? s.proto!.files : [])];
    const source = `${model.configFile} → ${s.key}${specs.length > 0 ? ` (${specs.join(", ")})` : ""}`;
    if (s.openapi) {
      files.push(typesFile(`${dir}/types.ts`, tsHeader(source), s.openapi.typesBody));
    }
    const { imports, body, protoTypes, grpcExports, mockImports } = serviceFile(s);
    files.push({ path: `${dir}/index.ts`, content: `${tsHeader(source)}${imports.prependTo(body)}` });
    if (mockImports) {
      const mock = mockFile(s, mockImports);
      files.push({ path: `${dir}/mock.ts`, content: `${tsHeader(source)}${mock.imports.prependTo(mock.body)}` });
    }
    if (protoTypes) {
      files.push({ path: `${dir}/grpc.ts`, content: `${tsHeader(source)}${protoTypes.imports.prependTo(protoTypes.body)}` });
    }
    const ns = barrel.take(camelCase(s.key));
    if (grpcExports) {
      const { factory, client } = grpcExports;
      index += `export { create${s.pascal}Client, ${factory}, type ${s.pascal}Client, type ${client} } from "./${s.key}/index.js";\n`;
    } else {
      index += `export { create${s.pascal}Client, type ${s.pascal}Client } from "./${s.key}/index.js";\n`;
    }
    index += `export * as ${ns} from "./${s.key}/index.js";\n`;
  }
  files.push({
    path: "clients/index.ts",
    content: `${tsHeader(model.configFile)}${index.length > 0 ? index : "export {};\n"}`,
  });

  const grpc = model.services.some(hasGrpc);
  for (const r of options.runtime) {
    if (!grpc && r.path.startsWith("grpc/")) continue;
    files.push({ path: `runtime/${r.path}`, content: `${runtimeHeader(`svcgen runtime (${r.path})`)}${r.content}` });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
