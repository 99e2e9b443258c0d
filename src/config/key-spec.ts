// The vocabulary of the key table (keys.ts): what a value may be, and how a table treats keys it does not list.
/** Checks applied to string values; each has a message in values.ts and a JSON Schema rendering in schema.ts. */
export type StringFormat =
  | "url"
  | "origin"
  | "dns-label"
  | "header"
  | "http-path"
  | "host-port"
  | "dns-name"
  | "relative-path"
  | "env-name"
  | "non-empty"
  | "label-key"
  | "label-value";

export type ValueSpec =
  | { kind: "integer"; min: number; max?: number; unit?: "milliseconds" | "seconds" | "bytes" }
  | { kind: "number"; min: number; max: number; minExclusive?: boolean }
  | { kind: "boolean" }
  | { kind: "string"; enum?: readonly string[]; format?: StringFormat }
  /**
   * An array of strings; `single` also accepts one bare string (normalised to a one-element array); `enum` limits the
   * entries to the listed words (duplicates are dropped).
   */
  | { kind: "strings"; format?: StringFormat; minItems?: number; single?: boolean; enum?: readonly string[] }
  /** `"connect"`, `"timeout"` and HTTP status codes. */
  | { kind: "retry-on" }
  | TableSpec
  /** A table whose keys are names chosen by the user (operationIds), each value read with `entry`. */
  | { kind: "map"; entry: TableSpec }
  /** An array of tables (`[[…routes]]`), each read with `entry`; kept whole, never merged across layers. */
  | { kind: "tables"; entry: TableSpec }
  /**
   * A table of names chosen by the user (subset names, pod labels, header names), each value read with `value`;
   * kept whole, never merged across layers. `keyFormat` checks each name (Kubernetes label keys); `minItems`
   * refuses a smaller table (an empty label selector would select every pod).
   */
  | { kind: "values"; value: ValueSpec; minItems?: number; keyFormat?: StringFormat };

export interface TableSpec {
  kind: "table";
  keys: KeyTable;
  /**
   * Keys not in `keys`: "error" reports them (with a suggestion); "open" ignores them but warns about near-misses
   * (tables shared with acton-service).
   */
  rest: "error" | "open";
  /** `false` is accepted too and switches off what the table would configure (kept whole, not merged per key). */
  orFalse?: boolean;
  /** A bare string is accepted too and stands for `{ <orString> = "…" }` (kept whole, not merged per key). */
  orString?: string;
  /** Keys that exist only in `[external_services.<name>]`: reported with a pointer there instead of as unknown. */
  perServiceOnly?: readonly string[];
  /** Which keys go together (table-rules.ts checks them and renders them into the JSON Schema). */
  rules?: readonly TableRule[];
}

/**
 * A rule over the keys present in one table (present as written, valid or not, so a wrong value is not reported
 * twice):
 * - `one-of`: exactly one of `keys`;
 * - `needs`: `key` needs exactly one of `oneOf`, and those keys need `key`;
 * - `together`: all of `keys` or none.
 */
export type TableRule =
  | { kind: "one-of"; keys: readonly string[] }
  | { kind: "needs"; key: string; oneOf: readonly string[] }
  | { kind: "together"; keys: readonly string[] };

export interface KeySpec {
  value: ValueSpec;
  description: string;
  required?: boolean;
}

export type KeyTable = Readonly<Record<string, KeySpec>>;

/** A duration in milliseconds of at least `min`, up to what a 32-bit timer holds. */
export const ms = (min: number): ValueSpec => ({ kind: "integer", min, max: 2_147_483_647, unit: "milliseconds" });

/** A count of at least `min`. */
export const count = (min: number): ValueSpec => ({ kind: "integer", min, max: 2_147_483_647 });
