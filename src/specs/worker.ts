// A worker thread's entry (threads.ts): takes loads from the shared queue and posts each result back as it is done.
// A load is posted as v8.serialize() bytes (structured-clone data, as postMessage would send it), made here rather
// than on the main thread, which stores the same bytes in the spec cache.
import { serialize } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { drain, type Delivered, type LoadQueue, type Posted } from "./queue.js";

const port = parentPort!;
await drain(workerData as LoadQueue, (result) => {
  try {
    if (!("load" in result)) return port.postMessage(result);
    const bytes = serialize(result.load);
    const posted: Posted = { index: result.index, serialized: bytes };
    // Transferred when the bytes own their memory (they do: v8 hands them over); a shared pool would be copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    port.postMessage(posted, own ? [bytes.buffer] : []);
  } catch (e) {
    // Not structured-clone data (a loader bug): reported as the load's failure, not as a lost message.
    const failed: Delivered = { index: result.index, error: { message: `cannot pass a load back from a worker thread: ${String(e)}` } };
    port.postMessage(failed);
  }
});
