// The property names @bufbuild/protobuf gives fields, oneofs, methods and enum values at runtime
// (reflect/names.ts and registry.ts there). Generated types must use exactly these, so they are computed the same way.

/** protoc's JSON name: `expires_at` → `expiresAt` (an underscore upper-cases the next letter; digits pass through). */
export function protoCamelCase(snake: string): string {
  let upper = false;
  let out = "";
  for (const c of snake) {
    if (c === "_") {
      upper = true;
    } else if (c >= "0" && c <= "9") {
      out += c;
      upper = false;
    } else {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return out;
}

const RESERVED_OBJECT_PROPERTIES = new Set(["constructor", "toString", "toJSON", "valueOf"]);

/** Names JavaScript objects already use get a `$` suffix. */
export function safeObjectProperty(name: string): string {
  return RESERVED_OBJECT_PROPERTIES.has(name) ? `${name}$` : name;
}

/** A method's key in a service descriptor: `ValidateToken` → `validateToken`. */
export function methodLocalName(name: string): string {
  return safeObjectProperty(name.length > 0 ? safeObjectProperty(name[0]!.toLowerCase() + name.slice(1)) : name);
}

/** The prefix every value of an enum shares (`STATUS_` for `Status`), removed from the values' local names. */
export function enumSharedPrefix(enumName: string, values: readonly string[]): string | undefined {
  const snake = (enumName.slice(0, 1) + enumName.slice(1).replace(/[A-Z]/g, (c) => `_${c}`)).toLowerCase();
  const prefix = `${snake}_`;
  for (const value of values) {
    if (!value.toLowerCase().startsWith(prefix)) return undefined;
    const short = value.slice(prefix.length);
    if (short.length === 0 || /^\d/.test(short)) return undefined;
  }
  return prefix;
}
