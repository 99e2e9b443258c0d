// svcgen's own identity in the cache key: any change to the generator (upgrade, local edit, template tweak) must
// invalidate cached results. Hashing the files' contents is cheap enough (see the report) and needs no mtime trust.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { codeDir, packageRoot, packageVersion } from "../package-info.js";
import { listFiles } from "../output/tree.js";

let memo: string | undefined;

export function selfFingerprint(): string {
  memo ??= computeFingerprint(fingerprintRoots());
  return memo;
}

/** The running code (src/ or dist/), the templates, and the runtime sources copied into generated output. */
function fingerprintRoots(): string[] {
  const roots = [codeDir, path.join(packageRoot, "templates"), path.join(packageRoot, "src", "runtime")];
  const unique = [...new Set(roots.map((root) => path.resolve(root)))];
  // src/runtime is already inside codeDir when running from src/.
  return unique.filter((root, _i, all) => existsSync(root) && !all.some((other) => other !== root && isInside(root, other)));
}

export function computeFingerprint(roots: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(`svcgen@${packageVersion()}\0`);
  for (const root of roots) {
    hash.update(`${path.relative(packageRoot, root)}\0`);
    for (const file of listFiles(root)) {
      const content = readFileSync(path.join(root, file));
      hash.update(`${file}\0${content.length}\0`);
      hash.update(content);
    }
  }
  return hash.digest("hex");
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}
