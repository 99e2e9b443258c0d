// Preloaded with `node --import` into a measured child: on exit, writes the process's own peak RSS (KiB, from
// getrusage) to $BENCH_MAXRSS_FILE. Works for any Node CLI without changing it; child processes it spawns are not counted.
import { writeFileSync } from "node:fs";

const target = process.env.BENCH_MAXRSS_FILE;
if (target) {
  process.on("exit", () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
