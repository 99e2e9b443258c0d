// The output folder's package.json for the js+dts target. It makes the folder a local package a project depends on
// (`"generated": "file:./generated"`): its `.js` files are ES modules whatever the project's own "type", and every
// entry point has its `types`, so `tsc --outDir` builds and bundlers import it by name instead of by a relative path
// that would have to survive the move to the build folder. No dependencies: `undici` and the other peers resolve
// from the project that holds the folder, as they do for the `ts` target.
import { GENERATED_MARKER, type GeneratedFile } from "../files.js";

export function packageJson(files: readonly GeneratedFile[]): GeneratedFile {
  const has = (path: string): boolean => files.some((f) => f.path === path);
  const entry = (base: string) => ({ types: `./${base}.d.ts`, default: `./${base}.js` });
  const manifest = {
    // A comment key, near the top: how `gen` recognises the file as its own (and removes it when the target changes).
    "//": GENERATED_MARKER,
    name: "generated",
    private: true,
    type: "module",
    exports: {
      ...(has("clients/index.js") ? { ".": entry("clients/index") } : {}),
      ...(has("runtime/index.js") ? { "./runtime": entry("runtime/index") } : {}),
      // Any module by its path (`generated/clients/users_service/index.js`); types from the .d.ts beside it.
      "./*": "./*",
    },
  };
  return { path: "package.json", content: `${JSON.stringify(manifest, null, 2)}\n` };
}
