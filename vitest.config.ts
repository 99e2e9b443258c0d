import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.tmp/**", "bench/.cache/**"],
    // Generous: several tests type-check whole generated trees with tsc on a shared 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    // Most test time is spent waiting (real servers, child processes, tsc, npm): four files at a time on two cores
    // takes the suite from ~250 s to ~210 s here; CPU stays below saturation.
    maxWorkers: 4,
  },
});
