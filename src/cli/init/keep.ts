// What `init --from` keeps of an acton-service config: the tables svcgen reads, and inside them only the keys svcgen's
// key table (src/config/keys.ts) knows. Values of known keys are kept as written, valid or not: `gen` reports a bad
// value at its position, while an unknown key (a bulkhead setting, an api_key) is something svcgen never reads.
import { CALLER_TABLE, RESILIENCE_TABLE, SERVICE_TABLE, type TableSpec, type ValueSpec } from "../../config/keys.js";
import { isTable } from "../../config/values.js";

/** A key-table node, plus `[external_services]` (URL strings or service tables) and "anything goes" below it. */
export type KeepNode = ValueSpec | { kind: "services"; entry: TableSpec } | { kind: "open" };

const SERVICES: KeepNode = { kind: "services", entry: SERVICE_TABLE };
const OPEN: KeepNode = { kind: "open" };

/** The top-level tables kept. Everything else at the top level is left out. */
export const KEPT_TABLES: ReadonlyMap<string, KeepNode> = new Map<string, KeepNode>([
  ["service", CALLER_TABLE],
  ["external_services", SERVICES],
  ["resilience", RESILIENCE_TABLE],
]);

/** Why a key inside a kept table was left out. */
export interface Dropped {
  /** Key path from the top of the document (array-of-tables elements by index, as locateKeys addresses them). */
  path: string[];
  reason: "unknown-key" | "not-a-service";
  /** The closest known key of the same table, when there is one. */
  candidates: readonly string[];
}

/** The node for `segment` below `node`; undefined when svcgen does not know that key. */
export function childNode(node: KeepNode, segment: string): KeepNode | undefined {
  switch (node.kind) {
    case "table":
      if (Object.hasOwn(node.keys, segment)) return node.keys[segment]!.value;
      return node.rest === "open" ? OPEN : undefined;
    case "services":
      return node.entry;
    case "map":
      return node.entry;
    case "values":
      return node.value;
    case "tables":
      // A header through an array of tables (`[a.routes.x]`) continues in its last element.
      return childNode(node.entry, segment);
    default:
      // Below a scalar key, or in an open table: kept as written; `gen` judges the value.
      return OPEN;
  }
}

/** The keys of a table-like node (for "did you mean"). */
export function knownKeys(node: KeepNode): readonly string[] {
  return node.kind === "table" ? Object.keys(node.keys) : [];
}

/**
 * `value` with every key svcgen does not read left out, recording each in `dropped`. `path` is where `value` sits.
 * A value of the wrong shape for its node is kept: `gen` reports it with its position.
 */
export function keepKnown(value: unknown, node: KeepNode, path: readonly string[], dropped: Dropped[]): unknown {
  switch (node.kind) {
    case "table": {
      if (!isTable(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const next = childNode(node, key);
        if (next === undefined) dropped.push({ path: [...path, key], reason: "unknown-key", candidates: knownKeys(node) });
        else out[key] = keepKnown(child, next, [...path, key], dropped);
      }
      return out;
    }
    case "services": {
      if (!isTable(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(value)) {
        if (typeof entry === "string") out[key] = entry;
        else if (isTable(entry)) out[key] = keepKnown(entry, node.entry, [...path, key], dropped);
        else dropped.push({ path: [...path, key], reason: "not-a-service", candidates: [] });
      }
      return out;
    }
    case "map":
    case "values": {
      if (!isTable(value)) return value;
      const entryNode = node.kind === "map" ? node.entry : node.value;
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(value)) out[key] = keepKnown(entry, entryNode, [...path, key], dropped);
      return out;
    }
    case "tables":
      if (!Array.isArray(value)) return value;
      return value.map((item, index) => keepKnown(item, node.entry, [...path, String(index)], dropped));
    default:
      return value;
  }
}

