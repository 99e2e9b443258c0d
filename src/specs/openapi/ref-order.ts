// Document order across a spec's files, as if the bundle were written out: the entry from top to bottom, each file
// it `$ref`s read in full where it is first referenced. Used to pick the first of many references to one missing
// target; run only when a spec has such references (it reads every reachable node).

import { isObject, own, toPointer } from "./pointer.js";

export interface OrderSources {
  /** The parsed document at an absolute path, undefined when it cannot be read (missing, refused, unparseable). */
  load(abs: string): Promise<unknown>;
  /** The absolute path a `$ref`'s file part names, relative to the file that holds it. */
  resolve(base: string, file: string): string;
}

interface Frame {
  node: unknown;
  file: string;
  parent?: Frame;
  key?: string;
}

function pointerOf(frame: Frame): string {
  const tokens: string[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) tokens.push(f.key);
  return toPointer(tokens.reverse());
}

/** `abs + pointer` → position in document order, for the wanted places only (`wanted`: abs → pointers). */
export async function documentOrder(
  entry: string,
  wanted: ReadonlyMap<string, ReadonlySet<string>>,
  sources: OrderSources,
): Promise<Map<string, number>> {
  const order = new Map<string, number>();
  const root = await sources.load(entry);
  if (root === undefined) return order;
  const files = new Set([entry]);
  // YAML aliases can make one object appear twice (or inside itself): each is read once.
  const seen = new WeakSet<object>();
  const stack: Frame[] = [{ node: root, file: entry }];
  let position = 0;
  const record = (frame: Frame): void => {
    const pointer = pointerOf(frame);
    if (wanted.get(frame.file)?.has(pointer) === true && !order.has(frame.file + pointer)) order.set(frame.file + pointer, position);
  };
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.node;
    position += 1;
    // A discriminator mapping's values are refs written as plain strings, reported at the string.
    if (typeof node === "string") {
      if (wanted.has(frame.file)) record(frame);
      continue;
    }
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    const entries: Array<[string, unknown]> = Array.isArray(node)
      ? node.map((v, i) => [String(i), v])
      : Object.keys(node).map((k) => [k, own(node as Record<string, unknown>, k)]);
    const ref = isObject(node) ? own(node, "$ref") : undefined;
    if (wanted.has(frame.file) && isObject(node) && (typeof ref === "string" || typeof own(node, "externalValue") === "string")) {
      record(frame);
    }
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, value] = entries[i]!;
      if ((typeof value === "object" && value !== null) || (frame.key === "mapping" && typeof value === "string")) {
        stack.push({ node: value, file: frame.file, parent: frame, key });
      }
    }
    // Pushed last, so the referenced file is read next: in place of the `$ref`, as the bundle reads it.
    const file = typeof ref === "string" ? ref.split("#")[0] : "";
    if (file !== undefined && file !== "") {
      const abs = sources.resolve(frame.file, file);
      if (!files.has(abs)) {
        files.add(abs);
        const doc = await sources.load(abs);
        if (doc !== undefined) stack.push({ node: doc, file: abs });
      }
    }
  }
  return order;
}
