// A generated file's bytes, encoded once per run: the plan compares and writes them, and the run's cache entry hashes
// them. Encoding the ten-service output (37 MB of mostly two-byte strings) costs a few hundred ms each time.
import type { GeneratedFile } from "../../emit/files.js";

const encoded = new WeakMap<GeneratedFile, Buffer>();

export function bytesOf(file: GeneratedFile): Buffer {
  let bytes = encoded.get(file);
  if (bytes === undefined) {
    // Bytes an emitter made already are used as they are (a view, not a copy).
    bytes = file.bytes ? Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength) : Buffer.from(file.content, "utf8");
    encoded.set(file, bytes);
  }
  return bytes;
}
