// The load shapes the runtime benchmarks share: closed-loop throughput with N calls in flight, sequential latency,
// and the median. Each returns plain numbers so a child process can send them over IPC.
import { PerformanceObserver } from "node:perf_hooks";

export type Once = () => Promise<unknown>;

export interface Throughput {
  /** Calls per second. */
  readonly rps: number;
  /** CPU (user + system) this process spent per call, µs: the client's own cost, less sensitive to the neighbours. */
  readonly cpuUs: number;
  /** Of that, time in garbage collection per call, µs (the GC pauses V8 reports). */
  readonly gcUs: number;
}

/** Calls per second with `concurrency` calls in flight for `seconds`. */
export async function throughput(once: Once, seconds: number, concurrency: number): Promise<Throughput> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await once();
      done++;
    }
  };
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ["gc"] });
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  for (const e of gc.takeRecords()) gcMs += e.duration;
  gc.disconnect();
  return { rps: done / (elapsed / 1000), cpuUs: (used.user + used.system) / done, gcUs: (gcMs * 1000) / done };
}

/** Sequential latency percentiles in µs. */
export async function latency(once: Once, samples: number): Promise<{ p50: number; p99: number }> {
  const xs = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t = process.hrtime.bigint();
    await once();
    xs[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  xs.sort();
  return { p50: xs[Math.floor(samples * 0.5)]!, p99: xs[Math.floor(samples * 0.99)]! };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
