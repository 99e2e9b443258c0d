// Rules over which keys of one table go together (key-spec.ts TableRule): checked by the readers with positions,
// and rendered into the JSON Schema so editors flag the same combinations.
import { type ReadContext, keyLocation, pathId, q, tableName } from "./context.js";
import type { TableRule, TableSpec } from "./key-spec.js";

/** `"env", "file" or "username"`. */
const either = (keys: readonly string[]): string =>
  keys.length < 2 ? keys.map(q).join("") : `${keys.slice(0, -1).map(q).join(", ")} or ${q(keys[keys.length - 1]!)}`;

/**
 * Reports every broken rule of `spec` for the table `raw` found at `path`; a table breaking one is added to
 * `ctx.rejected` so readers leave it out. Keys count when written, whatever their value.
 */
export function checkTableRules(spec: TableSpec, raw: Record<string, unknown>, path: readonly string[], ctx: ReadContext): boolean {
  if (spec.rules === undefined) return true;
  // In the order written, so messages name the keys as the reader meets them.
  const present = (keys: readonly string[]): string[] => Object.keys(raw).filter((key) => keys.includes(key));
  const at = (key?: string) => keyLocation(ctx, key === undefined ? path : [...path, key]);
  const where = tableName(path);
  // A misspelt key is reported as unknown; "needs one of" would only repeat it.
  const misspelt = Object.keys(raw).some((key) => !Object.hasOwn(spec.keys, key));
  let ok = true;
  const fail = (message: string, key?: string): void => {
    ctx.sink.error("config/conflicting-keys", message, at(key));
    ok = false;
  };
  const exactlyOne = (keys: readonly string[], set: string[], missing: string, missingAt?: string): void => {
    if (set.length === 0) {
      if (misspelt) ok = false;
      else fail(missing, missingAt);
    }
    // Reported at the later key: the first one written is taken as meant.
    else if (set.length > 1) fail(`${q(set[0]!)} and ${q(set[1]!)} are both set in ${where}; set exactly one of ${either(keys)}`, set[1]);
  };
  for (const rule of spec.rules) {
    switch (rule.kind) {
      case "one-of":
        exactlyOne(rule.keys, present(rule.keys), `${where} needs one of ${either(rule.keys)}`);
        break;
      case "needs":
        if (Object.hasOwn(raw, rule.key)) {
          exactlyOne(rule.oneOf, present(rule.oneOf), `${q(rule.key)} needs ${either(rule.oneOf)} in ${where}`, rule.key);
        } else {
          for (const key of present(rule.oneOf)) fail(`${q(key)} needs ${q(rule.key)} in ${where}`, key);
        }
        break;
      case "together": {
        const set = present(rule.keys);
        if (set.length === 0 || set.length === rule.keys.length) break;
        const missing = rule.keys.filter((key) => !set.includes(key));
        fail(`${q(set[0]!)} needs ${missing.map(q).join(" and ")} in ${where}`, set[0]);
        break;
      }
    }
  }
  if (!ok) ctx.rejected.add(pathId(path));
  return ok;
}

type Schema = Record<string, unknown>;

// `properties` repeats the key (already described by the table) so Ajv's strictRequired finds it in this subschema.
const requiredOne = (keys: readonly string[]): Schema => ({
  oneOf: keys.map((key) => ({ properties: { [key]: true }, required: [key] })),
});

function ruleSchema(rule: TableRule): Schema {
  switch (rule.kind) {
    case "one-of":
      return requiredOne(rule.keys);
    case "needs":
      return {
        dependencies: {
          [rule.key]: requiredOne(rule.oneOf),
          ...Object.fromEntries(rule.oneOf.map((key) => [key, [rule.key]])),
        },
      };
    case "together":
      return { dependencies: Object.fromEntries(rule.keys.map((key) => [key, rule.keys.filter((other) => other !== key)])) };
  }
}

/** The rules as JSON Schema keywords to merge into the table's schema (`allOf`, one entry per rule). */
export function rulesSchema(rules: readonly TableRule[] | undefined): Schema {
  return rules === undefined || rules.length === 0 ? {} : { allOf: rules.map(ruleSchema) };
}
