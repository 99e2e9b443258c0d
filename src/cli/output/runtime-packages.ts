// The packages generated code imports at run time, and whether the user's project declares them. svcgen is a dev
// dependency, so its own copy of undici is there while building but gone from a production install: the note says
// so before a deploy finds out.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../package-info.js";
import { hasGeneratedMarker } from "./tree.js";

const HTTP = ["undici"];
const GRPC = ["@bufbuild/protobuf", "@connectrpc/connect", "@connectrpc/connect-node"];
const DECLARED = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/** What the generated files need: undici for any client, the proto runtime when `runtime/grpc/` is written. */
export function runtimePackagesOf(files: readonly { path: string }[]): string[] {
  if (!files.some((f) => f.path.startsWith("runtime/"))) return [];
  return files.some((f) => f.path.startsWith("runtime/grpc/")) ? [...HTTP, ...GRPC] : HTTP;
}

/**
 * The nearest package.json at or above `dir`, or undefined. The one the js+dts target writes into the output folder
 * is svcgen's, not the project's: the search goes on above it.
 */
function nearestPackageJson(dir: string): string | undefined {
  for (let at = dir; ; ) {
    const candidate = path.join(at, "package.json");
    if (existsSync(candidate) && !hasGeneratedMarker(candidate)) return candidate;
    const up = path.dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/**
 * A one-line note when the project that holds `outDir` does not declare a package its generated code imports
 * (undefined when it does, or when there is no package.json to tell).
 */
export function undeclaredRuntimeNote(files: readonly { path: string }[], outDir: string): string | undefined {
  const needed = runtimePackagesOf(files);
  if (needed.length === 0) return undefined;
  const file = nearestPackageJson(outDir);
  if (file === undefined) return undefined;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const declared = (name: string): boolean =>
    DECLARED.some((field) => typeof manifest[field] === "object" && manifest[field] !== null && name in (manifest[field] as object));
  const missing = needed.filter((name) => !declared(name));
  if (missing.length === 0) return undefined;
  const ranges = svcgenPeerRanges();
  const install = missing.map((name) => (ranges[name] !== undefined ? `${name}@${ranges[name]}` : name)).join(" ");
  return (
    `svcgen: note: the generated code imports ${missing.join(", ")} at run time, but ${path.basename(path.dirname(file))}/package.json ` +
    `does not list ${missing.length === 1 ? "it" : "them"} in "dependencies"; run: npm install ${install}`
  );
}

function svcgenPeerRanges(): Record<string, string> {
  try {
    const own = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { peerDependencies?: Record<string, string> };
    return own.peerDependencies ?? {};
  } catch {
    return {};
  }
}
