// Unresolvable `$ref`s → one Diagnostic per missing target. Redocly reports every reference; a spec split over many
// files can name one missing file from dozens of places, and a line per reference buries the one fix to make. The
// diagnostic sits at the first reference in document order (ref-order.ts) and counts the others.

import type { NormalizedProblem } from "@redocly/openapi-core";
import type { Diagnostic, SourceLocation } from "../../model/types.js";
import { relativeTo } from "./paths.js";
import { describeUnresolved, problemToDiagnostic, type UnresolvedRef } from "./problems.js";
import { documentOrder, type OrderSources } from "./ref-order.js";
import type { LocalResolver } from "./resolver.js";

export interface UnresolvedContext {
  /** The resolver the bundle ran with: it knows which files were missing, refused or unparseable. */
  resolver: LocalResolver;
  /** The files as written on disk (the bundle rewrites the refs it resolved in place), for document order. */
  pristine: OrderSources;
  entry: string;
  configDir: string;
  entryRel: string;
  scrub: (text: string) => string;
  show: (abs: string) => string;
}

interface Reference {
  problem: NormalizedProblem;
  described: UnresolvedRef;
  abs: string;
  pointer: string;
}

export interface UnresolvedReport {
  diagnostics: Diagnostic[];
  /** `file#pointer` (relative, as in diagnostics) of every reference reported, the first or counted. */
  places: Set<string>;
}

export async function reportUnresolved(problems: readonly NormalizedProblem[], ctx: UnresolvedContext): Promise<UnresolvedReport> {
  const byTarget = new Map<string, Reference[]>();
  const places = new Set<string>();
  for (const problem of problems) {
    const where = problem.location[0];
    const described = await describeUnresolved(problem, ctx.resolver, ctx.scrub, ctx.show);
    const abs = where?.source.absoluteRef ?? ctx.entry;
    const pointer = where?.pointer ?? "";
    const place = `${relativeTo(ctx.configDir, abs)}#${pointer}`;
    // Redocly can report one unresolvable discriminator mapping twice.
    if (places.has(place)) continue;
    places.add(place);
    const refs = byTarget.get(described.target) ?? [];
    refs.push({ problem, described, abs, pointer });
    byTarget.set(described.target, refs);
  }

  const wanted = new Map<string, Set<string>>();
  for (const refs of byTarget.values()) {
    for (const { abs, pointer } of refs) wanted.set(abs, (wanted.get(abs) ?? new Set()).add(pointer));
  }
  const order = await documentOrder(ctx.entry, wanted, ctx.pristine);
  const rank = (r: Reference): number => order.get(r.abs + r.pointer) ?? Number.MAX_SAFE_INTEGER;

  const diagnostics: Diagnostic[] = [];
  for (const refs of byTarget.values()) {
    refs.sort((a, b) => rank(a) - rank(b) || compare(a.abs, b.abs) || compare(a.pointer, b.pointer));
    const first = refs[0]!;
    const { location, severity } = problemToDiagnostic(first.problem, ctx.configDir, ctx.entryRel, ctx.scrub);
    const message = first.described.message + whereElse(location, refs.length - 1);
    diagnostics.push({ severity, code: first.described.code, message, location });
  }
  return { diagnostics, places };
}

/**
 * ` (#/paths/~1a/get and 2 other references)`. The pointer goes in the message only when the location has a line:
 * without one, the diagnostic is printed at the pointer (`openapi.json#/paths/~1a/get: error: …`).
 */
function whereElse(location: SourceLocation, others: number): string {
  const more = others === 0 ? "" : `and ${others} other reference${others === 1 ? "" : "s"}`;
  if (location.line !== undefined && location.pointer !== undefined) return ` (${location.pointer}${more === "" ? "" : ` ${more}`})`;
  return more === "" ? "" : ` (${more})`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
