// The `gen --watch` loop: run, watch what the run read, wait for a change (debounced), run again, until stopped.
// Every run re-derives the watched set, so a spec added to services.toml or a new `$ref` is watched from then on.
import type { Clock } from "../../runtime/clock.js";
import { Debounce } from "./debounce.js";
import { WatchSet } from "./watch-set.js";

export interface WatchOptions {
  /** One run; resolves to every file it read or looked for (absolute paths): what the next change may be in. */
  run(): Promise<Iterable<string>>;
  /** Ends the loop: after the run in progress, if any. */
  signal: AbortSignal;
  clock: Clock;
  debounceMs: number;
  /** Called each time the loop starts waiting: the watchers are in place, a change from here on is seen. */
  onWaiting?(): void;
}

/** Resolves once `signal` aborts, with every watcher, timer and listener it made gone. */
export async function watchLoop(options: WatchOptions): Promise<void> {
  const { signal } = options;
  // Set when a change settled (or the signal fired) while nothing waited: the loop then runs (or stops) at once.
  let due = false;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    due = true;
    wake?.();
  };
  const debounce = new Debounce(options.clock, options.debounceMs, settle);
  const watchers = new WatchSet(() => debounce.trigger());
  signal.addEventListener("abort", settle);
  try {
    while (!signal.aborted) {
      due = false;
      const files = await options.run();
      if (signal.aborted) break;
      watchers.update(files);
      if (due) continue;
      options.onWaiting?.();
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    signal.removeEventListener("abort", settle);
    watchers.close();
    debounce.cancel();
  }
}
