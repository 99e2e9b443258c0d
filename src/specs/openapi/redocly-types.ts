// Redocly looks up a spec key in its type tree with `type.properties[key]`, on plain objects: a schema property or
// component named `hasOwnProperty`, `valueOf` or `constructor` finds Object.prototype's function, which Redocly then
// calls and crashes on — asynchronously, killing the process. Those are legal names in a spec, so instead of refusing
// them we give every normalized type prototype-free property maps. Applied once, before the first bundle.
import { createRequire } from "node:module";

type TypeTree = Record<string, { properties?: Record<string, unknown> } | undefined>;
type Normalize = (types: unknown, options?: unknown) => TypeTree;

let patched = false;

export function guardRedoclyTypes(): void {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.url);
  const mod = require("@redocly/openapi-core/lib/types/index.js") as { normalizeTypes?: Normalize };
  const original = mod.normalizeTypes;
  // A future Redocly may move this; then names like `hasOwnProperty` fall back to its own behaviour.
  if (typeof original !== "function") return;
  mod.normalizeTypes = (types, options) => {
    const normalized = original(types, options);
    for (const type of Object.values(normalized)) {
      if (type?.properties) type.properties = Object.assign(Object.create(null) as Record<string, unknown>, type.properties);
    }
    return normalized;
  };
}
