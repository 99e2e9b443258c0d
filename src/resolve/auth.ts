// Credentials of one service: the schemes its clients send (the spec's, or the implied `bearer`/`basic`), and the
// services.toml sources checked against them (a scheme name the client does not know gets a did-you-mean; a basic
// scheme needs a username, a token scheme an env or file).
import type { AuthSourceConfig, TlsConfig } from "../config/types.js";
import { suggest } from "../config/suggest.js";
import { IMPLIED_SCHEME_KINDS, IMPLIED_SECURITY } from "../runtime/vocabulary.js";
import type { Diagnostic } from "../diagnostics.js";
import type { CredentialSourceModel, OpenApiModel, ProtoModel, SecuritySchemeModel, ServiceSecurity, TlsModel } from "../model/types.js";

const IMPLIED: Record<string, SecuritySchemeModel> = {
  basic: { kind: IMPLIED_SCHEME_KINDS.basic, type: "http" },
  bearer: { kind: IMPLIED_SCHEME_KINDS.bearer, type: "http" },
};

export function serviceSecurity(openapi: OpenApiModel | undefined): ServiceSecurity {
  const own = openapi?.securitySchemes ?? {};
  if (Object.keys(own).length === 0) return { schemes: { ...IMPLIED }, implied: true, requirement: IMPLIED_SECURITY.map((a) => [...a]) };
  return { schemes: own, implied: false, ...(openapi?.security !== undefined ? { requirement: openapi.security } : {}) };
}

export function resolveAuth(
  key: string,
  config: Readonly<Record<string, AuthSourceConfig>> | undefined,
  security: ServiceSecurity,
  proto: ProtoModel | undefined,
  diagnostics: Diagnostic[],
): Record<string, CredentialSourceModel> | undefined {
  if (config === undefined) return undefined;
  // A service with a .proto also has a gRPC client, which takes `bearer` / `basic`.
  const known: Record<string, SecuritySchemeModel> = proto !== undefined && proto.services.length > 0 ? { ...IMPLIED, ...security.schemes } : security.schemes;
  const out: Record<string, CredentialSourceModel> = {};
  for (const name of Object.keys(config).sort()) {
    const source = config[name]!;
    const scheme = Object.hasOwn(known, name) ? known[name] : undefined;
    if (scheme === undefined) {
      const names = Object.keys(known).sort();
      const hint = suggest(name, names);
      diagnostics.push({
        severity: "error",
        code: "config/auth-scheme",
        message: `${key}: no security scheme ${JSON.stringify(name)}${hint !== undefined ? `; did you mean ${JSON.stringify(hint)}?` : ""} (${security.implied ? "without spec schemes" : "the spec defines"}: ${names.map((n) => JSON.stringify(n)).join(", ")})`,
        location: source.location,
      });
      continue;
    }
    const model = sourceModel(source);
    const basic = "username" in model;
    if (scheme.kind === "basic" && !basic) {
      diagnostics.push({ severity: "error", code: "config/auth-source", message: `${key}: ${JSON.stringify(name)} is http basic: give \`username\` and \`password_env\` or \`password_file\``, location: source.location });
      continue;
    }
    if (scheme.kind !== "basic" && basic) {
      diagnostics.push({ severity: "error", code: "config/auth-source", message: `${key}: ${JSON.stringify(name)} takes a token (\`env\` or \`file\`), not a username`, location: source.location });
      continue;
    }
    out[name] = model;
  }
  return out;
}

function sourceModel(c: AuthSourceConfig): CredentialSourceModel {
  if (c.env !== undefined) return { env: c.env };
  if (c.file !== undefined) return { file: c.file };
  const { location: _location, env: _env, file: _file, username = "", ...password } = c;
  return { username, ...password };
}

/** The config's TLS files without their location (the same four names the runtime reads). */
export function tlsModel(c: TlsConfig | undefined): TlsModel | undefined {
  if (c === undefined) return undefined;
  const { location: _location, ...files } = c;
  return files;
}
