import { defineConfig } from "vitest/config";

const ISOLATED = ["test/runtime/grpc/**/*.test.ts"];
const EXCLUDE = ["**/node_modules/**", "**/.tmp/**", "bench/.cache/**"];

export default defineConfig({
  test: {
    // Generous: several tests type-check whole generated trees with tsc on a shared 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    // Most test time is spent waiting (real servers, child processes, tsc, npm): four files at a time on two cores
    // takes the suite from ~250 s to ~210 s here; CPU stays below saturation.
    maxWorkers: 4,
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: [...EXCLUDE, ...ISOLATED],
          // Test files share their worker (and its loaded modules) instead of each starting a fresh one: importing the
          // pipeline, TypeScript and undici again per file was ~40 % of the suite's CPU. These tests keep no global
          // state between files: the OpenTelemetry tests unregister their providers (test/support/otel.ts), and the
          // tests that need a clean module cache (test/generate/modules.test.ts, test/pack.test.ts) run in child
          // processes.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          // The gRPC tests each get a fresh worker: sharing one, a call in server-death.test.ts sometimes never
          // reached its server (1 run in 2 of this folder; never with isolation). Not yet understood; see the issue note.
          name: "grpc",
          include: ISOLATED,
          exclude: EXCLUDE,
          isolate: true,
        },
      },
    ],
  },
});
