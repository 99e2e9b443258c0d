// Path- and operation-level `servers` (OpenAPI 3.x §4.8.9 Path Item, §4.8.10 Operation; Server Object §4.8.5):
// where one operation is sent when it is not the service's URL. The root `servers` stay overridden by services.toml's
// `url` (the service's base), so only a server that differs from the root's first is an operation's own.
//   - The operation's list wins over its path item's; an empty list is no list. The first entry is used (the others
//     are alternatives for the same API).
//   - `{variable}`s take their `default` (§4.8.6); one without a default, or a URL that is not http(s) or a path
//     relative to the base, is a warning at its pointer and the operation keeps the service's URL.
//   - The result keeps the spec's text (the key of the client's `servers` option), trailing slashes dropped.
import { isObject, own, toPointer } from "./pointer.js";
import type { Report } from "./report.js";

type Tokens = readonly string[];

/** The `servers` list in force for an operation, and where it is. */
function serversOf(op: Record<string, unknown>, pathItem: Record<string, unknown>, opTokens: Tokens): { list: unknown[]; tokens: Tokens } | undefined {
  const onOp = own(op, "servers");
  if (Array.isArray(onOp) && onOp.length > 0) return { list: onOp, tokens: [...opTokens, "servers"] };
  const onPath = own(pathItem, "servers");
  if (Array.isArray(onPath) && onPath.length > 0) return { list: onPath, tokens: [...opTokens.slice(0, -1), "servers"] };
  return undefined;
}

/** `https://files.stripe.com/` → `https://files.stripe.com`; a lone `/` stays (the origin's root). */
function trimSlashes(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

type Expanded = { url: string } | { problem: string; tokens: Tokens };

/** A Server Object's URL with its variables' defaults, or why it cannot be used. */
function expand(server: unknown, tokens: Tokens): Expanded {
  if (!isObject(server) || typeof own(server, "url") !== "string") return { problem: "a server needs a `url` string", tokens };
  const raw = own(server, "url") as string;
  const variables = own(server, "variables");
  let missing: string | undefined;
  const url = raw.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const variable = isObject(variables) ? own(variables, name) : undefined;
    const value = isObject(variable) ? own(variable, "default") : undefined;
    if (typeof value === "string") return value;
    missing ??= name;
    return whole;
  });
  if (missing !== undefined) return { problem: `server variable {${missing}} has no default`, tokens: [...tokens, "url"] };
  const why = unusable(url);
  return why === undefined ? { url: url === "" ? "" : trimSlashes(url) } : { problem: `server URL ${JSON.stringify(url)} ${why}`, tokens: [...tokens, "url"] };
}

/** Why a URL (variables substituted) cannot be an operation's server; undefined when it can. */
function unusable(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return "is not a valid URL";
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "is not http or https";
    if (parsed.username !== "" || parsed.password !== "") return "carries user info";
    if (parsed.hostname === "") return "has no host";
  } else if (url.startsWith("//")) {
    return "is protocol-relative (give the scheme)";
  } else if (/[{}]/.test(url)) {
    return "is not a URL";
  }
  if (/[?#]/.test(url)) return "carries a query or fragment";
  if (/[\s\\]/.test(url)) return "contains whitespace or a backslash";
  return undefined;
}

/** The root's first server, as operation servers are compared with it (undefined when it has none usable). */
export function rootServer(doc: Record<string, unknown>): string | undefined {
  const list = own(doc, "servers");
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const first = expand(list[0], ["servers", "0"]);
  return "url" in first ? first.url : undefined;
}

/**
 * The operation's own server (absolute http(s) URL, or a path relative to the service's base), or undefined when it
 * goes to the service's URL. `opTokens`: `["paths", path, method]`.
 */
export function operationServer(op: Record<string, unknown>, pathItem: Record<string, unknown>, opTokens: Tokens, root: string | undefined, report: Report): string | undefined {
  const found = serversOf(op, pathItem, opTokens);
  if (found === undefined) return undefined;
  const first = expand(found.list[0], [...found.tokens, "0"]);
  if ("problem" in first) {
    report({
      severity: "warning",
      code: "openapi/invalid-server",
      message: `${first.problem}; the operation is sent to the service's URL`,
      pointer: toPointer(first.tokens),
    });
    return undefined;
  }
  // An empty URL is the document's own location: here, the service's base URL.
  return first.url === root || first.url === "" ? undefined : first.url;
}
