// Finds, reads and parses the .proto files of one service: the entry files and everything they import, each parsed
// on its own first (syntax errors are located per file), then all together into one protobufjs Root. Import paths
// resolve like protoc's -I: each proto_paths directory in order, then the config file's directory; as a convenience a
// path relative to the importing file is tried last. google/protobuf/*.proto always means the runtime's own copy.
// An import may only read files inside those directories or services.toml's ref_roots (confine.ts), symlinks
// resolved; the entry files services.toml names are trusted.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";
import type { Diagnostic, SourceLocation } from "../../model/types.js";
import { confinement, isInside, mayRead, refusal } from "../confine.js";
import { checkInputFile, fileNotFound, unreadableFile } from "../files.js";
import { declarationToken, describeParseError, locateParseError } from "./locate.js";
import { type Token, scan } from "./scan.js";
import { addWellKnown, parseAlone, parseInto } from "./parse.js";
import { WELL_KNOWN, isWellKnown } from "./wkt.js";

export interface ProtoImport {
  /** Canonical name of the imported file. */
  name: string;
  public: boolean;
}

export interface LoadedFile {
  /** The name imports use and descriptors carry (`auth/v1/auth.proto`), relative to a search directory. */
  name: string;
  /** Absent for well-known files. */
  abs?: string;
  /** How diagnostics name the file. */
  shown: string;
  text: string;
  tokens: Token[];
  syntax: "proto2" | "proto3";
  package: string;
  imports: ProtoImport[];
  wellKnown: boolean;
}

export interface LoadRequest {
  /** Entry files, relative to `baseDir` (as services.toml names them). */
  files: readonly string[];
  /** Import directories, relative to `baseDir`, in search order. */
  protoPaths: readonly string[];
  /** The config file's directory (absolute). */
  baseDir: string;
  /** Folders, relative to `baseDir`, that imports may also read (services.toml's `ref_roots`). */
  refRoots: readonly string[];
  /** Display path for a file (relative to the working directory). */
  show: (abs: string) => string;
  /** Where the `proto` key is, for entry files that cannot be read. */
  at: SourceLocation;
}

export interface LoadResult {
  /** Dependencies before dependents; undefined when there were errors. */
  files?: LoadedFile[];
  /** Names of the entry files, in configuration order. */
  entries: string[];
  root?: protobuf.Root;
  /** Absolute paths of every file read. */
  read: string[];
  /** Absolute paths an import was looked for in before the file that was read: a file there would win. */
  absent: string[];
  diagnostics: Diagnostic[];
}

export function loadProtoFiles(request: LoadRequest): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const searchDirs = [...request.protoPaths.map((p) => path.resolve(request.baseDir, p)), request.baseDir];
  const allowed = confinement([...searchDirs, ...request.refRoots.map((r) => path.resolve(request.baseDir, r))]);
  const byAbs = new Map<string, LoadedFile>();
  const byName = new Map<string, LoadedFile>();
  const ordered: LoadedFile[] = [];
  const inProgress: string[] = [];
  const read: string[] = [];
  const absent: string[] = [];
  const error = (message: string, location: SourceLocation, code = "proto/invalid"): void => {
    diagnostics.push({ severity: "error", code, message, location });
  };
  const at = (file: LoadedFile, token: Token | undefined): SourceLocation =>
    token ? { file: file.shown, line: token.line, column: token.column } : { file: file.shown, line: 1, column: 1 };

  // Folders are shown through a file in them: the display function names a file, and the current folder is ".".
  const showDir = (dir: string): string => `${path.posix.dirname(request.show(path.join(dir, "_")))}/`;

  /** Name of a file found on disk: relative to the first search directory holding it, else to the config folder. */
  const nameOf = (abs: string): string => {
    for (const dir of searchDirs) {
      const rel = path.relative(dir, abs);
      if (rel !== "" && isInside(dir, abs)) return rel.split(path.sep).join("/");
    }
    return path.relative(request.baseDir, abs).split(path.sep).join("/");
  };

  const visit = (name: string, abs: string | undefined, from: { file: LoadedFile; token: Token } | undefined): LoadedFile | undefined => {
    const known = abs !== undefined ? byAbs.get(abs) : byName.get(name);
    if (known) {
      if (inProgress.includes(known.name) && from) {
        const cycle = [...inProgress.slice(inProgress.indexOf(known.name)), known.name].join(" → ");
        error(`import cycle: ${cycle}`, at(from.file, from.token));
      }
      return known;
    }
    const clash = byName.get(name);
    if (clash && from) {
      error(`${JSON.stringify(name)} names two files: ${clash.shown} and ${abs ? request.show(abs) : name}`, at(from.file, from.token));
      return undefined;
    }
    const file = abs === undefined ? wellKnownFile(name) : readFile(name, abs, from);
    if (file === undefined) return undefined;
    if (abs !== undefined) byAbs.set(abs, file);
    byName.set(name, file);
    inProgress.push(name);
    for (const imp of file.wellKnown ? WELL_KNOWN[name]!.imports.map((n) => ({ path: n, public: false, token: undefined })) : importsOf(file)) {
      const target = resolveImport(imp.path, file);
      if (target === undefined) continue;
      const dep = visit(target.name, target.abs, imp.token ? { file, token: imp.token } : undefined);
      if (dep && !file.wellKnown) file.imports.push({ name: dep.name, public: imp.public });
    }
    inProgress.pop();
    ordered.push(file);
    return file;
  };

  const readFile = (name: string, abs: string, from: { file: LoadedFile; token: Token } | undefined): LoadedFile | undefined => {
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch (e) {
      diagnostics.push(unreadableFile(from ? "protoImport" : "proto", request.show(abs), from ? at(from.file, from.token) : request.at, e));
      return undefined;
    }
    read.push(abs);
    if (text.startsWith("\uFEFF")) text = text.slice(1);
    const file: LoadedFile = {
      name,
      abs,
      shown: request.show(abs),
      text,
      tokens: scan(text),
      syntax: "proto2",
      package: "",
      imports: [],
      wellKnown: false,
    };
    checkFile(file);
    return file;
  };

  /** Syntax, unsupported constructs and the one name protobufjs silently drops; parses the file on its own. */
  const checkFile = (file: LoadedFile): void => {
    const t = file.tokens;
    for (let i = 0; i < t.length; i++) {
      const token = t[i]!;
      if (token.kind !== "word") continue;
      if (token.text.split(".").includes("__proto__")) {
        error('the name "__proto__" is not supported (protobufjs cannot represent it); rename it', at(file, token));
      }
      if (i === 0 || t[i - 1]!.text === ";" || t[i - 1]!.text === "}") {
        if (token.text === "syntax" && t[i + 1]?.text === "=" && t[i + 2]?.kind === "string") {
          const value = t[i + 2]!.text;
          if (value === "proto3") file.syntax = "proto3";
          else if (value !== "proto2") error(`unsupported syntax ${JSON.stringify(value)} (use "proto3" or "proto2")`, at(file, t[i + 2]), "proto/syntax");
        } else if (token.text === "edition" && t[i + 1]?.text === "=") {
          error("protobuf editions are not supported yet; use syntax = \"proto3\" or \"proto2\"", at(file, token), "proto/unsupported");
        }
      }
      if (token.text === "group" && /^(optional|required|repeated)$/.test(t[i - 1]?.text ?? "")) {
        error("proto2 groups are not supported; use a nested message", at(file, token), "proto/unsupported");
      }
    }
    const message = parseAlone(file.text, file.name);
    if (message !== undefined) {
      const where = locateParseError(file.text, file.tokens, message, (prefix) => parseAlone(prefix, file.name));
      const syntax = message.startsWith("illegal");
      error(`${syntax ? "syntax error: " : ""}${describeParseError(message)}`, { file: file.shown, ...where }, syntax ? "proto/syntax" : "proto/invalid");
    }
  };

  const resolveImport = (imp: string, from: LoadedFile): { name: string; abs?: string } | undefined => {
    if (isWellKnown(imp)) return { name: imp };
    const token = importToken(from, imp);
    if (imp === "" || path.isAbsolute(imp) || imp.includes("\\") || imp.split("/").some((s) => s === "." || s === ".." || s === "")) {
      error(`import path ${JSON.stringify(imp)} must be relative to an import directory, without "." or ".." segments`, at(from, token));
      return undefined;
    }
    // Refused before reading: the file's content must not reach a message or the generated code.
    const confined = (abs: string, name: string): { name: string; abs?: string } | undefined => {
      const verdict = mayRead(allowed, abs);
      if (verdict.ok) return { name, abs };
      error(`import ${JSON.stringify(imp)} ${refusal(verdict, allowed.roots.map(showDir))}`, at(from, token), "proto/import-outside-roots");
      return undefined;
    };
    for (const dir of searchDirs) {
      const abs = path.resolve(dir, imp);
      if (isFile(abs)) return confined(abs, byAbs.get(abs)?.name ?? imp);
      absent.push(abs);
    }
    if (from.abs !== undefined) {
      const abs = path.resolve(path.dirname(from.abs), imp);
      if (isFile(abs)) return confined(abs, byAbs.get(abs)?.name ?? nameOf(abs));
    }
    const searched = [...searchDirs.map(showDir), from.abs ? showDir(path.dirname(from.abs)) : ""]
      .filter((d, i, all) => d !== "" && all.indexOf(d) === i)
      .join(", ");
    diagnostics.push(fileNotFound("protoImport", imp, at(from, token), `searched ${searched}; add its directory to proto_paths`));
    return undefined;
  };

  const entries: string[] = [];
  for (const rel of request.files) {
    const abs = path.resolve(request.baseDir, rel);
    const unusable = checkInputFile("proto", abs, request.show(abs), request.at);
    if (unusable) {
      diagnostics.push(unusable);
      continue;
    }
    const file = visit(byAbs.get(abs)?.name ?? nameOf(abs), abs, undefined);
    if (file && !entries.includes(file.name)) entries.push(file.name);
  }

  if (diagnostics.length > 0) return { entries, read, absent, diagnostics };
  const root = new protobuf.Root();
  for (const file of ordered) {
    if (file.wellKnown) {
      addWellKnown(root, file.name);
      continue;
    }
    const message = parseInto(root, file);
    if (message === undefined) continue;
    // A clash with an earlier file: replay the earlier files so the prefix search sees the same root.
    const earlier = ordered.slice(0, ordered.indexOf(file));
    const where = locateParseError(file.text, file.tokens, message, (prefix) => {
      const replay = new protobuf.Root();
      for (const e of earlier) {
        if (e.wellKnown) addWellKnown(replay, e.name);
        else parseInto(replay, e);
      }
      return parseInto(replay, { ...file, text: prefix });
    });
    error(describeParseError(message), { file: file.shown, ...where });
  }
  if (diagnostics.length > 0) return { entries, read, absent, diagnostics };
  return { files: ordered, entries, root, read, absent, diagnostics };
}

function importsOf(file: LoadedFile): Array<{ path: string; public: boolean; token: Token | undefined }> {
  const out: Array<{ path: string; public: boolean; token: Token | undefined }> = [];
  const t = file.tokens;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const text = t[i]!.text;
    if (text === "{") depth++;
    else if (text === "}") depth--;
    if (depth !== 0 || text !== "import" || t[i]!.kind !== "word") continue;
    let j = i + 1;
    let isPublic = false;
    if (t[j]?.text === "public" || t[j]?.text === "weak") {
      isPublic = t[j]!.text === "public";
      j++;
    }
    const first = t[j];
    let value = "";
    while (t[j]?.kind === "string") value += t[j++]!.text;
    if (first?.kind === "string") out.push({ path: unescape(value), public: isPublic, token: first });
  }
  return out;
}

function importToken(file: LoadedFile, imp: string): Token | undefined {
  return importsOf(file).find((i) => i.path === imp)?.token ?? declarationToken(file.tokens, "import", imp);
}

/** The escapes protobufjs's tokenizer understands in strings (its unescape()). */
function unescape(text: string): string {
  const map: Record<string, string> = { "0": "\0", r: "\r", n: "\n", t: "\t" };
  return text.replace(/\\(.?)/g, (_m, c: string) => map[c] ?? c);
}

function wellKnownFile(name: string): LoadedFile {
  return { name, shown: name, text: "", tokens: [], syntax: "proto3", package: "google.protobuf", imports: [], wellKnown: true };
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}
