// generated/ is committed: it must be exactly what `npm run gen` writes from examples/ with this checkout's svcgen.
// This is the `gen --check` CI gate, run through the real CLI.
import { describe, expect, it } from "vitest";
import { run } from "./cli/helpers.js";
import { REPO } from "./support/repo.js";

describe("committed example output", () => {
  it("svcgen gen --check finds generated/ up to date", async () => {
    const result = await run(REPO, ["gen", "--check", "--no-cache", "--config", "examples/services.toml", "--out", "generated"]);
    expect(result.stdout).toBe("svcgen: generated/ is up to date\n");
    expect(result.code).toBe(0);
  });
});
