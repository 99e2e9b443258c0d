// TypeScript sources → JavaScript and declarations, in memory, with the compiler's own emit. Each file is taken on
// its own text (isolatedDeclarations, verbatimModuleSyntax): no import is resolved and nothing is type-checked, so
// the output depends on the sources alone. svcgen's sources are written for this: every export of the runtime and
// of a client module has an explicit type, and every type-only import says so.
import ts from "typescript";

export interface TsSource {
  /** `clients/users_service/index.ts` */
  path: string;
  /** Comment lines put back on top of both outputs. */
  header: string;
  body: string;
}

export interface Compiled {
  path: string;
  header: string;
  js: string;
  dts: string;
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  declaration: true,
  isolatedDeclarations: true,
  verbatimModuleSyntax: true,
  noCheck: true,
  noResolve: true,
  noLib: true,
  types: [],
  newLine: ts.NewLineKind.LineFeed,
};

/** A module of types alone needs no transform: its text is a valid .d.ts, and its JavaScript an empty module. */
const EMPTY_MODULE = "export {};\n";

/**
 * The runtime's copies are the same text on every run of one svcgen: their output is kept for the life of the process
 * (`gen --watch` compiles them once, not once per change). Sound because each file is compiled on its own text alone.
 * Bounded by the runtime's size; client modules, which change with the specs, are not kept.
 */
const runtimeOutputs = new Map<string, { js: string; dts: string }>();
const cacheKey = (s: TsSource): string | undefined => (s.path.startsWith("runtime/") ? `${s.path}\0${s.body}` : undefined);

export function compile(sources: readonly TsSource[]): Compiled[] {
  const kept: Compiled[] = [];
  const misses: TsSource[] = [];
  for (const s of sources) {
    const known = runtimeOutputs.get(cacheKey(s) ?? "");
    if (known === undefined) misses.push(s);
    else kept.push({ path: s.path, header: s.header, ...known });
  }
  const fresh = compileAll(misses);
  for (const [i, c] of fresh.entries()) {
    const key = cacheKey(misses[i]!);
    if (key !== undefined) runtimeOutputs.set(key, { js: c.js, dts: c.dts });
  }
  return [...fresh, ...kept].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Output in the order of `sources`. */
function compileAll(sources: readonly TsSource[]): Compiled[] {
  if (sources.length === 0) return [];
  const parsed = new Map<string, ts.SourceFile>();
  for (const s of sources) {
    // JSDoc stays text: both emits copy comments as written, and nothing here reads JSDoc types or tags.
    const options = { languageVersion: OPTIONS.target!, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
    parsed.set(rooted(s.path), ts.createSourceFile(rooted(s.path), s.body, options, false, ts.ScriptKind.TS));
  }
  const written = new Map<string, string>();
  const host: ts.CompilerHost = {
    getSourceFile: (name) => parsed.get(name),
    writeFile: (name, text) => written.set(name, text),
    getDefaultLibFileName: () => "/lib.d.ts",
    useCaseSensitiveFileNames: () => true,
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => "/",
    getNewLine: () => "\n",
    fileExists: (name) => parsed.has(name),
    readFile: () => undefined,
  };
  // Modules of types alone stay out of the program: the compiler would bind them (all of GitHub's types) for nothing.
  const emitted = [...parsed.values()].filter((f) => !typesOnly(f));
  const program = ts.createProgram({ rootNames: emitted.map((f) => f.fileName), options: OPTIONS, host });
  const problems: ts.Diagnostic[] = [...program.getSyntacticDiagnostics()];
  const out: Compiled[] = [];
  for (const s of sources) {
    const file = parsed.get(rooted(s.path))!;
    if (!emitted.includes(file)) {
      out.push({ path: s.path, header: s.header, js: EMPTY_MODULE, dts: s.body });
      continue;
    }
    const result = program.emit(file);
    problems.push(...result.diagnostics);
    const base = rooted(s.path).slice(0, -".ts".length);
    out.push({ path: s.path, header: s.header, js: written.get(`${base}.js`) ?? "", dts: written.get(`${base}.d.ts`) ?? "" });
  }
  // The sources are svcgen's own output: anything the compiler cannot take as it is, is svcgen's bug.
  if (problems.length > 0) throw new Error(`svcgen: the js+dts target cannot compile its own output:\n${format(problems)}`);
  return out;
}

function rooted(path: string): string {
  return `/${path}`;
}

/** Interfaces, type aliases and type-only imports and exports, nothing else (openapi-typescript's types.ts). */
function typesOnly(file: ts.SourceFile): boolean {
  return file.statements.every(
    (s) =>
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(s) && s.isTypeOnly),
  );
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => "/", getNewLine: () => "\n" });
}
