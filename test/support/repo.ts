import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is test/support/repo.ts). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Scratch space inside the repo so generated code resolves `undici` from the repo's node_modules. */
export const TMP = path.join(REPO, "test", ".tmp");
