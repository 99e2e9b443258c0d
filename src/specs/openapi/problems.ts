// Redocly's resolve/parse errors and bundle problems → Diagnostics with relative paths.

import type { NormalizedProblem, YamlParseError } from "@redocly/openapi-core";
import type { Diagnostic, SourceLocation } from "../../model/types.js";
import { REFUSAL_PHRASE } from "../confine.js";
import { notFound } from "../files.js";
import { LimitError, limitCode } from "./limits.js";
import { lineColumn } from "./locate.js";
import { relativeTo } from "./paths.js";
import { getByPointer, isObject, own } from "./pointer.js";
import type { LocalResolver } from "./resolver.js";

interface YamlException {
  reason?: string;
  mark?: { line: number; column: number };
}

export function yamlReason(e: YamlParseError): string {
  const original = e.originalError as Error & YamlException;
  return original.reason ?? (original.message.split("\n")[0] ?? "").trim();
}

/** js-yaml marks are 0-based. */
export function yamlPosition(e: YamlParseError): { line?: number; column?: number } {
  const mark = (e.originalError as Error & YamlException).mark;
  if (mark) return { line: mark.line + 1, column: mark.column + 1 };
  return Number.isFinite(e.line) && Number.isFinite(e.col) ? { line: e.line, column: e.col } : {};
}

/**
 * Where a limits.ts refusal is: its pointer when it has one, and its line and column when they were found (a pointer
 * on a minified JSON line has none; Redocly then says line 1, column 1, which is nowhere).
 */
export function limitLocation(e: LimitError, file: string): SourceLocation {
  const positioned = (e.originalError as Error & YamlException).mark !== undefined;
  return {
    file,
    ...(e.pointer !== undefined ? { pointer: e.pointer } : {}),
    ...(positioned || e.pointer === undefined ? { line: e.line, column: e.col } : {}),
  };
}

/** Redocly's problem for a `$ref` (or `externalValue`, or discriminator mapping) it could not resolve. */
export function isUnresolvedRef(p: NormalizedProblem): boolean {
  return p.message.startsWith("Can't resolve $ref");
}

export interface UnresolvedRef {
  code: string;
  message: string;
  /**
   * What is missing, the same for every reference to it: the file (absolute) when the file cannot be read, else the
   * file and the fragment (`/abs/openapi.yaml#/components/schemas/Missing`). A ref that cannot be read back is its
   * own target.
   */
  target: string;
}

/**
 * Redocly says only "Can't resolve $ref[: reason]"; name the ref, read back from the file that holds it. A ref that
 * confine.ts refused gets its own code and reads `$ref "../x.yaml" leaves the allowed folders (…); add …`.
 */
export async function describeUnresolved(
  p: NormalizedProblem,
  resolver: LocalResolver,
  scrub: (text: string) => string,
  show: (abs: string) => string,
): Promise<UnresolvedRef> {
  const reason = p.message.replace(/^Can't resolve \$ref:?\s*/, "");
  const where = p.location[0];
  let named: string | undefined;
  let target: { kind: "ref" | "externalValue"; value: string } | undefined;
  if (where?.pointer !== undefined) {
    const holder = await resolver.cache.get(where.source.absoluteRef);
    if (holder && !(holder instanceof Error)) {
      const node = getByPointer(holder.parsed, where.pointer);
      // An Example's externalValue is resolved like a $ref and reported at the Example.
      const ref = isObject(node) ? own(node, "$ref") : undefined;
      const external = isObject(node) ? own(node, "externalValue") : undefined;
      if (typeof ref === "string") target = { kind: "ref", value: ref };
      // A discriminator mapping value is a ref written as a plain string.
      else if (typeof node === "string") target = { kind: "ref", value: node };
      else if (typeof external === "string") target = { kind: "externalValue", value: external };
      if (target) named = `${target.kind === "ref" ? "$ref" : "externalValue"} ${JSON.stringify(target.value)}`;
    }
  }
  let key = `${where?.source.absoluteRef ?? ""}${where?.pointer ?? ""}`;
  let abs: string | undefined;
  if (where && target) {
    const hash = target.value.indexOf("#");
    const file = hash === -1 ? target.value : target.value.slice(0, hash);
    abs = file === "" ? where.source.absoluteRef : resolver.resolveExternalRef(where.source.absoluteRef, file);
    // The cache holds the promise of each read: a missing file's rejects.
    const doc = await resolver.cache.get(abs)?.catch((e: unknown) => e as Error);
    const readable = doc !== undefined && !(doc instanceof Error);
    key = readable && hash !== -1 ? `${abs}#${target.value.slice(hash + 1)}` : abs;
  }
  if (reason.startsWith(REFUSAL_PHRASE)) {
    return { code: "openapi/ref-outside-roots", message: `${named ?? "$ref"} ${reason}`, target: key };
  }
  if (target && abs !== undefined && resolver.isMissing(abs)) return { ...notFound(target.kind, show(abs)), target: key };
  const what = named !== undefined ? `cannot resolve ${named}` : "cannot resolve $ref";
  return { code: "openapi/unresolved-ref", message: reason === "" ? what : `${what}: ${scrub(reason)}`, target: key };
}

function problemCode(p: NormalizedProblem): string {
  if (isUnresolvedRef(p)) return "openapi/unresolved-ref";
  if (p.message.startsWith("Failed to parse")) return limitCode(p.message.replace(/^Failed to parse: /, "")) ?? "openapi/parse";
  return `openapi/${p.ruleId === "bundler" ? "bundle" : p.ruleId}`;
}

export function problemToDiagnostic(
  p: NormalizedProblem,
  configDir: string,
  entryRel: string,
  scrub: (text: string) => string,
): Diagnostic {
  const where = p.location[0];
  let location: SourceLocation = { file: entryRel };
  if (where) {
    const file = relativeTo(configDir, where.source.absoluteRef);
    if (where.pointer !== undefined) {
      location = { file, pointer: where.pointer, ...lineColumn(where.source, where.pointer, where.reportOnKey) };
    } else {
      location = { file, line: where.start.line, column: where.start.col };
    }
  }
  const code = problemCode(p);
  // A limits.ts refusal is not a syntax error: its message stands alone.
  const parsePrefix = code === "openapi/parse" ? "cannot parse: " : "";
  return {
    severity: p.severity === "error" ? "error" : "warning",
    code,
    message: scrub(p.message.replace(/^Failed to parse: /, parsePrefix)),
    location,
  };
}
