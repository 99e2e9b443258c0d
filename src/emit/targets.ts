// What form the clients and the runtime take in the output folder. The one list of targets: services.toml's
// `[output] target`, the CLI's `--target` and the pipeline all read it here.
import type { GeneratedFile } from "./files.js";

/**
 * `ts`: TypeScript sources, compiled by the user's own build. `js+dts`: JavaScript plus declarations (as
 * protobuf-es's `target=js+dts`), which the user's tsc reads without checking and a bundler takes as they are.
 */
export const OUTPUT_TARGETS = ["ts", "js+dts"] as const;
export type OutputTarget = (typeof OUTPUT_TARGETS)[number];
export const DEFAULT_OUTPUT_TARGET: OutputTarget = "ts";

export function isOutputTarget(value: string): value is OutputTarget {
  return (OUTPUT_TARGETS as readonly string[]).includes(value);
}

/**
 * The emitters' files (TypeScript and YAML) in the form `target` asks for. `js+dts` loads its module, and with it
 * the TypeScript compiler, only when asked for.
 */
export async function applyTarget(files: readonly GeneratedFile[], target: OutputTarget): Promise<GeneratedFile[]> {
  if (target === "ts") return [...files];
  const { toJsDts } = await import("./js-dts/index.js");
  return toJsDts(files);
}
