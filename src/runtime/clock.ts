// Time as the chain sees it. Every timer the runtime sets goes through a Clock, so tests can run the same chain code
// on a virtual clock (long schedules in microseconds, deterministic pauses).

export interface Clock {
  /** Monotonic milliseconds (any origin). */
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** setTimeout fires at once for delays past 2^31-1 ms; longer waits are clamped to that (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, Math.min(ms, MAX_TIMER_MS)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A timer that must not keep the process alive (connection age): unref'd when the clock's handle supports it. */
export function unrefTimer(handle: unknown): unknown {
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}

/**
 * Resolves on a later macrotask. Outcomes decided without I/O (open breaker, no endpoints, spent deadline) settle
 * through it: settled on a microtask, a caller looping on a failing call (`while (...) { try { await client.op() }
 * catch {} }`) would starve every timer and socket of the process.
 */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `ms`; rejects with `signal.reason` if the signal fires first. Leaves no timer or listener behind. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimer(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
