// The loads of one run as a queue that the main thread and every worker thread take from: each claims the next
// index with one atomic add on shared memory, so no thread waits for another to hand it work (the main thread is
// busy loading too, and could not answer promptly).
import type { SpecLoad, SpecPlace, SpecSettings } from "./loader.js";
import { specContext } from "./loader.js";
import { loaderOf } from "./registry.js";

export interface QueuedLoad {
  kind: string;
  settings: SpecSettings;
}

/** Structured-clone data: what a worker thread is started with. */
export interface LoadQueue {
  loads: QueuedLoad[];
  /** Indexes into `loads`, in the order they are taken: the biggest first, so none is left to start last. */
  order: number[];
  /** One Int32 on a SharedArrayBuffer: the next position in `order`. */
  next: Int32Array;
  place: SpecPlace;
}

export type Delivered = { index: number; load: SpecLoad<unknown> } | { index: number; error: { message: string; stack?: string } };

/**
 * What a worker thread posts for a load: the load as v8.serialize() bytes, made on the worker, transferred without a
 * copy. They are what the spec cache stores, so the main thread only deserializes (as a posted object would make it).
 */
export type Posted = { index: number; serialized: Uint8Array } | Exclude<Delivered, { load: unknown }>;

/** Loads until the queue is empty, handing each result (or the exception a loader threw) to `deliver` at once. */
export async function drain(queue: LoadQueue, deliver: (result: Delivered) => void): Promise<void> {
  const ctx = specContext(queue.place);
  for (;;) {
    const position = Atomics.add(queue.next, 0, 1);
    if (position >= queue.order.length) return;
    const index = queue.order[position]!;
    const { kind, settings } = queue.loads[index]!;
    let result: Delivered;
    try {
      result = { index, load: await loaderOf(kind).load(settings, ctx) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      result = { index, error: { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) } };
    }
    deliver(result);
  }
}
