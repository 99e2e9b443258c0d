// `--target js+dts`: the TypeScript emitter's files as `.js` + `.d.ts` pairs, as protobuf-es's `target=js+dts`
// writes them. A pure function of the `.ts` files: nothing is resolved or read from disk, so the same files always
// give the same bytes, whatever is installed. YAML and every other file pass through unchanged, and a package.json
// makes the folder a local package (ES modules, with `types` for every entry point).
import type { GeneratedFile } from "../files.js";
import { compile, type TsSource } from "./compile.js";
import { packageJson } from "./package-json.js";

/** The generated header (marker, source, maybe `@ts-nocheck`) and the blank line after it. */
const HEADER = /^(?:\/\/[^\n]*\n)+\n/;

export function toJsDts(files: readonly GeneratedFile[]): GeneratedFile[] {
  const out: GeneratedFile[] = [];
  const sources: TsSource[] = [];
  for (const f of files) {
    if (!f.path.endsWith(".ts") || f.path.endsWith(".d.ts")) {
      out.push(f);
      continue;
    }
    // The header goes back on top of both outputs as it was: the marker must stay on the first line.
    const header = HEADER.exec(f.content)?.[0] ?? "";
    sources.push({ path: f.path, header, body: f.content.slice(header.length) });
  }
  for (const c of compile(sources)) {
    const base = c.path.slice(0, -".ts".length);
    out.push({ path: `${base}.js`, content: `${c.header}${c.js}` });
    out.push({ path: `${base}.d.ts`, content: `${c.header}${c.dts}` });
  }
  out.push(packageJson(out));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
