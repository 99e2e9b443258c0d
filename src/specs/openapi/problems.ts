// Redocly's resolve/parse errors and bundle problems → Diagnostics with relative paths.

import type { NormalizedProblem, YamlParseError } from "@redocly/openapi-core";
import type { Diagnostic, SourceLocation } from "../../model/types.js";
import { REFUSAL_PHRASE } from "../confine.js";
import { notFound } from "../files.js";
import { limitCode } from "./limits.js";
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
 * Redocly says only "Can't resolve $ref[: reason]"; name the ref, read back from the file that holds it. A ref that
 * confine.ts refused gets its own code and reads `$ref "../x.yaml" leaves the allowed folders (…); add …`.
 */
export async function describeUnresolved(
  p: NormalizedProblem,
  resolver: LocalResolver,
  scrub: (text: string) => string,
  show: (abs: string) => string,
): Promise<{ code: string; message: string }> {
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
  if (reason.startsWith(REFUSAL_PHRASE)) {
    return { code: "openapi/ref-outside-roots", message: `${named ?? "$ref"} ${reason}` };
  }
  const file = target?.value.split("#")[0];
  if (where && target && file) {
    const abs = resolver.resolveExternalRef(where.source.absoluteRef, file);
    if (resolver.isMissing(abs)) return notFound(target.kind, show(abs));
  }
  const what = named !== undefined ? `cannot resolve ${named}` : "cannot resolve $ref";
  return { code: "openapi/unresolved-ref", message: reason === "" ? what : `${what}: ${scrub(reason)}` };
}

function problemCode(p: NormalizedProblem): string {
  if (p.message.startsWith("Can't resolve $ref")) return "openapi/unresolved-ref";
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
