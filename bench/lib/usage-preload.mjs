// Preloaded with `node --import` into a measured child: on exit, writes the process's own peak RSS (KiB) and CPU time
// (µs, user + system, every thread) from getrusage to $BENCH_USAGE_FILE as JSON. Works for any Node CLI without
// changing it; child processes it spawns are not counted.
import { writeFileSync } from "node:fs";

const target = process.env.BENCH_USAGE_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ maxRSS: usage.maxRSS, cpu: usage.userCPUTime + usage.systemCPUTime }));
  });
}
