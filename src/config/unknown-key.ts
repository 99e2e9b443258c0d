// Unknown keys: reported at the key with the closest known key of the same table as a suggestion.
import { type ReadContext, keyLocation, q, tableName } from "./context.js";
import type { TableSpec } from "./keys.js";
import { suggest } from "./suggest.js";

/**
 * `unknown key "retyr" in [external_services.x]; did you mean "retry"?` — as an error, or for tables shared with
 * acton-service ("open") as a warning and only when there is a suggestion.
 */
export function reportUnknownKey(key: string, spec: TableSpec, path: readonly string[], ctx: ReadContext): void {
  const at = keyLocation(ctx, [...path, key]);
  const where = path.length === 0 ? "at the top level" : `in ${tableName(path)}`;
  if (spec.perServiceOnly?.includes(key)) {
    ctx.sink.error("config/not-allowed", `${q(key)} is set per service, in [external_services.<name>], not ${where}`, at);
    return;
  }
  const hint = suggest(key, Object.keys(spec.keys)) ?? nestedKey(key, spec);
  const message = `unknown key ${q(key)} ${where}${hint ? `; did you mean ${q(hint)}?` : ""}`;
  if (spec.rest !== "open") ctx.sink.error("config/unknown-key", message, at);
  else if (hint) ctx.sink.warning("config/unknown-key", message, at);
}

/** `max_attempts` written directly in a service table most likely meant `retry.max_attempts`. */
function nestedKey(key: string, spec: TableSpec): string | undefined {
  for (const [name, child] of Object.entries(spec.keys)) {
    if (child.value.kind === "table" && Object.hasOwn(child.value.keys, key)) return `${name}.${key}`;
  }
  return undefined;
}
