// Which files a spec may pull in. A spec's `$ref`s (and `externalValue`s) and a .proto's imports may read only files
// inside a few allowed folders: the spec's own folder (for .proto: the import directories) plus services.toml's
// `ref_roots`. Anything else — an absolute path elsewhere, a `..` escape, a symlink whose real path leaves the folders —
// is refused before a byte of it is read, so a hostile spec cannot copy a local file (credentials, /etc/passwd) into
// generated code or error messages. The files services.toml names itself are trusted: the user chose them.
//
// Decided on real paths (symlinks resolved) for both the target and the folders, so a symlinked checkout still works.
// There is a window between this check and the read (a symlink swapped in between); closing it would need
// openat-style APIs Node does not have, and whoever can write the spec folder at that moment can edit the spec anyway.
import { realpathSync } from "node:fs";
import path from "node:path";

export interface Confinement {
  /** The allowed folders, absolute, as configured (for messages), without duplicates. */
  readonly roots: readonly string[];
  /** Their real paths, for the decision. */
  readonly realRoots: readonly string[];
}

export type Verdict =
  | { ok: true }
  /** `path`: the path itself points outside; `symlink`: it looks inside but a symlink on the way leads out. */
  | { ok: false; via: "path" | "symlink" };

export function confinement(roots: readonly string[]): Confinement {
  const unique = [...new Set(roots.map((r) => path.resolve(r)))];
  return { roots: unique, realRoots: unique.map(realPath) };
}

/** May the file at `abs` (absolute) be read? Touches only directory entries and links, never file contents. */
export function mayRead(c: Confinement, abs: string): Verdict {
  const target = path.resolve(abs);
  if (c.realRoots.some((root) => isInside(root, realPath(target)))) return { ok: true };
  const looksInside = c.roots.some((root) => isInside(root, target));
  return { ok: false, via: looksInside ? "symlink" : "path" };
}

/**
 * Why a file was refused and what to do, for the caller to put after what it names (`$ref "../x.yaml"`):
 * `leaves the allowed folders (specs/, shared/schemas/); add its folder to ref_roots in services.toml`.
 * `shownRoots` are the folders as the caller displays paths (never absolute paths of this machine).
 */
export function refusal(verdict: Extract<Verdict, { ok: false }>, shownRoots: readonly string[]): string {
  const how = verdict.via === "symlink" ? " through a symlink" : "";
  return `${REFUSAL_PHRASE}${how} (${shownRoots.join(", ")}); add its folder to ref_roots in services.toml`;
}

/** The phrase every refusal message carries, for code that needs to recognise one in a library's error text. */
export const REFUSAL_PHRASE = "leaves the allowed folders";

export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** realpath of the longest existing prefix, plus the rest as written: a missing file is judged by where it would be. */
function realPath(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    if (parent === abs) return abs;
    return path.join(realPath(parent), path.basename(abs));
  }
}
