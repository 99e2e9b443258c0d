// Security Scheme Objects (OpenAPI 3.x §4.8.27) and Security Requirement Objects (§4.8.30) → what the runtime sends.
// The root `security` is every operation's default; an operation's own `security` replaces it (`[]`: nothing).
import type { SecuritySchemeModel } from "../../model/types.js";
import { deref, isObject, own, toPointer } from "./pointer.js";
import type { Report } from "./report.js";

export interface SpecSecurity {
  /** Schemes the runtime can send, by name (sorted). */
  schemes: Record<string, SecuritySchemeModel>;
  /** The root requirement, when the spec has one. */
  root?: string[][];
  /** Scheme names already reported (unsupported or undefined): their alternatives are dropped without a new warning. */
  reported: Set<string>;
}

/** Reads `components.securitySchemes` and the root `security`; schemes svcgen cannot send are reported and left out. */
export function readSecurity(doc: unknown, report: Report): SpecSecurity {
  const schemes: Record<string, SecuritySchemeModel> = {};
  const skipped = new Set<string>();
  const components = isObject(doc) ? deref(doc, own(doc, "components")) : undefined;
  const raw = isObject(components) ? deref(doc, own(components, "securitySchemes")) : undefined;
  if (isObject(raw)) {
    for (const name of Object.keys(raw).sort()) {
      const scheme = schemeOf(doc, raw[name], ["components", "securitySchemes", name], report);
      if (scheme === undefined) skipped.add(name);
      else schemes[name] = scheme;
    }
  }
  const security: SpecSecurity = { schemes, reported: skipped };
  const root = isObject(doc) ? own(doc, "security") : undefined;
  if (root !== undefined) {
    const req = requirements(doc, root, ["security"], schemes, skipped, report);
    if (req !== undefined) security.root = req;
  }
  return security;
}

/** An operation's own `security` (read with the operation, operations.ts); undefined when it has none. */
export function operationSecurity(doc: unknown, raw: unknown, tokens: string[], security: SpecSecurity, report: Report): string[][] | undefined {
  if (raw === undefined) return undefined;
  return requirements(doc, raw, tokens, security.schemes, security.reported, report);
}

function schemeOf(doc: unknown, value: unknown, tokens: string[], report: Report): SecuritySchemeModel | undefined {
  const s = deref(doc, value);
  const pointer = toPointer(tokens);
  const skip = (why: string): undefined => {
    report({ severity: "warning", code: "openapi/security-unsupported", message: `${why}; operations that need only it are sent without a credential`, pointer });
    return undefined;
  };
  if (!isObject(s)) return skip("security scheme is not an object");
  const type = own(s, "type");
  if (type === "oauth2" || type === "openIdConnect") return { kind: "bearer", type };
  if (type === "http") {
    const scheme = own(s, "scheme");
    // RFC 7235: auth-scheme names are case-insensitive.
    const lower = typeof scheme === "string" ? scheme.toLowerCase() : "";
    if (lower === "bearer") return { kind: "bearer", type: "http" };
    if (lower === "basic") return { kind: "basic", type: "http" };
    return skip(`http scheme ${JSON.stringify(scheme)} is not supported (bearer and basic are)`);
  }
  if (type === "apiKey") {
    const where = own(s, "in");
    const name = own(s, "name");
    if ((where === "header" || where === "query" || where === "cookie") && typeof name === "string" && name !== "") {
      return { kind: "apiKey", type: "apiKey", in: where, name };
    }
    return skip('apiKey scheme needs `in` ("header", "query" or "cookie") and a `name`');
  }
  if (type === "mutualTLS") return skip("mutualTLS is configured with services.toml `tls`, not a credential");
  return skip(`security scheme type ${JSON.stringify(type)} is not supported`);
}

/** A requirement list; an alternative naming a scheme that cannot be sent is dropped (with one warning per name). */
function requirements(
  doc: unknown,
  value: unknown,
  tokens: string[],
  schemes: Record<string, SecuritySchemeModel>,
  skipped: Set<string>,
  report: Report,
): string[][] | undefined {
  const list = deref(doc, value);
  if (!Array.isArray(list)) {
    report({ severity: "warning", code: "openapi/invalid-security", message: "`security` is not an array; ignored", pointer: toPointer(tokens) });
    return undefined;
  }
  const out: string[][] = [];
  list.forEach((item, i) => {
    const req = deref(doc, item);
    if (!isObject(req)) return;
    const names = Object.keys(req);
    const unknown = names.filter((n) => schemes[n] === undefined && !skipped.has(n));
    for (const n of unknown) {
      report({
        severity: "warning",
        code: "openapi/security-unknown",
        message: `security requirement names ${JSON.stringify(n)}, which components.securitySchemes does not define; this alternative is dropped`,
        pointer: toPointer([...tokens, String(i)]),
      });
      skipped.add(n);
    }
    if (names.every((n) => schemes[n] !== undefined)) out.push(names);
  });
  return out;
}
