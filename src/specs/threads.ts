// Several specs to load: the main thread and up to `threads - 1` worker threads take them from one queue (queue.ts).
// Bundling and typing a spec is synchronous work, so without threads ten specs load on one core. Each thread pays
// for loading Redocly and openapi-typescript once; a single load never starts a worker (the caller's rule).
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { deserialize } from "node:v8";
import { Worker } from "node:worker_threads";
import type { SpecLoad, SpecPlace } from "./loader.js";
import { drain, type Delivered, type LoadQueue, type Posted, type QueuedLoad } from "./queue.js";

/**
 * Loads every entry of `loads`, heaviest first; results in the order of `loads`, whatever thread finished first.
 * `loaded` sees each result as it arrives (while the main thread waits for the others, not after), with the load's
 * v8.serialize() bytes when a worker thread loaded it.
 */
export async function loadInThreads(
  loads: readonly QueuedLoad[],
  weights: readonly number[],
  place: SpecPlace,
  threads: number,
  loaded: (index: number, load: SpecLoad<unknown>, serialized?: Uint8Array) => void = () => {},
): Promise<Array<SpecLoad<unknown>>> {
  const order = loads.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const queue: LoadQueue = { loads: [...loads], order, next: new Int32Array(new SharedArrayBuffer(4)), place };
  const results = new Array<Delivered | undefined>(loads.length);
  const deliver = (result: Delivered, serialized?: Uint8Array): void => {
    results[result.index] = result;
    if ("load" in result) loaded(result.index, result.load, serialized);
  };
  const arrive = (posted: Posted): void => {
    if (!("serialized" in posted)) return deliver(posted);
    deliver({ index: posted.index, load: deserialize(posted.serialized) as SpecLoad<unknown> }, posted.serialized);
  };

  const workers = Array.from({ length: Math.min(threads, loads.length) - 1 }, () => startWorker(queue));
  let failure: unknown;
  const finished = workers.map(
    (worker) =>
      new Promise<void>((resolve) => {
        worker.on("message", arrive);
        // A worker that fails (cannot start, runs out of memory) matters only if it took a load it did not finish:
        // the main thread takes whatever is left in the queue.
        worker.on("error", (e) => (failure ??= e));
        worker.once("exit", () => resolve());
      }),
  );
  try {
    await drain(queue, deliver);
    await Promise.all(finished);
  } finally {
    // Only after an exception on the main thread is any still running; terminate() on an exited worker does nothing.
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  return results.map((result, index) => {
    if (result === undefined) {
      if (failure !== undefined) throw failure;
      throw new Error(`a worker thread ended before loading ${describe(loads[index]!)}`);
    }
    if ("error" in result) throw Object.assign(new Error(result.error.message), result.error.stack ? { stack: result.error.stack } : {});
    return result.load;
  });
}

function describe(load: QueuedLoad): string {
  return `the ${load.kind} spec at ${load.settings.at.file}:${load.settings.at.line ?? 1}`;
}

/**
 * Built code runs worker.js directly. Run from src/ (tsx, vitest), the worker is worker.ts, which Node cannot load
 * by itself, and `--import tsx` in a worker's execArgv does not reach its entry in Node 20: the worker registers
 * tsx's loader first, then imports it.
 */
function startWorker(queue: LoadQueue): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./worker.js", self), { workerData: queue });
  const tsxRoot = path.dirname(createRequire(self).resolve("tsx/package.json"));
  const tsxApi = pathToFileURL(path.join(tsxRoot, "dist", "esm", "api", "index.mjs")).href;
  const entry = new URL("./worker.ts", self).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: queue });
}
