// A worker thread's entry (threads.ts): takes loads from the shared queue and posts each result back as it is done.
// Results are structured-clone data, so they arrive exactly as a load on the main thread would have returned them.
import { parentPort, workerData } from "node:worker_threads";
import { drain, type Delivered, type LoadQueue } from "./queue.js";

const port = parentPort!;
await drain(workerData as LoadQueue, (result) => {
  try {
    port.postMessage(result);
  } catch (e) {
    // Not structured-clone data (a loader bug): reported as the load's failure, not as a lost message.
    const failed: Delivered = { index: result.index, error: { message: `cannot pass a load back from a worker thread: ${String(e)}` } };
    port.postMessage(failed);
  }
});
