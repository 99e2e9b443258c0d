// Reads the entry spec and every file it references, once, with Redocly's bundler (the library openapi-typescript
// bundles with), checks the OpenAPI version, and maps Redocly's problems to Diagnostics.

import {
  bundle,
  createConfig,
  lintDocument,
  ResolveError,
  YamlParseError,
  type Config,
  type Document,
} from "@redocly/openapi-core";
import path from "node:path";
import type { Diagnostic } from "../../model/types.js";
import { confinement } from "../confine.js";
import { unreadableFile } from "../files.js";
import { LimitError } from "./limits.js";
import { relativeTo, scrubPaths } from "./paths.js";
import { isUnresolvedRef, limitLocation, problemToDiagnostic, yamlPosition, yamlReason } from "./problems.js";
import { guardRedoclyTypes } from "./redocly-types.js";
import { LocalResolver, type ResolverOptions } from "./resolver.js";
import { bundleInPlace } from "./self-contained.js";
import { reportUnresolved } from "./unresolved.js";
import { checkVersion } from "./version.js";

export interface BundleOutcome {
  /** The bundled document: every external `$ref` moved into `#/components`, local refs kept. */
  doc?: Record<string, unknown>;
  /** The entry file's parsed source, for line/column lookups. */
  root?: Document;
  /** Absolute paths: entry first, then the rest sorted. */
  inputs: string[];
  diagnostics: Diagnostic[];
}

let configPromise: Promise<Config> | undefined;

/** The same ruleset openapi-typescript starts from; bundling runs none of its lint rules, only decorators. */
export function redoclyConfig(): Promise<Config> {
  guardRedoclyTypes();
  configPromise ??= createConfig({}, { extends: ["minimal"] });
  return configPromise;
}

let structPromise: Promise<Config> | undefined;

/** Only the structural rule (required fields, value types): used to report everything wrong with a broken spec. */
function structConfig(): Promise<Config> {
  guardRedoclyTypes();
  structPromise ??= createConfig({ rules: { struct: "error" } } as Parameters<typeof createConfig>[0]);
  return structPromise;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `refRoots` (relative to `configDir`) are the folders besides the entry's own that its `$ref`s and `externalValue`s
 * may read (services.toml's `ref_roots`).
 */
export async function bundleSpec(
  absPath: string,
  configDir: string,
  refRoots: readonly string[] = [],
  show: (abs: string) => string = (abs) => relativeTo(configDir, abs),
): Promise<BundleOutcome> {
  const allowed = confinement([path.dirname(absPath), ...refRoots.map((r) => path.resolve(configDir, r))]);
  const resolverOptions: ResolverOptions = {
    entry: absPath,
    confinement: allowed,
    shownRoots: allowed.roots.map((r) => `${relativeTo(configDir, r) || "."}/`),
  };
  const resolver = new LocalResolver(resolverOptions);
  const entryRel = relativeTo(configDir, absPath);
  const inputsOf = (): string[] => [absPath, ...resolver.localFiles().filter((f) => f !== absPath).sort(compare)];
  const scrub = (text: string): string => scrubPaths(text, configDir, inputsOf());

  const root = await resolver.resolveDocument(null, absPath, true).catch((e: unknown) => e as Error);
  if (root instanceof LimitError) {
    return {
      inputs: inputsOf(),
      diagnostics: [{ severity: "error", code: root.code, message: root.message, location: limitLocation(root, entryRel) }],
    };
  }
  if (root instanceof YamlParseError) {
    return {
      inputs: inputsOf(),
      diagnostics: [
        {
          severity: "error",
          code: "openapi/parse",
          message: `cannot parse spec: ${scrub(yamlReason(root))}`,
          location: { file: entryRel, ...yamlPosition(root) },
        },
      ],
    };
  }
  if (root instanceof Error) {
    const original = root instanceof ResolveError ? root.originalError : root;
    // Redocly's "Expected a file but received a folder" carries no error code; other reasons keep their text, with
    // this machine's paths made relative.
    const code = /received a folder/.test(original.message) ? "EISDIR" : (original as NodeJS.ErrnoException).code;
    const error = Object.assign(new Error(scrub(original.message)), code === undefined ? {} : { code });
    return { inputs: inputsOf(), diagnostics: [unreadableFile("openapi", show(absPath), { file: entryRel }, error)] };
  }

  const versionProblem = checkVersion(root, entryRel);
  if (versionProblem) return { inputs: inputsOf(), diagnostics: [versionProblem] };

  let result: Awaited<ReturnType<typeof bundle>>;
  try {
    const config = await redoclyConfig();
    // One file with local $refs only (GitHub's, Stripe's): nothing to move in, nothing to report.
    const inPlace = resolver.localFiles().length === 1 ? bundleInPlace(root, config) : undefined;
    if (inPlace !== undefined) return { doc: inPlace, root, inputs: inputsOf(), diagnostics: [] };
    result = await bundle({ doc: root, externalRefResolver: resolver, config, dereference: false });
  } catch (e) {
    return { inputs: inputsOf(), diagnostics: [bundleFailure(e, entryRel, scrub)] };
  }
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const unresolved: typeof result.problems = [];
  // `p.ignored` is deliberately not honoured: it comes from a `.redocly.lint-ignore.yaml` in the current directory,
  // and results must not depend on where svcgen runs.
  for (const p of result.problems) {
    if (isUnresolvedRef(p)) {
      unresolved.push(p);
      continue;
    }
    const d = problemToDiagnostic(p, configDir, entryRel, scrub);
    // A file a $ref pulled in that limits.ts refused: Redocly keeps its line and column, not its pointer.
    const where = p.location[0];
    if (d.code !== "openapi/parse" && where !== undefined && where.pointer === undefined) {
      const failure = await resolver.cache.get(where.source.absoluteRef)?.catch((e: unknown) => e);
      if (failure instanceof LimitError) d.location = limitLocation(failure, d.location.file);
    }
    const key = JSON.stringify(d);
    if (reported.has(key)) continue;
    reported.add(key);
    diagnostics.push(d);
  }
  if (unresolved.length === 0 && !diagnostics.some((d) => d.severity === "error")) {
    return { doc: result.bundle.parsed as Record<string, unknown>, root, inputs: inputsOf(), diagnostics };
  }

  // The bundle rewrote the refs it resolved, in the documents the resolver holds: what follows reads the files again
  // as written (only for a spec that is rejected).
  const pristine = new LocalResolver(resolverOptions);
  const load = async (abs: string): Promise<Document | undefined> => {
    const doc = await pristine.resolveDocument(null, abs, abs === absPath).catch((e: unknown) => e as Error);
    return doc instanceof Error ? undefined : doc;
  };
  const refs = await reportUnresolved(unresolved, {
    resolver,
    pristine: { load: async (abs) => (await load(abs))?.parsed, resolve: (base, file) => pristine.resolveExternalRef(base, file) },
    entry: absPath,
    configDir,
    entryRel,
    scrub,
    show,
  });
  diagnostics.push(...refs.diagnostics);

  // The spec is rejected anyway: list its structural problems too, so one run shows every fix to make. Not run on
  // specs that bundle: real-world specs (Stripe's, GitHub's) break `struct` in ways that do not affect the client.
  const document = await load(absPath);
  let lint: Awaited<ReturnType<typeof lintDocument>> = [];
  try {
    if (document) lint = await lintDocument({ document, externalRefResolver: pristine, config: (await structConfig()).styleguide });
  } catch (e) {
    return { inputs: inputsOf(), diagnostics: [...diagnostics, bundleFailure(e, entryRel, scrub)] };
  }
  const seen = new Set([...diagnostics.map((d) => `${d.location.file}#${d.location.pointer ?? ""}`), ...refs.places]);
  for (const p of lint) {
    // Unresolvable refs and unparseable files are the bundle's to report (above, once per target).
    if (isUnresolvedRef(p) || p.message.startsWith("Failed to parse")) continue;
    const d = problemToDiagnostic(p, configDir, entryRel, scrub);
    if (seen.has(`${d.location.file}#${d.location.pointer ?? ""}`)) continue;
    // Without a line the diagnostic is printed at its pointer already.
    const at = d.location.pointer !== undefined && d.location.line !== undefined ? ` (${d.location.pointer})` : "";
    diagnostics.push({ ...d, severity: "error", code: "openapi/struct", message: `${d.message.replace(/\.$/, "")}${at}` });
  }
  return { doc: result.bundle.parsed as Record<string, unknown>, root, inputs: inputsOf(), diagnostics };
}

/**
 * Redocly's walk recurses once per level and follows each `$ref` in place, so schemas that each `$ref` the next one
 * at their deepest point add up: a few thousand levels in all exhaust the stack even though each file is within
 * limits.ts. Those say where in a file; this case is reported at the entry, which is all that is known.
 */
function bundleFailure(e: unknown, entryRel: string, scrub: (text: string) => string): Diagnostic {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return {
      severity: "error",
      code: "openapi/too-deep",
      message:
        "nesting too deep to bundle: schemas nested inside schemas through their $refs go thousands of levels deep " +
        "(each file is within svcgen's limit, the chain of $refs is not); shorten the chain",
      location: { file: entryRel },
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { severity: "error", code: "openapi/bundle", message: `cannot bundle spec: ${scrub(message)}`, location: { file: entryRel } };
}
