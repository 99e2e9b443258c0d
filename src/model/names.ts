// Identifiers for generated code. Every name that reaches TypeScript source passes through here, so nothing a spec
// or services.toml says can become code: anything that is not [A-Za-z0-9_$] is dropped at a word boundary.

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "as implements interface let package private protected public static yield await async of any boolean number " +
    "string symbol never unknown object undefined type declare namespace module keyof readonly infer is asserts " +
    "satisfies unique global require arguments eval constructor prototype __proto__ toString valueOf hasOwnProperty"
  ).split(" "),
);

/** Split any text into words: camelCase humps, digits, and runs of other characters as separators. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
}

/** `users_service` → `UsersService`; always a valid identifier start (a leading digit gets `_`). */
export function pascalCase(text: string, fallback = "Service"): string {
  const joined = words(text).map(cap).join("");
  const name = joined.length > 0 ? joined : fallback;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `users_service` → `usersService`, never a reserved word. */
export function camelCase(text: string, fallback = "service"): string {
  const p = pascalCase(text, pascalCase(fallback));
  const name = p.startsWith("_") ? p : p.charAt(0).toLowerCase() + p.slice(1);
  return RESERVED.has(name) ? `${name}_` : name;
}

export function isReserved(name: string): boolean {
  return RESERVED.has(name);
}

/** Hands out names within one file: the first asker gets `base`, later ones `base2`, `base3`, … */
export class NameScope {
  private readonly used = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const n of taken) this.used.add(n);
  }

  take(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name) || RESERVED.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    return name;
  }
}
